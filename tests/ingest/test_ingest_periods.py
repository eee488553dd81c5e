from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.lib.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PeriodError,
    frequency_of,
    months_in,
    parse_period,
    period_from_code,
)

years = st.integers(MIN_YEAR, MAX_YEAR)
months = st.integers(1, 12)
quarters = st.integers(1, 4)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@pytest.mark.parametrize(
    ("text", "code", "period_type", "start", "end"),
    [
        ("Tháng 3/2025", "202503", "month", date(2025, 3, 1), date(2025, 3, 31)),
        ("Tháng 03 năm 2025", "202503", "month", date(2025, 3, 1), date(2025, 3, 31)),
        ("T3/2025", "202503", "month", date(2025, 3, 1), date(2025, 3, 31)),
        ("Tháng 2/2024", "202402", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("Quý I/2025", "2025Q1", "quarter", date(2025, 1, 1), date(2025, 3, 31)),
        ("Quý 1 năm 2025", "2025Q1", "quarter", date(2025, 1, 1), date(2025, 3, 31)),
        ("Quý IV/2024", "2024Q4", "quarter", date(2024, 10, 1), date(2024, 12, 31)),
        ("6 tháng đầu năm 2025", "2025S1", "half_year", date(2025, 1, 1), date(2025, 6, 30)),
        ("6 tháng cuối năm 2025", "2025S2", "half_year", date(2025, 7, 1), date(2025, 12, 31)),
        ("9 tháng năm 2025", "2025N9", "nine_months", date(2025, 1, 1), date(2025, 9, 30)),
        ("Năm 2025", "2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
        ("202503", "202503", "month", date(2025, 3, 1), date(2025, 3, 31)),
        ("2025Q1", "2025Q1", "quarter", date(2025, 1, 1), date(2025, 3, 31)),
        ("2025S1", "2025S1", "half_year", date(2025, 1, 1), date(2025, 6, 30)),
        ("2025S2", "2025S2", "half_year", date(2025, 7, 1), date(2025, 12, 31)),
        ("2025N9", "2025N9", "nine_months", date(2025, 1, 1), date(2025, 9, 30)),
        ("2025", "2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_contract_forms(text, code, period_type, start, end):
    period = parse_period(text)
    assert (period.code, period.period_type, period.start, period.end, period.year) == (
        code, period_type, start, end, start.year,
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("THÁNG 3/2025", "202503"),
        ("thang 3/2025", "202503"),
        ("  Tháng   3 /  2025 ", "202503"),
        ("tHáNg 03 NĂM 2025", "202503"),
        ("t 12/2024", "202412"),
        ("quy i/2025", "2025Q1"),
        ("QUÝ  iii  năm 2025", "2025Q3"),
        ("6 THANG DAU NAM 2025", "2025S1"),
        ("6 tháng  cuối năm   2025", "2025S2"),
        ("9 tháng đầu năm 2025", "2025N9"),
        ("nam 2025", "2025"),
        ("2025q1", "2025Q1"),
        ("2025 s2", "2025S2"),
        ("2025n9", "2025N9"),
        ("\u00a0202503\u00a0", "202503"),
    ],
)
def test_case_diacritics_and_spacing_do_not_matter(text, code):
    assert parse_period(text).code == code


@pytest.mark.parametrize(
    ("text", "in_message"),
    [
        ("Tháng 13/2025", "Tháng 13"),
        ("Tháng 0/2025", "Tháng 0"),
        ("Quý V/2025", "Quý V"),
        ("Quý 5 năm 2025", "Quý 5"),
        ("2025Q5", "Quý 5"),
        ("202513", "Tháng 13"),
        ("2025S3", "Nửa năm 3"),
        ("Tháng 3/1025", "1025"),
        ("6 tháng năm 2025", "6 tháng năm 2025"),
        ("Tháng ba 2025", "Tháng ba 2025"),
        ("", "không khớp"),
    ],
)
def test_impossible_periods_raise_in_both_languages(text, in_message):
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert in_message in raised.value.message_vi
    assert raised.value.message_en and raised.value.message_en != raised.value.message_vi
    assert raised.value.text == text


@given(years, months)
def test_every_month_code_and_typed_form_agree(year, month):
    period = parse_period(f"{year}{month:02d}")
    assert period.code == f"{year}{month:02d}"
    assert period.start == date(year, month, 1)
    assert period.end == date(year, month, calendar.monthrange(year, month)[1])
    assert parse_period(f"Tháng {month}/{year}") == period
    assert parse_period(f"Tháng {month:02d} năm {year}") == period
    assert period_from_code(period.code) == period
    assert months_in(period) == (period,)


@given(years, quarters, st.booleans())
def test_every_quarter_code_and_typed_form_agree(year, quarter, roman):
    period = parse_period(f"{year}Q{quarter}")
    typed = f"Quý {ROMAN[quarter] if roman else quarter}/{year}"
    assert parse_period(typed) == period
    assert period_from_code(f"{year}Q{quarter}") == period
    covered = months_in(period)
    assert [m.code for m in covered] == [f"{year}{m:02d}" for m in range(3 * quarter - 2, 3 * quarter + 1)]
    assert (covered[0].start, covered[-1].end) == (period.start, period.end)


@given(years)
def test_cumulative_periods_cover_their_months(year):
    assert len(months_in(parse_period(f"{year}S1"))) == 6
    assert [m.code for m in months_in(parse_period(f"{year}S2"))][0] == f"{year}07"
    assert len(months_in(parse_period(f"9 tháng năm {year}"))) == 9
    assert len(months_in(parse_period(f"Năm {year}"))) == 12


def test_frequency_of_period_types():
    assert frequency_of("month") == "monthly"
    assert frequency_of("quarter") == "quarterly"
    assert frequency_of("year") == "yearly"
    assert frequency_of("half_year") is None
    assert frequency_of("nine_months") is None
    assert parse_period("Quý II/2025").frequency == "quarterly"


@pytest.mark.parametrize("text", ["Tháng 3/2025", "2025q1", " 202503", "2025S3", "20253"])
def test_period_from_code_accepts_only_canonical_codes(text):
    with pytest.raises(PeriodError):
        period_from_code(text)


@given(st.text(max_size=40))
def test_any_text_is_one_period_or_a_period_error(text):
    """Never another exception, never a guess: what parses names a period whose code reads back."""
    try:
        period = parse_period(text)
    except PeriodError as error:
        assert error.message_vi and error.message_en
        return
    assert period_from_code(period.code) == period
    assert MIN_YEAR <= period.year <= MAX_YEAR and period.start <= period.end


@given(years, st.sampled_from(["đầu", "cuối"]), st.sampled_from(["", " ", "  "]))
def test_half_years_typed_any_way_are_the_right_half(year, half, space):
    period = parse_period(f"6 tháng{space} {half} năm {year}")
    assert period.code == f"{year}S{1 if half == 'đầu' else 2}"
    assert period.frequency is None  # no unit owes a half-year report: it is computed
