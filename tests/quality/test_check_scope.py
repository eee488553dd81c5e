"""The checks after an incremental build: GX sees the rebuilt periods, SQL sees every row.

The fake build holds fct_indicator_values for 202503, 2025Q1 and 2025; phase two "rebuilt" 2025.
The published warehouse is a copy of the build as the last publication left it.
"""

from __future__ import annotations

import os
import shutil

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.lib.marts import mart_asset_key, public_marts
from orchestration.quality.check_scope import PERIOD_KEYED_MARTS, attach_published, plan_scopes, suites_edited_since
from orchestration.quality.checks import CHECK_NAME, build_warehouse_checks
from orchestration.quality.integrity_sql import check_invariants, invariants
from orchestration.quality.suites import MART_SUITES
from orchestration.transform.dbt_command import AFFECTED_PERIODS_TABLE
from tests.quality.warehouse_fakes import copy_gx_project, good_marts, write_marts

VALUES = "fct_indicator_values"
KEY = "sql:unique(indicator_code,org_unit_code,period_code)"


def build(paths, frames, periods: list[str] | None, published_frames=None) -> None:
    """The build with its affected periods (None: no table), published as `published_frames` (default: the same)."""
    if published_frames is not None:
        write_marts(paths.published_db, published_frames)
    write_marts(paths.build_db, frames)
    if published_frames is None:
        paths.published_db.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(paths.build_db, paths.published_db)
    if periods is not None:
        with duckdb.connect(str(paths.build_db)) as connection:
            connection.execute("create schema if not exists pipeline_state")
            connection.execute(f"create or replace table {AFFECTED_PERIODS_TABLE} (period_code varchar not null)")
            for code in periods:
                connection.execute(f"insert into {AFFECTED_PERIODS_TABLE} values (?)", [code])


def run_checks(gx_project, resources) -> dict[str, dg.AssetCheckEvaluation]:
    marts = public_marts()
    result = dg.materialize(
        [*build_warehouse_checks(marts, gx_project), *(dg.AssetSpec(mart_asset_key(name)) for name in marts)],
        selection=dg.AssetSelection.checks(*(dg.AssetCheckKey(mart_asset_key(VALUES), CHECK_NAME),)),
        resources=resources,
        raise_on_error=False,
    )
    return {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}


def with_row(frames, mart: str, **changes) -> dict[str, pd.DataFrame]:
    """`frames` with a copy of the mart's first row of period `changes['period_code']`, changed."""
    frame = frames[mart]
    row = frame[frame["period_code"] == changes["period_code"]].head(1).assign(**changes)
    return {**frames, mart: pd.concat([frame, row], ignore_index=True)}


def test_a_broken_row_in_a_rebuilt_period_fails_the_check(warehouse_paths, gx_project, resources):
    build(warehouse_paths, with_row(good_marts(), VALUES, period_code="2025", org_unit_code="QN-HL", value=-7.0),
          ["2025"], published_frames=good_marts())

    verdict = run_checks(gx_project, resources)[VALUES]

    assert not verdict.passed
    assert verdict.metadata["scope"].value == "1 periods"
    assert verdict.metadata["rows_validated"].value == 2  # the year's two rows, not the mart's six
    assert verdict.metadata["expect_column_values_to_be_between(value)"].value["unexpected_examples"] == [-7.0]
    assert verdict.metadata[KEY].value["success"] is True


def test_a_duplicate_key_outside_the_rebuilt_periods_is_caught_by_the_sql_invariant(warehouse_paths, gx_project,
                                                                                        resources):
    """Published with the duplicate (as before the invariant existed); a new 2025 row is all GX sees."""
    duplicated = with_row(good_marts(), VALUES, period_code="202503")
    build(warehouse_paths, with_row(duplicated, VALUES, period_code="2025", org_unit_code="QN-HL"), ["2025"],
          published_frames=duplicated)

    verdict = run_checks(gx_project, resources)[VALUES]

    assert not verdict.passed
    assert verdict.metadata["scope"].value == "1 periods"
    assert verdict.metadata["expect_compound_columns_to_be_unique(indicator_code,org_unit_code,period_code)"].value[
        "success"] is True
    assert verdict.metadata[KEY].value == {
        "success": False, "violations": 1, "error": None, "description": invariants(VALUES, MART_SUITES[VALUES])[0].description,
    }
    assert KEY in verdict.description


