"""The rule catalogue, the GX suites and the messages agree with each other."""

from __future__ import annotations

import string
from datetime import datetime

import pytest

from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.quality.finding_messages import number_text
from orchestration.quality.reporting import obliged_values_frame, report_register
from orchestration.quality.rule_catalogue import FAMILIES, RULES, rules_of
from orchestration.quality.rule_suites import RULE_SUITES, suite_name
from orchestration.quality.validity_frames import related_indicator_frame, validity_frame
from orchestration.quality.value_history import outlier_frame
from orchestration.quality.year_consistency import consistency_frame
from tests.quality.rule_builders import AS_OF, monthly_series, received_frame, received_row, value_row, values_frame


def test_each_rule_is_exactly_one_expectation_of_its_familys_suite():
    assert set(RULE_SUITES) == {suite_name(family) for family in FAMILIES}
    for family in FAMILIES:
        codes = [spec.rule_code for spec in RULE_SUITES[suite_name(family)].expectations]
        assert sorted(codes) == sorted(rule.code for rule in rules_of(family)), family


def test_error_rules_are_critical_in_gx_and_warnings_are_warnings():
    for suite in RULE_SUITES.values():
        for spec in suite.expectations:
            assert spec.severity == ("critical" if RULES[spec.rule_code].severity == "error" else "warning")


@pytest.fixture(scope="module")
def family_fields() -> dict[str, set[str]]:
    """The fields a message of each family can use: the columns of the frame GX judged."""
    registry = load_registry(REPO_ROOT / "sources" / "reference")
    values = values_frame(monthly_series("QN-TYT-HAILANG", "DTP1", "202401", [10] * 13)
                          + monthly_series("QN-TYT-HAILANG", "DTP3", "202401", [9] * 13))
    register = report_register(registry, received_frame([received_row("QN-TYT-HAILANG", "202401", datetime(2024, 2, 2))]), AS_OF)
    derived = {"direction_vi", "direction_en"}
    return {
        "validity": set(validity_frame(values, {}).columns),
        "related_indicators": set(related_indicator_frame(values).columns),
        "reporting": set(register.columns),
        "value_completeness": set(obliged_values_frame(register, values, values_frame([{"submission_id": 0, "indicator_code": "X"}])).columns),
        "outliers": set(outlier_frame(values, {}).columns) | derived,
        "consistency_over_time": set(consistency_frame(values, {}).columns) | {"ratio_pct"},
    }


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_every_message_field_is_one_the_rule_s_frame_provides(rule, family_fields):
    for template in (rule.problem_vi, rule.problem_en, rule.fix_vi, rule.fix_en):
        used = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        assert used <= family_fields[rule.family], used - family_fields[rule.family]


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [(1384000, "1.384.000", "1,384,000"), (95.56, "95,56", "95.56"), (-40, "-40", "-40"), (2.5, "2,5", "2.5"), (7.0, "7", "7")],
)
def test_numbers_are_written_as_each_reader_writes_them(value, vi, en):
    assert (number_text(value, "vi"), number_text(value, "en")) == (vi, en)


def test_value_row_builder_matches_the_first_phase_columns():
    assert set(value_row("QN", "202401", "DTP1", 1)) >= {"org_unit_code", "period_code", "indicator_code", "value",
                                                        "submission_id", "file_name", "sheet_name", "cell_ref"}
