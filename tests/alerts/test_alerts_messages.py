"""Wording, escaping and size bounds of the e-mails, without a mail server."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes, policy

import pytest

from orchestration.alerts.annotate import AnnotatedWorkbook, NoAnnotation
from orchestration.alerts.labels import period_labels
from orchestration.alerts.messages import compose_feedback, compose_resolved, feedback_files
from orchestration.alerts.model import FindingRow, OfficerContact, UnitContact
from orchestration.alerts.rendering import build_message, usable_address

UNIT = UnitContact("QN-TYT-HONGHAI", "Trạm Y tế phường Hồng Hải", "commune_station", "tyt.honghai@demo.quangninh.vn")
ORG = "Sở Y tế tỉnh Quảng Ninh"
NAMES = {"LIVE_BIRTHS": ("Số trẻ đẻ ra sống", "Live births")}
CONTACT = OfficerContact("Nguyễn Thị Lan", "0203 3835 123", "thongke.syt@demo.quangninh.vn")
CHECKED = date(2025, 4, 8)


def finding(severity: str, cell: str, submission_id: int = 1, period: str = "202503") -> FindingRow:
    return FindingRow(
        UNIT.code, period, "LIVE_BIRTHS", "ING_UNPARSEABLE_VALUE", severity,
        f"Tệp 'bc.xlsx', ô {cell}: giá trị '<script>alert(1)</script>' không phải là số. Cách sửa: nhập số.",
        f"File 'bc.xlsx', cell {cell}: '<script>alert(1)</script>' is not a number. How to fix: type a number.",
        "bc.xlsx", "Báo cáo", cell, submission_id, "<script>alert(1)</script>",
    )


def annotated(size: int) -> AnnotatedWorkbook:
    return AnnotatedWorkbook("bc_phan_hoi.xlsx", b"x" * size, ())


def test_feedback_subject_is_vietnamese_and_counts_errors_and_warnings():
    files = feedback_files([("bc.xlsx", [finding("error", "D7"), finding("error", "D8"), finding("warning", "D9")],
                             annotated(10))], 5_000_000)
    email = compose_feedback(ORG, UNIT, files, NAMES, CONTACT, CHECKED)
    assert email.subject == (
        "[Sở Y tế tỉnh Quảng Ninh] Phản hồi số liệu báo cáo Tháng 3/2025 – 2 lỗi cần sửa, 1 số liệu cần kiểm tra"
    )
    assert email.text.index("Kính gửi") < email.text.index("Dear")
    assert "Cách sửa: nhập số." in email.text and "How to fix: type a number." in email.text  # technical part
    assert "Ngày 08/04/2025, Sở Y tế tỉnh Quảng Ninh đã kiểm tra" in email.text
    assert [a.file_name for a in email.attachments] == ["bc_phan_hoi.xlsx"]


def test_submission_text_is_escaped_in_html():
    email = compose_feedback(ORG, UNIT, feedback_files([("bc.xlsx", [finding("error", "D7")], annotated(10))], 100), NAMES, CONTACT, CHECKED)
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text  # plain text shows what the unit typed


def test_attachments_stop_at_the_size_bound_and_the_email_says_so():
    entries = [
        ("a.xlsx", [finding("error", "D7", 1)], annotated(600)),
        ("b.xlsx", [finding("error", "D7", 2)], annotated(600)),
        ("c.xlsx", [finding("error", "D7", 3)], NoAnnotation("tệp hỏng.", "the file is damaged.")),
    ]
    files = feedback_files(entries, max_total_bytes=1_000)
    email = compose_feedback(ORG, UNIT, files, NAMES, CONTACT, CHECKED)
    assert [a.file_name for a in email.attachments] == ["bc_phan_hoi.xlsx"]
    assert sum(len(a.content) for a in email.attachments) <= 1_000
    assert "Không đính kèm bản đánh dấu vì thư sẽ vượt giới hạn 1 KB" in email.text
    assert "Không có tệp đính kèm: tệp hỏng." in email.text and "No attachment: the file is damaged." in email.text


def test_acknowledgement_lists_each_fixed_problem_once():
    # Told for the first file and again for the resubmission: one problem, one line.
    email = compose_resolved(ORG, UNIT, [finding("error", "D7", 1), finding("error", "D9", 2)], NAMES, CONTACT)
    assert email.subject == (
        "[Sở Y tế tỉnh Quảng Ninh] Xác nhận đã khắc phục: báo cáo Tháng 3/2025 – 1 vấn đề đã được sửa"
    )
    assert email.text.count("Số trẻ đẻ ra sống") == 1 and email.text.count("Live births") == 1


def test_message_bytes_carry_vietnamese_subject_bodies_and_attachment():
    email = compose_feedback(ORG, UNIT, feedback_files([("bc.xlsx", [finding("error", "D7")], annotated(10))], 100), NAMES, CONTACT, CHECKED)
    raw = build_message(email, "kho@demo.vn", UNIT.email, "a" * 64, datetime(2025, 4, 8, 1, 30))
    assert raw.isascii()  # encoded for any SMTP server, 8BITMIME or not
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == email.subject
    assert parsed["Message-ID"] == f"<{'a' * 40}@kho-du-lieu-y-te>"
    assert "Kính gửi" in parsed.get_body(("plain",)).get_content()
    assert "&lt;script&gt;" in parsed.get_body(("html",)).get_content()
    assert [part.get_filename() for part in parsed.iter_attachments()] == ["bc_phan_hoi.xlsx"]


@pytest.mark.parametrize(
    ("address", "usable"),
    [
        ("tyt.honghai@demo.quangninh.vn", True),
        (" tyt.honghai@demo.quangninh.vn ", True),
        ("a@demo.vn, b@demo.vn", False),
        ("Trạm Y tế <tyt@demo.vn>", False),
        ("tyt@demo.vn\r\nBcc: x@evil.invalid", False),
        ("", False),
        (None, False),
    ],
)
def test_only_one_plain_address_is_used(address, usable):
    assert (usable_address(address) is not None) is usable


@pytest.mark.parametrize(
    ("code", "labels"),
    [
        ("202503", ("Tháng 3/2025", "March 2025")),
        ("2025Q1", ("Quý I/2025", "Q1 2025")),
        ("2025S2", ("6 tháng cuối năm 2025", "H2 2025")),  # the wording of dim_periods
        ("2025", ("Năm 2025", "Year 2025")),
        (None, ("kỳ chưa xác định", "unknown period")),
        ("Tháng 13", ("Tháng 13", "Tháng 13")),
    ],
)
def test_period_labels(code, labels):
    assert period_labels(code) == labels


