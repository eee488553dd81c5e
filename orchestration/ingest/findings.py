"""What ingestion tells a unit about its file, in Vietnamese and English.

A finding is one problem with one place (file, sheet, cell). A file rejection is the problem that
stops a whole file; it is also written as a finding so every problem a unit must fix appears in
one list. Every message starts with where the problem is and ends with how to fix it, because the
reader is a provincial statistician who opens the workbook next to the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True)
class FileRejection:
    """Why a whole file is quarantined; nothing from it is loaded."""

    reason_code: str
    reason_vi: str
    reason_en: str
    sheet_name: str | None = None
    cell_ref: str | None = None
    value_text: str | None = None

    def as_finding(self) -> Finding:
        return Finding(
            rule_code=self.reason_code,
            severity="error",
            message_vi=self.reason_vi,
            message_en=self.reason_en,
            sheet_name=self.sheet_name,
            cell_ref=self.cell_ref,
            value_text=self.value_text,
        )


def where_vi(file_name: str, sheet_name: str | None = None, cell_ref: str | None = None) -> str:
    parts = [f"Tệp '{file_name}'"]
    if sheet_name is not None:
        parts.append(f"trang '{sheet_name}'")
    if cell_ref is not None:
        parts.append(f"ô {cell_ref}")
    return ", ".join(parts)


def where_en(file_name: str, sheet_name: str | None = None, cell_ref: str | None = None) -> str:
    parts = [f"File '{file_name}'"]
    if sheet_name is not None:
        parts.append(f"sheet '{sheet_name}'")
    if cell_ref is not None:
        parts.append(f"cell {cell_ref}")
    return ", ".join(parts)


def reject(
    reason_code: str,
    file_name: str,
    problem_vi: str,
    problem_en: str,
    fix_vi: str,
    fix_en: str,
    sheet_name: str | None = None,
    cell_ref: str | None = None,
    value_text: str | None = None,
) -> FileRejection:
    return FileRejection(
        reason_code=reason_code,
        reason_vi=f"{where_vi(file_name, sheet_name, cell_ref)}: {problem_vi} Cách sửa: {fix_vi}",
        reason_en=f"{where_en(file_name, sheet_name, cell_ref)}: {problem_en} How to fix: {fix_en}",
        sheet_name=sheet_name,
        cell_ref=cell_ref,
        value_text=value_text,
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
