"""One received file from archived bytes to checked values: the unit of work of the intake.

Pure (no database, no clock, no inbox) and picklable, so the intake can fan files out to worker
processes. It never raises: whatever goes wrong with one file becomes that file's quarantine, so
the other files of the batch are still loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, NamedTuple

from orchestration.ingest.findings import Finding
from orchestration.ingest.disaggregation_checks import AcceptedPart
from orchestration.ingest.identity_checks import AcceptedValue, check_submission, unit_named_by
from orchestration.ingest.submission_parser import declared_identity, find_header, parse_submission
from orchestration.lib.periods import PeriodError, parse_period
from orchestration.lib.registry import Registry
from orchestration.lib.workbook.limits import IntakeLimits
from orchestration.lib.workbook.reader import read_received_workbook
from orchestration.lib.workbook.rejections import FileRejection, reject


class RowNote(NamedTuple):
    """What a unit wrote beside a figure: a reason that settles a warning on it, or that the
    indicator does not apply (`x`), which is neither a value nor a missing one."""

    org_unit_code: str
    indicator_code: str
    sheet_name: str
    cell_ref: str
    note_text: str | None
    not_applicable: bool


@dataclass(frozen=True)
class FileOutcome:
    rejection: FileRejection | None  # set = quarantined
    findings: tuple[Finding, ...]
    values: tuple[AcceptedValue, ...]
    declared: Mapping[str, str]  # identity field (unit_code, period, unit_name, ...) -> value as read
    period_code: str | None = None
    table_sheet: str | None = None
    values_read: int = 0
    values_rejected: int = 0
    parts: tuple[AcceptedPart, ...] = ()  # disaggregations loaded
    notes: tuple[RowNote, ...] = ()  # rows with a Ghi chú or marked not applicable
    # Whose file it is: the code read in it or, when none could be read, the one registered unit its
    # name names, so a file refused unread still reaches the unit that sent it. Nothing else is
    # taken from the name, and a name naming several units names none.
    unit_code: str | None = None

    @property
    def intake_status(self) -> str:
        return "quarantined" if self.rejection is not None else "accepted"


def _rejected(
    rejection: FileRejection, named_unit: str | None, declared: Mapping[str, str] | None = None
) -> FileOutcome:
    """The ledger still shows whose file it is when the identity could be read, or its name tells."""
    declared = declared or {}
    return FileOutcome(rejection, (Finding.from_rejection(rejection),), (), declared,
                       _period_code(declared.get("period")), unit_code=declared.get("unit_code") or named_unit)


def _period_code(period_text: str | None) -> str | None:
    if period_text is None:
        return None
    try:
        return parse_period(period_text).code
    except PeriodError:
        return None


def _unreadable(file_name: str, named_unit: str | None, error: BaseException) -> FileOutcome:
    return _rejected(
        reject(
            "ING_UNREADABLE", file_name,
            f"lỗi không lường trước khi đọc tệp ({type(error).__name__}: {error}).",
            f"unexpected error while reading the file ({type(error).__name__}: {error}).",
            "lưu lại tệp bằng Excel dưới dạng .xlsx rồi gửi lại; nếu vẫn lỗi, báo cho Sở Y tế.",
            "save the file again in Excel as .xlsx and send it again; if it still fails, tell the health department.",
        ),
        named_unit,
    )


def process_file(
    file_name: str, size_bytes: int, content: bytes | None, registry: Registry, today: date,
    limits: IntakeLimits = IntakeLimits(),
) -> FileOutcome:
    """`content`: the archived bytes; None only for a file above the size limit, refused unread."""
    named_unit = unit_named_by(file_name, registry)
    try:
        workbook = read_received_workbook(file_name, size_bytes, content, limits)
        if isinstance(workbook, FileRejection):
            return _rejected(workbook, named_unit)
        parsed = parse_submission(workbook.sheets, file_name, registry.disaggregation_headers)
        if isinstance(parsed, FileRejection):
            identity = declared_identity(workbook.sheets, find_header(workbook.sheets))
            return _rejected(parsed, named_unit, {name: field.value for name, field in identity.items()})
        checked = check_submission(parsed, registry, today, file_name)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 - a panic in the native reader is a BaseException
        return _unreadable(file_name, named_unit, error)
    declared = {"unit_code": parsed.unit_code, "period": parsed.period, "unit_name": parsed.unit_name,
                "report_date": parsed.report_date, "preparer": parsed.preparer}
    return FileOutcome(
        rejection=checked.rejection,
        findings=checked.findings,
        values=checked.values,
        declared={name: field.value for name, field in declared.items() if field is not None},
        period_code=checked.period.code if checked.period is not None else None,
        table_sheet=parsed.table_sheet,
        values_read=checked.values_read,
        values_rejected=checked.values_rejected,
        parts=checked.parts,
        notes=() if checked.rejection is not None else tuple(
            RowNote(row.area_code or parsed.unit_code.value, row.indicator_code, row.sheet_name, row.cell_ref,
                    row.note, row.number.status == "not_applicable")
            for row in parsed.rows if row.note is not None or row.number.status == "not_applicable"
        ),
        unit_code=parsed.unit_code.value,
    )
