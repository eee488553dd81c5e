"""Fixtures for the alert tests: a live SMTP server, a tiny warehouse and settings pointing at both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from orchestration.lib.resources import warehouse_resources
from orchestration.lib.settings import AlertSettings, Settings, load_settings
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
def warehouse_settings(warehouse, smtp) -> Settings:
    """Every path under the test's folder and every alert variable set, read from this mapping
    alone so nothing leaks in from the shell."""
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
    return load_settings(environment)


@pytest.fixture
def alert_env(warehouse_settings) -> AlertSettings:
    return warehouse_settings.alerts


@pytest.fixture
def resources(warehouse_settings) -> dict[str, object]:
    """What the alert asset, op and sensor are given in place of the code location's resources."""
    return warehouse_resources(warehouse_settings)


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
