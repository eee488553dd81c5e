"""The vectorised history statistics give exactly the figures of the per-series loops they replaced.

The loops are kept as the reference in `bench/rule_statistics.py`. Here both run on small series
chosen for their edge cases: gaps, seasons, flat and short histories, quarters next to months,
stocks next to flows, fractions, rare events and indicators without a check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.rule_statistics import loop_consistency_frame, loop_outlier_frame, synthetic_values
from orchestration.quality.indicator_rules import IndicatorRule
from orchestration.quality.value_history import outlier_frame
from orchestration.quality.year_consistency import consistency_frame
from tests.quality.rule_builders import monthly_series, value_row, values_frame

RULES = {
    "DENGUE_CASES": IndicatorRule("DENGUE_CASES", outlier_method="seasonal"),
    "SATISFACTION_SURVEYED": IndicatorRule("SATISFACTION_SURVEYED", outlier_method="seasonal"),
    "MATERNAL_DEATHS": IndicatorRule("MATERNAL_DEATHS", outlier_method="rare_event", consistency_method="none"),
    "DOCTORS": IndicatorRule("DOCTORS", outlier_method="none"),
}


def varied_values(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(6):
        unit = f"QN-U{number}"
        months = int(rng.integers(1, 62))
        first = f"{2020 + int(rng.integers(0, 3))}{int(rng.integers(1, 13)):02d}"
        kept = rng.random(months) > rng.choice([0.0, 0.2, 0.5])  # none, some or many months missing
        seasons = 50 + 40 * np.sin(np.arange(months) * np.pi / 6)
        series = {
            "OPD_VISITS": rng.normal(1000, 150, months).round(2),  # fractions: the sums' order matters
            "DENGUE_CASES": rng.poisson(seasons).astype(float),
            "BEDS": np.full(months, 1200.0),  # flat, a stock
            "DOCTORS": np.full(months, 2.0),
            "MATERNAL_DEATHS": rng.poisson(0.1, months).astype(float),
            "LIVE_BIRTHS": rng.normal(30, 12, months).round(3) * rng.choice([1, -1]),
            "SATISFACTION_PCT": rng.uniform(50, 100, months).round(1),  # a derived rate: no history kept
        }
        for indicator, observed in series.items():
            rows += [row for row, keep in zip(monthly_series(unit, indicator, first, list(observed)), kept) if keep]
        for year in range(2020, 2026):
            for quarter in range(1, 5):
                if rng.random() < 0.8:
                    rows.append(value_row(unit, f"{year}Q{quarter}", "SATISFACTION_SURVEYED", float(rng.integers(0, 900))))
            if rng.random() < 0.5:  # a yearly figure next to the months: the months are compared
                rows.append(value_row(unit, str(year), "OPD_VISITS", float(rng.integers(9000, 15000))))
                rows.append(value_row(unit, str(year), "EHR_PEOPLE", float(rng.integers(100, 5000))))
    frame = values_frame(rows)
    return frame.sample(frac=1, random_state=seed).set_index(rng.permutation(len(frame)) * 3)  # any order, any index


@pytest.mark.parametrize("seed", range(4))
def test_outlier_statistics_equal_the_loop_on_varied_series(seed):
    values = varied_values(seed)
    pd.testing.assert_frame_equal(outlier_frame(values, RULES), loop_outlier_frame(values, RULES), check_exact=True)


@pytest.mark.parametrize("seed", range(4))
def test_year_consistency_equals_the_loop_on_varied_series(seed):
    values = varied_values(seed)
    expected = loop_consistency_frame(values, RULES)
    assert len(expected) > 10
    pd.testing.assert_frame_equal(consistency_frame(values, RULES), expected, check_exact=True)


def test_both_equal_the_loop_on_a_generated_province():
    values, rules = synthetic_values(units=40, indicators=10, months=40)
    pd.testing.assert_frame_equal(outlier_frame(values, rules), loop_outlier_frame(values, rules), check_exact=True)
    pd.testing.assert_frame_equal(consistency_frame(values, rules), loop_consistency_frame(values, rules),
                                  check_exact=True)


def test_nothing_to_compare_gives_the_same_empty_frames():
    values = values_frame(monthly_series("QN-U1", "OPD_VISITS", "202401", [5.0] * 3))
    pd.testing.assert_frame_equal(consistency_frame(values, {}), loop_consistency_frame(values, {}))
    pd.testing.assert_frame_equal(outlier_frame(values, {}), loop_outlier_frame(values, {}), check_exact=True)
