"""What each alert says, in Vietnamese first and English below.

Composition is pure: it takes what the warehouse knows and returns subject, bodies and
attachments, so the wording is tested without a mail server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from orchestration.alerts.annotate import AnnotatedWorkbook, NoAnnotation
from orchestration.alerts.labels import (
    SEVERITY_EN,
    SEVERITY_VI,
    day_en,
    day_vi,
    joined_periods,
    period_labels,
    size_label,
)
from orchestration.alerts.clerk_text import CONFIRM_EN, CONFIRM_VI, FIX_EN, FIX_VI, clerk_text
from orchestration.alerts.model import FindingRow, OfficerContact, UnitContact
from orchestration.alerts.reminders import Digest, Notice
from orchestration.alerts.rendering import Attachment, ComposedEmail, render

ENGINEERING_TAG = "Kho dữ liệu y tế"
_MAX_ERROR_CHARS = 4_000  # a stack of nested errors is for the run page, not the inbox


@dataclass(frozen=True)
class FileFeedback:
    file_name: str
    findings: tuple[FindingRow, ...]
    attachment: Attachment | None
    note_vi: str  # what the attachment shows, or why there is none
    note_en: str


@dataclass(frozen=True)
class StepFailure:
    step_key: str
    error: str


def feedback_files(
    entries: Sequence[tuple[str, Sequence[FindingRow], AnnotatedWorkbook | NoAnnotation]], max_total_bytes: int
) -> list[FileFeedback]:
    """Attachments in file order until the size bound; a file past it is named in the e-mail, not sent."""
    files, used = [], 0
    for file_name, findings, annotated in entries:
        if isinstance(annotated, NoAnnotation):
            files.append(FileFeedback(file_name, tuple(findings), None,
                                      f"Không có tệp đính kèm: {annotated.reason_vi}",
                                      f"No attachment: {annotated.reason_en}"))
        elif used + len(annotated.content) > max_total_bytes:
            limit = size_label(max_total_bytes)
            files.append(FileFeedback(
                file_name, tuple(findings), None,
                f"Không đính kèm bản đánh dấu vì thư sẽ vượt giới hạn {limit}; hãy sửa theo danh sách trên.",
                f"The annotated copy is not attached because the e-mail would exceed {limit}; please use the "
                "list above.",
            ))
        else:
            used += len(annotated.content)
            files.append(FileFeedback(
                file_name, tuple(findings), Attachment(annotated.file_name, annotated.content),
                f"Tệp đính kèm {annotated.file_name}: các ô có vấn đề được tô màu (đỏ: lỗi, cam: cảnh báo), "
                "rê chuột vào ô để xem ghi chú.",
                f"Attached {annotated.file_name}: cells with a problem are highlighted (red: error, orange: "
                "warning); hover over a cell to read its comment.",
            ))
    return files


def compose_feedback(
    org_name: str, unit: UnitContact, files: Sequence[FileFeedback], names: Mapping[str, tuple[str, str]],
    contact: OfficerContact | None, checked_on: date,
) -> ComposedEmail:
    """The opening asks for what the findings ask: a resend only when something must be fixed."""
    findings = [f for file in files for f in file.findings]
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    counts_vi = ", ".join(filter(None, [errors and f"{errors} lỗi cần sửa",
                                        warnings and f"{warnings} số liệu cần kiểm tra"]))
    counts_en = ", ".join(filter(None, [errors and f"{errors} error(s) to fix",
                                        warnings and f"{warnings} figure(s) to check"]))
    periods_vi, periods_en = joined_periods([f.period_code for f in findings])
    return render(
        "feedback",
        f"[{org_name}] Phản hồi số liệu báo cáo {periods_vi} – {counts_vi}",
        attachments=tuple(file.attachment for file in files if file.attachment is not None),
        org_name=org_name, unit=unit, counts_vi=counts_vi, counts_en=counts_en, errors=errors, warnings=warnings,
        periods_vi=periods_vi, periods_en=periods_en, contact=contact,
        checked_vi=day_vi(checked_on), checked_en=day_en(checked_on),
        files=[{"file_name": file.file_name, "note_vi": file.note_vi, "note_en": file.note_en,
                "findings": [_finding_view(f, names) for f in file.findings]} for file in files],
    )


def compose_backlog(
    org_name: str, unit: UnitContact, findings: Sequence[FindingRow], names: Mapping[str, tuple[str, str]],
    contact: OfficerContact | None, since: date, with_recent: bool,
) -> ComposedEmail:
    """Findings on periods before `since` (a first run, a long outage), one line per period: a clerk
    acts on this month's report first, and a summary of the old ones tells them how much is left."""
    by_period: dict[str | None, list[FindingRow]] = {}
    for finding in findings:
        by_period.setdefault(finding.period_code, []).append(finding)
    lines = []
    for period_code, period_findings in sorted(by_period.items(), key=lambda item: item[0] or ""):
        period_vi, period_en = period_labels(period_code)
        errors = sum(f.severity == "error" for f in period_findings)
        views = [clerk_text(f, names) for f in period_findings]
        lines.append({
            "period_vi": period_vi, "period_en": period_en, "errors": errors,
            "warnings": len(period_findings) - errors,
            "indicators_vi": ", ".join(dict.fromkeys(v.indicator_vi for v in views)),
            "indicators_en": ", ".join(dict.fromkeys(v.indicator_en for v in views)),
        })
    return render(
        "backlog",
        f"[{org_name}] Tóm tắt {len(findings)} vấn đề còn tồn tại ở các kỳ báo cáo trước {day_vi(since)}",
        org_name=org_name, unit=unit, lines=lines, total=len(findings), contact=contact, with_recent=with_recent,
        errors=sum(line["errors"] for line in lines), warnings=sum(line["warnings"] for line in lines),
        since_vi=day_vi(since), since_en=day_en(since), fix_vi=FIX_VI, fix_en=FIX_EN, confirm_vi=CONFIRM_VI,
        confirm_en=CONFIRM_EN,
    )


