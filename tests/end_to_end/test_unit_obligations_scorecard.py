"""The published scorecard counts each unit's own obligations (unit_obligations.csv): Bệnh viện Bãi
Cháy owes six monthly indicators and no births, the two hospitals with maternity wards eight."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def published(demo_run):
    connection = duckdb.connect(str(demo_run.paths.published_db), read_only=True)
    yield connection
    connection.close()


def test_scorecard_completeness_follows_per_unit_obligations(published):
    cards = {unit: row for unit, *row in published.execute(
        "select org_unit_code, indicators_expected, indicators_missing, value_completeness_pct "
        "from marts.fct_dq_scorecard where period_code = '202503' and unit_type = 'hospital'").fetchall()}
    assert cards == {"QN-BVBC": [6, 0, 100.0], "QN-BVDKT": [8, 0, 100.0], "QN-BVSN": [8, 0, 100.0]}


def test_bai_chay_has_no_births_and_no_finding_about_them(published):
    assert published.execute(
        "select count(*) from marts.fct_dq_findings where org_unit_code = 'QN-BVBC' "
        "and indicator_code in ('LIVE_BIRTHS', 'MATERNAL_DEATHS')").fetchone() == (0,)
    assert published.execute(
        "select count(*) from marts.fct_indicator_values where org_unit_code = 'QN-BVBC' "
        "and indicator_code = 'LIVE_BIRTHS'").fetchone() == (0,)
