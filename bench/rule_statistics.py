"""The rules step's history statistics, vectorised against the per-series loops they replaced.

`orchestration/quality/value_history.outlier_frame` and `year_consistency.consistency_frame` used
to walk every (unit, indicator, period type) series in Python. The loops are kept here, verbatim,
as the reference: this benchmark times both on one large synthetic frame in the same run, checks
that they give identical figures, and reports old/new; `tests/quality/test_rule_statistics_equivalence.py`
compares them on small varied series (gaps, seasons, flat, short, quarters, stocks).

    .venv/bin/python bench/rule_statistics.py [--units 3000 --indicators 30 --months 24]

Results are printed and written to bench/results/rule_statistics.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from orchestration.quality.indicator_rules import IndicatorRule, rule_for  # noqa: E402
from orchestration.quality.value_history import (  # noqa: E402
    HISTORY_WINDOW, MAD_PER_SD, PERIODS_PER_YEAR, SEASONAL_YEARS, STATISTICS, outlier_frame,
)
from orchestration.quality.year_consistency import COLUMNS, GRAIN_ORDER, PRIOR_YEARS, consistency_frame  # noqa: E402


# --- The reference: the loops as they were (value_history.py, year_consistency.py and the row-by-row
# indicator_rules.rule_column before the change).

def rule_column(values: pd.DataFrame, rules: Mapping[str, IndicatorRule], attribute: str) -> pd.Series:
    return pd.Series(
        [
            getattr(rule_for(rules, code, kind), attribute)
            for code, kind in zip(values["indicator_code"], values["indicator_kind"], strict=True)
        ],
        index=values.index,
        dtype=object,
    )


def _positions(frame: pd.DataFrame) -> pd.Series:
    start = pd.to_datetime(frame["period_start"])
    per_year = frame["period_type"].map(PERIODS_PER_YEAR).fillna(1).astype(int)
    within_year = ((start.dt.month - 1) * per_year) // 12
    return start.dt.year * per_year + within_year


def loop_outlier_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
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
            history = observed[_loop_baseline(positions, k, method, PERIODS_PER_YEAR.get(period_type, 1))]
            statistics[row_of[label]] = _loop_statistics(history, observed[k])
    for number, column in enumerate(STATISTICS):
        frame[column] = statistics[:, number]
    frame["history_count"] = frame["history_count"].astype(int)
    return frame.drop(columns=["period_position"])


def _loop_statistics(history: np.ndarray, value: float) -> tuple[float, ...]:
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


def _loop_baseline(positions: np.ndarray, k: int, method: str, periods_per_year: int) -> np.ndarray:
    if method == "seasonal" and periods_per_year > 1:
        wanted = {
            positions[k] - periods_per_year * years_back + offset
            for years_back in range(1, SEASONAL_YEARS + 1)
            for offset in (-1, 0, 1)
        }
        return np.flatnonzero(np.isin(positions[:k], list(wanted)))
    return np.arange(max(0, k - HISTORY_WINDOW), k)


def loop_consistency_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
    compared = values[
        (rule_column(values, rules, "consistency_method") == "mean") & values["period_type"].isin(list(GRAIN_ORDER))
    ].copy()
    rows: list[dict] = []
    if not compared.empty:
        compared["grain"] = compared["period_type"].map(GRAIN_ORDER)
        finest = compared.groupby(["org_unit_code", "indicator_code"])["grain"].transform("min")
        compared = compared[compared["grain"] == finest]
        start = pd.to_datetime(compared["period_start"])
        compared["year"] = start.dt.year
        compared["position"] = np.where(
            compared["period_type"] == "quarter", (start.dt.month - 1) // 3 + 1, start.dt.month
        )
        for (unit, indicator, period_type), series in compared.groupby(["org_unit_code", "indicator_code", "period_type"]):
            rows.extend(_loop_compare_years(unit, indicator, period_type, series))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"months_compared": int, "prior_years": int})


def _loop_compare_years(unit: str, indicator: str, period_type: str, series: pd.DataFrame) -> list[dict]:
    is_flow = series["aggregation"].iloc[0] == "flow"
    by_year = {
        year: dict(zip(group["position"], group["value"], strict=True)) for year, group in series.groupby("year")
    }
    rows = []
    for year, current in by_year.items():
        positions = sorted(current)
        earlier = [
            _loop_combine(by_year[year - back], positions, is_flow)
            for back in range(1, PRIOR_YEARS + 1)
            if year - back in by_year and set(positions) <= set(by_year[year - back])
        ]
        if not earlier:
            continue
        baseline = float(np.mean(earlier))
        value = _loop_combine(current, positions, is_flow)
        rows.append({
            "org_unit_code": unit, "indicator_code": indicator, "period_code": str(year), "period_type": period_type,
            "months_compared": len(positions), "current_value": value, "prior_years": len(earlier),
            "baseline_mean": baseline, "ratio": value / baseline if baseline > 0 else np.nan,
        })
    return rows


def _loop_combine(values_by_position: Mapping[int, float], positions: list[int], is_flow: bool) -> float:
    if is_flow:
        return float(sum(values_by_position[position] for position in positions))
    return float(values_by_position[positions[-1]])


# --- The benchmark.

def synthetic_values(units: int, indicators: int, months: int, seed: int = 7) -> tuple[pd.DataFrame, dict]:
    """`units` × `indicators` monthly series of `months` months from 2023-01, a tenth of them seasonal
    and a fifth stocks, values with fractions, about 3% of the months missing."""
    rng = np.random.default_rng(seed)
    month_index = np.arange(months)
    starts = pd.to_datetime([f"{2023 + m // 12}-{m % 12 + 1:02d}-01" for m in month_index])
    codes = [f"{start.year}{start.month:02d}" for start in starts]
    unit_codes = np.array([f"P{u // 54:02d}-U{u:05d}" for u in range(units)])
    indicator_codes = np.array([f"IND{i:02d}" for i in range(indicators)])
    u, i, m = (grid.ravel() for grid in np.meshgrid(np.arange(units), np.arange(indicators), month_index, indexing="ij"))
    level = rng.lognormal(5, 1.5, units * indicators)[u * indicators + i]
    season = 1 + 0.5 * np.sin(2 * np.pi * (m % 12) / 12) * (i % 10 == 0)
    value = np.round(rng.normal(level * season, np.sqrt(level) + 1) * 4) / 4
    keep = rng.random(len(u)) > 0.03
    frame = pd.DataFrame({
        "org_unit_code": unit_codes[u], "period_code": np.array(codes)[m], "indicator_code": indicator_codes[i],
        "value": value, "period_type": "month", "period_start": starts[m],
        "indicator_kind": "reported", "aggregation": np.where(i % 5 == 0, "stock", "flow"),
    })[keep].reset_index(drop=True)
    rules = {code: IndicatorRule(code, outlier_method="seasonal") for code in indicator_codes[::10]}
    return frame, rules


def timed(function, *args) -> tuple[pd.DataFrame, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    values, rules = synthetic_values(args.units, args.indicators, args.months)
    results: dict[str, object] = {"values": len(values), "series": args.units * args.indicators}
    for name, old, new in (("outliers", loop_outlier_frame, outlier_frame),
                           ("year_consistency", loop_consistency_frame, consistency_frame)):
        new_frame, new_seconds = timed(new, values, rules)
        old_frame, old_seconds = timed(old, values, rules)
        pd.testing.assert_frame_equal(new_frame, old_frame, check_exact=True)
        results[name] = {"loop_seconds": round(old_seconds, 3), "vectorised_seconds": round(new_seconds, 3),
                         "ratio_old_over_new": round(old_seconds / new_seconds, 1), "rows": len(new_frame)}
        print(f"{name}: loop {old_seconds:.2f} s, vectorised {new_seconds:.2f} s, "
              f"{old_seconds / new_seconds:.0f}× faster, {len(new_frame)} rows, identical")
    output = REPO_ROOT / "bench" / "results" / "rule_statistics.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2))
    print(f"→ {output}")


if __name__ == "__main__":
    main()
