"""What the monthly data-quality report shows, read from the published warehouse (read-only).

The report describes the warehouse BI users see, so it reads the published file, never the build.
Per unit it shows monthly reports from January to the report's month: the month's own card has a
single report per unit (0 or 100 %), which says little; the year so far says how a unit reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.clock import VIETNAM

# Tracer indicators whose monthly province totals are drawn as trends: service volume, inpatient
# care, births and immunisation — the series a DQ officer scans for breaks first.
KEY_INDICATORS = ("OPD_VISITS", "IPD_ADMISSIONS", "LIVE_BIRTHS", "DTP3")
TREND_MONTHS = 24
OUTLIER_MONTHS = 12
FINDINGS_SHOWN = 60


@dataclass(frozen=True)
class ReportData:
    period_code: str
    label_vi: str
    label_en: str
    province_code: str
    province_name: str
    month: dict[str, Any]          # fct_dq_province_summary for the month
    year: dict[str, Any] | None    # ... for the month's year, as far as it has been reported
    units: list[dict[str, Any]]    # per unit: the month's card and the year so far
    outliers_by_month: list[tuple[str, int]]
    findings: list[dict[str, Any]]
    findings_total: int
    findings_explained: int
    trends: list[dict[str, Any]]   # indicator_code, name_vi, name_en, labels, values
    published_at: str | None


class ReportPeriodError(LookupError):
    """The published warehouse has no data-quality card for the month asked for."""


def latest_month(published_db: Path) -> str | None:
    with duckdb.connect(str(published_db), read_only=True) as connection:
        [(period,)] = connection.sql(
            "select max(period_code) from marts.fct_dq_province_summary where period_type = 'month'"
        ).fetchall()
    return period


def read_report_data(published_db: Path, period_code: str) -> ReportData:
    with duckdb.connect(str(published_db), read_only=True) as connection:
        month = _rows(connection, "select * from marts.fct_dq_province_summary where period_code = ? and period_type = 'month'", [period_code])
        if not month:
            raise ReportPeriodError(
                f"Kho đã công bố không có phiếu chất lượng cho kỳ {period_code} / "
                f"the published warehouse has no data-quality card for {period_code}"
            )
        summary = month[0]
        year = _rows(connection, "select * from marts.fct_dq_province_summary where period_code = ?", [period_code[:4]])
        [(label_vi, label_en)] = connection.execute(
            "select label_vi, label_en from marts.dim_periods where period_code = ?", [period_code]
        ).fetchall()
        [(province_name,)] = connection.execute(
            "select any_value(name_vi) from marts.dim_org_units where org_unit_code = ?", [summary["org_unit_code"]]
        ).fetchall()
        findings = _rows(
            connection,
            "select severity, rule_code, org_unit_code, indicator_code, value_text, file_name, cell_ref, message_vi,"
            " message_en, status, status_reason, status_changed_at"
            " from marts.fct_dq_findings where period_code = ?"
            " order by status <> 'open', status, severity, rule_code, org_unit_code, indicator_code",
            [period_code],
        )
        published = connection.sql("select max(published_at) from meta.publication").fetchall()[0][0]
        return ReportData(
            period_code=period_code,
            label_vi=label_vi,
            label_en=label_en,
            province_code=summary["org_unit_code"],
            province_name=province_name or summary["org_unit_code"],
            month=summary,
            year=year[0] if year else None,
            units=_units(connection, period_code),
            outliers_by_month=_outliers_by_month(connection, period_code),
            findings=findings[:FINDINGS_SHOWN],
            findings_total=len(findings),
            trends=_trends(connection, summary["org_unit_code"], period_code),
            published_at=None if published is None else local_time(published),
            findings_explained=sum(finding["status"] == "explained" for finding in findings),
        )


def local_time(moment: datetime) -> str:
    """dd/mm/yyyy hh:mm in Vietnam; a time stored without a zone is UTC, as the publisher writes it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _units(connection: duckdb.DuckDBPyConnection, period_code: str) -> list[dict[str, Any]]:
    return _rows(
        connection,
        """
        with year_so_far as (
            select
                org_unit_code,
                sum(reports_expected) as reports_expected,
                sum(reports_received) as reports_received,
                sum(reports_on_time) as reports_on_time,
                sum(indicators_expected) as indicators_expected,
                sum(indicators_missing) as indicators_missing,
                sum(values_checked) as values_checked,
                sum(values_with_outliers) as values_with_outliers,
                sum(values_held) as values_held
            from marts.fct_dq_scorecard
            where period_type = 'month' and period_code between ? and ?
            group by org_unit_code
        )
        select
            month.org_unit_code,
            coalesce(units.name_vi, month.org_unit_code) as name_vi,
            month.unit_type,
            month.reports_received = month.reports_expected as month_received,
            month.reports_on_time = month.reports_expected as month_on_time,
            month.warning_findings as month_warnings,
            month.error_findings as month_errors,
            month.explained_findings as month_explained,
            round(100.0 * ytd.reports_received / ytd.reports_expected, 1) as completeness_pct,
            round(100.0 * ytd.reports_on_time / ytd.reports_expected, 1) as timeliness_pct,
            round(100.0 * (ytd.indicators_expected - ytd.indicators_missing) / nullif(ytd.indicators_expected, 0), 1)
                as value_completeness_pct,
            ytd.values_with_outliers,
            round(100.0 * ytd.values_with_outliers / nullif(ytd.values_checked, 0), 1) as outlier_pct,
            ytd.values_held,
            month.consistency_flags
        from marts.fct_dq_scorecard as month
        inner join year_so_far as ytd on month.org_unit_code = ytd.org_unit_code
        left join (select org_unit_code, any_value(name_vi) as name_vi from marts.dim_org_units group by 1) as units
            on month.org_unit_code = units.org_unit_code
        where month.period_code = ?
        order by month.unit_type, month.org_unit_code
        """,
        [f"{period_code[:4]}01", period_code, period_code],
    )


def _outliers_by_month(connection: duckdb.DuckDBPyConnection, period_code: str) -> list[tuple[str, int]]:
    rows = connection.execute(
        "select period_code, values_with_outliers from marts.fct_dq_province_summary"
        " where period_type = 'month' and period_code <= ? order by period_code desc limit ?",
        [period_code, OUTLIER_MONTHS],
    ).fetchall()
    return [(period, count) for period, count in reversed(rows)]


def _trends(connection: duckdb.DuckDBPyConnection, province_code: str, period_code: str) -> list[dict[str, Any]]:
    months = [
        row[0]
        for row in connection.execute(
            "select period_code from marts.dim_periods where period_type = 'month' and period_code <= ?"
            " order by period_code desc limit ?",
            [period_code, TREND_MONTHS],
        ).fetchall()
    ][::-1]
    trends = []
    for code in KEY_INDICATORS:
        names = connection.execute(
            "select name_vi, name_en from marts.dim_indicators where indicator_code = ?", [code]
        ).fetchall()
        if not names:
            continue
        values = dict(connection.execute(
            "select period_code, value from marts.fct_indicator_values"
            " where indicator_code = ? and org_unit_code = ? and period_code in (select unnest(?))",
            [code, province_code, months],
        ).fetchall())
        trends.append({
            "indicator_code": code, "name_vi": names[0][0], "name_en": names[0][1],
            "labels": months, "values": [values.get(month) for month in months],
        })
    return trends


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, parameters)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
