"""Every data-quality rule, judged by its real GX suite: a case that must fire and a near miss that must not.

Each test builds the family's frame the way the pipeline does (the family modules), lets the
committed suite decide, and checks exactly which rows failed which rule.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.lib.obligations import expected_reports, report_timeliness
from orchestration.lib.periods import month_period
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.quality.indicator_rules import IndicatorRule, load_indicator_rules
from orchestration.quality.reporting import obliged_values_frame, report_register, report_statuses
from orchestration.quality.rule_catalogue import RULES
from orchestration.quality.validity_frames import related_indicator_frame, validity_frame
from orchestration.quality.value_history import outlier_frame
from orchestration.quality.year_consistency import consistency_frame
from tests.quality.rule_builders import (
    AS_OF,
    failing_rows,
    monthly_series,
    received_frame,
    received_row,
    value_row,
    values_frame,
)

REFERENCE_DIR = REPO_ROOT / "sources" / "reference"


@pytest.fixture(scope="module")
def rules():
    return load_indicator_rules(REFERENCE_DIR)


@pytest.fixture(scope="module")
def registry():
    return load_registry(REFERENCE_DIR)


def only(failures: dict[str, list[int]], rule_code: str, rows: list[int]) -> None:
    """`rule_code` failed exactly `rows`, and no other rule of the family failed anything."""
    assert failures[rule_code] == rows
    assert {code: hits for code, hits in failures.items() if code != rule_code and hits} == {}


def test_negative_count_fires_and_zero_does_not(gx_project, rules):
    frame = validity_frame(values_frame([
        value_row("QN-TYT-HAILANG", "202403", "OPD_VISITS", -40),
        value_row("QN-TYT-HAILANG", "202403", "LIVE_BIRTHS", 0),
    ]), rules)
    only(failing_rows(gx_project, "validity", frame), "DQ_NEGATIVE_COUNT", [0])


def test_fraction_fires_on_a_count_but_not_on_a_whole_number_nor_a_non_count(gx_project, rules):
    """A rate the unit typed (a derived indicator) has decimals by nature."""
    frame = validity_frame(values_frame([
        value_row("QN-TYT-HAILANG", "202403", "OPD_VISITS", 1.384),
        value_row("QN-TYT-HAILANG", "202403", "LIVE_BIRTHS", 1384.0),
        value_row("QN-BVDKT", "202403", "BEDS", 95.5),
        value_row("QN-BVDKT", "2025Q1", "SATISFACTION_PCT", 95.56),
    ]), rules | {"BEDS": IndicatorRule("BEDS", whole_number=False)})
    only(failing_rows(gx_project, "validity", frame), "DQ_FRACTIONAL_COUNT", [0])


def test_above_range_fires_one_over_the_maximum_and_not_at_it(gx_project, rules):
    """The catalogue's range applies to typed rates too: a satisfaction rate of 100.5 % is impossible."""
    frame = validity_frame(values_frame([
        value_row("QN-BVSN", "202403", "MATERNAL_DEATHS", 101),
        value_row("QN-BVDKT", "202403", "MATERNAL_DEATHS", 100),
        value_row("QN-BVSN", "2025Q1", "SATISFACTION_PCT", 100.5),
        value_row("QN-BVDKT", "2025Q1", "SATISFACTION_PCT", 100.0),
    ]), rules)
    only(failing_rows(gx_project, "validity", frame), "DQ_ABOVE_RANGE", [0, 2])


def test_below_range_fires_under_the_minimum_but_not_at_it_nor_on_a_negative(gx_project, rules):
    frame = validity_frame(values_frame([
        value_row("QN-BVDKT", "202403", "BEDS", 4, min_value=5.0),
        value_row("QN-BVSN", "202403", "BEDS", 5, min_value=5.0),
        value_row("QN-BVBC", "202403", "BEDS", -1, min_value=5.0),
    ]), rules)
    failures = failing_rows(gx_project, "validity", frame)
    assert failures["DQ_BELOW_RANGE"] == [0]
    assert failures["DQ_NEGATIVE_COUNT"] == [2], "a negative count is told once, as negative"


def test_satisfied_above_surveyed_fires_by_one_and_not_when_equal(gx_project):
    frame = related_indicator_frame(values_frame([
        value_row("QN-BVDKT", "2025Q1", "SATISFACTION_SURVEYED", 100),
        value_row("QN-BVDKT", "2025Q1", "SATISFACTION_SATISFIED", 101),
        value_row("QN-BVSN", "2025Q1", "SATISFACTION_SURVEYED", 100),
        value_row("QN-BVSN", "2025Q1", "SATISFACTION_SATISFIED", 100),
    ]))
    failures = failing_rows(gx_project, "related_indicators", frame)
    only(failures, "DQ_SATISFIED_ABOVE_SURVEYED", [frame.index[frame["org_unit_code"] == "QN-BVDKT"][0]])


