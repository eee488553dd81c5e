"""Fixtures for the alert tests: a live SMTP server, a tiny warehouse and the environment pointing at both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from orchestration.alerts.settings import AlertSettings
from tests.alerts.alert_builders import ENGINEER, SENDER, UI_URL, SmtpSink, TinyWarehouse



@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def warehouse(tmp_path) -> TinyWarehouse:
    return TinyWarehouse(tmp_path / "warehouse")


@pytest.fixture
def alert_env(monkeypatch, warehouse, smtp) -> AlertSettings:
    """Every path under the test's folder and every alert variable set, so nothing leaks in from the shell."""
    for variable in [v for v in os.environ if v.startswith("ALERT_")]:
        monkeypatch.delenv(variable)
    paths = warehouse.paths
    environment = {
        "WAREHOUSE_INBOX_DIR": str(paths.inbox_dir),
        "WAREHOUSE_REFERENCE_DIR": str(paths.reference_dir),
        "WAREHOUSE_ARCHIVE_DIR": str(paths.archive_dir),
        "WAREHOUSE_BUILD_DB": str(paths.build_db),
        "WAREHOUSE_PUBLISHED_DB": str(paths.published_db),
        "WAREHOUSE_OUTBOX_DIR": str(warehouse.root / "outbox"),
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(smtp.port),
        "ALERT_SMTP_SECURITY": "none",
        "ALERT_SMTP_TIMEOUT_SECONDS": "5",
        "ALERT_SENDER": SENDER,
        "ALERT_ENGINEER_EMAIL": ENGINEER,
        "DAGSTER_UI_URL": UI_URL,
    }
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    return AlertSettings.from_environment(paths)


class FakeClock:
    """Naive-UTC time that moves only when told, so log timestamps are predictable."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 4, 8, 1, 30))
