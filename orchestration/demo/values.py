"""Plausible, mutually consistent numbers for the demo province.

The clean demo must pass every data-quality rule, so consistency is built in rather than hoped
for: DTP3 never exceeds DTP1, full immunisation never exceeds DTP3, a commune station immunises
90-98 % of its commune's under-ones over a year, satisfied patients are a share of those surveyed,
e-prescriptions a share of visits. Every random draw is keyed by (seed, unit, period, purpose), so
a value does not depend on which other months were generated alongside it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from orchestration.demo.schedule import PlannedReport
from orchestration.lib.periods import Period
from orchestration.lib.registry import OrgUnit, Registry
from orchestration.lib.working_days import WorkingCalendar

EPOCH_YEAR = 2024  # trends (e-prescribing, EHR roll-out, staffing) start here
POPULATION_GROWTH = 0.011
BASE_POPULATION = {  # 2024, rounded from provincial statistics; the demo covers 5 of 13 districts
    "QN": 1_381_000, "QN-HL": 331_000, "QN-DT": 186_000, "QN-QY": 152_000, "QN-DH": 44_500, "QN-TY": 55_800,
    "QN-X-HONGHAI": 31_200, "QN-X-HONGHA": 26_400, "QN-X-BAICHAY": 24_800, "QN-X-HATU": 19_600,
    "QN-X-GIENGDAY": 16_900, "QN-X-MAOKHE": 41_300, "QN-X-DUCCHINH": 12_700, "QN-X-BINHKHE": 8_600,
    "QN-X-PHONGCOC": 12_100, "QN-X-DONGMAI": 11_800, "QN-X-TIENAN": 8_300, "QN-X-DAMHA": 8_900,
    "QN-X-DAIBINH": 6_400, "QN-X-QUANGLAM": 6_200, "QN-X-HAILANG": 9_400, "QN-X-DONGNGU": 6_600,
    "QN-X-TIENYEN": 9_800,
}
FALLBACK_POPULATION = {"province": 1_000_000, "district": 100_000, "commune": 10_000}
DENGUE_BY_MONTH = (3, 2, 1, 2, 3, 8, 16, 27, 41, 33, 14, 5)  # northern pattern: rainy-season peak
MEASLES_PEAK_MONTH = 13  # months after January 2024: the 2024-25 outbreak peaked around February 2025


@dataclass(frozen=True)
class FacilityProfile:
    opd: float               # outpatient visits in an ordinary month
    inpatient_share: float   # admissions per visit
    referral_share: float    # central-level referrals per visit
    beds: int
    doctors: int
    births: float            # live births per month
    surveyed: int            # satisfaction survey sample per quarter
    eprescribing: tuple[float, float, float]  # uptake in January 2024, monthly gain, ceiling


HOSPITALS = {
    "QN-BVDKT": FacilityProfile(38_000, 0.14, 0.008, 1_200, 380, 130, 560, (0.72, 0.011, 0.97)),
    "QN-BVBC": FacilityProfile(26_000, 0.13, 0.006, 800, 260, 0, 420, (0.70, 0.011, 0.97)),
    "QN-BVSN": FacilityProfile(21_000, 0.15, 0.005, 620, 210, 620, 380, (0.75, 0.010, 0.97)),
}


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: exact and fast for the small means of rare events."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def split_total(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` that add up to exactly `total` (largest remainder)."""
    shares = [total * weight / sum(weights) for weight in weights]
    parts = [math.floor(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda index: parts[index] - shares[index])
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


class DemoValues:
    def __init__(self, registry: Registry, seed: int):
        self._registry, self._seed = registry, seed
        self._calendar = WorkingCalendar(registry.holidays)
        self._merged_from: dict[str, list[str]] = defaultdict(list)
        for event in registry.lineage:
            if event.change_kind == "merge":
                self._merged_from[event.successor_code].append(event.predecessor_code)
        self._immunisation_plans: dict[tuple[str, int], list[int]] = {}

    def _rng(self, *purpose: object) -> random.Random:
        return random.Random(":".join(map(str, (self._seed, *purpose))))

    # Populations: a merged area's people are its predecessors' people.
    def _parts(self, area_code: str) -> list[str]:
        if area_code in BASE_POPULATION or not self._merged_from[area_code]:
            return [area_code]
        return [part for predecessor in self._merged_from[area_code] for part in self._parts(predecessor)]

    def _own_population(self, area_code: str, year: int) -> int:
        unit = self._registry.org_units[area_code]
        base = BASE_POPULATION.get(area_code, FALLBACK_POPULATION.get(unit.unit_type, 10_000))
        jitter = self._rng(area_code, year, "population").uniform(-0.002, 0.002)
        return round(base * (1 + POPULATION_GROWTH) ** (year - EPOCH_YEAR) * (1 + jitter))

    def population(self, area_code: str, year: int) -> int:
        return sum(self._own_population(part, year) for part in self._parts(area_code))

    def under_one(self, area_code: str, year: int) -> int:
        return sum(round(self._own_population(part, year) * self._rng(part, year, "u1").uniform(0.0134, 0.0150))
                   for part in self._parts(area_code))

    def insured(self, area_code: str, year: int) -> int:
        return sum(round(self._own_population(part, year) * self._rng(part, year, "bhyt").uniform(0.92, 0.95))
                   for part in self._parts(area_code))

    def values(self, report: PlannedReport) -> dict[tuple[str, str], int]:
        """(unit or area code, indicator code) -> value for every cell the report carries."""
        if report.area_codes:
            reference = {"POP_TOTAL": self.population, "POP_U1": self.under_one, "BHYT_INSURED": self.insured}
            return {(area, code): reference[code](area, report.period.year)
                    for area in report.area_codes for code in report.indicator_codes}
        producers: dict[str, Callable[[OrgUnit, Period], dict[str, int]]] = {
            "hospital": self._facility, "health_centre": self._facility,
            "commune_station": self._station, "cdc": self._surveillance,
        }
        if report.unit.unit_type not in producers:
            raise ValueError(f"the demo has no model for unit type '{report.unit.unit_type}' / "
                             f"bộ dữ liệu mẫu chưa có mô hình cho loại đơn vị '{report.unit.unit_type}'")
        produced = producers[report.unit.unit_type](report.unit, report.period)
        return {(report.unit.code, code): produced[code] for code in report.indicator_codes}

    def _activity(self, period: Period) -> float:
        """Visits peak in winter and dip in months with Tết or long holidays (fewer working days)."""
        winter = 1 + 0.07 * math.cos(2 * math.pi * (period.start.month - 1) / 12)
        working_days = self._calendar.working_days_between(period.start - timedelta(days=1), period.end)
        return winter * (0.55 + 0.45 * working_days / 21.7)

    def _months_since_epoch(self, period: Period) -> int:
        return (period.year - EPOCH_YEAR) * 12 + period.start.month - 1

    def _profile(self, unit: OrgUnit) -> FacilityProfile:
        """Named hospitals as they are; any other hospital mid-sized; a health centre sized by its district."""
        if unit.unit_type == "hospital":
            return HOSPITALS.get(unit.code, FacilityProfile(15_000, 0.12, 0.006, 400, 120, 0, 300, (0.70, 0.011, 0.97)))
        people = self.population(unit.catchment_area_code, EPOCH_YEAR) if unit.catchment_area_code else 100_000
        return FacilityProfile(people * 0.045, 0.11, 0.003, round(people / 1_300), round(people / 4_000),
                               people * 0.0155 / 12 * 0.3, 250, (0.45, 0.02, 0.92))

    def _facility(self, unit: OrgUnit, period: Period) -> dict[str, int]:
        profile, rng = self._profile(unit), self._rng(unit.code, period.code, "facility")
        if period.frequency == "quarterly":
            surveyed = round(profile.surveyed * rng.uniform(0.9, 1.1))
            satisfied = round(surveyed * rng.uniform(0.86, 0.94))
            return {"SATISFACTION_SURVEYED": surveyed, "SATISFACTION_SATISFIED": satisfied}
        months = self._months_since_epoch(period)
        visits = round(profile.opd * self._activity(period) * rng.uniform(0.96, 1.04))
        start, gain, ceiling = profile.eprescribing
        autumn = 1 + 0.08 * math.cos(2 * math.pi * (period.start.month - 10) / 12)  # births peak around October
        births = round(profile.births * autumn * rng.uniform(0.94, 1.06))
        return {
            "OPD_VISITS": visits,
            "IPD_ADMISSIONS": round(visits * profile.inpatient_share * rng.uniform(0.95, 1.05)),
            "REFERRALS_CENTRAL": round(visits * profile.referral_share * rng.uniform(0.85, 1.15)),
            "EPRESCRIPTIONS": round(visits * min(ceiling, start + gain * months)),
            "BEDS": round(profile.beds * (1 + 0.02 * (months // 6))),
            "DOCTORS": round(profile.doctors * (1 + 0.025 * months / 12)),
            "LIVE_BIRTHS": births,
            # only where deliveries are many enough for one death to stay a plausible ratio
            "MATERNAL_DEATHS": int(births >= 200 and rng.random() < 0.04),
        }

    def _immunisation_plan(self, unit: OrgUnit, year: int) -> list[int]:
        """A year's fully immunised children, 92-97 % of the under-ones, spread over the months."""
        key = (unit.code, year)
        if key not in self._immunisation_plans:
            rng = self._rng(unit.code, year, "immunisation")
            total = round(self.under_one(unit.catchment_area_code, year) * rng.uniform(0.92, 0.97))
            self._immunisation_plans[key] = split_total(total, [rng.uniform(0.85, 1.15) for _ in range(12)])
        return self._immunisation_plans[key]

    def _station(self, unit: OrgUnit, period: Period) -> dict[str, int]:
        area = self._registry.org_units[unit.catchment_area_code]
        people, rng = self.population(area.code, period.year), self._rng(unit.code, period.code, "station")
        months = self._months_since_epoch(period)
        fully = self._immunisation_plan(unit, period.year)[period.start.month - 1]
        third = fully + round(fully * rng.uniform(0.01, 0.05)) + rng.randint(0, 1)
        first = max(1, third + round(third * rng.uniform(0.005, 0.03)) + rng.randint(0, 1))
        unit_rng = self._rng(unit.code, "station-constants")
        ehr_start, staffing_step = unit_rng.uniform(0.50, 0.65), unit_rng.randint(6, 40)
        rural = area.name_vi.startswith("Xã")
        return {
            "OPD_VISITS": round(people * 0.028 * self._activity(period) * rng.uniform(0.93, 1.07)),
            "LIVE_BIRTHS": poisson(rng, 0.6 if rural else 0.1),
            "IMM_FULL_U1": fully,
            "DTP3": third,
            "DTP1": first,
            "EHR_PEOPLE": round(people * min(0.93, ehr_start + 0.012 * months)),
            "DOCTORS": 1 + round(self.population(area.code, EPOCH_YEAR) / 15_000) + (months >= staffing_step),
        }

    def _surveillance(self, unit: OrgUnit, period: Period) -> dict[str, int]:
        rng, months = self._rng(unit.code, period.code, "surveillance"), self._months_since_epoch(period)
        dengue_year = 1.0 if period.year % 2 == 0 else 0.75
        outbreak = 28 * math.exp(-((months - MEASLES_PEAK_MONTH) ** 2) / 18)
        return {
            "DENGUE_CASES": poisson(rng, DENGUE_BY_MONTH[period.start.month - 1] * dengue_year),
            "MEASLES_CASES": poisson(rng, 1.2 + outbreak),
        }
