"""Targets, national figures and the new BI tables reach the published warehouse of the demo."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.lib.reference import load_registry


@pytest.fixture(scope="module")
def published(demo_run):
    assert demo_run.result.success
    connection = duckdb.connect(str(demo_run.paths.published_db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def registry(demo_run):
    return load_registry(demo_run.paths.reference_dir)


def test_every_province_target_is_published_with_a_status_that_follows_from_the_figures(published, registry):
    province_targets = [t for t in registry.targets if t.area_code == "QN"]
    assert province_targets
    for target in province_targets:
        rows = published.execute(
            "select a.period_code, a.actual_value, a.target_value, a.compared_with, a.achievement_status, "
            "a.achievement_label_vi, a.achievement_label_en, f.value "
            "from marts.fct_indicator_achievement a left join marts.fct_indicator_values f "
            "on a.org_unit_code = f.org_unit_code and a.indicator_code = f.indicator_code and a.period_code = f.period_code "
            "where a.org_unit_code = 'QN' and a.indicator_code = ? and a.period_year = ?",
            [target.indicator_code, target.year]).fetchall()
        assert str(target.year) in {row[0] for row in rows}, target
        for period, actual, target_value, compared_with, status, label_vi, label_en, published_value in rows:
            assert (actual, target_value, compared_with) == (published_value, target.target_value, "target")
            if actual is None:
                assert (status, label_vi, label_en) == ("khong_co_so_lieu", "Không có số liệu", "No data")
            else:
                achieved = actual >= target_value if target.direction == "at_least" else actual <= target_value
                assert (status, label_vi, label_en) == (
                    ("dat", "Đạt", "Achieved") if achieved else ("chua_dat", "Chưa đạt", "Not achieved")), period


def test_national_benchmarks_stand_beside_the_province_figures(published, registry):
    for benchmark in registry.benchmarks:
        row = published.execute(
            "select benchmark_value, meets_benchmark, actual_value from marts.fct_indicator_achievement "
            "where org_unit_code = 'QN' and indicator_code = ? and period_code = ?",
            [benchmark.indicator_code, str(benchmark.year)]).fetchone()
        assert row is not None, benchmark
        benchmark_value, meets, actual = row
        assert benchmark_value == benchmark.benchmark_value
        assert meets == (actual >= benchmark_value if benchmark.direction == "at_least" else actual <= benchmark_value)


def test_bi_tables_are_published(published):
    tables = {name for (name,) in published.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    assert {"fct_indicator_achievement", "rpt_indicator_values_wide", "rpt_comparable_geography"} <= tables
    wide = published.execute(
        "select opd_visits, bhyt_coverage_pct, period_label_vi, period_label_en from marts.rpt_indicator_values_wide "
        "where org_unit_code = 'QN' and period_code = '2025Q1'").fetchone()
    narrow = dict(published.execute(
        "select indicator_code, value from marts.fct_indicator_values where org_unit_code = 'QN' and period_code = '2025Q1'"
    ).fetchall())
    assert wide == (narrow["OPD_VISITS"], narrow["BHYT_COVERAGE_PCT"], "Quý I/2025", "Q1 2025")


def test_hong_gai_series_runs_through_the_merge(published):
    """2024 figures of the new ward are its two predecessors' own published figures, summed."""
    series = dict(published.execute(
        "select period_code, value from marts.rpt_comparable_geography "
        "where org_unit_code = 'QN-X-HONGGAI' and indicator_code = 'OPD_VISITS' and period_type = 'year'").fetchall())
    (predecessors_2024,) = published.execute(
        "select sum(value) from marts.fct_indicator_values where indicator_code = 'OPD_VISITS' and period_code = '2024' "
        "and org_unit_code in ('QN-X-HONGHAI', 'QN-X-HONGHA')").fetchone()
    (own_2025,) = published.execute(
        "select value from marts.fct_indicator_values where indicator_code = 'OPD_VISITS' and period_code = '2025' "
        "and org_unit_code = 'QN-X-HONGGAI'").fetchone()
    assert series == {"2024": predecessors_2024, "2025": own_2025}
    assert predecessors_2024 > 0
