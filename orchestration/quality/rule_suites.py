"""The data-quality rules as Great Expectations suites: one suite per rule family, one expectation
per rule.

The thresholds live here, in the expectations' arguments, so the committed suites under
`expectations/gx/expectations/dq_*.json` and Data Docs show exactly what was applied. The frames
these suites validate are prepared by the family modules (`validity_frames.py`, `value_history.py`,
`year_consistency.py`, `reporting.py`), which only compute what GX cannot (a unit's own history, a
deadline in Vietnamese working days); whether a row passes is always GX's verdict. Each
expectation carries its rule code in `meta`, which is how a failed row becomes a finding of that
rule (`rule_catalogue.py`).
"""

from __future__ import annotations

from typing import Any

from orchestration.quality.rule_catalogue import PAIR_RULES, RULES, Family
from orchestration.quality.suites import ExpectationSpec, SuiteSpec

# Modified z-score (Iglewicz & Hoaglin): 3.5 or more is an outlier, judged on 6 earlier periods at least.
MODIFIED_Z_THRESHOLD = 3.5
MIN_HISTORY = 6
# Distance from the history's mean in standard deviations: moderate 2–3, extreme 3 or more (WHO DQR).
MODERATE_SD = 2
EXTREME_SD = 3
# Consistency over time (WHO DQR): the year within ±33 % of the mean of earlier years ...
CONSISTENCY_LOW = 0.67
CONSISTENCY_HIGH = 1.33
# ... where that mean is at least 100: a count of ~100 (Poisson SD 10 %) rarely strays 33 % by
# chance, a count of 10 often does, and a unit's handful of births would cry wolf every year.
CONSISTENCY_MIN_BASELINE = 100


def suite_name(family: Family) -> str:
    return f"dq_{family}"


def _condition(column: str, operator: str, parameter: Any) -> dict[str, Any]:
    return {"type": "comparison", "column": {"name": column}, "operator": operator, "parameter": parameter}


def _all_of(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"type": "and", "conditions": list(conditions)}


def _spec(rule_code: str, expectation_type: str, kwargs: dict[str, Any]) -> ExpectationSpec:
    rule = RULES[rule_code]
    # GX's "critical" is the rule's error (the value is held back); its "warning" is the rule's warning.
    gx_severity = "critical" if rule.severity == "error" else "warning"
    return ExpectationSpec(expectation_type, kwargs, f"{rule_code}: {rule.checks_en}", rule_code, gx_severity)


COUNTS_ONLY = _condition("is_count", "==", True)
OUTLIER_CANDIDATE = _all_of(
    _condition("history_count", ">=", MIN_HISTORY), _condition("modified_z", ">=", MODIFIED_Z_THRESHOLD)
)

VALIDITY = SuiteSpec(
    suite_name("validity"),
    (
        _spec("DQ_NEGATIVE_COUNT", "expect_column_values_to_be_between",
              {"column": "value", "min_value": 0, "row_condition": COUNTS_ONLY}),
        _spec("DQ_FRACTIONAL_COUNT", "expect_column_values_to_be_between",
              {"column": "fractional_part", "max_value": 0, "row_condition": COUNTS_ONLY}),
        _spec("DQ_ABOVE_RANGE", "expect_column_pair_values_a_to_be_greater_than_b",
              {"column_A": "max_value", "column_B": "value", "or_equal": True,
               "ignore_row_if": "either_value_is_missing"}),
        # A negative count already has its own finding; one problem, one message.
        _spec("DQ_BELOW_RANGE", "expect_column_pair_values_a_to_be_greater_than_b",
              {"column_A": "value", "column_B": "min_value", "or_equal": True,
               "ignore_row_if": "either_value_is_missing", "row_condition": _condition("value", ">=", 0)}),
    ),
)

RELATED_INDICATORS = SuiteSpec(
    suite_name("related_indicators"),
    tuple(
        _spec(pair.rule_code, "expect_column_pair_values_a_to_be_greater_than_b",
              {"column_A": "window_greater", "column_B": "window_lesser", "or_equal": True,
               "row_condition": _all_of(_condition("rule_code", "==", pair.rule_code),
                                        _condition("period_excess", ">", 0))})
        for pair in PAIR_RULES
    ),
)

REPORTING = SuiteSpec(
    suite_name("reporting"),
    (
        _spec("DQ_REPORT_MISSING", "expect_column_values_to_not_be_null",
              {"column": "first_arrived_at", "row_condition": _condition("is_due", "==", True)}),
        _spec("DQ_REPORT_LATE", "expect_column_pair_values_a_to_be_greater_than_b",
              {"column_A": "due_date", "column_B": "arrival_date", "or_equal": True,
               "ignore_row_if": "either_value_is_missing"}),
    ),
)

VALUE_COMPLETENESS = SuiteSpec(
    suite_name("value_completeness"),
    (
        # An indicator whose cell was rejected at intake already has an error finding saying why.
        _spec("DQ_VALUE_MISSING", "expect_column_values_to_be_between",
              {"column": "values_present", "min_value": 1,
               "row_condition": _condition("has_intake_finding", "==", False)}),
    ),
)

OUTLIERS = SuiteSpec(
    suite_name("outliers"),
    (
        _spec("DQ_OUTLIER_EXTREME", "expect_column_values_to_be_between",
              {"column": "sd_distance", "max_value": EXTREME_SD, "strict_max": True,
               "row_condition": OUTLIER_CANDIDATE}),
        _spec("DQ_OUTLIER_MODERATE", "expect_column_values_to_be_between",
              {"column": "sd_distance", "max_value": MODERATE_SD, "strict_max": True,
               "row_condition": _all_of(*OUTLIER_CANDIDATE["conditions"],
                                        _condition("sd_distance", "<", EXTREME_SD))}),
        _spec("DQ_RARE_EVENT", "expect_column_values_to_be_between",
              {"column": "value", "max_value": 0,
               "row_condition": _condition("outlier_method", "==", "rare_event")}),
    ),
)

CONSISTENCY_OVER_TIME = SuiteSpec(
    suite_name("consistency_over_time"),
    (
        _spec("DQ_YEAR_INCONSISTENT", "expect_column_values_to_be_between",
              {"column": "ratio", "min_value": CONSISTENCY_LOW, "max_value": CONSISTENCY_HIGH,
               "row_condition": _condition("baseline_mean", ">=", CONSISTENCY_MIN_BASELINE)}),
    ),
)

RULE_SUITES: dict[str, SuiteSpec] = {
    suite.name: suite
    for suite in (VALIDITY, RELATED_INDICATORS, REPORTING, VALUE_COMPLETENESS, OUTLIERS, CONSISTENCY_OVER_TIME)
}
