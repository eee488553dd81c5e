"""What the consolidated provincial report shows, read from the published file only.

The report a Sở Y tế officer sends upward (báo cáo tổng hợp) holds, for one period, every indicator
of the catalogue against the province and each of its areas and units. Everything comes from the
read-only connection to the published DuckDB file, so the report is the checked publication and
nothing else: values from fct_indicator_values, targets and national figures from
fct_indicator_achievement, held and flagged values from fct_dq_findings.

What the marts say about held and flagged values (fct_dq_findings, int_current_values): an error
finding that names an indicator holds back exactly that value (unit, indicator, period), which is
then absent from fct_indicator_values; a warning publishes the value with the finding as its flag.
Findings without an indicator are about a whole report (missing, late) and mark no cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.lib.periods import Period, period_from_code
from orchestration.lib.text import fold

# The period types the report has a sheet for, in sheet order.
REPORT_PERIOD_TYPES = ("month", "quarter", "year")

# Deeper than any real hierarchy (province, district, commune, facility): stops a cycle in the links.
_MAX_DEPTH = 12


@dataclass(frozen=True)
class ReportIndicator:
    code: str
    name_vi: str
    name_en: str
    unit_of_measure_vi: str | None
    decimals: int
    target: float | None  # the province's yearly target
    benchmark: float | None  # the national figure for the year
    assessment_vi: str | None  # Đạt / Chưa đạt / Không có số liệu, for the province
    compared_with: str | None  # target | benchmark


@dataclass(frozen=True)
class ReportUnit:
    code: str
    name_vi: str
    is_province: bool


@dataclass(frozen=True)
class ReportCell:
    value: float | None
    is_complete: bool
    held: bool  # an error finding holds the value back: it is not published
    flagged: bool  # a warning finding: the value is published with a flag
    notes: tuple[str, ...]  # the findings' messages, Vietnamese then English


@dataclass(frozen=True)
class ProvinceReport:
    """One sheet: one province, one period."""

    period: Period
    province: ReportUnit
    indicators: tuple[ReportIndicator, ...]
    units: tuple[ReportUnit, ...]  # the province first, then its areas, then its facilities
    cells: Mapping[tuple[str, str], ReportCell]  # (indicator_code, org_unit_code) -> cell


def latest_periods(connection: duckdb.DuckDBPyConnection) -> dict[str, Period]:
    """The latest month, quarter and year with at least one published value, complete or not
    (incomplete values are marked in the report). A type with no published value is absent.
    Codes of one type sort in time order (202512, 2025Q4, 2025), so the greatest is the latest."""
    rows = connection.execute(
        f"""
        select period_type, max(period_code) from {MARTS_SCHEMA}.fct_indicator_values
        where list_contains($types, period_type) group by period_type
        """,
        {"types": list(REPORT_PERIOD_TYPES)},
    ).fetchall()
    return {period_type: period_from_code(code) for period_type, code in rows}


def provinces(connection: duckdb.DuckDBPyConnection) -> tuple[ReportUnit, ...]:
    rows = connection.execute(
        f"select org_unit_code, name_vi from {MARTS_SCHEMA}.dim_org_units where unit_type = 'province'"
    ).fetchall()
    return tuple(sorted((ReportUnit(code, name or code, True) for code, name in rows), key=_name_key))


def latest_arrivals(connection: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """When each province's latest file arrived (any status): what the report's source note cites.
    Empty for a publication without submissions or without units' provinces."""
    present = {
        (table, column) for table, column in connection.execute(
            "select table_name, column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name in ('fct_submissions', 'dim_org_units')",
            [MARTS_SCHEMA],
        ).fetchall()
    }
    if not {("fct_submissions", "arrived_at"), ("dim_org_units", "province_code")} <= present:
        return {}
    return dict(connection.execute(
        f"""
        select units.province_code, max(submissions.arrived_at)
        from {MARTS_SCHEMA}.fct_submissions as submissions
        join {MARTS_SCHEMA}.dim_org_units as units on units.org_unit_code = submissions.org_unit_code
        where units.province_code is not null
        group by all
        """
    ).fetchall())


