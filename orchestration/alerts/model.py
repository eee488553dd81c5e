"""The rows alerting reads from the published warehouse, and the identity of a finding.

A finding's fingerprint names the submission, the rule and the place, so the same problem in the
same file is told once however many runs see it, while the same problem in a resubmitted file is
told again: the unit sent a new file and deserves feedback on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from orchestration.lib.registry import Registry

# Files that carry numbers for their unit and period; duplicates repeat an earlier file and
# quarantined files could not be read, so neither counts as having reported.
RECEIVED_STATUSES = frozenset({"published", "superseded", "held"})
DEFAULT_ORG_NAME = "Sở Y tế"


@dataclass(frozen=True)
class FindingRow:
    org_unit_code: str | None
    period_code: str | None
    indicator_code: str | None
    rule_code: str
    severity: str
    message_vi: str
    message_en: str
    file_name: str
    sheet_name: str | None
    cell_ref: str | None
    submission_id: int
    value_text: str | None = None  # the figure as typed, for the clerk's sentence
    status: str = "open"  # open | explained | resolved (fct_dq_findings)

    @property
    def fingerprint(self) -> str:
        identity = "|".join(
            str(part or "")
            for part in (self.submission_id, self.rule_code, self.indicator_code, self.sheet_name, self.cell_ref)
        )
        return hashlib.sha256(identity.encode()).hexdigest()

    @property
    def resolution_key(self) -> tuple[str | None, str | None]:
        """What must disappear from a later file for the problem to count as fixed: the same rule on
        the same indicator, wherever the unit moved the row."""
        return (self.rule_code, self.indicator_code)


@dataclass(frozen=True)
class SubmissionRow:
    submission_id: int
    file_name: str
    org_unit_code: str | None
    period_code: str | None
    arrived_at: datetime
    status: str

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.arrived_at, self.submission_id)


@dataclass(frozen=True)
class UnitContact:
    code: str
    name_vi: str
    unit_type: str
    email: str | None
    valid_from: date | None = None
    valid_to: date | None = None
    province_code: str | None = None  # the province whose Sở Y tế writes to the unit


@dataclass(frozen=True)
class OfficerContact:
    """Whom a unit calls or writes to about its figures; replies to every unit e-mail go here."""

    name_vi: str
    phone: str
    email: str


class _Unit(Protocol):
    code: str
    name_vi: str
    unit_type: str
    valid_from: date | None
    valid_to: date | None


def health_departments(units: Iterable[_Unit], today: date) -> list:
    """The Sở Y tế signs its province's messages and receives its digest; registry and mart units both qualify."""
    return sorted(
        (
            unit for unit in units
            if unit.unit_type == "health_department"
            and (unit.valid_from is None or unit.valid_from <= today)
            and (unit.valid_to is None or today <= unit.valid_to)
        ),
        key=lambda unit: unit.code,
    )


def signers(units: Iterable[_Unit], province_of: Callable[[str], str | None], today: date) -> dict[str | None, str]:
    """Province code -> the name of its Sở Y tế. A national instance holds several provinces, and a
    unit hears from its own province's department, never from whichever comes first."""
    names: dict[str | None, str] = {}
    for department in health_departments(units, today):
        names.setdefault(province_of(department.code), department.name_vi)
    return names


def org_name(names: Mapping[str | None, str], province_code: str | None) -> str:
    """The unit's own department; a unit the registry places nowhere (a code typed in a file) hears
    from the only department there is, or from "Sở Y tế" when there are several."""
    if province_code in names:
        return names[province_code]
    if len(set(names.values())) == 1:
        return next(iter(names.values()))
    return DEFAULT_ORG_NAME


def officer_contact(registry: Registry, unit_code: str) -> OfficerContact | None:
    officer = registry.data_officer_of(unit_code)
    return None if officer is None else OfficerContact(officer.name_vi, officer.phone, officer.email)
