"""SMTP and outbox settings from the environment: safe defaults, no secrets in logs."""

from __future__ import annotations

import pytest

from orchestration.alerts.settings import AlertSettings
from orchestration.lib.settings import WarehousePaths


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for variable in ("ALERT_SMTP_HOST", "ALERT_SMTP_PORT", "ALERT_SMTP_SECURITY", "ALERT_SMTP_USER",
                     "ALERT_SMTP_PASSWORD", "ALERT_SENDER", "ALERT_ENGINEER_EMAIL", "DAGSTER_UI_URL",
                     "WAREHOUSE_OUTBOX_DIR", "ALERT_MAX_ATTACHMENT_BYTES", "ALERT_REMINDER_WORKING_DAYS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("WAREHOUSE_PUBLISHED_DB", str(tmp_path / "published" / "published.duckdb"))
    return monkeypatch


def test_without_an_smtp_host_everything_goes_to_the_outbox_next_to_the_published_warehouse(clean_environment,
                                                                                            tmp_path):
    settings = AlertSettings.from_environment(WarehousePaths.from_environment())
    assert settings.smtp is None
    assert settings.outbox_dir == tmp_path / "published" / "outbox"
    assert settings.dagster_ui_url == "http://localhost:3000"
    assert (settings.max_attachment_bytes, settings.reminder_working_days) == (5_000_000, 3)


def test_smtp_defaults_to_starttls_and_never_shows_the_password(clean_environment):
    clean_environment.setenv("ALERT_SMTP_HOST", "smtp.demo.quangninh.vn")
    clean_environment.setenv("ALERT_SMTP_USER", "kho-du-lieu@demo.quangninh.vn")
    clean_environment.setenv("ALERT_SMTP_PASSWORD", "mat-khau-bi-mat")
    clean_environment.setenv("DAGSTER_UI_URL", "https://dagster.demo.quangninh.vn/")
    settings = AlertSettings.from_environment(WarehousePaths.from_environment())
    assert (settings.smtp.security, settings.smtp.port) == ("starttls", 587)
    assert settings.sender == "kho-du-lieu@demo.quangninh.vn"  # the login doubles as sender when none is set
    assert settings.dagster_ui_url == "https://dagster.demo.quangninh.vn"
    assert "mat-khau-bi-mat" not in repr(settings)


@pytest.mark.parametrize(("security", "port"), [("ssl", 465), ("none", 25), ("SSL", 465)])
def test_each_security_mode_has_its_usual_port(clean_environment, security, port):
    clean_environment.setenv("ALERT_SMTP_HOST", "smtp.demo.quangninh.vn")
    clean_environment.setenv("ALERT_SMTP_SECURITY", security)
    assert AlertSettings.from_environment(WarehousePaths.from_environment()).smtp.port == port


def test_an_unknown_security_mode_is_refused(clean_environment):
    clean_environment.setenv("ALERT_SMTP_HOST", "smtp.demo.quangninh.vn")
    clean_environment.setenv("ALERT_SMTP_SECURITY", "tls")
    with pytest.raises(ValueError, match="none, starttls or ssl"):
        AlertSettings.from_environment(WarehousePaths.from_environment())
