"""SMTP and outbox settings: safe defaults, no secrets in logs."""

from __future__ import annotations

import pytest

from orchestration.lib.settings import REPO_ROOT, SettingsError, load_settings


@pytest.fixture
def published_db(tmp_path):
    return {"WAREHOUSE_PUBLISHED_DB": str(tmp_path / "published" / "published.duckdb")}


def test_without_an_smtp_host_everything_goes_to_the_outbox_next_to_the_published_warehouse(published_db, tmp_path):
    settings = load_settings(published_db).alerts
    assert settings.smtp is None
    assert settings.outbox_dir == tmp_path / "published" / "outbox"
    assert settings.dagster_ui_url == "http://localhost:3000"
    assert (settings.max_attachment_bytes, settings.reminder_working_days) == (5_000_000, 3)


def test_smtp_defaults_to_starttls_and_never_shows_the_password(published_db):
    settings = load_settings(published_db | {
        "ALERT_SMTP_HOST": "smtp.demo.quangninh.vn",
        "ALERT_SMTP_USER": "kho-du-lieu@demo.quangninh.vn",
        "ALERT_SMTP_PASSWORD": "mat-khau-bi-mat",
        "DAGSTER_UI_URL": "https://dagster.demo.quangninh.vn/",
    })
    assert (settings.alerts.smtp.security, settings.alerts.smtp.port) == ("starttls", 587)
    assert settings.alerts.sender == "kho-du-lieu@demo.quangninh.vn"  # the login doubles as sender when none is set
    assert settings.alerts.dagster_ui_url == "https://dagster.demo.quangninh.vn"
    assert settings.alerts.smtp.password == "mat-khau-bi-mat"
    assert "mat-khau-bi-mat" not in repr(settings) and "mat-khau-bi-mat" not in str(settings)


@pytest.mark.parametrize(("security", "port"), [("ssl", 465), ("none", 25), ("SSL", 465)])
def test_each_security_mode_has_its_usual_port(published_db, security, port):
    environment = published_db | {"ALERT_SMTP_HOST": "smtp.demo.quangninh.vn", "ALERT_SMTP_SECURITY": security}
    assert load_settings(environment).alerts.smtp.port == port


def test_an_unknown_security_mode_is_refused(published_db):
    with pytest.raises(SettingsError, match="ALERT_SMTP_SECURITY='tls': expected none, starttls or ssl"):
        load_settings(published_db | {"ALERT_SMTP_HOST": "smtp.demo.quangninh.vn", "ALERT_SMTP_SECURITY": "tls"})


def test_a_configured_outbox_is_resolved_against_the_repository(published_db):
    assert load_settings(published_db | {"WAREHOUSE_OUTBOX_DIR": "hop-thu"}).alerts.outbox_dir == REPO_ROOT / "hop-thu"
