"""Which periods a dbt build must recompute when new files arrive.

The period-keyed dbt models (fct_indicator_values and the tables built from it) can rebuild just
the periods passed as `--vars '{"periods": [...]}'` (dbt_project/macros/affected_periods.sql). A
file for one month changes more than that month's rows: its quarter, half year, nine-month
cumulative and year are rolled up from it, and year-to-date indicators (full immunisation
coverage) of every later period of the same year count it too. Forgetting one of those leaves a
stale figure published, so the widening is done here, in one tested place, not by each caller.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.lib.periods import (
    Period,
    half_year_period,
    month_period,
    nine_months_period,
    period_from_code,
    quarter_period,
    year_period,
)


def periods_of_year(year: int) -> tuple[Period, ...]:
    """Every period type the warehouse publishes for a year: 12 months, 4 quarters, 2 halves, N9, the year."""
    return (
        *(month_period(year, month) for month in range(1, 13)),
        *(quarter_period(year, quarter) for quarter in range(1, 5)),
        *(half_year_period(year, half) for half in (1, 2)),
        nine_months_period(year),
        year_period(year),
    )


def affected_period_codes(period_codes: Iterable[str]) -> tuple[str, ...]:
    """The periods whose figures depend on data for the given periods, in code order.

    A period P of the same year depends on an arrived period A when P's own span or its
    year-to-date span (1 January to P's end) overlaps A, which is exactly when P ends on or after
    A starts. Years never mix: roll-ups and year-to-date windows stop at 31 December. Raises
    PeriodError for anything but a canonical period code, since a guess would rebuild the wrong rows.
    """
    affected: set[str] = set()
    for code in period_codes:
        arrived = period_from_code(code)
        affected.update(p.code for p in periods_of_year(arrived.year) if p.end >= arrived.start)
    return tuple(sorted(affected))


def affected_period_vars(period_codes: Iterable[str]) -> dict:
    """dbt `--vars` for an incremental build after files for `period_codes` arrived.

    An empty result means "no vars": with nothing to scope the build to (for example a run caused
    by an edited reference file) only a full rebuild is certain to reflect every change.
    """
    codes = affected_period_codes(period_codes)
    return {"periods": list(codes)} if codes else {}
