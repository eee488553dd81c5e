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
CHUNK = 100_000  # values summarised per numpy call, which bounds the memory of a full evaluation
STATISTICS = ["history_count", "baseline_median", "baseline_mad", "modified_z", "baseline_mean", "baseline_sd", "sd_distance"]


def outlier_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
    """`values` with the indicator's outlier method and, where it has a baseline, the statistics.

    All series at once: the values are sorted by series and period, each value's baseline is a row
    of positions in that order, and values with equally many earlier values are summarised together
    (one numpy reduction per count, in slices of CHUNK values to bound memory). Each summary is the
    same reduction over the same numbers in the same order as for one value alone.
    """
    frame = values.copy()
    frame["outlier_method"] = rule_column(frame, rules, "outlier_method")
    statistics = np.full((len(frame), len(STATISTICS)), np.nan)
    statistics[:, 0] = 0
    measured = np.flatnonzero(frame["outlier_method"].isin(["level", "seasonal"]).to_numpy())
    if len(measured):
        series = frame.iloc[measured]
        group = series.groupby(["org_unit_code", "indicator_code", "period_type"], sort=False).ngroup().to_numpy()
        position = _positions(series).to_numpy(dtype=np.int64)
        # By series, then period; ties (two half-years share a year's position) keep the frame's order.
        order = np.lexsort((np.arange(len(series)), position, group))
        rows, group, position = measured[order], group[order], position[order]
        observed = series["value"].to_numpy(dtype=float)[order]
        periods_per_year = _periods_per_year(series["period_type"])[order]
        seasonal = (series["outlier_method"].to_numpy()[order] == "seasonal") & (periods_per_year > 1)
        baselines = [_level_baselines(group, np.flatnonzero(~seasonal))]
        seasonal_rows = np.flatnonzero(seasonal)
        baselines += [
            _seasonal_baselines(group, position, periods_per_year, seasonal_rows[start:start + CHUNK])
            for start in range(0, len(seasonal_rows), CHUNK)
        ]
        for chosen, history in (pair for part in baselines for pair in part):
            statistics[rows[chosen]] = _summaries(observed[history], observed[chosen])
    for number, column in enumerate(STATISTICS):
        frame[column] = statistics[:, number]
    frame["history_count"] = frame["history_count"].astype(int)
    return frame


def baseline_statistics(history: np.ndarray, value: float) -> tuple[float, ...]:
    """history_count, median, MAD, modified z-score, mean, SD and distance in SDs, as in STATISTICS."""
    if len(history) == 0:
        return (0, *([np.nan] * (len(STATISTICS) - 1)))
    return tuple(_summaries(np.asarray(history, dtype=float)[None, :], np.array([float(value)]))[0])


def _summaries(baseline: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The STATISTICS of each value in `values` against its row of `baseline` (rows equally long)."""
    count = baseline.shape[1]
    median = np.median(baseline, axis=1)
    mad = np.median(np.abs(baseline - median[:, None]), axis=1)
    mean = np.mean(baseline, axis=1)
    sd = np.std(baseline, axis=1, ddof=1) if count > 1 else np.zeros(len(baseline))
    mad_scale = np.maximum(mad, MAD_PER_SD * np.sqrt(np.maximum(np.abs(median), 1.0)))
    sd_scale = np.maximum(sd, np.sqrt(np.maximum(np.abs(mean), 1.0)))
    modified_z = MAD_PER_SD * np.abs(values - median) / mad_scale
    return np.column_stack(
        [np.full(len(baseline), count), median, mad, modified_z, mean, sd, np.abs(values - mean) / sd_scale]
    )


Baselines = list[tuple[np.ndarray, np.ndarray]]  # (values, each one's baseline as an equally long row of positions)


def _level_baselines(group: np.ndarray, chosen: np.ndarray) -> Baselines:
    """The last HISTORY_WINDOW values before each chosen one in its series, oldest first."""
    series_start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    rank = np.arange(len(group)) - np.repeat(series_start, np.diff(np.r_[series_start, len(group)]))
    count = np.minimum(rank[chosen], HISTORY_WINDOW)
    parts = []
    for size in range(1, HISTORY_WINDOW + 1):
        sized = chosen[count == size]
        for start in range(0, len(sized), CHUNK):
            part = sized[start:start + CHUNK]
            parts.append((part, (part - size)[:, None] + np.arange(size)[None, :]))
    return parts


def _seasonal_baselines(group: np.ndarray, position: np.ndarray, periods_per_year: np.ndarray,
                        chosen: np.ndarray) -> Baselines:
    """The same period ±1 of up to SEASONAL_YEARS earlier years, as far as the series has them,
    oldest first (the candidates below are in ascending order)."""
    years_back = np.repeat(np.arange(SEASONAL_YEARS, 0, -1), 3)
    offsets = np.tile(np.array([-1, 0, 1]), SEASONAL_YEARS)
    keys = group * (1 << 32) + position  # sorted, as the values are
    wanted = (group[chosen] * (1 << 32) + position[chosen])[:, None] - years_back * periods_per_year[chosen][:, None]
    wanted = wanted + offsets
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    present = keys[found] == wanted
    packed = np.argsort(~present, axis=1, kind="stable")  # found ones first, still oldest first
    found = np.take_along_axis(found, packed, axis=1)
    count = present.sum(axis=1)
    return [(chosen[count == size], found[count == size][:, :size]) for size in range(1, present.shape[1] + 1)]


def _positions(frame: pd.DataFrame) -> pd.Series:
    """A running number per period type (months since year 0, quarters since year 0, years), so that
    'a year earlier' is a fixed step back whatever months are missing."""
    start = pd.to_datetime(frame["period_start"])
    per_year = _periods_per_year(frame["period_type"])
    within_year = ((start.dt.month - 1) * per_year) // 12
    return start.dt.year * per_year + within_year


def _periods_per_year(period_type: pd.Series) -> np.ndarray:
    """PERIODS_PER_YEAR of each row (1 for halves, nine months and years), looked up once per type."""
    codes, types = pd.factorize(period_type, use_na_sentinel=False)
    return np.array([PERIODS_PER_YEAR.get(kind, 1) for kind in types], dtype=np.int64)[codes]
