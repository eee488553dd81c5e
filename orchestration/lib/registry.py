"""The reference registry: who reports, what they report, and how often.

Ingestion checks every submission's identity against it, dbt models from the same files
(loaded into the build database), so both sides always agree on codes and validity dates.
Loading and validating the files lives in `orchestration.lib.reference`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Mapping

from orchestration.lib.disaggregations import OptionHeaders, option_headers

UnitType = Literal[
    "province",            # the province as an administrative area (QN)
    "district",            # district-level area, ends 2025-06-30
    "commune",             # commune-level area
    "health_department",   # Sở Y tế
    "cdc",                 # provincial CDC
    "hospital",            # provincial hospital
    "health_centre",       # Trung tâm Y tế (district until 2025-06-30, regional after)
    "commune_station",     # Trạm Y tế xã/phường
    "statistics_office",   # sends population by area
    "social_insurance",    # sends insured people by area
]
AREA_UNIT_TYPES: frozenset[str] = frozenset({"province", "district", "commune"})

IndicatorKind = Literal["reported", "reference", "derived"]
Aggregation = Literal["flow", "stock", "yearly"]
Frequency = Literal["monthly", "quarterly", "yearly"]
Direction = Literal["at_least", "at_most"]  # which side of a target or benchmark counts as achieved
DimensionKind = Literal["exhaustive", "partial"]  # options sum to the total | each option is "of which"


@dataclass(frozen=True)
class OrgUnit:
    code: str
    name_vi: str
    unit_type: str
    catchment_area_code: str | None  # area whose population is this unit's denominator, if any
    valid_from: date
    valid_to: date | None            # inclusive; None = still active
    email: str | None

    def is_active_between(self, start: date, end: date) -> bool:
        """Active for the whole period: a unit merged mid-period cannot report that period."""
        return self.valid_from <= start and (self.valid_to is None or end <= self.valid_to)


@dataclass(frozen=True)
class ParentLink:
    """Where a unit sits in the hierarchy for a stretch of time: facilities point at the area they are
    located in, areas at their parent area. Re-parenting closes one link and opens another."""

    org_unit_code: str
    parent_code: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class LineageEvent:
    predecessor_code: str
    successor_code: str
    effective_date: date
    change_kind: Literal["merge", "split", "rename", "re-parent"]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    kind: IndicatorKind
    unit_of_measure_vi: str
    aggregation: Aggregation | None  # None for derived indicators: they are recomputed, never aggregated
    numerator_code: str | None = None
    numerator_subtract_code: str | None = None
    denominator_code: str | None = None
    factor: float | None = None
    numerator_window: Literal["period", "year_to_date"] | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class Obligation:
    unit_type: str
    indicator_code: str
    frequency: Frequency


@dataclass(frozen=True)
class UnitObligation:
    """One unit's departure from its type's obligations (unit_obligations.csv): a contract may make a
    single hospital owe births its type does not, or exempt one without a maternity ward. In force
    for a period when its validity covers the period's last day, as a deadline regime is."""

    org_unit_code: str
    indicator_code: str
    frequency: Frequency
    rule: Literal["owes", "exempt"]
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    note_vi: str | None

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class ReportingDeadline:
    """Working days after the period's end by which a report is due, per legal regime.

    Circular 37/2019/TT-BYT applies to periods ending before 2025-07-01, Circular 23/2025/TT-BYT
    after; `unit_type` '*' is the regime's default.
    """

    regime_code: str
    valid_from: date
    valid_to: date | None
    unit_type: str
    working_days_after_period: int


@dataclass(frozen=True)
class PublicHoliday:
    day: date
    name_vi: str
    kind: Literal["holiday", "compensatory_day_off", "compensatory_working_day"]


@dataclass(frozen=True)
class IndicatorTarget:
    """A yearly target (chỉ tiêu) the province sets for one indicator in one area, e.g. health
    insurance coverage of at least 95 %. Targets are for rates and ratios, which keep their meaning
    in a month as in the whole year; a yearly count target would be unmet in every month."""

    indicator_code: str
    area_code: str
    year: int
    target_value: float
    direction: Direction
    note_vi: str | None


@dataclass(frozen=True)
class NationalBenchmark:
    """The national figure for an indicator and year (beds per 10 000: 34), so that a province
    can read its own figure against the country's and not only against its own target."""

    indicator_code: str
    year: int
    benchmark_value: float
    direction: Direction
    source_vi: str


@dataclass(frozen=True)
class DisaggregationOption:
    """One column a total may be split into (Nữ, Dưới 15 tuổi). An exhaustive dimension's options
    add up to the total (Nam + Nữ); a partial one's are each "trong đó" (of which) ≤ the total."""

    dimension_code: str
    dimension_kind: DimensionKind
    option_code: str
    name_vi: str
    name_en: str
    headers_vi: str  # the header variants forms use, separated by ';'


@dataclass(frozen=True)
class IndicatorDisaggregation:
    indicator_code: str
    dimension_code: str


