"""The checks in a real Dagster run: they gate `published_warehouse` and explain their verdicts."""

from __future__ import annotations

import time

import dagster as dg
import duckdb
import pytest

from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.publish.assets import publication
from orchestration.publish.publisher import sha256_of
from orchestration.quality.checks import CHECK_NAME, build_warehouse_checks
from tests.quality.warehouse_fakes import fake_mart_assets, good_marts, write_marts

PUBLISHED = dg.AssetKey(["published_warehouse"])


def run_warehouse(frames, gx_project, resources) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [fake_mart_assets(frames), *build_warehouse_checks(public_marts(), gx_project), publication],
        resources=resources,
        raise_on_error=False,
    )


def test_passing_checks_let_the_warehouse_publish(warehouse_paths, gx_project, resources):
    result = run_warehouse(good_marts(), gx_project, resources)

    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert {e.asset_check_key for e in evaluations} == {
        dg.AssetCheckKey(mart_asset_key(name), CHECK_NAME) for name in public_marts()
    }
    assert all(e.passed and e.severity == dg.AssetCheckSeverity.ERROR for e in evaluations)
    assert all(e.metadata["data_docs"].value.startswith("http://localhost:") for e in evaluations)
    assert all("| đạt / pass |" in e.metadata["summary"].value for e in evaluations), "text marks, no emoji"
    assert PUBLISHED in {event.asset_key for event in result.get_asset_materialization_events()}
    with duckdb.connect(str(warehouse_paths.published_db), read_only=True) as connection:
        assert connection.execute("select run_id from meta.publication").fetchone()[0] == result.run_id


def test_failing_blocking_check_stops_publication_and_keeps_the_published_file(warehouse_paths, gx_project,
                                                                                  resources):
    assert run_warehouse(good_marts(), gx_project, resources).success
    checksum_before = sha256_of(warehouse_paths.published_db)

    broken = good_marts()
    broken["fct_indicator_values"].loc[0, "value"] = -40.0
    result = run_warehouse(broken, gx_project, resources)

    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.asset_key for e in failed] == [mart_asset_key("fct_indicator_values")]
    outcome = failed[0].metadata["expect_column_values_to_be_between(value)"].value
    assert outcome["success"] is False
    assert outcome["unexpected_count"] == 1
    assert outcome["unexpected_examples"] == [-40.0]
    assert "expect_column_values_to_be_between(value)" in failed[0].description
    assert PUBLISHED not in {event.asset_key for event in result.get_asset_materialization_events()}
    assert sha256_of(warehouse_paths.published_db) == checksum_before


def test_a_missing_mart_fails_its_own_check_and_the_integrity_of_the_marts_referring_to_it(warehouse_paths, gx_project,
                                                                                           resources):
    """Without dim_periods every period code is dangling; the other dimensions are unaffected."""
    frames = good_marts()
    del frames["dim_periods"]
    write_marts(warehouse_paths.build_db, frames)
    checks = build_warehouse_checks(public_marts(), gx_project)
    result = dg.materialize(
        [*checks, *(dg.AssetSpec(mart_asset_key(name)) for name in public_marts())],
        selection=dg.AssetSelection.checks_for_assets(*(mart_asset_key(name) for name in public_marts())),
        resources=resources,
        raise_on_error=False,
    )

    verdicts = {e.asset_key.path[-1]: e.passed for e in result.get_asset_check_evaluations()}
    without_period_codes = {"dim_org_units", "dim_indicators", "dim_org_unit_lineage", "dim_org_unit_parent_links",
                            "fct_inbox_entries"}
    assert verdicts == {name: name in without_period_codes for name in public_marts()}


@pytest.mark.parametrize("selected", [["fct_submissions"], ["dim_org_units", "dim_indicators"]])
def test_only_the_selected_checks_run(warehouse_paths, gx_project, resources, selected):
    write_marts(warehouse_paths.build_db, good_marts())
    checks = build_warehouse_checks(public_marts(), gx_project)
    started = time.monotonic()
    result = dg.materialize(
        [*checks, *(dg.AssetSpec(mart_asset_key(name)) for name in public_marts())],
        selection=dg.AssetSelection.checks(
            *(dg.AssetCheckKey(mart_asset_key(name), CHECK_NAME) for name in selected)
        ),
        resources=resources,
    )
    assert sorted(e.asset_key.path[-1] for e in result.get_asset_check_evaluations()) == sorted(selected)
    assert time.monotonic() - started < 60
