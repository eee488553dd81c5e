"""Which findings are new, which are fixed: the rules that keep feedback free of noise."""

from __future__ import annotations

from datetime import datetime

from orchestration.alerts.diffing import open_error_counts, plan_feedback
from orchestration.alerts.model import FindingRow, SubmissionRow


def submission(submission_id: int, unit: str | None, period: str | None, day: int, status: str = "published"):
    return SubmissionRow(submission_id, f"file{submission_id}.xlsx", unit, period, datetime(2025, 4, day, 9), status)


def finding(submission_id: int, unit: str | None, period: str | None, rule: str = "ING_UNPARSEABLE_VALUE",
            indicator: str | None = "OPD_VISITS", cell: str | None = "D6", severity: str = "error") -> FindingRow:
    return FindingRow(unit, period, indicator, rule, severity, "vi", "en", f"file{submission_id}.xlsx", "Báo cáo",
                      cell, submission_id)


def test_only_units_with_findings_in_their_latest_file_get_feedback():
    submissions = [submission(1, "A", "202503", 1, "superseded"), submission(2, "A", "202503", 2),
                   submission(3, "B", "202503", 2)]
    findings = [finding(1, "A", "202503", cell="D9"), finding(2, "A", "202503", cell="D10"),
                finding(2, "A", "202503", cell="D9", severity="warning")]
    plan = plan_feedback(findings, submissions, open_notified=[], notified_fingerprints=set())
    assert set(plan) == {"A"}
    # The replaced file's finding is history; the live file's findings come in reading order.
    assert [(f.submission_id, f.cell_ref) for f in plan["A"].new_findings] == [(2, "D9"), (2, "D10")]
    assert plan["A"].resolved_findings == []


def test_a_told_finding_is_never_planned_again():
    submissions = [submission(1, "A", "202503", 1)]
    findings = [finding(1, "A", "202503")]
    told = {findings[0].fingerprint}
    assert plan_feedback(findings, submissions, open_notified=findings, notified_fingerprints=told) == {}


def test_resubmission_without_the_problem_resolves_it_and_a_persisting_problem_is_told_anew():
    first = [finding(1, "A", "202503", rule="ING_UNPARSEABLE_VALUE"), finding(1, "A", "202503", rule="DQ_NEGATIVE_COUNT",
                                                                       indicator="DOCTORS", cell="D8")]
    submissions = [submission(1, "A", "202503", 1, "superseded"), submission(2, "A", "202503", 3)]
    # The new file fixed the number but still has the negative value, now on another row.
    second = [finding(2, "A", "202503", rule="DQ_NEGATIVE_COUNT", indicator="DOCTORS", cell="D9")]
    plan = plan_feedback(second, submissions, open_notified=first, notified_fingerprints={f.fingerprint for f in first})
    assert [f.rule_code for f in plan["A"].resolved_findings] == ["ING_UNPARSEABLE_VALUE"]
    assert [(f.rule_code, f.cell_ref) for f in plan["A"].new_findings] == [("DQ_NEGATIVE_COUNT", "D9")]


def test_an_unreadable_latest_file_resolves_nothing():
    told = [finding(1, "A", "202503")]
    submissions = [submission(1, "A", "202503", 1, "superseded"), submission(2, "A", "202503", 3, "quarantined")]
    new = [finding(2, "A", "202503", rule="ING_CORRUPT_FILE", indicator=None, cell=None)]
    plan = plan_feedback(new, submissions, open_notified=told, notified_fingerprints={told[0].fingerprint})
    assert plan["A"].resolved_findings == []
    assert [f.rule_code for f in plan["A"].new_findings] == ["ING_CORRUPT_FILE"]


def test_a_file_with_an_unreadable_period_is_resolved_by_any_later_readable_file():
    told = [finding(1, "A", None, rule="ING_BAD_PERIOD", indicator=None, cell="B3")]
    submissions = [submission(1, "A", None, 1, "quarantined"), submission(2, "A", "202503", 3)]
    plan = plan_feedback([], submissions, open_notified=told, notified_fingerprints={told[0].fingerprint})
    assert [f.rule_code for f in plan["A"].resolved_findings] == ["ING_BAD_PERIOD"]


def test_findings_without_a_unit_cannot_be_addressed():
    submissions = [submission(1, None, None, 1, "quarantined")]
    assert plan_feedback([finding(1, None, None)], submissions, open_notified=[], notified_fingerprints=set()) == {}


def test_open_errors_count_errors_in_latest_files_only():
    submissions = [submission(1, "A", "202503", 1, "superseded"), submission(2, "A", "202503", 2),
                   submission(3, "B", "202502", 2)]
    findings = [finding(1, "A", "202503"), finding(2, "A", "202503", cell="D7"),
                finding(2, "A", "202503", cell="D8", severity="warning"), finding(3, "B", "202502"),
                finding(3, "B", "202502", cell="D9")]
    assert open_error_counts(findings, submissions) == {("A", "202503"): 1, ("B", "202502"): 2}
