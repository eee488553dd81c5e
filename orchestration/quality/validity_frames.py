"""The frames the validity and related-indicator suites judge, built from the values under check.

Only what GX cannot see in one row is computed here: whether the catalogue counts an indicator in
whole numbers, a value's fractional part, and the running totals of two related indicators. The
comparisons themselves (≥ 0, no fraction, within range, lesser ≤ greater) are the suites'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from orchestration.quality.indicator_rules import IndicatorRule, rule_column
from orchestration.quality.rule_catalogue import PAIR_RULES, PairRule

VALUE_KEY = ["org_unit_code", "period_code", "indicator_code"]
LINEAGE = ["submission_id", "file_name", "sheet_name", "cell_ref"]
PAIR_COLUMNS = [
    "rule_code", "org_unit_code", "period_code", "period_type", "period_start",
    "lesser_code", "greater_code", "lesser_value", "greater_value", "window_lesser", "window_greater",
    "period_excess",
    *(f"lesser_{column}" for column in LINEAGE), *(f"greater_{column}" for column in LINEAGE),
]


def validity_frame(values: pd.DataFrame, rules: Mapping[str, IndicatorRule]) -> pd.DataFrame:
    frame = values.copy()
    frame["is_count"] = rule_column(frame, rules, "whole_number").astype(bool)
    frame["fractional_part"] = (frame["value"] - np.round(frame["value"])).abs()
    return frame


def related_indicator_frame(values: pd.DataFrame, pairs: Sequence[PairRule] = PAIR_RULES) -> pd.DataFrame:
    """One row per pair rule, unit and period where both indicators are present."""
    frames = [_pair_rows(values, pair) for pair in pairs]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame({column: pd.Series(dtype=_dtype(column)) for column in PAIR_COLUMNS})
    return pd.concat(frames, ignore_index=True)[PAIR_COLUMNS]


def _pair_rows(values: pd.DataFrame, pair: PairRule) -> pd.DataFrame:
    keep = ["org_unit_code", "period_code", "period_type", "period_start", "value", *LINEAGE]
    lesser = values.loc[values["indicator_code"] == pair.lesser, keep]
    greater = values.loc[values["indicator_code"] == pair.greater, keep]
    rows = lesser.merge(
        greater, on=["org_unit_code", "period_code", "period_type", "period_start"], suffixes=("_lesser", "_greater")
    )
    rows = rows.rename(
        columns={"value_lesser": "lesser_value", "value_greater": "greater_value"}
        | {f"{column}_lesser": f"lesser_{column}" for column in LINEAGE}
        | {f"{column}_greater": f"greater_{column}" for column in LINEAGE}
    )
    rows["rule_code"] = pair.rule_code
    rows["lesser_code"] = pair.lesser
    rows["greater_code"] = pair.greater
    rows["period_excess"] = rows["lesser_value"] - rows["greater_value"]
    if pair.window == "year_to_date":
        rows = rows.sort_values(["org_unit_code", "period_type", "period_start"])
        year = pd.to_datetime(rows["period_start"]).dt.year
        running = rows.groupby([rows["org_unit_code"], rows["period_type"], year])
        rows["window_lesser"] = running["lesser_value"].cumsum()
        rows["window_greater"] = running["greater_value"].cumsum()
    else:
        rows["window_lesser"] = rows["lesser_value"]
        rows["window_greater"] = rows["greater_value"]
    return rows


def _dtype(column: str) -> str:
    if column.endswith("_value") or column.startswith("window_") or column == "period_excess":
        return "float64"
    if column == "period_start":
        return "datetime64[us]"
    return "object"
