"""The periods a run rebuilds: everything a new file's figures flow into, and nothing more."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.lib.periods import PeriodError, months_in, period_from_code
from orchestration.transform.period_vars import affected_period_codes, affected_period_vars, periods_of_year


def test_november_rebuilds_its_roll_ups_and_december_year_to_date():
    assert affected_period_vars(["202511"]) == {"periods": ["2025", "202511", "202512", "2025Q4", "2025S2"]}


def test_march_reaches_nine_months_and_every_later_period_of_the_year():
    codes = set(affected_period_codes(["202503"]))
    assert {"202503", "2025Q1", "2025S1", "2025N9", "2025"} <= codes
    assert {"202504", "202512", "2025Q2", "2025Q4", "2025S2"} <= codes  # year-to-date coverage
    assert not codes & {"202501", "202502"}
    assert all(code.startswith("2025") for code in codes)


def test_october_leaves_nine_months_alone():
    assert "2025N9" not in affected_period_codes(["202510"])
    assert "2025N9" in affected_period_codes(["202509"])


def test_a_yearly_population_file_rebuilds_its_whole_year():
    assert set(affected_period_codes(["2024"])) == {p.code for p in periods_of_year(2024)}


def test_several_arrivals_are_united_and_each_listed_once():
    codes = affected_period_codes(["202512", "2024Q4", "202512"])
    assert codes == tuple(sorted(set(codes)))
    assert {"202512", "2025", "2024Q4", "202410", "2024S2", "2024"} <= set(codes)
    assert "2025Q3" not in codes


def test_nothing_arrived_means_a_full_build():
    assert affected_period_vars([]) == {}


@pytest.mark.parametrize("code", ["Tháng 3/2025", "2025M3", "202513", "2205"])
def test_non_canonical_codes_are_refused(code):
    with pytest.raises(PeriodError):
        affected_period_vars([code])


@given(year=st.integers(2000, 2099), month=st.integers(1, 12))
def test_every_window_holding_the_month_is_rebuilt(year, month):
    """Property: a period is rebuilt exactly when the month lies in its span or its year-to-date span."""
    arrived = f"{year}{month:02d}"
    codes = set(affected_period_codes([arrived]))
    for period in periods_of_year(year):
        in_span = arrived in {m.code for m in months_in(period)}
        in_year_to_date = period.end.month >= month
        assert (period.code in codes) == (in_span or in_year_to_date), period.code
    assert {period_from_code(code).year for code in codes} == {year}
