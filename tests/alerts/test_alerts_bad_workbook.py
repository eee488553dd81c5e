"""A workbook openpyxl cannot handle costs its unit the annotated copy at most, never anyone's feedback.

The bad units are named so they sort before the good ones: feedback goes out in unit order, and
before per-unit isolation the first crash silenced every unit after it.
"""

from __future__ import annotations

import io
from datetime import datetime

import dagster as dg
import openpyxl

import orchestration.alerts.feedback as feedback_module
from orchestration.alerts.annotate import HIGHLIGHT_COLOURS
from orchestration.alerts.definitions import unit_feedback
from tests.alerts.alert_builders import (
    SHEET,
    alert_log,
    every_sheet_hidden,
    highlighted_cells,
    report_workbook,
    run_feedback,
    strict_ooxml,
)

ARRIVED = datetime(2025, 4, 3, 9)
STRICT = "a.strict@demo.quangninh.vn"
HIDDEN = "b.hidden@demo.quangninh.vn"
GOOD = "c.good@demo.quangninh.vn"


def bad_batch(warehouse, tmp_path) -> None:
    """A Strict-OOXML workbook, a workbook whose only sheet is hidden, and a good one; each with one finding."""
    warehouse.unit("QN-SYT", "Sở Y tế tỉnh Quảng Ninh", "health_department", "syt@demo.quangninh.vn")
    for code, email in (("QN-A-STRICT", STRICT), ("QN-B-HIDDEN", HIDDEN), ("QN-C-GOOD", GOOD)):
        warehouse.unit(code, f"Đơn vị {code}", "commune_station", email)
    files = {
        "QN-A-STRICT": strict_ooxml(report_workbook(tmp_path / "in" / "strict.xlsx", "QN-A-STRICT", "Tháng 3/2025",
                                                    {"OPD_VISITS": "abc"})),
        "QN-B-HIDDEN": every_sheet_hidden(report_workbook(tmp_path / "in" / "hidden.xlsx", "QN-B-HIDDEN",
                                                          "Tháng 3/2025", {"OPD_VISITS": 1})),
        "QN-C-GOOD": report_workbook(tmp_path / "in" / "good.xlsx", "QN-C-GOOD", "Tháng 3/2025", {"OPD_VISITS": "?"}),
    }
    ids = {code: warehouse.submit(code, "202503", path, ARRIVED) for code, path in files.items()}
    for code in ("QN-A-STRICT", "QN-C-GOOD"):
        warehouse.finding(ids[code], "ING_UNPARSEABLE_VALUE", "error", "không phải là số. Cách sửa: nhập số.",
                          "not a number. How to fix: type a number.", "OPD_VISITS", "D6")
    warehouse.finding(ids["QN-B-HIDDEN"], "ING_EMPTY_WORKBOOK", "error", "không có trang tính nào có dữ liệu.",
                      "no sheet in the file holds any data.")
    warehouse.publish()


def test_strict_and_unsaveable_workbooks_still_get_feedback_and_so_does_every_other_unit(
    alert_env, resources, warehouse, smtp, tmp_path
):
    bad_batch(warehouse, tmp_path)
    result = dg.materialize([unit_feedback], resources=resources)
    assert result.success
    messages = {message["To"]: message for message in smtp.messages}
    assert set(messages) == {STRICT, HIDDEN, GOOD}

    # openpyxl opens Strict OOXML without a sheet; the copy is rebuilt from calamine's grid instead.
    (strict_copy,) = messages[STRICT].iter_attachments()
    workbook = openpyxl.load_workbook(io.BytesIO(strict_copy.get_content()))
    assert highlighted_cells(workbook, set(HIGHLIGHT_COLOURS.values())) == {(SHEET, "D6")}

    # openpyxl refuses to save a workbook whose only sheet is hidden: no copy, and the e-mail says why.
    hidden = messages[HIDDEN]
    assert list(hidden.iter_attachments()) == []
    for part in ("plain", "html"):
        body = hidden.get_body((part,)).get_content()
        assert "Không có tệp đính kèm: không ghi lại được tệp thành bản đánh dấu" in body
        assert "No attachment: the file could not be rewritten as an annotated copy" in body
        assert "cannot be hidden" in body

    assert len(list(messages[GOOD].iter_attachments())) == 1
    (materialization,) = result.asset_materializations_for_node("unit_feedback")
    assert materialization.metadata["without_annotated_copy"].value == 1


def test_a_unit_whose_feedback_crashes_is_named_and_retried_while_the_others_are_served(
    alert_env, resources, warehouse, smtp, tmp_path, monkeypatch, clock
):
    bad_batch(warehouse, tmp_path)
    compose = feedback_module.compose_feedback

    def crash_for_strict(org_name, unit, files, *rest):
        if unit.code == "QN-A-STRICT":
            raise RuntimeError("template exploded")
        return compose(org_name, unit, files, *rest)

    monkeypatch.setattr(feedback_module, "compose_feedback", crash_for_strict)
    result = dg.materialize([unit_feedback], resources=resources, raise_on_error=False)

    assert not result.success
    (failure,) = result.get_step_failure_events()
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith("Không gửi được phản hồi cho 1 đơn vị / feedback failed for 1 unit(s)")
    assert "QN-A-STRICT: RuntimeError: template exploded" in description
    assert {message["To"] for message in smtp.messages} == {HIDDEN, GOOD}
    assert all(row[0] != "QN-A-STRICT" for row in alert_log(warehouse))  # nothing recorded as told

    monkeypatch.setattr(feedback_module, "compose_feedback", compose)
    summary = run_feedback(warehouse, alert_env, clock)
    assert (summary.feedback_queued, summary.failed_units) == (1, ())
    assert [message["To"] for message in smtp.messages].count(STRICT) == 1
