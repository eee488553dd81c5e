"""The clerk's wording: every rule has a plain sentence, one action per severity, and the backlog
boundary counts the unit's last two reporting periods."""

from __future__ import annotations

import re
from datetime import date

import pytest

from orchestration.alerts.clerk_text import CONFIRM_VI, FIX_VI, PROBLEMS, clerk_text, typed_value
from orchestration.alerts.feedback import backlog_cutoff, is_backlog
from orchestration.alerts.model import FindingRow
from orchestration.quality.rule_catalogue import RULES

NAMES = {"OPD_VISITS": ("Số lượt khám bệnh ngoại trú", "Outpatient visits")}


def finding(rule_code: str, severity: str, period: str | None = "202512", value: str | None = "1384000") -> FindingRow:
    return FindingRow("QN-TYT-HATU", period, "OPD_VISITS", rule_code, severity, "vi", "en", "f.xlsx", "BC", "E9", 1,
                      value)


def test_every_data_quality_rule_has_a_plain_sentence_without_codes_or_statistics():
    assert set(RULES) <= set(PROBLEMS)
    for vietnamese, _ in PROBLEMS.values():
        assert not re.search(r"[A-Z_]{4,}", vietnamese), vietnamese
        assert not re.search(r"điểm z|độ lệch chuẩn|trung vị|\bSD\b", vietnamese), vietnamese


@pytest.mark.parametrize(("severity", "action"), [("error", FIX_VI), ("warning", CONFIRM_VI)])
def test_one_action_per_severity_and_the_name_on_the_form(severity, action):
    text = clerk_text(finding("DQ_OUTLIER_EXTREME", severity), NAMES)
    assert text.indicator_vi == "Số lượt khám bệnh ngoại trú"
    assert text.sentence_vi == f"Số đã ghi (1.384.000) khác rất nhiều so với các kỳ trước của đơn vị. {action}"
    assert text.sentence_en.startswith("The figure typed (1,384,000)")


def test_typed_text_is_shown_as_typed():
    assert typed_value("12a") == ("12a", "12a") and typed_value("95.5") == ("95,5", "95.5")


@pytest.mark.parametrize(("latest_end", "cutoff"), [
    (date(2025, 12, 31), date(2025, 11, 1)), (date(2026, 1, 31), date(2025, 12, 1)), (date(2025, 9, 30), date(2025, 8, 1)),
])
def test_the_last_two_reporting_periods_are_current(latest_end, cutoff):
    assert backlog_cutoff(latest_end) == cutoff


def test_only_periods_ended_before_the_cutoff_are_backlog():
    since = date(2025, 11, 1)
    assert is_backlog(finding("DQ_REPORT_LATE", "warning", "202510"), since)
    assert not is_backlog(finding("DQ_REPORT_LATE", "warning", "202511"), since)
    assert not is_backlog(finding("DQ_REPORT_LATE", "warning", "2025Q4"), since)
    assert is_backlog(finding("DQ_REPORT_LATE", "warning", "2025Q3"), since)
    assert not is_backlog(finding("DQ_REPORT_LATE", "warning", None), since)