def test_a_full_build_validates_every_row(warehouse_paths, gx_project, resources):
    build(warehouse_paths, good_marts(), [])

    verdict = run_checks(gx_project, resources)[VALUES]

    assert verdict.passed
    assert verdict.metadata["scope"].value == "full"
    assert verdict.metadata["rows_validated"].value == len(good_marts()[VALUES])


@pytest.mark.parametrize(
    ("periods", "published", "scope"),
    [
        (["2025"], "the rebuilt period differs", "1 periods"),
        (["2025"], "same", "unchanged"),  # GX has nothing new to see
        (None, "same", "full"),  # no affected-periods table at all
        ([], "same", "full"),  # a full rebuild
        (["2025"], "none", "full"),  # nothing published yet
        (["2025"], "other periods differ", "full"),  # e.g. the last build failed its checks
    ],
)
def test_only_rows_unchanged_since_publication_are_left_out(warehouse_paths, periods, published, scope):
    frames = good_marts()
    build(warehouse_paths, frames, periods)
    changed = frames[VALUES].copy()
    if published == "none":
        warehouse_paths.published_db.unlink()
    elif published != "same":
        changed.loc[changed["period_code"] == ("2025" if "rebuilt" in published else "202503"), "value"] += 1
        write_marts(warehouse_paths.published_db, {**frames, VALUES: changed})
    with duckdb.connect(str(warehouse_paths.build_db), read_only=True) as connection:
        scopes = plan_scopes(connection, list(public_marts()), attach_published(connection, warehouse_paths.published_db),
                             edited_suites=set())
    assert scopes[VALUES].label == scope
    others = {scopes[name].label for name in public_marts() if name != VALUES}
    assert others == ({"unchanged"} if published != "none" and periods else {"full"})
    if scope == "1 periods":
        assert scopes[VALUES].where == "period_code in ('2025') or period_code is null"


def test_a_suite_edited_since_publication_validates_its_whole_mart(warehouse_paths, tmp_path):
    gx_project = copy_gx_project(tmp_path / "expectations")  # its own: the session's copy stays untouched
    build(warehouse_paths, good_marts(), ["2025"])
    marts = list(public_marts())
    assert suites_edited_since(warehouse_paths.published_db, gx_project, marts) == set()
    suite = gx_project / "gx" / "expectations" / f"{VALUES}.json"
    os.utime(suite, (warehouse_paths.published_db.stat().st_mtime + 1,) * 2)
    assert suites_edited_since(warehouse_paths.published_db, gx_project, marts) == {VALUES}
    with duckdb.connect(str(warehouse_paths.build_db), read_only=True) as connection:
        scopes = plan_scopes(connection, marts, attach_published(connection, warehouse_paths.published_db), {VALUES})
    assert scopes[VALUES].label == "full" and scopes["fct_submissions"].label == "unchanged"
    warehouse_paths.published_db.unlink()
    assert suites_edited_since(warehouse_paths.published_db, gx_project, marts) == set(marts)


def test_sql_invariants_cover_keys_nulls_references_and_emptied_tables(warehouse_paths):
    frames = good_marts()
    findings = frames["fct_dq_findings"].copy()
    findings.loc[1, "org_unit_code"] = "QN-NOWHERE"  # a rule finding must name a real unit
    findings.loc[0, "indicator_code"] = "UNKNOWN"  # an intake finding quotes codes as typed
    write_marts(warehouse_paths.build_db, {**frames, "fct_dq_findings": findings,
                                           "fct_indicator_achievement": frames["fct_indicator_achievement"].head(0)})
    with duckdb.connect(str(warehouse_paths.build_db), read_only=True) as connection:
        outcomes = {o.label: o for o in check_invariants(connection, "fct_dq_findings", MART_SUITES["fct_dq_findings"], 3)}
        emptied = check_invariants(connection, "fct_indicator_achievement", MART_SUITES["fct_indicator_achievement"], 3)

    assert outcomes["sql:in_dimension(org_unit_code)"].violations == 1
    assert outcomes["sql:in_dimension(indicator_code)"].success
    assert outcomes["sql:unique(finding_id)"].success and outcomes["sql:not_null(finding_id)"].success
    assert outcomes["sql:not_emptied"].success
    assert [o.label for o in emptied if not o.success] == ["sql:not_emptied"]
