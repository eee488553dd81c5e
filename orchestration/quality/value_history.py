"""Each value against its unit's own history: the statistics the outlier suite judges.

For every value the baseline is the same unit's earlier values of the same indicator and period
type, chosen by the indicator's outlier method (`dq_indicator_rules.csv`):

- level: the last HISTORY_WINDOW periods (two years of months, so each month of the year appears
  twice and one odd month cannot set the baseline);
- seasonal: the same month ±1 of up to SEASONAL_YEARS earlier years — the "historical limits"
  method used for notifiable diseases — so a rainy-season dengue peak is compared with earlier
  rainy seasons, never with the dry months before it;
- rare_event and none: no baseline (maternal deaths are reviewed case by case instead).

Against the baseline it computes the modified z-score 0.6745·|x − median| / MAD (Iglewicz and
Hoaglin) and the distance from the mean in standard deviations. Counts have a floor of spread: a
count of about m varies by √m by chance alone (Poisson), so MAD is never taken below 0.6745·√m nor
the SD below √m. Without it a flat history (six months of exactly 2 doctors, 1 200 beds) has zero
spread and the first hire or the next ward would be an "infinite" outlier; the floor changes
nothing for large, noisy counts. Whether a value is an outlier is the suite's decision.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from orchestration.quality.indicator_rules import IndicatorRule, rule_column

HISTORY_WINDOW = 24
SEASONAL_YEARS = 5
# Standard normal: MAD = 0.6745 · SD.
MAD_PER_SD = 0.6745
PERIODS_PER_YEAR = {"month": 12, "quarter": 4}
STATISTICS = ["history_count", "baseline_median", "baseline_mad", "modified_z", "baseline_mean", "baseline_sd", "sd_distance"]


def outlier_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
    """`values` with the indicator's outlier method and, where it has a baseline, the statistics."""
    frame = values.copy()
    frame["outlier_method"] = rule_column(frame, rules, "outlier_method")
    frame["period_position"] = _positions(frame)
    statistics = np.full((len(frame), len(STATISTICS)), np.nan)
    statistics[:, 0] = 0
    measured = frame["outlier_method"].isin(["level", "seasonal"]).to_numpy()
    groups = frame[measured].groupby(["org_unit_code", "indicator_code", "period_type"], sort=False)
    row_of = {label: number for number, label in enumerate(frame.index)}
    for (_, _, period_type), series in groups:
        series = series.sort_values("period_position")
        method = series["outlier_method"].iloc[0]
        positions = series["period_position"].to_numpy()
        observed = series["value"].to_numpy(dtype=float)
        for k, label in enumerate(series.index):
            history = observed[_baseline(positions, k, method, PERIODS_PER_YEAR.get(period_type, 1))]
            statistics[row_of[label]] = baseline_statistics(history, observed[k])
    for number, column in enumerate(STATISTICS):
        frame[column] = statistics[:, number]
    frame["history_count"] = frame["history_count"].astype(int)
    return frame.drop(columns=["period_position"])


def baseline_statistics(history: np.ndarray, value: float) -> tuple[float, ...]:
    """history_count, median, MAD, modified z-score, mean, SD and distance in SDs, as in STATISTICS."""
    count = len(history)
    if count == 0:
        return (0, *([np.nan] * (len(STATISTICS) - 1)))
    median = float(np.median(history))
    mad = float(np.median(np.abs(history - median)))
    mean = float(np.mean(history))
    sd = float(np.std(history, ddof=1)) if count > 1 else 0.0
    mad_scale = max(mad, MAD_PER_SD * np.sqrt(max(abs(median), 1.0)))
    sd_scale = max(sd, np.sqrt(max(abs(mean), 1.0)))
    modified_z = MAD_PER_SD * abs(value - median) / mad_scale
    return (count, median, mad, modified_z, mean, sd, abs(value - mean) / sd_scale)


def _baseline(positions: np.ndarray, k: int, method: str, periods_per_year: int) -> np.ndarray:
    """Indices of the earlier values that form value k's baseline."""
    if method == "seasonal" and periods_per_year > 1:
        wanted = {
            positions[k] - periods_per_year * years_back + offset
            for years_back in range(1, SEASONAL_YEARS + 1)
            for offset in (-1, 0, 1)
        }
        return np.flatnonzero(np.isin(positions[:k], list(wanted)))
    return np.arange(max(0, k - HISTORY_WINDOW), k)


def _positions(frame: pd.DataFrame) -> pd.Series:
    """A running number per period type (months since year 0, quarters since year 0, years), so that
    'a year earlier' is a fixed step back whatever months are missing."""
    start = pd.to_datetime(frame["period_start"])
    per_year = frame["period_type"].map(PERIODS_PER_YEAR).fillna(1).astype(int)
    within_year = ((start.dt.month - 1) * per_year) // 12
    return start.dt.year * per_year + within_year