@pytest.mark.parametrize(
    ("rule_code", "lesser", "greater"),
    [("DQ_DTP3_ABOVE_DTP1", "DTP3", "DTP1"), ("DQ_IMM_FULL_ABOVE_DTP3", "IMM_FULL_U1", "DTP3")],
)
def test_year_to_date_order_blames_the_month_that_breaks_it_not_a_catch_up_month(gx_project, rule_code, lesser, greater):
    """Breaking: 10/10 then 8 over 5 leaves the year 18 over 15. Catch-up: 5 under 10 then 8 over 5
    is a month out of order in a year still in order (13 under 15)."""
    rows = [
        *monthly_series("QN-TYT-HAILANG", greater, "202501", [10, 5]),
        *monthly_series("QN-TYT-HAILANG", lesser, "202501", [10, 8]),
        *monthly_series("QN-TYT-DONGNGU", greater, "202501", [10, 5]),
        *monthly_series("QN-TYT-DONGNGU", lesser, "202501", [5, 8]),
    ]
    frame = related_indicator_frame(values_frame(rows))
    breaking = frame.index[(frame["org_unit_code"] == "QN-TYT-HAILANG") & (frame["period_code"] == "202502")
                           & (frame["rule_code"] == rule_code)]
    only(failing_rows(gx_project, "related_indicators", frame), rule_code, list(breaking))


def test_missing_report_fires_after_its_deadline_and_not_on_the_deadline_day(gx_project, registry):
    """Stations report January 2025 five working days after 31 January, Tết (25 January to
    2 February) excluded: due Friday 7 February. On that day no report is missing yet; the next day
    every station but the one that sent its file is — and no hospital, which has fifteen days."""
    received = received_frame([received_row("QN-TYT-DONGNGU", "202501", datetime(2025, 2, 3, 9))])
    on_deadline = report_register(registry, received, date(2025, 2, 7))
    assert failing_rows(gx_project, "reporting", on_deadline)["DQ_REPORT_MISSING"] == []
    after = report_register(registry, received, date(2025, 2, 8))
    missing = after.loc[failing_rows(gx_project, "reporting", after)["DQ_REPORT_MISSING"]]
    assert set(missing["unit_type"]) == {"commune_station"}
    assert "QN-TYT-HAILANG" in set(missing["org_unit_code"]) and "QN-TYT-DONGNGU" not in set(missing["org_unit_code"])
    assert set(missing["due_date"].dt.date) == {date(2025, 2, 7)}


def test_late_report_fires_one_working_day_after_the_deadline_and_not_on_it(gx_project, registry):
    """Due Friday 7 February 2025; Saturday 8 February is a compensatory working day, so a file that
    arrives then is one working day late, while one sent at 16:45 on the 7th is on time."""
    received = received_frame([
        received_row("QN-TYT-HAILANG", "202501", datetime(2025, 2, 8, 8), submission_id=1),
        received_row("QN-TYT-DONGNGU", "202501", datetime(2025, 2, 7, 16, 45), submission_id=2),
    ])
    register = report_register(registry, received, AS_OF)
    late = failing_rows(gx_project, "reporting", register)["DQ_REPORT_LATE"]
    assert register.loc[late, "org_unit_code"].tolist() == ["QN-TYT-HAILANG"]
    statuses = report_statuses(register, [], late).set_index("org_unit_code")
    assert statuses.loc["QN-TYT-HAILANG", "working_days_late"] == 1
    assert statuses.loc["QN-TYT-DONGNGU", "report_status"] == "on_time"


def test_the_reporting_suite_agrees_with_the_classification_the_digest_uses(gx_project, registry):
    """The scorecard's verdicts (GX on the register) and the weekly digest's lines (lib.obligations)
    name the same reports missing and the same reports late."""
    arrivals = {("QN-TYT-HAILANG", "202501"): datetime(2025, 2, 8, 8), ("QN-TYT-DONGNGU", "202501"): datetime(2025, 2, 3),
                ("QN-BVDKT", "202501"): datetime(2025, 2, 28, 9)}
    received = received_frame([received_row(unit, period, arrived, submission_id=n)
                               for n, ((unit, period), arrived) in enumerate(arrivals.items(), start=1)])
    as_of = date(2025, 2, 12)
    register = report_register(registry, received, as_of)
    verdicts = failing_rows(gx_project, "reporting", register)
    states = report_timeliness(registry, expected_reports(registry, [month_period(2025, 1)]),
                               {key: arrived.date() for key, arrived in arrivals.items()}, as_of)
    for rule_code, status in (("DQ_REPORT_MISSING", "missing"), ("DQ_REPORT_LATE", "late")):
        failed = set(zip(register.loc[verdicts[rule_code], "org_unit_code"], register.loc[verdicts[rule_code], "period_code"]))
        assert failed == {(s.report.unit.code, s.report.period.code) for s in states if s.status == status}
        assert failed, f"the case must exercise {status}"


