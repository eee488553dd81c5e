"""The one policy every environment variable is read with, and the settings tree it builds."""

from __future__ import annotations

import re

import pytest

from orchestration.lib.workbook.limits import MIB, IntakeLimits
from orchestration.lib.settings import (
    LIMIT_VARIABLES, REPO_ROOT, VARIABLES, SettingsError, load_settings, mask_password,
)


def test_an_empty_environment_gives_every_default():
    settings = load_settings({})
    assert settings.paths.inbox_dir == REPO_ROOT / "sources" / "inbox"
    assert settings.paths.build_db == REPO_ROOT / "warehouse" / "build.duckdb"
    assert settings.limits == IntakeLimits()
    assert IntakeLimits().as_dict() == {
        "max_file_bytes": 10 * MIB, "max_uncompressed_bytes": 64 * MIB, "max_compression_ratio": 100,
        "max_zip_entries": 500, "max_sheets": 50, "max_rows": 10_000, "max_columns": 200,
    }
    assert settings.alerts.smtp is None


def test_blank_means_the_default_and_values_are_trimmed():
    settings = load_settings({"WAREHOUSE_MAX_SHEETS": " ", "WAREHOUSE_MAX_ROWS": " 30 ", "ALERT_SMTP_HOST": ""})
    assert (settings.limits.max_sheets, settings.limits.max_rows, settings.alerts.smtp) == (50, 30, None)


def test_every_limit_is_set_from_its_variable():
    environment = {variable: str(number) for number, variable in enumerate(LIMIT_VARIABLES, start=7)}
    limits = load_settings(environment | {"UNRELATED": "x"}).limits
    assert limits.as_dict() == {field: number for number, field in enumerate(LIMIT_VARIABLES.values(), start=7)}


def test_relative_paths_are_resolved_against_the_repository_and_absolute_ones_kept(tmp_path):
    settings = load_settings({"WAREHOUSE_INBOX_DIR": "hop-thu", "WAREHOUSE_BUILD_DB": str(tmp_path / "b.duckdb")})
    assert settings.paths.inbox_dir == REPO_ROOT / "hop-thu"
    assert settings.paths.build_db == tmp_path / "b.duckdb"


@pytest.mark.parametrize(
    ("variable", "text", "allowed"),
    [
        ("WAREHOUSE_MAX_ROWS", "abc", "a positive integer"),
        ("WAREHOUSE_MAX_ROWS", "0", "a positive integer"),
        ("WAREHOUSE_MAX_ROWS", "-5", "a positive integer"),
        ("WAREHOUSE_MAX_ROWS", "10MB", "a positive integer"),
        ("WAREHOUSE_MAX_ROWS", "1.5", "a positive integer"),
        ("ALERT_SMTP_PORT", "70000", "a port number from 1 to 65535"),
        ("ALERT_SMTP_TIMEOUT_SECONDS", "soon", "a positive number of seconds"),
        ("ALERT_REMINDER_WORKING_DAYS", "-1", "a whole number of working days, 0 or more"),
        ("ALERT_ENGINEER_EMAIL", "ky-su", "an e-mail address"),
        ("DAGSTER_UI_URL", "localhost:3000", "an http:// or https:// address"),
    ],
)
def test_a_malformed_value_stops_loading_naming_the_variable_and_what_is_allowed_in_both_languages(
    variable, text, allowed
):
    with pytest.raises(SettingsError) as raised:
        load_settings({variable: text})
    message = str(raised.value)
    assert message.startswith(f"{variable}={text!r}: expected {allowed} / cần ")
    assert VARIABLES[variable].kind.allowed_vi in message


def test_every_malformed_variable_is_reported_at_once():
    with pytest.raises(SettingsError) as raised:
        load_settings({"WAREHOUSE_MAX_ROWS": "x", "WAREHOUSE_MAX_SHEETS": "y", "ALERT_SMTP_SECURITY": "tls"})
    assert [line.split("=")[0] for line in str(raised.value).splitlines()] == [
        "WAREHOUSE_MAX_SHEETS", "WAREHOUSE_MAX_ROWS", "ALERT_SMTP_SECURITY"
    ]


def test_the_readme_documents_exactly_the_declared_variables():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    configuration = readme[readme.index("## Configuration"):readme.index("## Blank templates")]
    documented = set(re.findall(r"`((?:WAREHOUSE|ALERT|DAGSTER_UI)_[A-Z_]+)`", configuration))
    assert documented == set(VARIABLES)


def test_the_postgres_url_is_optional_and_never_shown_with_its_password():
    assert load_settings({}).postgres is None
    settings = load_settings({"WAREHOUSE_POSTGRES_URL": "postgresql://kho:b1_mat@db.soyte.vn:5432/kho"})
    assert settings.postgres.url == "postgresql://kho:b1_mat@db.soyte.vn:5432/kho"
    assert "b1_mat" not in repr(settings)
    assert "postgresql://kho:***@db.soyte.vn:5432/kho" in repr(settings)


def test_a_malformed_postgres_url_is_refused_without_quoting_it():
    with pytest.raises(SettingsError) as raised:
        load_settings({"WAREHOUSE_POSTGRES_URL": "host=db password=b1_mat"})
    assert str(raised.value).startswith("WAREHOUSE_POSTGRES_URL='***': expected a postgresql:// or postgres:// URL")
    assert "b1_mat" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://kho:b1_mat@db/kho", "postgresql://kho:***@db/kho"),
        ("postgres://db:5432/kho", "postgres://db:5432/kho"),
        ("postgresql://kho@db/kho?sslmode=require&password=b1_mat", "postgresql://kho@db/kho?sslmode=require&password=***"),
        ("postgresql://kho:b1@m/?t@db/kho", "postgresql://kho:***@db/kho"),  # unencoded @ / ? in the password
        ("b1_mat", "***"),
    ],
)
def test_mask_password_hides_the_password_wherever_a_url_can_hold_it(url, shown):
    assert mask_password(url) == shown
