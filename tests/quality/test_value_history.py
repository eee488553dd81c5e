"""The statistics each value is judged by: the modified z-score, the counting-noise floor, baselines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from orchestration.quality.indicator_rules import IndicatorRule
from orchestration.quality.value_history import HISTORY_WINDOW, baseline_statistics, outlier_frame
from tests.quality.rule_builders import monthly_series, value_row, values_frame


def test_modified_z_score_is_the_iglewicz_hoaglin_formula_on_a_wide_history():
    history = np.array([1000.0, 1100, 900, 1050, 950, 1200, 800])
    count, median, mad, modified_z, mean, sd, sd_distance = baseline_statistics(history, 1600)
    assert (count, median, mad) == (7, 1000, 100)
    assert modified_z == pytest.approx(0.6745 * 600 / 100)
    assert sd_distance == pytest.approx(abs(1600 - mean) / sd)


def test_a_flat_history_is_floored_at_counting_noise_so_one_more_doctor_is_no_outlier():
    """Six months of exactly 2 doctors have MAD 0; without the floor a third doctor is infinitely far."""
    _, _, mad, modified_z, _, sd, sd_distance = baseline_statistics(np.array([2.0] * 6), 3)
    assert (mad, sd) == (0, 0)
    assert modified_z == pytest.approx(0.6745 * 1 / (0.6745 * math.sqrt(2)))
    assert modified_z < 3.5 and sd_distance < 2


def test_the_floor_still_lets_a_real_jump_in_a_flat_history_through():
    _, _, _, modified_z, _, _, sd_distance = baseline_statistics(np.array([1200.0] * 6), 1500)
    assert modified_z > 3.5 and sd_distance > 3  # 300 beds more is ~8.7 counting-noise units


def test_no_history_gives_no_statistics():
    count, *rest = baseline_statistics(np.array([]), 5)
    assert count == 0 and all(math.isnan(value) for value in rest)


def test_level_baseline_is_the_last_two_years_of_the_same_unit_and_indicator():
    rows = monthly_series("QN-TTYT-HL", "OPD_VISITS", "202201", list(range(1, 31)))
    rows += monthly_series("QN-TTYT-DT", "OPD_VISITS", "202201", [500] * 30)
    frame = outlier_frame(values_frame(rows), {})
    last = frame[(frame["org_unit_code"] == "QN-TTYT-HL") & (frame["period_code"] == "202406")].iloc[0]
    assert last["history_count"] == HISTORY_WINDOW
    assert last["baseline_median"] == np.median(range(30 - HISTORY_WINDOW, 30))


def test_seasonal_baseline_compares_with_the_same_month_and_its_neighbours_of_earlier_years():
    """Dengue of July 2025 against June–August of 2023 and 2024 — never against the dry months before it."""
    seasons = [2, 1, 1, 2, 3, 8, 16, 27, 41, 33, 14, 5]
    rows = monthly_series("QN-CDC", "DENGUE_CASES", "202301", seasons * 2 + seasons[:7])
    frame = outlier_frame(values_frame(rows), {"DENGUE_CASES": IndicatorRule("DENGUE_CASES", outlier_method="seasonal")})
    july = frame[frame["period_code"] == "202507"].iloc[0]
    assert july["history_count"] == 6
    assert july["baseline_median"] == np.median([8, 16, 27] * 2)


@pytest.mark.parametrize("method", ["rare_event", "none"])
def test_rare_events_and_unchecked_indicators_get_no_baseline(method):
    rows = monthly_series("QN-BVSN", "MATERNAL_DEATHS", "202401", [0] * 8 + [1])
    frame = outlier_frame(values_frame(rows), {"MATERNAL_DEATHS": IndicatorRule("MATERNAL_DEATHS", outlier_method=method)})
    assert (frame["history_count"] == 0).all() and frame["modified_z"].isna().all()
    assert (frame["outlier_method"] == method).all()


def test_quarters_are_a_series_of_their_own():
    rows = [value_row("QN-BVDKT", code, "SATISFACTION_SURVEYED", 500) for code in ("2024Q1", "2024Q2", "2024Q3")]
    frame = outlier_frame(values_frame(rows), {})
    assert frame["history_count"].tolist() == [0, 1, 2]
