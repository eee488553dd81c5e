"""Consistency over time: each unit's year against the mean of up to three earlier years.

Like for like: a year is compared over the months (or quarters) it has so far, and an earlier year
counts only if it has all of them. A year in progress is then compared with the same months of
earlier years rather than with whole years, and a station merged on 1 July is compared over
January–June. Flows add up over those months; a stock (beds, doctors) or a yearly figure
(population) takes its value at the last of them. Indicators whose consistency method is `none`
(roll-outs, epidemics, rare events: see dq_indicator_rules.csv) are left out. Whether the ratio is
within ±33 % is the suite's decision.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from orchestration.quality.indicator_rules import IndicatorRule, rule_column

PRIOR_YEARS = 3
# Months before quarters before years: the finest grain a unit reports an indicator at is compared.
GRAIN_ORDER = {"month": 0, "quarter": 1, "year": 2}
MAX_POSITION = 12  # months of a year; quarters use the first four positions
YEAR_SPAN = 10_000  # series number × YEAR_SPAN + year: one sortable key per series and year
COLUMNS = [
    "org_unit_code", "indicator_code", "period_code", "period_type", "months_compared", "current_value",
    "prior_years", "baseline_mean", "ratio",
]


def consistency_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
    """One row per (unit, indicator, period type, year) with at least one comparable earlier year.

    All series at once: each series-year becomes one row of its values by month (or quarter), and
    each earlier year is looked up by key. Sums run over the months in order and the mean of the
    earlier years is one numpy reduction per number of years, as for one year alone, so the figures
    are identical to comparing the years one by one.
    """
    compared = values[
        (rule_column(values, rules, "consistency_method") == "mean") & values["period_type"].isin(list(GRAIN_ORDER))
    ]
    if compared.empty:
        return _empty()
    # Integer codes, sorted like the strings, so that series come in (unit, indicator, period type) order.
    unit, units = pd.factorize(compared["org_unit_code"], sort=True)
    indicator, indicators = pd.factorize(compared["indicator_code"], sort=True)
    period_type, period_types = pd.factorize(compared["period_type"], sort=True)
    grain = np.array([GRAIN_ORDER[kind] for kind in period_types])[period_type]
    pair = unit.astype(np.int64) * len(indicators) + indicator
    finest = pd.Series(grain).groupby(pair).transform("min").to_numpy()
    kept = grain == finest
    start = pd.to_datetime(compared["period_start"]).to_numpy()[kept]
    year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    month = start.astype("datetime64[M]").astype(np.int64) % 12 + 1
    series = (pair[kept] * len(period_types) + period_type[kept])
    position = np.where(period_types[period_type[kept]] == "quarter", (month - 1) // 3 + 1, month)
    # A series is flow or not by its first value, in the frame's order.
    first_rows = np.unique(series, return_index=True)[1]
    flow_of_series = dict(zip(series[first_rows], (compared["aggregation"].to_numpy()[kept] == "flow")[first_rows],
                              strict=True))
    key, row = np.unique(series * YEAR_SPAN + year, return_inverse=True)
    grid = np.full((len(key), MAX_POSITION), np.nan)
    grid[row, position - 1] = compared["value"].to_numpy(dtype=float)[kept]
    present = ~np.isnan(grid)
    series_of, year_of = key // YEAR_SPAN, key % YEAR_SPAN
    is_flow = np.array([flow_of_series[number] for number in series_of], dtype=bool)
    last = MAX_POSITION - 1 - np.argmax(present[:, ::-1], axis=1)
    current = _combine(grid, present, last, is_flow)
    earlier = np.full((len(grid), PRIOR_YEARS), np.nan)
    for back in range(1, PRIOR_YEARS + 1):
        found = np.minimum(np.searchsorted(key, key - back), len(key) - 1)
        comparable = (key[found] == key - back) & ~(present & ~present[found]).any(axis=1)
        earlier[comparable, back - 1] = _combine(grid[found], present, last, is_flow)[comparable]
    prior_years = (~np.isnan(earlier)).sum(axis=1)
    baseline = np.full(len(grid), np.nan)
    for count in range(1, PRIOR_YEARS + 1):
        chosen = prior_years == count
        packed = np.take_along_axis(earlier[chosen], np.argsort(np.isnan(earlier[chosen]), axis=1, kind="stable"), 1)
        baseline[chosen] = np.mean(packed[:, :count], axis=1)
    unit_of, rest = np.divmod(series_of, len(indicators) * len(period_types))
    indicator_of, type_of = np.divmod(rest, len(period_types))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(baseline > 0, current / baseline, np.nan)
    frame = pd.DataFrame({
        "org_unit_code": np.asarray(units, dtype=object)[unit_of],
        "indicator_code": np.asarray(indicators, dtype=object)[indicator_of],
        "period_code": year_of.astype(str).astype(object),
        "period_type": np.asarray(period_types, dtype=object)[type_of],
        "months_compared": present.sum(axis=1),
        "current_value": current,
        "prior_years": prior_years,
        "baseline_mean": baseline,
        "ratio": ratio,
    })
    if not prior_years.any():
        return _empty()
    return frame[prior_years > 0].reset_index(drop=True).astype({"months_compared": int, "prior_years": int})


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS).astype({"months_compared": int, "prior_years": int})


def _combine(grid: np.ndarray, months: np.ndarray, last: np.ndarray, is_flow: np.ndarray) -> np.ndarray:
    """Each row of `grid` over the `months` of its year: a flow's sum, month by month in order (as
    Python's sum), or a stock's value at the `last` of them."""
    total = np.zeros(len(grid))
    for position in range(MAX_POSITION):
        total = total + np.where(months[:, position], grid[:, position], 0.0)
    return np.where(is_flow, total, grid[np.arange(len(grid)), last])
