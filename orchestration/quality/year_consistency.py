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
COLUMNS = [
    "org_unit_code", "indicator_code", "period_code", "period_type", "months_compared", "current_value",
    "prior_years", "baseline_mean", "ratio",
]


def consistency_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
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
            rows.extend(_compare_years(unit, indicator, period_type, series))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"months_compared": int, "prior_years": int})


def _compare_years(unit: str, indicator: str, period_type: str, series: pd.DataFrame) -> list[dict]:
    is_flow = series["aggregation"].iloc[0] == "flow"
    by_year = {
        year: dict(zip(group["position"], group["value"], strict=True)) for year, group in series.groupby("year")
    }
    rows = []
    for year, current in by_year.items():
        positions = sorted(current)
        earlier = [
            _combine(by_year[year - back], positions, is_flow)
            for back in range(1, PRIOR_YEARS + 1)
            if year - back in by_year and set(positions) <= set(by_year[year - back])
        ]
        if not earlier:
            continue
        baseline = float(np.mean(earlier))
        value = _combine(current, positions, is_flow)
        rows.append({
            "org_unit_code": unit,
            "indicator_code": indicator,
            "period_code": str(year),
            "period_type": period_type,
            "months_compared": len(positions),
            "current_value": value,
            "prior_years": len(earlier),
            "baseline_mean": baseline,
            "ratio": value / baseline if baseline > 0 else np.nan,
        })
    return rows


def _combine(values_by_position: Mapping[int, float], positions: list[int], is_flow: bool) -> float:
    if is_flow:
        return float(sum(values_by_position[position] for position in positions))
    return float(values_by_position[positions[-1]])
