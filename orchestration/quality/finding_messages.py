"""Failed rows become findings: one per value (or report, or unit-year), with messages in both languages.

A message starts with where the problem is — file, sheet and cell when there is one, otherwise
the unit and period — then what is wrong and how to fix it, as the ingestion's findings do.
Numbers are written the way each reader writes them: 1.384.000 and 95,56 in Vietnamese,
1,384,000 and 95.56 in English; dates as 07/02/2025 and 2025-02-07.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from orchestration.lib.workbook.locations import where_en, where_vi
from orchestration.quality.rule_catalogue import Rule

FINDING_COLUMNS = [
    "org_unit_code", "period_code", "indicator_code", "rule_code", "severity", "message_vi", "message_en",
    "submission_id", "file_name", "sheet_name", "cell_ref", "value_text",
]
# Decimals shown per field; any other number gets at most two.
_ROUNDED = {"modified_z": 1, "sd_distance": 1, "baseline_median": 1, "baseline_mean": 0, "ratio_pct": 0}


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="Int64" if column == "submission_id" else "object")
                         for column in FINDING_COLUMNS})


def value_findings(rule: Rule, rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of the values under check: each points at its own cell."""
    return [_finding(rule, row, row, row["indicator_code"]) for row in _records(rows)]


def pair_findings(rule: Rule, rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Both values of a related pair are held back, so each gets a finding pointing at its cell."""
    findings = []
    for row in _records(rows):
        for side in ("lesser", "greater"):
            location = {column: row[f"{side}_{column}"] for column in ("submission_id", "file_name", "sheet_name", "cell_ref")}
            location["value"] = row[f"{side}_value"]
            findings.append(_finding(rule, row, location, row[f"{side}_code"]))
    return findings


def report_findings(rule: Rule, rows: pd.DataFrame, file_side: str | None) -> list[dict[str, Any]]:
    """Register rows: a late report points at its first file; a missing one has no file."""
    findings = []
    for row in _records(rows):
        location = {}
        if file_side:
            location = {"submission_id": row[f"{file_side}_submission_id"], "file_name": row[f"{file_side}_file_name"]}
        findings.append(_finding(rule, row, location, None))
    return findings


def missing_value_findings(rule: Rule, rows: pd.DataFrame) -> list[dict[str, Any]]:
    """An absent value has no cell; the finding points at the file's indicator table."""
    return [
        _finding(
            rule,
            row,
            {"submission_id": row["winning_submission_id"], "file_name": row["winning_file_name"],
             "sheet_name": row["winning_table_sheet"]},
            row["indicator_code"],
        )
        for row in _records(rows)
    ]


def year_findings(rule: Rule, rows: pd.DataFrame) -> list[dict[str, Any]]:
    """A whole year of a unit's indicator: no single file or cell to point at."""
    return [_finding(rule, row | {"ratio_pct": row["ratio"] * 100}, {}, row["indicator_code"]) for row in _records(rows)]


def _finding(rule: Rule, fields: Mapping[str, Any], location: Mapping[str, Any], indicator_code: str | None) -> dict[str, Any]:
    file_name = _present(location.get("file_name"))
    sheet_name = _present(location.get("sheet_name"))
    cell_ref = _present(location.get("cell_ref"))
    unit, period = fields["org_unit_code"], fields["period_code"]
    if file_name:
        where = where_vi(file_name, sheet_name, cell_ref), where_en(file_name, sheet_name, cell_ref)
    else:
        where = f"Đơn vị {unit}, kỳ {period}", f"Unit {unit}, period {period}"
    vi, en = _texts(fields, "vi"), _texts(fields, "en")
    value = _present(location.get("value", fields.get("value")))
    submission_id = _present(location.get("submission_id"))
    return {
        "org_unit_code": unit,
        "period_code": period,
        "indicator_code": indicator_code,
        "rule_code": rule.code,
        "severity": rule.severity,
        "message_vi": f"{where[0]}: {rule.problem_vi.format_map(vi)} Cách sửa: {rule.fix_vi.format_map(vi)}",
        "message_en": f"{where[1]}: {rule.problem_en.format_map(en)} How to fix: {rule.fix_en.format_map(en)}",
        "submission_id": None if submission_id is None else int(submission_id),
        "file_name": file_name,
        "sheet_name": sheet_name,
        "cell_ref": cell_ref,
        "value_text": None if value is None else _plain_number(value),
    }


def _texts(fields: Mapping[str, Any], language: str) -> dict[str, str]:
    texts = {}
    for key, value in fields.items():
        if _present(value) is None:
            texts[key] = ""
        elif isinstance(value, (datetime, date)):
            texts[key] = value.strftime("%d/%m/%Y" if language == "vi" else "%Y-%m-%d")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            texts[key] = number_text(value, language, _ROUNDED.get(key, 2))
        else:
            texts[key] = str(value)
    value = fields.get("value")
    if "baseline_median" in fields and _present(value) is not None:
        higher = value > fields["baseline_median"]
        texts["direction_vi"] = "cao" if higher else "thấp"
        texts["direction_en"] = "high" if higher else "low"
    return texts


def number_text(value: float, language: str, decimals: int = 2) -> str:
    """At most `decimals` decimals, no trailing zeros, the reader's separators."""
    text = f"{round(float(value), decimals):,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{round(float(value)):,}"
    if language == "vi":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _plain_number(value: float) -> str:
    """As a spreadsheet shows it unformatted: 1200, 95.56."""
    return str(int(value)) if float(value).is_integer() else str(round(float(value), 6))


def _records(rows: pd.DataFrame) -> Iterable[dict[str, Any]]:
    for record in rows.to_dict("records"):
        yield {key: (value.to_pydatetime() if isinstance(value, pd.Timestamp) else value) for key, value in record.items()}


def _present(value: Any) -> Any:
    """None for every flavour of missing pandas hands back (None, NaN, NaT, NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
