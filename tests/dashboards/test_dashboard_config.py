"""What the dashboard launcher decides without starting Superset: the read-only connection."""

from __future__ import annotations

import json

import pytest

from dashboards import launcher


def test_duckdb_file_is_opened_read_only(tmp_path):
    published = tmp_path / "published.duckdb"
    published.write_bytes(b"")
    connection = launcher.warehouse_connection({"WAREHOUSE_PUBLISHED_DB": str(published)})
    assert connection["uri"] == f"duckdb:///{published}"
    assert json.loads(connection["extra"])["engine_params"]["connect_args"] == {"read_only": True}


def test_postgres_target_wins_and_every_transaction_is_read_only(tmp_path):
    connection = launcher.warehouse_connection({"WAREHOUSE_PUBLISHED_DB": str(tmp_path / "none.duckdb"),
                                                "WAREHOUSE_POSTGRES_URL": "postgresql://reader:pw@db:5432/kho"})
    assert connection["uri"] == "postgresql+psycopg2://reader:pw@db:5432/kho"
    options = json.loads(connection["extra"])["engine_params"]["connect_args"]["options"]
    assert options == "-c default_transaction_read_only=on"


def test_nothing_published_yet_says_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="make run"):
        launcher.warehouse_connection({"WAREHOUSE_PUBLISHED_DB": str(tmp_path / "none.duckdb")})
