"""Why a whole received file is refused, told to the unit in Vietnamese and English.

A rejection is the problem that stops a whole file: nothing from it is loaded. The reader and the
package checks refuse files before anything parses them and intake refuses files it cannot take
in, with one kind of rejection, so it lives beside the reader. Every message starts with where the
problem is and ends with how to fix it, because the reader is a provincial statistician who opens
the workbook next to the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.lib.workbook.locations import where_en, where_vi


@dataclass(frozen=True)
class FileRejection:
    """Why a whole file is quarantined; nothing from it is loaded."""

    reason_code: str
    reason_vi: str
    reason_en: str
    sheet_name: str | None = None
    cell_ref: str | None = None
    value_text: str | None = None


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
