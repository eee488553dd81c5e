"""A full disk during alert bookkeeping is reported as a full disk, with the file it could not write."""

from __future__ import annotations

import errno
from datetime import datetime

import dagster as dg
import duckdb
import pytest

import orchestration.alerts.delivery as delivery_module
from orchestration.alerts.definitions import unit_feedback
from orchestration.alerts.store import QueuedAlert, ensure_alert_tables, record_queued
from tests.alerts.alert_builders import first_run_files

WAL_FULL = 'IO Error: Could not write file "/kho/build.duckdb.wal": No space left on device'


class DiskFullOnCommit:
    """A connection whose commit fails the way DuckDB's does on a full disk: the transaction is gone."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def __getattr__(self, name: str):
        return getattr(self._connection, name)

    def commit(self) -> None:
        self._connection.rollback()
        raise duckdb.IOException(WAL_FULL)


def test_the_disk_full_error_is_raised_not_the_failed_rollback_after_it(tmp_path):
    alert = QueuedAlert("id-1", "feedback", "QN-BVBC", "202503", None, "s", b"m", ("f",))
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        ensure_alert_tables(connection)
        with pytest.raises(duckdb.IOException, match="No space left on device"):
            record_queued(DiskFullOnCommit(connection), alert, "a.eml", datetime(2025, 4, 8), "run")
        assert connection.execute("select count(*) from raw.alert_outbox").fetchone() == (0,)


def test_unit_feedback_on_a_full_disk_fails_naming_the_outbox_file(resources, warehouse, smtp, tmp_path, monkeypatch):
    first_run_files(warehouse, tmp_path)

    def disk_full(outbox_dir, alert, created_at):
        raise OSError(errno.ENOSPC, "No space left on device", str(outbox_dir / "QN-TTYT-HL" / "a.eml"))

    monkeypatch.setattr(delivery_module, "write_outbox", disk_full)
    result = dg.materialize([unit_feedback], resources=resources, raise_on_error=False)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = failure.step_failure_data.error.cause.message  # the step error wraps what the asset raised
    eml = warehouse.root / "outbox" / "QN-TTYT-HL" / "a.eml"
    assert f"StorageError: Không đọc/ghi được '{eml}': ổ đĩa đã đầy" in message
    assert f"Cannot read or write '{eml}': the disk is full" in message
