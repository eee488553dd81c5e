"""Targets and national benchmarks load like every other reference file, and a slip in either is
refused with its file and line before anything reaches the warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.reference import ReferenceDataError, load_registry, write_reference_tables
from orchestration.lib.settings import REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "sources" / "reference"


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, copy)
    return copy


def append_line(directory: Path, file_name: str, line: str) -> int:
    """Add one data line; returns its 1-based number as a spreadsheet shows it."""
    path = directory / file_name
    lines = path.read_text(encoding="utf-8").splitlines() + [line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def test_demo_targets_and_benchmarks_cover_the_issue_examples():
    registry = load_registry(REFERENCE_DIR)
    targets = {(t.indicator_code, t.area_code, t.year): (t.target_value, t.direction) for t in registry.targets}
    assert targets[("BHYT_COVERAGE_PCT", "QN", 2025)] == (95.0, "at_least")
    assert targets[("SATISFACTION_PCT", "QN", 2025)] == (80.0, "at_least")
    benchmarks = {(b.indicator_code, b.year): b.benchmark_value for b in registry.benchmarks}
    assert benchmarks[("BEDS_PER_10K", 2025)] == 34.0
    assert benchmarks[("DOCTORS_PER_10K", 2025)] == 14.0
    assert benchmarks[("BHYT_COVERAGE_PCT", 2025)] == 94.1


def test_goals_land_in_typed_raw_tables():
    connection = duckdb.connect()
    write_reference_tables(connection, REFERENCE_DIR)
    types = dict(connection.execute(
        "select table_name || '.' || column_name, data_type from information_schema.columns "
        "where table_name in ('ref_indicator_targets', 'ref_national_benchmarks')").fetchall())
    assert types["ref_indicator_targets.year"] == types["ref_national_benchmarks.year"] == "INTEGER"
    assert types["ref_indicator_targets.target_value"] == types["ref_national_benchmarks.benchmark_value"] == "DOUBLE"
    assert connection.execute(
        "select target_value from raw.ref_indicator_targets where indicator_code = 'BHYT_COVERAGE_PCT' "
        "and area_code = 'QN' and year = 2025").fetchone() == (95.0,)


BROKEN_GOALS = [
    ("indicator_targets.csv", "OPD_VISITS,QN,2025,1000000,at_least,", "not a derived indicator"),
    ("indicator_targets.csv", "BHYT_COVERAGE_PCT,QN-BVDKT,2025,95,at_least,", "'QN-BVDKT' is not an area code"),
    ("indicator_targets.csv", "BHYT_COVERAGE_PCT,QN-X-HONGGAI,2024,95,at_least,", "does not exist in 2024"),
    ("indicator_targets.csv", "SATISFACTION_PCT,QN,2026,8000,at_least,", "outside the plausible range"),
    ("indicator_targets.csv", "SATISFACTION_PCT,QN,2026,80,at_leat,", "at_leat"),
    ("indicator_targets.csv", "BHYT_COVERAGE_PCT,QN,2025,96,at_least,", "duplicate indicator_code+area_code+year"),
    ("indicator_targets.csv", "BEDS_PER_10K,QN-X-HAILANG,2025,20,at_most,", "contradicts 'at_least'"),
    ("national_benchmarks.csv", "DOCTORS_PER_10K,1925,14,at_least,Niên giám", "year 1925 is outside"),
    ("national_benchmarks.csv", "DOCTORS_PER_10K,2026,14,at_least,", "'source_vi' is empty"),
    ("national_benchmarks.csv", "POP_TOTAL,2026,100000000,at_least,Tổng cục Thống kê", "not a derived indicator"),
]


@pytest.mark.parametrize(("file_name", "line", "expected"), BROKEN_GOALS)
def test_broken_goal_is_reported_with_file_and_line(reference_copy, file_name, line, expected):
    number = append_line(reference_copy, file_name, line)
    with pytest.raises(ReferenceDataError) as raised:
        load_registry(reference_copy)
    problems = [p for p in raised.value.problems if (p.file_name, p.line) == (file_name, number)]
    assert problems, [str(p) for p in raised.value.problems]
    assert any(expected in p.message_en for p in problems), [str(p) for p in problems]
    assert all(p.message_vi for p in problems)
