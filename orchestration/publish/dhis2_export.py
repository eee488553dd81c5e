"""DHIS2 interchange: the units' own reported values as `dataValueSets` JSON and CSV, one pair per period.

DHIS2 stores raw data values — what a facility entered for a data element, org unit and period — and
computes every total and rate itself, adding org units up its hierarchy and periods up the calendar.
So the export sends exactly what each unit reported and nothing the warehouse computed: the rows of
`marts.fct_indicator_values` that carry a `reported_value` (the figure a unit typed for exactly that
indicator, unit and period, with the file behind it in `source_submission_id`). Not
`fct_indicator_value_history`: it also holds the values of held and superseded files and raw cells
the warehouse rejected, and can hold several cells for one unit and period; `fct_indicator_values`
holds one checked, published figure per indicator, unit and period. The value sent is the published
`value` (equal to the typed figure for a reported element). Left out, counted in the metadata:

- rates and ratios (derived indicators): they are DHIS2 *indicators*, computed from data elements;
  imported as data values DHIS2 would add them up like counts;
- the nine-month period (YYYYN9): DHIS2 has no nine-month period type;
- a total typed beside finer reports of the same unit and indicator inside its period (a quarter
  total beside its months): DHIS2 adds the months up itself, and would count the quarter twice.

Area-level figures a unit reported (the statistics office's population of a commune, a district and
the province) are reported values, not roll-ups, and are exported; DHIS2 must then give those data
elements aggregation levels, or it adds the commune figures to the district's own.

A value whose indicator or unit has no row in the mapping file is never guessed: the unit or
indicator is listed in `dhis2/unmapped.csv` and in the metadata. Everything is read through the
read-only connection to the staged publication, so the DHIS2 files hold the same checked figures as
every other format. Formats follow the DHIS2 Web API documentation ("Sending bulks of data values",
"CSV data value format"): one `dataValues` list with period and org unit on each value, values as
strings, and the CSV columns in DHIS2's order.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.lib.periods import number_in_year, period_from_code
from orchestration.lib.reference import Problem
from orchestration.publish.dhis2_mapping import Dhis2Mapping, check_codes, load_dhis2_mapping
from orchestration.publish.previous_files import PreviousFiles, grouped_fingerprints
from orchestration.publish.publisher import sha256_of

DHIS2_FOLDER = "dhis2"
UNMAPPED_FILE = "unmapped.csv"
# DHIS2's CSV data value format, in its column order; the importer reads by position.
CSV_COLUMNS = (
    "dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
    "value", "storedby", "lastupdated", "comment", "followup",
)
UNMAPPED_COLUMNS = ("object_type", "warehouse_code", "name_vi", "values_not_exported")
# Arrival times are stored as naive Vietnam time (ingest/arrivals.py); DHIS2 gets the offset spelt out.
VIETNAM_OFFSET = "+07:00"
NINE_MONTHS_NOTE = (
    "Kỳ 9 tháng (YYYYN9) không có loại kỳ tương ứng trong DHIS2 nên không được xuất / "
    "the nine-month period (YYYYN9) has no DHIS2 period type and is not exported"
)

_REPORTED_VALUES = f"""
with reported as (
    select
        v.indicator_code, v.org_unit_code, v.period_code, v.value, v.source_submission_id,
        i.kind, i.name_vi as indicator_name_vi, p.start_date, p.end_date
    from {MARTS_SCHEMA}.fct_indicator_values as v
    inner join {MARTS_SCHEMA}.dim_indicators as i on i.indicator_code = v.indicator_code
    inner join {MARTS_SCHEMA}.dim_periods as p on p.period_code = v.period_code
    where v.reported_value is not null
)
select
    r.indicator_code, r.org_unit_code, r.period_code, r.value, r.kind,
    exists (
        select 1 from reported as finer
        where finer.indicator_code = r.indicator_code and finer.org_unit_code = r.org_unit_code
            and finer.period_code <> r.period_code
            and finer.start_date >= r.start_date and finer.end_date <= r.end_date
    ) as beside_finer_reports,
    r.indicator_name_vi, u.name_vi as unit_name_vi,
    s.submission_id, s.file_name, s.org_unit_code as submitting_unit_code, s.arrived_at
