from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.ingest.numbers import parse_number


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("29.789", 29789.0),
        ("1.384.000", 1384000.0),
        ("1.234,5", 1234.5),
        ("95,56", 95.56),
        ("57,7%", 57.7),
        ("57,7 %", 57.7),
        ("100%", 100.0),
        ("  12 ", 12.0),
        ("\u00a01.384\u00a0", 1384.0),
        ("1\u00a0384\u00a0000", 1384000.0),
        ("1 384 000,25", 1384000.25),
        ("0,5", 0.5),
        ("95.5", 95.5),
        ("12.3456", 12.3456),
        ("-5", -5.0),
        ("0", 0.0),
        (1384000, 1384000.0),
        (95.56, 95.56),
        (0.0, 0.0),
    ],
)
def test_values(cell, value):
    parsed = parse_number(cell)
    assert parsed.status == "value"
    assert parsed.value == value
    assert parsed.text == (cell if isinstance(cell, str) else None)


@pytest.mark.parametrize("cell", [None, "", "   ", "\u00a0", "-", "—", "–", " - ", "--"])
def test_not_reported(cell):
    parsed = parse_number(cell)
    assert (parsed.status, parsed.value, parsed.has_content) == ("not_reported", None, False)


@pytest.mark.parametrize("cell", ["x", "X", " x "])
def test_not_applicable(cell):
    parsed = parse_number(cell)
    assert (parsed.status, parsed.value, parsed.has_content) == ("not_applicable", None, False)


@pytest.mark.parametrize(
    "cell",
    [
        "chưa có số liệu",
        "12a",
        "1,2,3",
        "1,384,000",  # English thousands: never guessed
        "0.500",  # a thousands group after 0 is no Vietnamese number
        "1234.567",  # groups of three only
        "1.2.3",
        "1.234.5",
        ",5",
        "5,",
        "12 5",
        "xx",
        "#DIV/0!",
        True,
        float("nan"),
        float("inf"),
        date(2025, 3, 1),
        datetime(2025, 3, 1, 8, 0),
    ],
)
def test_invalid_is_never_guessed(cell):
    parsed = parse_number(cell)
    assert (parsed.status, parsed.value, parsed.has_content) == ("invalid", None, True)
    assert parsed.text is not None


def vietnamese(number: Decimal) -> str:
    """Vietnamese notation: `.` groups thousands, `,` marks decimals."""
    sign = "-" if number < 0 else ""
    integer, _, decimals = f"{abs(number):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    return sign + grouped + (f",{decimals}" if decimals else "")


decimals = st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False)


@given(decimals)
def test_vietnamese_notation_round_trips(number):
    text = vietnamese(number)
    assert parse_number(text).value == float(number), text


@given(decimals, st.sampled_from(["", " ", "\u00a0"]), st.sampled_from(["", "%", " %"]))
def test_surrounding_spaces_and_percent_sign_do_not_change_the_value(number, space, percent):
    assert parse_number(f"{space}{vietnamese(number)}{percent}{space}").value == float(number)


@given(st.integers(1000, 10**12))
def test_grouping_with_non_breaking_spaces_reads_like_dots(number):
    with_spaces = f"{number:,}".replace(",", "\u00a0")
    assert parse_number(with_spaces).value == parse_number(vietnamese(Decimal(number))).value == number


@given(decimals, st.sampled_from(["a", "đ", "?", ",1,", "/"]))
def test_any_stray_character_makes_a_number_invalid(number, stray):
    assert parse_number(vietnamese(number) + stray).status == "invalid"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_excel_numbers_pass_through(number):
    assert parse_number(number).value == number


@given(st.one_of(st.text(), st.text(alphabet="0123456789.,-% x\u00a0—"), st.integers(), st.floats(), st.none()))
def test_any_cell_reads_as_exactly_one_outcome_and_never_raises(cell):
    parsed = parse_number(cell)
    assert parsed.status in ("value", "not_reported", "not_applicable", "invalid")
    assert (parsed.value is not None) == (parsed.status == "value")
    assert parsed.value is None or math.isfinite(parsed.value)


@given(st.integers(0, 999), st.integers(0, 999), st.integers(1, 999))
def test_english_thousands_are_refused_not_read_as_decimals(millions, thousands, units):
    """`1,384,000` is what an English-locale machine types; reading it as 1.384 would be a silent error."""
    assert parse_number(f"{millions + 1},{thousands:03d},{units:03d}").status == "invalid"
