"""The outbox folder a province hands over by other means, and the spool for a busy build database."""

from __future__ import annotations

from datetime import datetime

from orchestration.alerts.outbox import spool, spooled, unit_folder, write_outbox
from orchestration.alerts.rendering import Attachment, ComposedEmail, build_message
from orchestration.alerts.store import QueuedAlert


def alert(unit_code: str | None) -> QueuedAlert:
    composed = ComposedEmail("Phản hồi", "Kính gửi đơn vị", "<p>Kính gửi đơn vị</p>",
                             (Attachment("../../bao_cao_phan_hoi.xlsx", b"PK-bytes"),))
    message = build_message(composed, "kho@demo.vn", None, "f" * 64, datetime(2025, 4, 8))
    return QueuedAlert("f" * 64, "feedback", unit_code, "202503", None, "Phản hồi", message, ("abc",))


def test_outbox_holds_the_message_its_text_and_its_attachment_in_the_unit_folder(tmp_path):
    eml = write_outbox(tmp_path, alert("QN-TYT-HONGHAI"), datetime(2025, 4, 8))
    folder = tmp_path / "QN-TYT-HONGHAI"
    assert eml.parent == folder
    assert sorted(path.name for path in folder.iterdir()) == [
        "20250408_feedback_ffffffffffff.eml",
        "20250408_feedback_ffffffffffff.txt",
        "20250408_feedback_ffffffffffff_bao_cao_phan_hoi.xlsx",
    ]
    assert (folder / "20250408_feedback_ffffffffffff.txt").read_text(encoding="utf-8").startswith("Kính gửi")
    assert (folder / "20250408_feedback_ffffffffffff_bao_cao_phan_hoi.xlsx").read_bytes() == b"PK-bytes"


def test_unit_codes_typed_in_files_cannot_escape_the_outbox(tmp_path):
    assert unit_folder(tmp_path, "../../etc").parent == tmp_path
    assert unit_folder(tmp_path, "QN/../../x").parent == tmp_path
    assert unit_folder(tmp_path, None) == tmp_path / "_ky_thuat"


def test_spooled_alerts_come_back_byte_for_byte(tmp_path):
    original = alert(None)
    spool(tmp_path, original)
    ((path, restored),) = list(spooled(tmp_path))
    assert restored == original
    assert path.name == f"{original.alert_id}.json"