def decimals_of(kind: str) -> int:
    """Counts (reported elements, yearly references such as population) are whole numbers; derived
    rates and ratios (%, per 10 000, per 100 000) are shown with one decimal, the precision the
    province's targets and the national figures are given in (95; 94,1; 34)."""
    return 1 if kind == "derived" else 0


def province_reports(connection: duckdb.DuckDBPyConnection, period: Period) -> list[ProvinceReport]:
    """One report per province of the registry for `period` (a provincial warehouse has one)."""
    units = _units_in_force(connection, period.end)
    cells_by_unit: dict[str, dict[tuple[str, str], ReportCell]] = {}
    for key, cell in _cells(connection, period.code).items():
        cells_by_unit.setdefault(key[1], {})[key] = cell
    all_provinces = provinces(connection)
    indicators = _indicators(connection, period.code, [province.code for province in all_provinces])
    reports = []
    for province in all_provinces:
        columns = [province] + _ordered_units(
            [unit for unit in units if unit.province_code == province.code and unit.code in cells_by_unit], period.end
        )
        reports.append(
            ProvinceReport(
                period=period,
                province=province,
                indicators=indicators[province.code],
                units=tuple(columns),
                cells={key: cell for unit in columns for key, cell in cells_by_unit.get(unit.code, {}).items()},
            )
        )
    return reports


@dataclass(frozen=True)
class _PlacedUnit:
    code: str
    name_vi: str
    org_unit_level: str
    province_code: str
    depth: int
    in_force: bool  # linked into the hierarchy on the period's last day
    valid_to: date | None


def _units_in_force(connection: duckdb.DuckDBPyConnection, end: date) -> list[_PlacedUnit]:
    """Every unit with its province and its depth below it. The hierarchy in force on the period's
    last day decides (the marts roll values up along it); a unit no link of that day reaches — one
    that ended before — is placed by its links of any day, so its figures still find their column."""
    rows = connection.execute(
        f"""
        with recursive links as (
            select org_unit_code, parent_code,
                   valid_from <= $end and coalesce(valid_to, $end) >= $end as in_force
            from {MARTS_SCHEMA}.dim_org_unit_parent_links
        ),
        walk(org_unit_code, province_code, depth, in_force) as (
            select org_unit_code, org_unit_code, 0, true
            from {MARTS_SCHEMA}.dim_org_units where unit_type = 'province'
            union all
            select links.org_unit_code, walk.province_code, walk.depth + 1, walk.in_force and links.in_force
            from links join walk on links.parent_code = walk.org_unit_code
            where walk.depth < {_MAX_DEPTH}
        ),
        placed as (
            select org_unit_code,
                   arg_min(province_code, (not in_force, depth)) as province_code,
                   arg_min(depth, (not in_force, depth)) as depth,
                   bool_or(in_force) as in_force
            from walk group by org_unit_code
        )
        select units.org_unit_code, coalesce(units.name_vi, units.org_unit_code), units.org_unit_level,
               placed.province_code, placed.depth, placed.in_force, units.valid_to
        from {MARTS_SCHEMA}.dim_org_units as units
        join placed on placed.org_unit_code = units.org_unit_code
        where units.unit_type <> 'province'
        """,
        {"end": end},
    ).fetchall()
    return [_PlacedUnit(*row) for row in rows]


def _ordered_units(units: list[_PlacedUnit], end: date) -> list[ReportUnit]:
    """Areas (districts, communes) before facilities; within each, the hierarchy in force at the
    period's end by depth, then units that had ended by then (a district abolished mid-year still
    has figures for the year); then by name the way a Vietnamese reader alphabetises (diacritics
    folded, so Đ sorts with D). An ended unit's header says when it ended."""
    ordered = sorted(
        units,
        key=lambda unit: (unit.org_unit_level != "area", not unit.in_force, unit.depth, fold(unit.name_vi), unit.code),
    )
    return [ReportUnit(unit.code, _header_name(unit, end), False) for unit in ordered]


def _header_name(unit: _PlacedUnit, end: date) -> str:
    if unit.valid_to is not None and unit.valid_to < end:
        return f"{unit.name_vi} (đến {unit.valid_to:%d/%m/%Y})"
    return unit.name_vi


def _name_key(unit: ReportUnit) -> tuple[str, str]:
    return fold(unit.name_vi), unit.code


