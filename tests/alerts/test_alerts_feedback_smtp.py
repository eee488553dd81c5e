"""Feedback after a run, delivered to a real SMTP server on localhost."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime

import dagster as dg
import openpyxl

from orchestration.alerts.annotate import HIGHLIGHT_COLOURS
from orchestration.alerts.definitions import unit_feedback
from tests.alerts.alert_builders import (
    HONGHAI,
    OFFICER,
    SHEET,
    alert_log,
    commented_cells,
    first_run_files,
    highlighted_cells,
    report_workbook,
    run_feedback,
)


def test_one_email_per_unit_with_findings_in_vietnamese_with_its_annotated_workbook(alert_env, resources, warehouse,
                                                                                    smtp, tmp_path):
    first_run_files(warehouse, tmp_path)
    result = dg.materialize([unit_feedback], resources=resources)
    assert result.success

    (message,) = smtp.messages  # Bãi Cháy had no findings; Hạ Long has no address
    assert message["To"] == HONGHAI
    assert message["Subject"] == (
        "[Sở Y tế tỉnh Quảng Ninh] Phản hồi số liệu báo cáo Tháng 3/2025 – 1 lỗi cần sửa, 2 số liệu cần kiểm tra"
    )
    assert message["Reply-To"] == OFFICER
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Kính gửi Trạm Y tế phường Hồng Hải,")
    assert "Số trẻ đẻ ra sống – Tháng 3/2025 – trang Báo cáo, ô D7" in text
    assert "Người liên hệ: Nguyễn Thị Lan, điện thoại 0203 3835 123, e-mail " + OFFICER in text
    # The data officer's own messages, codes included, are kept at the end for them.
    assert text.index("Đề nghị sửa và gửi lại.") < text.index("English") < text.index("[ING_UNPARSEABLE_VALUE]")
    assert text.index("Cách sửa: nhập số.") < text.index("How to fix: type a number.")
    html = message.get_body(("html",)).get_content()
    assert "<b>abc</b>" not in html and "&lt;b&gt;abc&lt;/b&gt;" in html

    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "HongHai_T3_phan_hoi.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    faulty = {(SHEET, "D7"), (SHEET, "D8")}
    assert highlighted_cells(workbook, set(HIGHLIGHT_COLOURS.values())) == faulty
    comments = commented_cells(workbook)
    assert set(comments) == faulty
    assert comments[(SHEET, "D7")].startswith("[LỖI] Số trẻ đẻ ra sống – Tháng 3/2025: Ô này ghi «<b>abc</b>»")
    assert all(re.search(r"Kiểm tra ngày \d\d/\d\d/\d{4}", text) and "Checked on" in text for text in comments.values())
    assert workbook[SHEET]["E7"].data_type == "s"

    assert alert_log(warehouse) == [
        ("QN-TTYT-HL", "feedback", "queued", 1),
        ("QN-TTYT-HL", "feedback", "outbox_only", 1),
        ("QN-TYT-HONGHAI", "feedback", "queued", 3),
        ("QN-TYT-HONGHAI", "feedback", "sent", 3),
    ]
    halong_outbox = {path.suffix for path in (alert_env.outbox_dir / "QN-TTYT-HL").iterdir()}
    assert halong_outbox == {".eml", ".txt", ".xlsx"}
    assert len(list((alert_env.outbox_dir / "QN-TYT-HONGHAI").glob("*_phan_hoi.xlsx"))) == 1


def test_nothing_is_told_twice_and_a_fix_is_acknowledged(alert_env, warehouse, smtp, tmp_path, clock):
    ids = first_run_files(warehouse, tmp_path)
    assert run_feedback(warehouse, alert_env, clock).delivery.sent == 1
    clock.advance(hours=1)
    assert run_feedback(warehouse, alert_env, clock).feedback_queued == 0
    assert len(smtp.messages) == 1

    # Hồng Hải resends: the number is fixed and the date filled in, the negative value is still there.
    fixed = report_workbook(tmp_path / "in" / "HongHai_T3_v2.xlsx", "QN-TYT-HONGHAI", "Tháng 3/2025",
                            {"OPD_VISITS": 1200, "LIVE_BIRTHS": 14, "DOCTORS": -5})
    warehouse.supersede(ids["honghai"])
    second = warehouse.submit("QN-TYT-HONGHAI", "202503", fixed, datetime(2025, 4, 9, 8))
    warehouse.finding(second, "DQ_NEGATIVE_COUNT", "warning", "số âm. Cách sửa: kiểm tra lại.",
                      "negative value. How to fix: check it.", "DOCTORS", "D8")
    warehouse.publish()
    clock.advance(days=1)
    summary = run_feedback(warehouse, alert_env, clock)
    assert (summary.feedback_queued, summary.acknowledgements_queued, summary.delivery.sent) == (1, 1, 2)

    later = {message["Subject"]: message for message in smtp.messages_to(HONGHAI)[1:]}
    assert set(later) == {
        "[Sở Y tế tỉnh Quảng Ninh] Phản hồi số liệu báo cáo Tháng 3/2025 – 1 số liệu cần kiểm tra",
        "[Sở Y tế tỉnh Quảng Ninh] Xác nhận đã khắc phục: báo cáo Tháng 3/2025 – 2 vấn đề đã được sửa",
    }
    acknowledgement = next(m for s, m in later.items() if "Xác nhận" in s).get_body(("plain",)).get_content()
    assert "Số trẻ đẻ ra sống" in acknowledgement and "Cả tệp" in acknowledgement
    assert "Số bác sĩ" not in acknowledgement

    clock.advance(hours=1)
    run_feedback(warehouse, alert_env, clock)
    assert len(smtp.messages) == 3


def test_without_an_smtp_host_alerts_go_to_the_outbox_only(alert_env, warehouse, smtp, tmp_path, clock):
    first_run_files(warehouse, tmp_path)
    summary = run_feedback(warehouse, replace(alert_env, smtp=None), clock)
    assert (summary.delivery.sent, summary.delivery.outbox_only, summary.delivery.failed_attempts) == (0, 2, 0)
    assert smtp.messages == []
    assert [row[2] for row in alert_log(warehouse)] == ["queued", "outbox_only", "queued", "outbox_only"]
    assert len(list((alert_env.outbox_dir / "QN-TYT-HONGHAI").glob("*.eml"))) == 1
