"""What ingestion tells a unit about its file, in Vietnamese and English.

A finding is one problem with one place (file, sheet, cell). A file rejection (see
`orchestration.lib.workbook.rejections`) is also written as a finding so every problem a unit must
fix appears in one list. Every message starts with where the problem is and ends with how to fix
it, because the reader is a provincial statistician who opens the workbook next to the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchestration.lib.workbook.locations import where_en, where_vi
from orchestration.lib.workbook.rejections import FileRejection

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    rule_code: str
    severity: Severity
    message_vi: str
    message_en: str
    indicator_code: str | None = None  # None for file-level findings
    sheet_name: str | None = None
    cell_ref: str | None = None
    value_text: str | None = None
    # Whom to tell when not the file's unit: the unit a mismatched file name names.
    org_unit_code: str | None = None

    @classmethod
    def from_rejection(cls, rejection: FileRejection) -> Finding:
        return cls(
            rule_code=rejection.reason_code,
            severity="error",
            message_vi=rejection.reason_vi,
            message_en=rejection.reason_en,
            sheet_name=rejection.sheet_name,
            cell_ref=rejection.cell_ref,
            value_text=rejection.value_text,
        )


def finding(
    rule_code: str,
    severity: Severity,
    file_name: str,
    problem_vi: str,
    problem_en: str,
    fix_vi: str,
    fix_en: str,
    indicator_code: str | None = None,
    sheet_name: str | None = None,
    cell_ref: str | None = None,
    value_text: str | None = None,
) -> Finding:
    return Finding(
        rule_code=rule_code,
        severity=severity,
        message_vi=f"{where_vi(file_name, sheet_name, cell_ref)}: {problem_vi} Cách sửa: {fix_vi}",
        message_en=f"{where_en(file_name, sheet_name, cell_ref)}: {problem_en} How to fix: {fix_en}",
        indicator_code=indicator_code,
        sheet_name=sheet_name,
        cell_ref=cell_ref,
        value_text=value_text,
    )
