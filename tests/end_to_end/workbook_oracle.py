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


@dataclass(frozen=True)
class OracleWorkbook:
    unit_code: str
    period_code: str
    values: dict[tuple[str, str], float]  # (row area code or unit code, indicator) -> value


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
    header = [_fold(c) if c else "" for c in rows[header_index]]
    code_col = header.index("ma chi so")
    value_col = next(i for i, h in enumerate(header) if h in ("gia tri", "so lieu", "ket qua"))
    area_col = header.index("ma dia ban") if "ma dia ban" in header else None
    values = {}
    for row in rows[header_index + 1 :]:
        if len(row) <= value_col or not row[code_col] or row[value_col] in (None, "", "-"):
            continue
        owner = str(row[area_col]).strip() if area_col is not None else unit_code
        values[(owner, str(row[code_col]).strip().upper())] = _number(row[value_col])
    return OracleWorkbook(unit_code, parse_period(period_text).code, values)


def read_inbox(inbox_dir: Path) -> list[OracleWorkbook]:
    return [read_workbook(path) for path in sorted(inbox_dir.rglob("*.xlsx"))]
