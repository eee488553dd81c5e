"""The period-code grammar and the period labels each have one definition, shared by SQL and Python."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.lib.periods import (
    PERIOD_CODE_PATTERN,
    PERIOD_LABELS_CSV,
    PeriodError,
    parse_period,
    period_from_code,
    period_label,
    period_labels,
)
from orchestration.lib.settings import DBT_PROJECT_DIR
from orchestration.transform.period_vars import periods_of_year


@pytest.mark.parametrize(
    ("code", "labels"),
    [("202601", ("Tháng 1/2026", "January 2026")), ("2025Q4", ("Quý IV/2025", "Q4 2025")),
     ("2025S2", ("6 tháng cuối năm 2025", "H2 2025")), ("2025N9", ("9 tháng năm 2025", "Jan–Sep 2025")),
     ("2025", ("Năm 2025", "Year 2025"))],
)
def test_labels_are_the_dim_periods_wording(code, labels):
    assert period_label(period_from_code(code)) == labels


def test_every_vietnamese_label_reads_back_as_the_same_period():
    for period in periods_of_year(2025):
        assert parse_period(period_label(period)[0]) == period


def test_the_canonical_pattern_matches_exactly_the_codes_the_parser_accepts():
    codes = [period.code for year in (2000, 2025, 2099) for period in periods_of_year(year)]
    near_misses = ["2025Q5", "2025Q0", "2025S3", "2025N8", "20253", "2025M3", "2025q1", " 202503", "25Q1"]
    for code in codes:
        assert re.fullmatch(PERIOD_CODE_PATTERN, code) and period_from_code(code).code == code
    for code in near_misses:
        assert not re.fullmatch(PERIOD_CODE_PATTERN, code)
        with pytest.raises(PeriodError):
            period_from_code(code)


def test_the_dbt_macro_is_the_same_pattern():
    """dbt cannot import Python: its one copy (macros/period_codes.sql) must read the same."""
    macro = (DBT_PROJECT_DIR / "macros" / "period_codes.sql").read_text(encoding="utf-8")
    (jinja_literal,) = re.findall(r"return\('(.*)'\)", macro)
    assert jinja_literal.replace("\\\\", "\\") == PERIOD_CODE_PATTERN


def test_a_labels_file_missing_a_row_or_the_year_is_refused(tmp_path: Path):
    lines = PERIOD_LABELS_CSV.read_text(encoding="utf-8").splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        period_labels(short)
    yearless = tmp_path / "yearless.csv"
    yearless.write_text("\n".join([*lines[:-1], "year,1,Năm,Year {year}"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 21"):
        period_labels(yearless)
