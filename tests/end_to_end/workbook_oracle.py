"""An independent reader of demo workbooks, used as the oracle for published numbers.

It deliberately shares no code with the ingestion (openpyxl instead of calamine, its own label
matching), so a bug in the pipeline's reader cannot hide behind the same bug in the test.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from orchestration.lib.periods import parse_period


def _fold(text: object) -> str:
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip().lower()


def _number(cell_value: object) -> float:
    if isinstance(cell_value, (int, float)):
        return float(cell_value)
    text = str(cell_value).strip().replace(".", "").replace(",", ".")
    return float(text)


# The demo's split headers, folded, written out here by hand rather than taken from the catalogue.
OPTION_OF_HEADER = {
    "nam": "SEX_MALE", "nu": "SEX_FEMALE", "trong do: nu": "SEX_FEMALE",
    "duoi 15 tuoi": "AGE_UNDER_15", "tre em < 15 tuoi": "AGE_UNDER_15", "tre em duoi 15 tuoi": "AGE_UNDER_15",
    "tu 60 tuoi tro len": "AGE_60_PLUS", "≥ 60 tuoi": "AGE_60_PLUS", "nguoi tu 60 tuoi tro len": "AGE_60_PLUS",
}
VALUE_HEADERS = ("gia tri", "so lieu", "ket qua", "tong so", "tong", "cong")


@dataclass(frozen=True)
class OracleWorkbook:
    unit_code: str
    period_code: str
    values: dict[tuple[str, str], float]  # (row area code or unit code, indicator) -> value
    splits: dict[tuple[str, str, str], float]  # (unit code, indicator, option) -> value


def _identity_value(row: list, label: str) -> str | None:
    for index, cell in enumerate(row):
        if cell is None:
            continue
        folded = _fold(cell)
        if folded.startswith(label):
            after_colon = str(cell).split(":", 1)[1].strip() if ":" in str(cell) else ""
            if after_colon:
                return after_colon
            return next((str(v).strip() for v in row[index + 1 :] if v not in (None, "")), None)
    return None


def read_workbook(path: Path) -> OracleWorkbook:
    workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    unit_code = next(v for v in (_identity_value(r, "ma don vi") for r in rows) if v)
    period_text = next(v for v in (_identity_value(r, "ky bao cao") for r in rows) if v)
    header_index = next(i for i, r in enumerate(rows) if any(_fold(c) == "ma chi so" for c in r if c))
    values: dict[tuple[str, str], float] = {}
    splits: dict[tuple[str, str, str], float] = {}
    columns: dict[str, int] = {}
    option_cols: dict[int, str] = {}
    for index, row in enumerate(rows[header_index:], start=header_index):
        folded = [_fold(c) if c is not None else "" for c in row]
        if "ma chi so" in folded:  # a table's header row: the first, or a later table's
            columns = {"code": folded.index("ma chi so"),
                       "value": next(i for i, h in enumerate(folded) if h in VALUE_HEADERS)}
            if "ma dia ban" in folded:
                columns["area"] = folded.index("ma dia ban")
            below = [_fold(c) if c is not None else "" for c in rows[index + 1]] if index + 1 < len(rows) else []
            option_cols = {i: OPTION_OF_HEADER[h] for i, h in enumerate(folded) if h in OPTION_OF_HEADER}
            option_cols |= {i: OPTION_OF_HEADER[h] for i, h in enumerate(below) if h in OPTION_OF_HEADER}
            continue
        code_col, value_col = columns["code"], columns["value"]
        if len(row) <= value_col or not row[code_col]:
            continue
        code = str(row[code_col]).strip().upper()
        if row[value_col] not in (None, "", "-"):
            owner = str(row[columns["area"]]).strip() if "area" in columns else unit_code
            values[(owner, code)] = _number(row[value_col])
        for column, option in option_cols.items():
            if column < len(row) and row[column] not in (None, ""):
                splits[(unit_code, code, option)] = _number(row[column])
    return OracleWorkbook(unit_code, parse_period(period_text).code, values, splits)


def read_inbox(inbox_dir: Path) -> list[OracleWorkbook]:
    return [read_workbook(path) for path in sorted(inbox_dir.rglob("*.xlsx"))]