@dataclass(frozen=True)
class DataOfficer:
    """The person at the provincial health department a unit calls or writes to about its figures:
    every message to a unit names them and replies go to them, never to the automatic sender."""

    province_code: str
    name_vi: str
    phone: str
    email: str


@dataclass(frozen=True)
class Registry:
    org_units: Mapping[str, OrgUnit]
    indicators: Mapping[str, Indicator]
    obligations: tuple[Obligation, ...]
    parent_links: tuple[ParentLink, ...] = field(default=())
    lineage: tuple[LineageEvent, ...] = field(default=())
    deadlines: tuple[ReportingDeadline, ...] = field(default=())
    holidays: tuple[PublicHoliday, ...] = field(default=())
    targets: tuple[IndicatorTarget, ...] = field(default=())
    benchmarks: tuple[NationalBenchmark, ...] = field(default=())
    disaggregation_options: tuple[DisaggregationOption, ...] = field(default=())
    indicator_disaggregations: tuple[IndicatorDisaggregation, ...] = field(default=())
    unit_obligations: tuple[UnitObligation, ...] = field(default=())
    data_officers: tuple[DataOfficer, ...] = field(default=())

    def obligations_of(self, unit_type: str) -> tuple[Obligation, ...]:
        return self._obligations_by_unit_type.get(unit_type, ())

    @functools.cached_property
    def _obligations_by_unit_type(self) -> Mapping[str, tuple[Obligation, ...]]:
        """Asked for every file the intake checks; the registry never changes once loaded.
        (cached_property writes the instance dict directly, which a frozen dataclass allows.)"""
        by_unit_type: dict[str, list[Obligation]] = {}
        for obligation in self.obligations:
            by_unit_type.setdefault(obligation.unit_type, []).append(obligation)
        return {unit_type: tuple(owed) for unit_type, owed in by_unit_type.items()}

    def unit_obligations_of(self, unit_code: str) -> tuple[UnitObligation, ...]:
        return self._unit_obligations_by_unit.get(unit_code, ())

    @functools.cached_property
    def _unit_obligations_by_unit(self) -> Mapping[str, tuple[UnitObligation, ...]]:
        by_unit: dict[str, list[UnitObligation]] = {}
        for obligation in self.unit_obligations:
            by_unit.setdefault(obligation.org_unit_code, []).append(obligation)
        return {code: tuple(owed) for code, owed in by_unit.items()}

    def province_of(self, code: str) -> str | None:
        """The province a unit or area belongs to (a province is its own), or None for a code the
        registry does not place under one. A national instance holds several provinces, and every
        "the province" (who signs, whose areas, whose digest) must be the unit's own."""
        return self._provinces.get(code)

    @functools.cached_property
    def _provinces(self) -> Mapping[str, str]:
        """Up the parent links to a province. Units move between districts and communes of their
        province, never between provinces, so the latest link of each unit is followed."""
        latest: dict[str, ParentLink] = {}
        for link in self.parent_links:
            if link.org_unit_code not in latest or latest[link.org_unit_code].valid_from < link.valid_from:
                latest[link.org_unit_code] = link
        provinces: dict[str, str] = {}
        for code, unit in self.org_units.items():
            current, hops = unit, 0
            while current is not None and current.unit_type != "province" and hops <= len(latest):
                link = latest.get(current.code)
                current, hops = (self.org_units.get(link.parent_code) if link else None), hops + 1
            if current is not None and current.unit_type == "province":
                provinces[code] = current.code
        return provinces

    def areas_active_during(self, start: date, end: date, province: str | None = None) -> tuple[str, ...]:
        """Areas existing on at least one day of the window, most aggregated first: an area that
        exists for part of a year (a district abolished on 2025-06-30, a ward formed on
        2025-07-01) still needs that year's population for its months. With `province`, only that
        province's areas: a statistics office reports on its own province."""
        order = ("province", "district", "commune")
        areas = [
            unit for unit in self.org_units.values()
            if unit.unit_type in AREA_UNIT_TYPES and unit.valid_from <= end
            and (unit.valid_to is None or start <= unit.valid_to)
            and (province is None or self.province_of(unit.code) == province)
        ]
        return tuple(unit.code for unit in sorted(areas, key=lambda unit: (order.index(unit.unit_type), unit.code)))

    def options_of(self, indicator_code: str) -> tuple[DisaggregationOption, ...]:
        """The disaggregation options an indicator may be split into, in catalogue order."""
        dimensions = {link.dimension_code for link in self.indicator_disaggregations
                      if link.indicator_code == indicator_code}
        return tuple(option for option in self.disaggregation_options if option.dimension_code in dimensions)

    @functools.cached_property
    def disaggregation_headers(self) -> OptionHeaders:
        """Folded once per registry: the parser asks for every column of every file."""
        return option_headers(self.disaggregation_options)

    def data_officer_of(self, unit_code: str) -> DataOfficer | None:
        """The data officer of the unit's own province (`province_of`)."""
        province = self.province_of(unit_code)
        return next((officer for officer in self.data_officers if officer.province_code == province), None)

    def frequencies_of(self, unit_type: str) -> frozenset[str]:
        return frozenset(o.frequency for o in self.obligations_of(unit_type))