from reported as r
left join {MARTS_SCHEMA}.dim_org_units as u on u.org_unit_code = r.org_unit_code
left join {MARTS_SCHEMA}.fct_submissions as s on s.submission_id = r.source_submission_id
order by r.period_code, r.org_unit_code, r.indicator_code
"""


@dataclass(frozen=True)
class ReportedValue:
    indicator_code: str
    org_unit_code: str
    period_code: str
    value: float
    kind: str
    beside_finer_reports: bool
    indicator_name_vi: str | None
    unit_name_vi: str | None
    submission_id: int | None
    file_name: str | None
    submitting_unit_code: str | None
    arrived_at: datetime | None


def dhis2_period(period_code: str) -> str | None:
    """The DHIS2 ISO period of a warehouse period code; None for nine months, which DHIS2 lacks."""
    period = period_from_code(period_code)
    number = number_in_year(period)
    return {
        "month": f"{period.year}{number:02d}",
        "quarter": f"{period.year}Q{number}",
        "half_year": f"{period.year}S{number}",
        "year": f"{period.year}",
    }.get(period.period_type)


def dhis2_value(value: float) -> str:
    """DHIS2 takes values as strings: counts without a trailing `.0`, never an exponent, and exactly
    the double the warehouse holds (float(text) == value)."""
    if not math.isfinite(value):
        raise ValueError(f"DHIS2 has no representation for {value}")
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def dhis2_timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds") + VIETNAM_OFFSET


def data_value(row: ReportedValue, mapping: Dhis2Mapping, period: str) -> dict[str, str]:
    """One entry of `dataValues`, in the field order of the DHIS2 documentation."""
    if row.submission_id is None or row.arrived_at is None:
        raise ValueError(f"published value {row.indicator_code}/{row.org_unit_code}/{row.period_code} "
                         "has no source file in fct_submissions")
    target = mapping.data_elements[row.indicator_code]
    return {
        "dataElement": target.data_element,
        "period": period,
        "orgUnit": mapping.org_units[row.org_unit_code].org_unit,
        "categoryOptionCombo": target.category_option_combo,
        "attributeOptionCombo": target.attribute_option_combo,
        "value": dhis2_value(row.value),
        "storedBy": row.submitting_unit_code or "",
        "created": dhis2_timestamp(row.arrived_at),
        "comment": f"Tệp / file {row.file_name}, mã nộp / submission {row.submission_id}",
    }


def _csv_row(value: dict[str, str]) -> list[str]:
    return [value["dataElement"], value["period"], value["orgUnit"], value["categoryOptionCombo"],
            value["attributeOptionCombo"], value["value"], value["storedBy"], value["created"],
            value["comment"], "false"]


def _reported_values(connection: duckdb.DuckDBPyConnection, periods: list[str]) -> list[ReportedValue]:
    rows = connection.execute(
        f"select * from ({_REPORTED_VALUES}) where list_contains($periods, period_code) "
        "order by period_code, org_unit_code, indicator_code",
        {"periods": periods},
    ).fetchall()
    return [ReportedValue(*row) for row in rows]


def _check_mapping(connection: duckdb.DuckDBPyConnection, mapping: Dhis2Mapping) -> list[Problem]:
    kinds = dict(connection.execute(f"select indicator_code, kind from {MARTS_SCHEMA}.dim_indicators").fetchall())
    units = {code for (code,) in connection.execute(f"select org_unit_code from {MARTS_SCHEMA}.dim_org_units").fetchall()}
    return check_codes(mapping, kinds, units)


def write_dhis2_exports(
    connection: duckdb.DuckDBPyConnection, folder: Path, mapping_csv: Path, previous: PreviousFiles | None = None
) -> dict:
    """Writes folder/dhis2/<period>.json and .csv for every DHIS2 period with an exported value, and
    folder/dhis2/unmapped.csv; returns Dagster asset metadata. Raises ReferenceDataError (with file
    and line) when the mapping is malformed or maps a rate; codes it names that the publication does
    not know are listed in the metadata. A period whose reported values (as the export reads them)
    and mapping are unchanged since the previous publication gets that publication's files and
    counts (`previous_files.py`); only the other periods are read and written."""
    previous = previous if previous is not None else PreviousFiles()
    mapping = load_dhis2_mapping(mapping_csv)
    not_published = _check_mapping(connection, mapping)
    target = folder / DHIS2_FOLDER
    target.mkdir(parents=True)

    fingerprints = grouped_fingerprints(connection, _REPORTED_VALUES, "period_code", sha256_of(mapping_csv))
    summaries: dict[str, Mapping] = {}
    for period_code, fingerprint in fingerprints.items():
        summary = previous.reuse(f"{DHIS2_FOLDER}/{period_code}", fingerprint, folder)
        if summary is not None:
            summaries[period_code] = summary
    changed = sorted(fingerprints.keys() - summaries.keys())
    by_period: dict[str, list[ReportedValue]] = defaultdict(list)
    for row in _reported_values(connection, changed):
        by_period[row.period_code].append(row)
    for period_code in changed:
        summaries[period_code] = _write_warehouse_period(
            target, period_code, by_period[period_code], mapping, fingerprints[period_code], previous, folder
        )

    left_out: Counter[str] = Counter()
    unmapped: Counter[tuple[str, str, str]] = Counter()
    for summary in summaries.values():
        left_out.update(summary["left_out"])
        for object_type, code, name, count in summary["unmapped"]:
            unmapped[object_type, code, name] += count
    exported = {code: summary["values"] for code, summary in summaries.items() if summary["values"]}
    unmapped_path = _write_unmapped(target, unmapped)
    listed = {kind: ", ".join(code for object_type, code, _ in sorted(unmapped) if object_type == kind)
              for kind in ("data_element", "org_unit")}
    return {
        "dhis2_folder": str(target),
        "dhis2_periods": len(exported),
        "dhis2_files": 2 * len(exported),
        "dhis2_reused_periods": previous.reused(f"{DHIS2_FOLDER}/"),
        "dhis2_data_values": sum(exported.values()),
        "dhis2_unmapped_file": str(unmapped_path),
        "dhis2_unmapped_values": left_out["unmapped"],
        "dhis2_unmapped_indicators": listed["data_element"],
        "dhis2_unmapped_org_units": listed["org_unit"],
        "dhis2_left_out_rates": left_out["rates"],
        "dhis2_left_out_nine_months": left_out["nine_months"],
        "dhis2_left_out_totals_beside_finer_reports": left_out["totals_beside_finer_reports"],
        "dhis2_mapping_codes_not_published": "; ".join(str(problem) for problem in not_published),
        "dhis2_note": NINE_MONTHS_NOTE,
    }


def _write_warehouse_period(
    target: Path, period_code: str, rows: list[ReportedValue], mapping: Dhis2Mapping, fingerprint: str,
    previous: PreviousFiles, folder: Path,
) -> dict:
    """The files of one warehouse period (none when nothing of it is exported) and what was left
    out of it, recorded for the next publication."""
    period = dhis2_period(period_code)
    values: list[dict[str, str]] = []
    left_out: Counter[str] = Counter()
    unmapped: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        if row.kind == "derived":
            left_out["rates"] += 1
        elif period is None:
            left_out["nine_months"] += 1
        elif row.beside_finer_reports:
            left_out["totals_beside_finer_reports"] += 1
        elif row.indicator_code not in mapping.data_elements or row.org_unit_code not in mapping.org_units:
            left_out["unmapped"] += 1
            if row.indicator_code not in mapping.data_elements:
                unmapped["data_element", row.indicator_code, row.indicator_name_vi or ""] += 1
            if row.org_unit_code not in mapping.org_units:
                unmapped["org_unit", row.org_unit_code, row.unit_name_vi or ""] += 1
        else:
            values.append(data_value(row, mapping, period))
    files = _write_period(target, period, values) if values else []
    summary = {
        "values": len(values),
        "left_out": dict(left_out),
        "unmapped": [[*key, count] for key, count in sorted(unmapped.items())],
    }
    previous.record(f"{DHIS2_FOLDER}/{period_code}", fingerprint, folder, files, summary)
    return summary


def _write_period(target: Path, period: str, values: list[dict[str, str]]) -> list[Path]:
    """Plain UTF-8 without a byte-order mark: these files are for DHIS2's importer, not for Excel."""
    with (target / f"{period}.json").open("w", encoding="utf-8") as handle:
        json.dump({"dataValues": values}, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    with (target / f"{period}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_row(value) for value in values)
    return [target / f"{period}.json", target / f"{period}.csv"]


def _write_unmapped(target: Path, unmapped: Counter[tuple[str, str, str]]) -> Path:
    """Written even when empty, so that "nothing unmapped" is a file a data manager can open. With a
    byte-order mark: a person opens this one, in Excel, and the names are Vietnamese."""
    path = target / UNMAPPED_FILE
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(UNMAPPED_COLUMNS)
        writer.writerows((*key, count) for key, count in sorted(unmapped.items()))
    return path