def _indicators(
    connection: duckdb.DuckDBPyConnection, period_code: str, province_codes: list[str]
) -> dict[str, tuple[ReportIndicator, ...]]:
    """Every indicator of the catalogue for each province, so the form is the same every period: an
    empty row says nothing was published. Elements first, then references, then derived rates, each
    by code (the catalogue has no order of its own; codes keep related counts together: DTP1, DTP3).
    One query for every province: one per province cost seconds at 60 provinces."""
    rows = connection.execute(
        f"""
        with provinces as (select unnest($provinces) as province_code),
        own as (
            select indicator_code, org_unit_code, max(target_value) as target_value,
                   max(achievement_label_vi) as assessment_vi, max(compared_with) as compared_with
            from {MARTS_SCHEMA}.fct_indicator_achievement
            where period_code = $period and list_contains($provinces, org_unit_code)
            group by all
        ),
        -- The national figure is the same for every area of the year.
        national as (
            select indicator_code, max(benchmark_value) as benchmark_value
            from {MARTS_SCHEMA}.fct_indicator_achievement where period_code = $period group by all
        )
        select provinces.province_code, indicators.indicator_code,
               coalesce(indicators.name_vi, indicators.indicator_code), coalesce(indicators.name_en, ''),
               indicators.unit_of_measure_vi, indicators.kind,
               own.target_value, national.benchmark_value, own.assessment_vi, own.compared_with
        from provinces cross join {MARTS_SCHEMA}.dim_indicators as indicators
        left join national on national.indicator_code = indicators.indicator_code
        left join own on own.indicator_code = indicators.indicator_code and own.org_unit_code = provinces.province_code
        """,
        {"period": period_code, "provinces": province_codes},
    ).fetchall()
    kind_order = {"reported": 0, "reference": 1, "derived": 2}
    rows.sort(key=lambda row: (row[0], kind_order.get(row[5], 3), row[1]))
    by_province: dict[str, tuple[ReportIndicator, ...]] = {code: () for code in province_codes}
    for province, *indicator in rows:
        code, name_vi, name_en, unit, kind, target, benchmark, assessment, compared_with = indicator
        by_province[province] += (
            ReportIndicator(code, name_vi, name_en, unit, decimals_of(kind), target, benchmark, assessment, compared_with),
        )
    return by_province


def _cells(connection: duckdb.DuckDBPyConnection, period_code: str) -> dict[tuple[str, str], ReportCell]:
    """Published values and indicator-level findings of the period, joined on unit and indicator.
    Findings are kept only for units and indicators of the catalogue: an ingestion finding may quote
    a code as mistyped, which has no row or column to mark."""
    values = {
        (indicator, unit): (value, complete)
        for indicator, unit, value, complete in connection.execute(
            f"""
            select indicator_code, org_unit_code, value, is_complete
            from {MARTS_SCHEMA}.fct_indicator_values where period_code = ?
            """,
            [period_code],
        ).fetchall()
    }
    findings: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for indicator, unit, severity, message_vi, message_en in connection.execute(
        f"""
        select findings.indicator_code, findings.org_unit_code, findings.severity,
               findings.message_vi, findings.message_en
        from {MARTS_SCHEMA}.fct_dq_findings as findings
        join {MARTS_SCHEMA}.dim_org_units as units on units.org_unit_code = findings.org_unit_code
        join {MARTS_SCHEMA}.dim_indicators as indicators on indicators.indicator_code = findings.indicator_code
        where findings.period_code = ?
        order by findings.severity, findings.rule_code, findings.finding_id
        """,
        [period_code],
    ).fetchall():
        findings.setdefault((indicator, unit), []).append((severity, message_vi or "", message_en or ""))
    cells = {}
    for key in values.keys() | findings.keys():
        value, complete = values.get(key, (None, False))
        found = findings.get(key, [])
        severities = {severity for severity, _, _ in found}
        held = value is None and "error" in severities
        # The publication is the truth: a value it holds is shown, so an error beside a published
        # value (which the marts never produce) flags it rather than hiding it; a warning about a
        # value that never came (a missing-value rule) flags the empty cell.
        cells[key] = ReportCell(
            value=value,
            is_complete=bool(complete),
            held=held,
            flagged=bool(severities) and not held,
            notes=tuple(f"{vi} / {en}" if en else vi for _, vi, en in found),
        )
    return cells
