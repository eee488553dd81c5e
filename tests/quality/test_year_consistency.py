"""Consistency over time compares like with like: the same months of earlier years."""

from __future__ import annotations

import pytest

from orchestration.quality.indicator_rules import IndicatorRule
from orchestration.quality.year_consistency import consistency_frame
from tests.quality.rule_builders import monthly_series, values_frame


def test_a_year_in_progress_is_compared_with_the_same_months_of_up_to_three_earlier_years():
    rows = []
    for year, level in ((2021, 50), (2022, 100), (2023, 110), (2024, 120)):
        rows += monthly_series("QN-TTYT-HL", "OPD_VISITS", f"{year}01", [level] * 12)
    rows += monthly_series("QN-TTYT-HL", "OPD_VISITS", "202501", [150] * 3)
    frame = consistency_frame(values_frame(rows), {})
    current = frame[frame["period_code"] == "2025"].iloc[0]
    assert (current["months_compared"], current["prior_years"]) == (3, 3)
    assert current["baseline_mean"] == pytest.approx(3 * (100 + 110 + 120) / 3)
    assert current["ratio"] == pytest.approx(450 / 330)
    assert frame[frame["period_code"] == "2021"].empty, "a first year has nothing to compare with"


def test_an_earlier_year_missing_one_of_the_months_is_left_out():
    rows = monthly_series("QN-TTYT-HL", "OPD_VISITS", "202301", [100] * 5)  # January–May only
    rows += monthly_series("QN-TTYT-HL", "OPD_VISITS", "202401", [120] * 12)
    rows += monthly_series("QN-TTYT-HL", "OPD_VISITS", "202501", [130] * 6)
    current = consistency_frame(values_frame(rows), {}).set_index("period_code").loc["2025"]
    assert current["prior_years"] == 1 and current["baseline_mean"] == 720


def test_a_stock_is_compared_at_the_last_month_not_summed():
    rows = monthly_series("QN-BVDKT", "BEDS", "202401", [1200] * 12)
    rows += monthly_series("QN-BVDKT", "BEDS", "202501", [1200] * 5 + [1300])
    current = consistency_frame(values_frame(rows), {}).set_index("period_code").loc["2025"]
    assert (current["current_value"], current["baseline_mean"]) == (1300, 1200)


def test_indicators_without_a_consistency_method_are_left_out():
    rows = monthly_series("QN-BVDKT", "BEDS", "202401", [1] * 12) + monthly_series("QN-BVDKT", "BEDS", "202501", [9] * 12)
    assert consistency_frame(values_frame(rows), {"BEDS": IndicatorRule("BEDS", consistency_method="none")}).empty
