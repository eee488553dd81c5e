"""`make run`'s terminal: one line per stage while the job runs, everything else in a log file.

Dagster's console log (about 1,500 DEBUG lines a run), dbt's output and library warnings all write
to file descriptors 1 and 2, some from a subprocess; pointing those descriptors at the log file
catches every one of them, where silencing loggers one by one would miss the next library. The
terminal gets its own duplicate of the original descriptor, and the stage lines are drawn there
from the run's events in the Dagster instance (the same ones the UI shows), polled from a thread.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

KEPT_LOGS = 30  # run logs older than the last 30 are removed: the UI keeps every run's events anyway

STAGE_LABELS = {
    "reference_tables": "Danh mục / reference data",
    "inbox_submissions": "Nhận tệp / intake",
    "dbt_rule_inputs": "dbt, giai đoạn 1 / dbt, phase 1",
    "dq_rules": "Quy tắc chất lượng / quality rules",
    "warehouse_models": "dbt, giai đoạn 2 / dbt, phase 2",
    "warehouse_expectations": "Kiểm tra trước công bố / checks before publishing",
    "publication": "Công bố / publish",
    "dq_scorecard_report": "Báo cáo chất lượng / quality report",
    "unit_feedback": "Phản hồi đơn vị / unit feedback",
}
STEP_EVENTS = {
    dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.STEP_SKIPPED,
}


def new_log_path(logs_dir: Path, now: datetime) -> Path:
    """One file per run, the oldest pruned so the folder stays bounded."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    for old in sorted(logs_dir.glob("run-*.log"))[:-KEPT_LOGS + 1]:
        old.unlink(missing_ok=True)
    return logs_dir / f"run-{now:%Y%m%d-%H%M%S}.log"


@contextmanager
def output_to_log(log_path: Path) -> Iterator[TextIO]:
    """Descriptors 1 and 2 go to `log_path` inside the block; the stream yielded is the terminal."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", buffering=1, encoding="utf-8")
    with log_path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for descriptor in saved:
                os.close(descriptor)
            terminal.close()


class StageLines(threading.Thread):
    """Draws a line per step as the run's events arrive: a pulsing bar while it runs, then ✓, ✗ or
    'skipped' with its time. Stops (after a last look) when `finish` is called."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str, terminal: TextIO):
        super().__init__(daemon=True)
        self.instance, self.run_id = instance, run_id
        self.console = Console(file=terminal, highlight=False)
        self.done = threading.Event()
        self.tasks: dict[str, TaskID] = {}

    def finish(self) -> None:
        self.done.set()
        self.join()

    def run(self) -> None:
        columns = (SpinnerColumn(finished_text="•"), TextColumn("{task.description}"), BarColumn(bar_width=20),
                   TimeElapsedColumn())
        with Progress(*columns, console=self.console) as progress:
            cursor = None
            while True:
                finishing = self.done.is_set()
                connection = self.instance.get_records_for_run(self.run_id, cursor=cursor, of_type=STEP_EVENTS)
                cursor = connection.cursor if connection.records else cursor
                for record in connection.records:
                    self._show(progress, record.event_log_entry)
                if finishing:
                    return
                self.done.wait(0.3)

    def _show(self, progress: Progress, entry) -> None:
        step, kind = entry.step_key, entry.dagster_event.event_type
        label = STAGE_LABELS.get(step, step)
        if kind == dg.DagsterEventType.STEP_START:
            self.tasks[step] = progress.add_task(label, total=None)
            return
        outcome = {dg.DagsterEventType.STEP_SUCCESS: "✓", dg.DagsterEventType.STEP_FAILURE: "✗ lỗi / failed",
                   dg.DagsterEventType.STEP_SKIPPED: "– bỏ qua / skipped"}[kind]
        if step not in self.tasks:
            self.tasks[step] = progress.add_task(label, total=None)
        progress.update(self.tasks[step], description=f"{label} {outcome}", total=1, completed=1)
        progress.stop_task(self.tasks[step])