def test_missing_value_fires_for_an_owed_indicator_but_not_when_intake_already_rejected_it(gx_project, registry):
    received = received_frame([
        received_row("QN-TYT-HAILANG", "202501", datetime(2025, 2, 3), submission_id=1),
        received_row("QN-TYT-DONGNGU", "202501", datetime(2025, 2, 3), submission_id=2),
    ])
    register = report_register(registry, received, AS_OF)
    # Both stations' files lack EHR_PEOPLE; intake rejected DONGNGU's (its cell was not a number).
    values = values_frame([
        value_row(unit, "202501", code, 1, submission_id=submission)
        for unit, submission in (("QN-TYT-HAILANG", 1), ("QN-TYT-DONGNGU", 2))
        for code in ("OPD_VISITS", "LIVE_BIRTHS", "IMM_FULL_U1", "DTP1", "DTP3", "DOCTORS")
    ])
    intake = values_frame([{"submission_id": 2, "indicator_code": "EHR_PEOPLE"}])
    frame = obliged_values_frame(register, values, intake)
    failures = failing_rows(gx_project, "value_completeness", frame)
    missing = frame.loc[failures["DQ_VALUE_MISSING"], ["org_unit_code", "indicator_code"]]
    assert missing.values.tolist() == [["QN-TYT-HAILANG", "EHR_PEOPLE"]]


HISTORY = [100, 98, 103, 101, 99, 102]  # a steady unit: median 100.5, MAD 1.5, SD 1.9


def test_extreme_outlier_fires_with_six_earlier_periods_and_not_with_five(gx_project, rules):
    """200 visits after a steady ~100 is far out; with only five earlier months nothing is judged."""
    rows = monthly_series("QN-TYT-HAILANG", "OPD_VISITS", "202401", [*HISTORY, 200])
    rows += monthly_series("QN-TYT-DONGNGU", "OPD_VISITS", "202401", [*HISTORY[:5], 200])
    frame = outlier_frame(values_frame(rows), rules)
    fired = failing_rows(gx_project, "outliers", frame)["DQ_OUTLIER_EXTREME"]
    assert frame.loc[fired, ["org_unit_code", "period_code"]].values.tolist() == [["QN-TYT-HAILANG", "202407"]]


def test_moderate_outlier_fires_between_two_and_three_sd_and_not_below_the_z_threshold(gx_project, rules):
    """A history with two wild months: the median and MAD stay tight (robust), the SD is wide, so
    140 is a robust outlier (modified z 4.0) only 2.5 SD out — moderate; 130 has z 3.0 — none."""
    history = [100, 100, 101, 99, 100, 100, 130, 70]
    rows = monthly_series("QN-TYT-HAILANG", "OPD_VISITS", "202401", [*history, 140])
    rows += monthly_series("QN-TYT-DONGNGU", "OPD_VISITS", "202401", [*history, 130])
    frame = outlier_frame(values_frame(rows), rules)
    failures = failing_rows(gx_project, "outliers", frame)
    fired = failures["DQ_OUTLIER_MODERATE"]
    assert frame.loc[fired, ["org_unit_code", "period_code"]].values.tolist() == [["QN-TYT-HAILANG", "202409"]]
    assert failures["DQ_OUTLIER_EXTREME"] == []


def test_rare_event_fires_on_one_maternal_death_and_not_on_none(gx_project, rules):
    frame = outlier_frame(values_frame([
        value_row("QN-BVSN", "202503", "MATERNAL_DEATHS", 1),
        value_row("QN-BVDKT", "202503", "MATERNAL_DEATHS", 0),
    ]), rules)
    only(failing_rows(gx_project, "outliers", frame), "DQ_RARE_EVENT", [0])


def test_year_out_of_line_fires_beyond_a_third_and_not_within_it_nor_on_small_counts(gx_project, rules):
    """Like for like over January–June: 840 against 600 is +40 %; 792 is +32 %; 84 against 60 is
    +40 % of a count too small to judge."""
    rows = monthly_series("QN-TTYT-HL", "OPD_VISITS", "202401", [100] * 6)
    rows += monthly_series("QN-TTYT-HL", "OPD_VISITS", "202501", [140] * 6)
    rows += monthly_series("QN-TTYT-DT", "OPD_VISITS", "202401", [100] * 6)
    rows += monthly_series("QN-TTYT-DT", "OPD_VISITS", "202501", [132] * 6)
    rows += monthly_series("QN-TYT-HAILANG", "OPD_VISITS", "202401", [10] * 6)
    rows += monthly_series("QN-TYT-HAILANG", "OPD_VISITS", "202501", [14] * 6)
    frame = consistency_frame(values_frame(rows), rules)
    fired = failing_rows(gx_project, "consistency_over_time", frame)["DQ_YEAR_INCONSISTENT"]
    assert frame.loc[fired, ["org_unit_code", "period_code"]].values.tolist() == [["QN-TTYT-HL", "2025"]]


def test_every_rule_has_a_firing_case_and_a_near_miss():
    """A rule added to the catalogue without a case here fails this, whatever tests are selected."""
    source = Path(__file__).read_text(encoding="utf-8")
    assert [code for code in RULES if f'"{code}"' not in source] == []
