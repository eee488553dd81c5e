"""A Vietnamese-speaking reviewer's checklist, run over every e-mail and annotated workbook the
demo province's first run produced (the session's `demo_run`): what a commune clerk reads names
indicators as printed on the form, in plain Vietnamese with one action per finding, and tells
them whom to contact; a first run sends each unit one summary of its old findings."""

from __future__ import annotations

import io
import re
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import unescape

import duckdb
import openpyxl
import pytest

from orchestration.alerts.clerk_text import CONFIRM_VI, FIX_VI
from orchestration.lib.text import fold

OFFICER_EMAIL = "thongke.syt@demo.quangninh.vn"  # sources/reference/data_officers.csv
CODE_LIKE = re.compile(r"[A-Z_]{4,}")
ENGLISH = re.compile(r"\b(the|and|please|value|error|warning|indicator|file|sheet|cell|fix|period|outlier|"
                     r"report|figure|check|resend|median|score|standard)\b", re.IGNORECASE)
STATISTICS = re.compile(r"\bz\b|z-score|điểm z|độ lệch chuẩn|\bSD\b|trung vị|\bMAD\b|hiệu chỉnh|trung bình",
                        re.IGNORECASE)


@pytest.fixture(scope="module")
def unit_alerts(demo_run) -> list[tuple[str, str, EmailMessage]]:
    with duckdb.connect(str(demo_run.paths.build_db), read_only=True) as connection:
        rows = connection.sql(
            "select org_unit_code, kind, message from raw.alert_outbox"
            " where kind in ('feedback', 'backlog', 'resolved') order by org_unit_code, kind"
        ).fetchall()
    return [(unit, kind, message_from_bytes(message, policy=policy.default)) for unit, kind, message in rows]


def clerk_part_text(message: EmailMessage) -> str:
    """What the clerk reads: the Vietnamese text, before the English version and the technical part."""
    return message.get_body(("plain",)).get_content().split("---------------------------------------- English")[0]


def clerk_part_html(message: EmailMessage) -> str:
    html = message.get_body(("html",)).get_content().split('<div lang="en"')[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1].split(">", 1)[1])).split())


def without_file_names(text: str, message: EmailMessage) -> str:
    """File names are the unit's own (often its code and a month): they stay as the unit wrote them."""
    names = re.findall(r"Tệp: (\S+)", text) + re.findall(r"Tệp đính kèm (\S+?):", text)
    names += [part.get_filename() for part in message.iter_attachments()]
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def test_every_unit_message_passes_the_reviewers_checklist(unit_alerts):
    assert len(unit_alerts) >= 5
    for unit, kind, message in unit_alerts:
        for clerk in (clerk_part_text(message), clerk_part_html(message)):
            clerk = without_file_names(clerk, message)
            assert not CODE_LIKE.findall(clerk), (unit, kind, CODE_LIKE.findall(clerk))
            assert not ENGLISH.findall(clerk), (unit, kind, ENGLISH.findall(clerk))
            assert not STATISTICS.findall(clerk), (unit, kind, STATISTICS.findall(clerk))
            assert "Người liên hệ: Nguyễn Thị Lan" in clerk, (unit, kind)
        assert message["Reply-To"] == OFFICER_EMAIL
        assert "xin không trả lời" not in message.get_body(("plain",)).get_content()


def test_each_finding_asks_for_one_action_and_warnings_do_not_ask_for_a_fix(unit_alerts):
    feedback = [(unit, clerk_part_text(message)) for unit, kind, message in unit_alerts if kind == "feedback"]
    assert feedback
    for unit, text in feedback:
        lines = [line for line in text.splitlines() if line.startswith("   ")]
        assert lines, unit
        assert all((FIX_VI in line) != (CONFIRM_VI in line) or "Không cần làm gì" in line or "đúng hạn" in line
                   for line in lines), unit
        if FIX_VI not in text:  # only warnings: the opening must not ask to fix and resend
            assert "Không có lỗi phải sửa" in text and "sửa các lỗi" not in text, unit


def test_statistics_stay_available_to_the_data_officer(unit_alerts):
    technical = [message.get_body(("plain",)).get_content().split("Technical details for the data officer")[-1]
                 for _, kind, message in unit_alerts if kind == "feedback"]
    assert any(re.search(r"điểm z|z-score", part) for part in technical)


def test_a_first_run_sends_each_unit_one_backlog_summary_and_its_recent_findings(unit_alerts):
    kinds = Counter((unit, kind) for unit, kind, _ in unit_alerts)
    assert all(count == 1 for count in kinds.values()), kinds
    backlog_units = {unit for unit, kind in kinds if kind == "backlog"}
    assert len(backlog_units) >= 2
    for unit, kind, message in unit_alerts:
        if kind != "feedback":
            continue
        periods = set(re.findall(r"– (Tháng \d+/\d{4}|Quý [IV]+/\d{4}|Năm \d{4}) –", clerk_part_text(message)))
        # The demo's last reports are for December 2025: only November and December (and the
        # year and quarter ending then) are told item by item.
        assert periods <= {"Tháng 11/2025", "Tháng 12/2025", "Quý IV/2025", "Năm 2025"}, (unit, periods)
    for unit, kind, message in unit_alerts:
        if kind == "backlog":
            summary = clerk_part_text(message)
            assert summary.count("\n- ") <= 24, unit  # one line per old period, not one per finding


def test_every_annotated_workbook_has_a_ghi_chu_column_and_plain_comments(unit_alerts):
    workbooks = [
        (unit, openpyxl.load_workbook(io.BytesIO(part.get_content())))
        for unit, kind, message in unit_alerts if kind == "feedback" for part in message.iter_attachments()
    ]
    assert len(workbooks) >= 3
    for unit, workbook in workbooks:
        headers = {fold(str(cell.value)) for sheet in workbook.worksheets for row in sheet.iter_rows(max_row=60)
                   for cell in row if isinstance(cell.value, str)}
        assert "ghi chu" in headers, unit
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.comment is None or not cell.comment.text.startswith("["):
                        continue
                    vietnamese = [line for line in cell.comment.text.splitlines()
                                  if line.startswith(("[LỖI]", "[CẢNH BÁO]"))]
                    assert vietnamese, (unit, cell.coordinate)
                    for line in vietnamese:
                        assert not CODE_LIKE.findall(line.removeprefix("[LỖI]").removeprefix("[CẢNH BÁO]"))
                        assert not STATISTICS.findall(line), line
                        assert re.search(r"Kiểm tra ngày \d\d/\d\d/\d{4}", line)
