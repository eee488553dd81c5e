"""What THIS run did, read from its own events, and where to look next.

The counts come from the metadata each step attached to its materialisation (new files from the
intake, findings told and resolved and messages queued from the feedback, rows from the
publication), never from the warehouse's cumulative totals: a run that took in one file says one
file, and a run with nothing new says so instead of repeating yesterday's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from orchestration.lib.settings import Settings


def step_metadata(result: dg.ExecuteInProcessResult, step_key: str) -> dict[str, object]:
    """Plain values of the first materialisation (or failure) metadata the step recorded."""
    for event in result.all_events:
        if event.step_key != step_key:
            continue
        metadata: Mapping | None = None
        if event.is_step_materialization:
            metadata = event.step_materialization_data.materialization.metadata
        elif event.is_step_failure and event.step_failure_data.user_failure_data is not None:
            metadata = event.step_failure_data.user_failure_data.metadata
        if metadata:
            return {key: getattr(value, "value", value) for key, value in metadata.items()}
    return {}


def run_summary(result: dg.ExecuteInProcessResult, settings: Settings, log_path: Path) -> list[str]:
    intake = step_metadata(result, "inbox_submissions")
    feedback = step_metadata(result, "unit_feedback")
    publication = step_metadata(result, "publication")
    report = step_metadata(result, "dq_scorecard_report")
    lines = ["Lần chạy này / this run:"]
    if not intake and not result.success:
        lines.append("  Nhận tệp không hoàn tất / the intake did not complete.")
    elif not intake:
        lines.append("  Không có gì mới từ lần công bố trước / nothing new since the last publication: "
                     "nothing built, published or sent.")
    else:
        lines.append(
            f"  Tệp mới / new files: {intake.get('new_files', 0)} ({intake.get('accepted', 0)} accepted, "
            f"{intake.get('quarantined', 0)} quarantined, {intake.get('duplicates', 0)} duplicates), "
            f"{intake.get('values_loaded', 0)} values"
        )
    if feedback:
        lines.append(f"  Phát hiện / findings: {feedback.get('findings_told', 0)} newly told to units, "
                     f"{feedback.get('findings_resolved', 0)} resolved")
        lines.append(
            f"  Thư / messages: {feedback.get('feedback_queued', 0)} feedback, "
            f"{feedback.get('acknowledgements_queued', 0)} acknowledgements queued; {feedback.get('sent', 0)} sent by "
            f"SMTP, {feedback.get('outbox_only', 0)} to the outbox only"
        )
    if publication:
        rows = publication.get("row_counts") or {}
        lines.append(f"  Công bố / published: {sum(rows.values())} rows in {len(rows)} tables → {publication.get('path')}")
    lines.append("Xem ở đâu / where to look:")
    if report.get("path"):
        lines.append(f"  Báo cáo chất lượng / quality report: {report['path']}")
    lines.append(f"  Hộp thư đi / outbox: {settings.alerts.outbox_dir}")
    lines.append(f"  Giao diện / UI: {settings.alerts.dagster_ui_url}/runs/{result.run_id} (start it with `make dev`)")
    lines.append(f"  Nhật ký đầy đủ / full log: {log_path}")
    return lines
