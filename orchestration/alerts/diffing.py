"""Which findings a unit has not been told about yet, and which of those it was told about are fixed.

Only a unit's latest file for a period is discussed: findings in a file the unit has already
replaced are history, and telling them would be noise. A told finding counts as fixed when the
unit's latest readable file for the same period no longer triggers the same rule on the same
indicator; an unreadable latest file proves nothing either way, so it resolves nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from orchestration.alerts.model import RECEIVED_STATUSES, FindingRow, SubmissionRow

_CELL = re.compile(r"([A-Z]+)(\d+)")


@dataclass
class UnitFeedback:
    new_findings: list[FindingRow] = field(default_factory=list)
    resolved_findings: list[FindingRow] = field(default_factory=list)


def plan_feedback(
    findings: Iterable[FindingRow],
    submissions: Iterable[SubmissionRow],
    open_notified: Iterable[FindingRow],
    notified_fingerprints: set[str],
) -> dict[str, UnitFeedback]:
    """`open_notified`: findings already told and not yet acknowledged as fixed. Units with nothing
    to say are absent from the result."""
    history = _History([s for s in submissions if s.org_unit_code is not None and s.status != "duplicate"])
    findings = [f for f in findings if f.org_unit_code is not None]
    keys_by_submission: dict[int, set[tuple[str | None, str | None]]] = defaultdict(set)
    for finding in findings:
        keys_by_submission[finding.submission_id].add(finding.resolution_key)

    plan: dict[str, UnitFeedback] = defaultdict(UnitFeedback)
    seen: set[str] = set()
    for finding in findings:
        fingerprint = finding.fingerprint
        is_new = fingerprint not in notified_fingerprints and fingerprint not in seen
        # An explained warning is settled: the unit confirmed the figure with a reason in Ghi chú.
        if is_new and history.is_live(finding.submission_id) and finding.status != "explained":
            seen.add(fingerprint)
            plan[finding.org_unit_code].new_findings.append(finding)
    for told in open_notified:
        if history.is_fixed(told, keys_by_submission):
            plan[told.org_unit_code].resolved_findings.append(told)
    for feedback in plan.values():
        feedback.new_findings.sort(key=finding_order)
        feedback.resolved_findings.sort(key=finding_order)
    return dict(plan)


def finding_order(finding: FindingRow) -> tuple:
    """Period, then file, then sheet, then cells in reading order (B9 before B10), file-level first."""
    match = _CELL.fullmatch(finding.cell_ref or "")
    cell = (int(match.group(2)), len(match.group(1)), match.group(1)) if match else (0, 0, "")
    return (
        finding.period_code or "", finding.submission_id, finding.sheet_name or "", cell,
        finding.rule_code, finding.indicator_code or "",
    )


class _History:
    """Each unit's files in arrival order, indexed once so every question is a lookup."""

    def __init__(self, submissions: list[SubmissionRow]) -> None:
        self._by_id = {s.submission_id: s for s in submissions}
        self._latest: dict[tuple[str | None, str | None], SubmissionRow] = {}
        self._latest_received: dict[str | None, SubmissionRow] = {}
        for submission in sorted(submissions, key=lambda s: s.order):
            self._latest[(submission.org_unit_code, submission.period_code)] = submission
            if submission.status in RECEIVED_STATUSES:
                self._latest_received[submission.org_unit_code] = submission

    def is_live(self, submission_id: int) -> bool:
        """The unit's latest file for its period; a file whose period could not be read stays live
        until any later readable file arrives from the same unit."""
        submission = self._by_id.get(submission_id)
        if submission is None:
            return False
        if submission.period_code is None:
            received = self._latest_received.get(submission.org_unit_code)
            return received is None or received.order < submission.order
        return self._latest[(submission.org_unit_code, submission.period_code)] is submission

    def is_fixed(self, told: FindingRow, keys_by_submission: dict[int, set[tuple[str | None, str | None]]]) -> bool:
        original = self._by_id.get(told.submission_id)
        if original is None:
            return False
        if original.period_code is None:
            return not self.is_live(original.submission_id)
        latest = self._latest[(original.org_unit_code, original.period_code)]
        if latest.status not in RECEIVED_STATUSES:
            return False
        return told.resolution_key not in keys_by_submission.get(latest.submission_id, set())


def open_error_counts(
    findings: Iterable[FindingRow], submissions: Iterable[SubmissionRow]
) -> dict[tuple[str, str], int]:
    """Errors still standing in each unit's latest file, by unit and period ('' when unreadable)."""
    history = _History([s for s in submissions if s.org_unit_code is not None and s.status != "duplicate"])
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for finding in findings:
        if finding.org_unit_code and finding.severity == "error" and history.is_live(finding.submission_id):
            counts[(finding.org_unit_code, finding.period_code or "")] += 1
    return dict(counts)
