"""How each indicator is judged: `sources/reference/dq_indicator_rules.csv`.

The data-quality officer tunes this file, not the code: whether values are whole counts, which
history an outlier is measured against, and whether the year is compared with earlier years. Each
row says why in both languages, so the catalogue documents its own choices. An indicator missing
from the file gets the standard treatment (whole counts, own recent history, year on year), which
is the right default for the counts a health department collects.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd

FILE_NAME = "dq_indicator_rules.csv"
COLUMNS = ("indicator_code", "whole_number", "outlier_method", "consistency_method", "rationale_vi", "rationale_en")

# level: the unit's last periods; seasonal: the same month ±1 of earlier years (historical limits);
# rare_event: no z-score, every non-zero count is reviewed; none: no outlier check.
OutlierMethod = Literal["level", "seasonal", "rare_event", "none"]
# mean: the year against the mean of up to three earlier years; none: no comparison.
ConsistencyMethod = Literal["mean", "none"]
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class IndicatorRule:
    indicator_code: str
    whole_number: bool = True
    outlier_method: OutlierMethod = "level"
    consistency_method: ConsistencyMethod = "mean"
    rationale_vi: str = "Cách kiểm tra mặc định."
    rationale_en: str = "The standard checks."


DERIVED_RULE = IndicatorRule(
    "*derived*", whole_number=False, outlier_method="none", consistency_method="none",
    rationale_vi="Tỷ lệ do đơn vị tự tính: kho tính lại từ số liệu gốc; chỉ kiểm tra khoảng hợp lý.",
    rationale_en="A rate the unit computed: the warehouse recomputes it from the inputs; only its range is checked.",
)


class IndicatorRulesError(ValueError):
    """The file cannot be applied; the message names the file and line, in Vietnamese and English."""


def load_indicator_rules(reference_dir: Path) -> dict[str, IndicatorRule]:
    path = reference_dir / FILE_NAME
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise IndicatorRulesError(
                f"{path}: tiêu đề phải là {','.join(COLUMNS)} / the header must be {','.join(COLUMNS)}"
            )
        rules: dict[str, IndicatorRule] = {}
        for line, row in enumerate(reader, start=2):
            rule = _parse(row, f"{path}:{line}")
            if rule.indicator_code in rules:
                raise IndicatorRulesError(
                    f"{path}:{line}: chỉ số {rule.indicator_code} khai báo hai lần / "
                    f"indicator {rule.indicator_code} is listed twice"
                )
            rules[rule.indicator_code] = rule
    return rules


def rule_for(rules: Mapping[str, IndicatorRule], indicator_code: str, kind: str | None = None) -> IndicatorRule:
    """A rate a unit typed (a derived indicator) is no count and has no history of its own: the
    warehouse publishes the rate it recomputes from the parts, and the model compares the typed one
    with it (int_model_findings). Only its plausible range is checked here."""
    if kind == "derived":
        return DERIVED_RULE
    return rules.get(indicator_code) or IndicatorRule(indicator_code)


def rule_column(values: pd.DataFrame, rules: Mapping[str, IndicatorRule], attribute: str) -> pd.Series:
    """One attribute of each value row's rule, by its indicator and kind (looked up once per indicator)."""
    codes, indicators = pd.factorize(values["indicator_code"], use_na_sentinel=False)
    per_indicator = np.array([getattr(rule_for(rules, code), attribute) for code in indicators] + [None], dtype=object)
    derived = (values["indicator_kind"] == "derived").to_numpy()
    column = np.where(derived, getattr(DERIVED_RULE, attribute), per_indicator[codes])
    return pd.Series(column, index=values.index, dtype=object)


def _parse(row: Mapping[str, str], where: str) -> IndicatorRule:
    whole = _choice(row, "whole_number", tuple(_BOOLEANS), where)
    outlier = _choice(row, "outlier_method", get_args(OutlierMethod), where)
    consistency = _choice(row, "consistency_method", get_args(ConsistencyMethod), where)
    return IndicatorRule(
        indicator_code=row["indicator_code"].strip(),
        whole_number=_BOOLEANS[whole],
        outlier_method=outlier,  # type: ignore[arg-type]
        consistency_method=consistency,  # type: ignore[arg-type]
        rationale_vi=row["rationale_vi"].strip(),
        rationale_en=row["rationale_en"].strip(),
    )


def _choice(row: Mapping[str, str], column: str, allowed: tuple[str, ...], where: str) -> str:
    value = (row[column] or "").strip().lower()
    if value not in allowed:
        raise IndicatorRulesError(
            f"{where}: {column} = '{row[column]}' phải là một trong {', '.join(allowed)} / "
            f"{column} = '{row[column]}' must be one of {', '.join(allowed)}"
        )
    return value