def compose_resolved(
    org_name: str, unit: UnitContact, resolved: Sequence[FindingRow], names: Mapping[str, tuple[str, str]],
    contact: OfficerContact | None,
) -> ComposedEmail:
    """One line per problem: a problem told for two files in a row was still one problem."""
    latest: dict[tuple, FindingRow] = {}
    for finding in sorted(resolved, key=lambda f: f.submission_id):
        latest[(finding.period_code, *finding.resolution_key)] = finding
    lines = [_finding_view(f, names) for f in latest.values()]
    periods_vi, periods_en = joined_periods([f.period_code for f in latest.values()])
    return render(
        "resolved",
        f"[{org_name}] Xác nhận đã khắc phục: báo cáo {periods_vi} – {len(lines)} vấn đề đã được sửa",
        org_name=org_name, unit=unit, findings=lines, periods_en=periods_en, contact=contact,
    )


def compose_deadline_notice(
    org_name: str, notice: Notice, indicator_names: Mapping[str, tuple[str, str]],
    contact: OfficerContact | None = None,
) -> ComposedEmail:
    """A reminder before the deadline or an overdue notice after it; both list what is owed."""
    report = notice.report
    period_vi, period_en = period_labels(report.period.code)
    if notice.kind == "reminder":
        subject = f"[{org_name}] Nhắc nộp báo cáo {period_vi} – hạn {day_vi(report.due)}"
    else:
        subject = f"[{org_name}] Quá hạn nộp báo cáo {period_vi} (hạn {day_vi(report.due)})"
    return render(
        notice.kind, subject,
        org_name=org_name, unit=report.unit, period_vi=period_vi, period_en=period_en,
        due_vi=day_vi(report.due), due_en=day_en(report.due), working_days=notice.working_days,
        indicators=[(code, *indicator_names.get(code, (code, code))) for code in report.indicator_codes],
        contact=contact,
    )


def compose_digest(org_name: str, digest: Digest) -> ComposedEmail:
    def line(entry):
        period_vi, period_en = period_labels(entry.period.code)
        return {"unit": entry.unit, "period_vi": period_vi, "period_en": period_en, "due_vi": day_vi(entry.due),
                "due_en": day_en(entry.due), "received_vi": entry.received_on and day_vi(entry.received_on),
                "received_en": entry.received_on and day_en(entry.received_on), "days": entry.working_days_late}

    errors = [{"unit": unit, "period_vi": period_labels(code)[0], "period_en": period_labels(code)[1], "count": count}
              for unit, code, count in digest.open_errors]
    return render(
        "digest",
        f"[{org_name}] Tổng hợp tình hình báo cáo tuần {day_vi(digest.today)} – {len(digest.missing)} chưa nộp, "
        f"{len(digest.late)} nộp muộn, {len(errors)} báo cáo còn lỗi",
        org_name=org_name, today_vi=day_vi(digest.today), today_en=day_en(digest.today),
        missing=[line(e) for e in digest.missing], late=[line(e) for e in digest.late], errors=errors,
    )


def compose_run_failure(job_name: str, run_id: str, run_url: str, failures: Sequence[StepFailure]) -> ComposedEmail:
    steps = ", ".join(f.step_key for f in failures) or "(toàn bộ lần chạy / whole run)"
    return render(
        "run_failure",
        f"[{ENGINEERING_TAG}] Lần chạy {job_name} thất bại ở bước {steps} – run {run_id[:8]}",
        job_name=job_name, run_id=run_id, run_url=run_url,
        failures=[StepFailure(f.step_key, f.error[:_MAX_ERROR_CHARS]) for f in failures],
    )


def _finding_view(finding: FindingRow, names: Mapping[str, tuple[str, str]]) -> dict[str, str | None]:
    period_vi, period_en = period_labels(finding.period_code)
    text = clerk_text(finding, names)
    return {
        "severity": finding.severity,
        "severity_vi": SEVERITY_VI.get(finding.severity, finding.severity),
        "severity_en": SEVERITY_EN.get(finding.severity, finding.severity),
        "indicator_vi": text.indicator_vi, "indicator_en": text.indicator_en,
        "period_vi": period_vi, "period_en": period_en,
        "file_name": finding.file_name, "sheet": finding.sheet_name, "cell": finding.cell_ref,
        "problem_vi": text.problem_vi, "problem_en": text.problem_en,
        "sentence_vi": text.sentence_vi, "sentence_en": text.sentence_en,
        "rule_code": finding.rule_code, "message_vi": finding.message_vi, "message_en": finding.message_en,
    }
