"""Every province-level rate of the published warehouse, recomputed from its unit-level rows.

A reader who distrusts a provincial figure should be able to rebuild it from what is published:
the facilities' own rows of fct_indicator_values, the province's population rows, the formulas
of dim_indicators and the units' validity in dim_org_units. This test does exactly that, in
Python and without dbt's intermediate tables, for one month, one quarter and one year — the year
spanning the 2025 reorganisation — and requires an exact match (the sums are of whole numbers,
and the division is done in the same order as in the warehouse).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pytest

PROVINCE = "QN"
PERIODS = ("202511", "2025Q3", "2025")


@dataclass(frozen=True)
class Formula:
    code: str
    numerator_code: str
    subtract_code: str | None
    denominator_code: str
    factor: float
    year_to_date: bool


@pytest.fixture(scope="module")
def published(demo_run):
    assert demo_run.result.success
    connection = duckdb.connect(str(demo_run.paths.published_db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def formulas(published) -> list[Formula]:
    rows = published.execute(
        "select indicator_code, numerator_code, numerator_subtract_code, denominator_code, factor, numerator_window "
        "from marts.dim_indicators where kind = 'derived' order by indicator_code"
    ).fetchall()
    return [Formula(code, num, sub, den, factor, window == "year_to_date") for code, num, sub, den, factor, window in rows]


@pytest.fixture(scope="module")
def aggregation(published) -> dict[str, str]:
    return dict(published.execute("select indicator_code, aggregation from marts.dim_indicators where kind <> 'derived'").fetchall())


def period_span(published, period_code: str) -> tuple[date, date]:
    return published.execute("select start_date, end_date from marts.dim_periods where period_code = ?", [period_code]).fetchone()


def element_total(published, aggregation: dict[str, str], element: str, period_code: str, year_to_date: bool) -> float | None:
    """The province's figure for one element, from the rows a reader can see.

    Population and insured people are published per area by their source, so the province's own
    row is the figure. Flows add up over every facility row; a year-to-date numerator adds up the
    facilities' monthly rows from January. Stocks add up over the facilities still open at the
    period's end: a station merged away in July handed its records to its successor.
    """
    start, end = period_span(published, period_code)
    if aggregation[element] == "yearly":
        row = published.execute(
            "select value from marts.fct_indicator_values where indicator_code = ? and org_unit_code = ? and period_code = ?",
            [element, PROVINCE, period_code]).fetchone()
        return None if row is None else row[0]
    if year_to_date:
        months = published.execute(
            "select period_code from marts.dim_periods where period_type = 'month' and start_date >= ? and end_date <= ?",
            [date(start.year, 1, 1), end]).fetchall()
        periods = [code for (code,) in months]
    else:
        periods = [period_code]
    open_at_end = "" if aggregation[element] == "flow" else "and (units.valid_to is null or units.valid_to >= ?)"
    parameters = [element, periods] + ([] if aggregation[element] == "flow" else [end])
    total, rows = published.execute(
        f"""
        select sum(unit_rows.value), count(*)
        from marts.fct_indicator_values as unit_rows
        inner join marts.dim_org_units as units on unit_rows.org_unit_code = units.org_unit_code
        where unit_rows.org_unit_level = 'facility' and unit_rows.indicator_code = ?
            and list_contains(?, unit_rows.period_code) {open_at_end}
        """,
        parameters).fetchone()
    return total if rows else None


@pytest.mark.parametrize("period_code", PERIODS)
def test_every_province_rate_is_rebuilt_exactly_from_unit_rows(published, formulas, aggregation, period_code):
    published_rows = {
        code: (value, numerator, denominator)
        for code, value, numerator, denominator in published.execute(
            "select f.indicator_code, f.value, f.numerator, f.denominator from marts.fct_indicator_values f "
            "inner join marts.dim_indicators i on f.indicator_code = i.indicator_code "
            "where i.kind = 'derived' and f.org_unit_code = ? and f.period_code = ?",
            [PROVINCE, period_code]).fetchall()
    }
    rebuilt = {}
    for formula in formulas:
        numerator = element_total(published, aggregation, formula.numerator_code, period_code, formula.year_to_date)
        if numerator is not None and formula.subtract_code is not None:
            subtracted = element_total(published, aggregation, formula.subtract_code, period_code, formula.year_to_date)
            numerator = None if subtracted is None else numerator - subtracted
        denominator = element_total(published, aggregation, formula.denominator_code, period_code, False)
        if numerator is not None and denominator:
            rebuilt[formula.code] = (numerator / denominator * formula.factor, numerator, denominator)
    assert rebuilt == published_rows
    # Satisfaction is surveyed quarterly, so a month has no satisfaction rate; everything else is there.
    (period_type,) = published.execute("select period_type from marts.dim_periods where period_code = ?", [period_code]).fetchone()
    expected = {f.code for f in formulas} - ({"SATISFACTION_PCT"} if period_type == "month" else set())
    assert set(published_rows) == expected


def test_province_rate_is_not_the_mean_of_unit_rates(published):
    """Guards the test above against a warehouse that would average: the two differ in the demo."""
    value, numerator, denominator = published.execute(
        "select value, numerator, denominator from marts.fct_indicator_values "
        "where indicator_code = 'REFERRAL_CENTRAL_PCT' and org_unit_code = ? and period_code = '2025Q3'",
        [PROVINCE]).fetchone()
    (mean_of_rates,) = published.execute(
        "select avg(value) from marts.fct_indicator_values where indicator_code = 'REFERRAL_CENTRAL_PCT' "
        "and org_unit_level = 'facility' and period_code = '2025Q3'").fetchone()
    assert value == numerator / denominator * 100
    assert value != pytest.approx(mean_of_rates, rel=1e-6)
