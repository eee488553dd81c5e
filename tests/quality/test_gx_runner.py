"""Real GX validations of mart frames read back from a DuckDB file, as the checks do."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.quality.data_docs_offline import DEFAULT_PORT, DOCS_SITE_DIR
from orchestration.quality.gx_runner import ValidationSession, plain
from tests.quality.warehouse_fakes import committed_files, dimension_keys, good_marts, write_marts

KEYS = dimension_keys(good_marts())


def validate_mart(name: str, frame: pd.DataFrame, gx_project: Path):
    """Without rendering Data Docs, which only the first test is about."""
    return ValidationSession(gx_project).validate(name, frame, KEYS)


def read_back(tmp_path, frames) -> dict[str, pd.DataFrame]:
    """Through a DuckDB file and a read-only connection, so dtypes are those the checks will see."""
    build_db = tmp_path / "build.duckdb"
    write_marts(build_db, frames)
    with duckdb.connect(str(build_db), read_only=True) as connection:
        return {name: connection.sql(f"select * from marts.{name}").df() for name in frames}


def test_well_formed_marts_pass_every_expectation_and_refresh_data_docs(tmp_path, gx_project):
    committed_before = committed_files(gx_project)
    session = ValidationSession(gx_project)
    frames = read_back(tmp_path, good_marts())
    validations = session.with_data_docs([session.validate(name, frame, KEYS) for name, frame in frames.items()])
    for validation in validations:
        name, frame = validation.suite_name, frames[validation.suite_name]
        assert validation.success, (name, validation.failures)
        assert validation.row_count == len(frame)
        assert validation.expectations and all(outcome.success for outcome in validation.expectations)
        assert validation.data_docs_url.startswith(f"http://localhost:{DEFAULT_PORT}/gx/validations/{name}/")
        docs_page = gx_project / "gx" / DOCS_SITE_DIR / urlparse(validation.data_docs_url).path.removeprefix("/gx/")
        assert docs_page.is_file()
    assert committed_files(gx_project) == committed_before, "validating must not rewrite the committed context"


def with_row(frame: pd.DataFrame, **changes) -> pd.DataFrame:
    """The frame plus a copy of its first row with `changes` applied."""
    extra = frame.iloc[[0]].copy()
    for column, value in changes.items():
        extra[column] = value
    return pd.concat([frame, extra], ignore_index=True)


def with_first_row(frame: pd.DataFrame, **changes) -> pd.DataFrame:
    changed = frame.copy()
    for column, value in changes.items():
        changed.loc[0, column] = value
    return changed


BROKEN_MARTS = {
    "negative value": (
        "fct_indicator_values",
        lambda f: with_first_row(f, value=-40.0),
        "expect_column_values_to_be_between(value)",
        1,
        -40.0,
    ),
    "negative denominator": (
        "fct_indicator_values",
        lambda f: with_first_row(f, numerator=5.0, denominator=-2.0),
        "expect_column_values_to_be_between(denominator)",
        1,
        -2.0,
    ),
    "duplicated grain": (
        "fct_indicator_values",
        lambda f: with_row(f, value=1.0),
        "expect_compound_columns_to_be_unique(indicator_code,org_unit_code,period_code)",
        2,
        {"indicator_code": "OPD_VISITS", "org_unit_code": "QN-TYT-HONGHAI", "period_code": "202503"},
    ),
    # A malformed code is in no dimension either: both rules say so.
    "bad period code": (
        "fct_indicator_values",
        lambda f: with_first_row(f, period_code="2025Q5"),
        ("expect_column_values_to_match_regex(period_code)", "expect_column_values_to_be_in_set(period_code)"),
        1,
        "2025Q5",
    ),
    "unknown period type": (
        "fct_indicator_values",
        lambda f: with_first_row(f, period_type="week"),
        "expect_column_values_to_be_in_set(period_type)",
        1,
        "week",
    ),
    "missing reported value": (
        "fct_indicator_values",
        lambda f: with_first_row(f, value=None),
        "expect_column_values_to_not_be_null(value)",
        1,
        None,
    ),
    "repeated submission id": (
        "fct_submissions",
        lambda f: with_row(f, file_name="again.xlsx"),
        "expect_column_values_to_be_unique(submission_id)",
        2,
        7,
    ),
    "unknown submission status": (
        "fct_submissions",
        lambda f: with_first_row(f, status="lost"),
        "expect_column_values_to_be_in_set(status)",
        1,
        "lost",
    ),
    "submission without hash": (
        "fct_submissions",
        lambda f: with_first_row(f, content_hash=None),
        "expect_column_values_to_not_be_null(content_hash)",
        1,
        None,
    ),
    "unknown finding severity": (
        "fct_dq_findings",
        lambda f: with_first_row(f, severity="fatal"),
        "expect_column_values_to_be_in_set(severity)",
        1,
        "fatal",
    ),
    "finding without message": (
        "fct_dq_findings",
        lambda f: with_first_row(f, message_vi=None),
        "expect_column_values_to_not_be_null(message_vi)",
        1,
        None,
    ),
    "fact for an unknown unit": (
        "fct_indicator_values",
        lambda f: with_first_row(f, org_unit_code="QN-TYT-GONE"),
        "expect_column_values_to_be_in_set(org_unit_code)",
        1,
        "QN-TYT-GONE",
    ),
    "fact for an indicator missing from dim_indicators": (
        "fct_indicator_values",
        lambda f: with_first_row(f, indicator_code="DOCTORS"),
        "expect_column_values_to_be_in_set(indicator_code)",
        1,
        "DOCTORS",
    ),
    "rule finding on an unknown indicator": (
        "fct_dq_findings",
        lambda f: with_first_row(f, finding_source="rule"),
        "expect_column_values_to_be_in_set(indicator_code)",
        1,
        "OPD_VISITT",
    ),
    "loaded file from an unknown unit": (
        "fct_submissions",
        lambda f: with_first_row(f, org_unit_code="QN-TYT-GONE"),
        "expect_column_values_to_be_in_set(org_unit_code)",
        1,
        "QN-TYT-GONE",
    ),
    "scorecard percentage above 100": (
        "fct_dq_scorecard",
        lambda f: with_first_row(f, completeness_pct=120.0),
        "expect_column_values_to_be_between(completeness_pct)",
        1,
        120.0,
    ),
    "scorecard grain repeated": (
        "fct_dq_province_summary",
        lambda f: with_row(f),
        "expect_compound_columns_to_be_unique(org_unit_code,period_code)",
        2,
        {"org_unit_code": "QN", "period_code": "202503"},
    ),
    "repeated org unit": ("dim_org_units", lambda f: with_row(f), "expect_column_values_to_be_unique(org_unit_code)", 2, "QN"),
    "repeated indicator": (
        "dim_indicators",
        lambda f: with_row(f),
        "expect_column_values_to_be_unique(indicator_code)",
        2,
        "OPD_VISITS",
    ),
    "repeated period": ("dim_periods", lambda f: with_row(f), "expect_column_values_to_be_unique(period_code)", 2, "202503"),
    "achievement judged against a target it lacks": (
        "fct_indicator_achievement",
        lambda f: with_first_row(f, target_value=None),
        "expect_column_values_to_not_be_null(target_value)",
        1,
        None,
    ),
    "achievement verdict without an actual figure": (
        "fct_indicator_achievement",
        lambda f: with_first_row(f, actual_value=None),
        "expect_column_values_to_not_be_null(actual_value)",
        1,
        None,
    ),
    "unknown achievement status": (
        "fct_indicator_achievement",
        lambda f: with_first_row(f, achievement_status="dat_mot_phan"),
        "expect_column_values_to_be_in_set(achievement_status)",
        1,
        "dat_mot_phan",
    ),
    "history of a quarantined file": (
        "fct_indicator_value_history",
        lambda f: with_first_row(f, submission_status="quarantined"),
        "expect_column_values_to_be_in_set(submission_status)",
        1,
        "quarantined",
    ),
    "value in force before its file arrived": (
        "fct_indicator_value_history",
        lambda f: with_first_row(f, published_until=datetime(2025, 4, 1, 8, 0)),
        "expect_column_pair_values_a_to_be_greater_than_b(published_until,published_from)",
        1,
        ["2025-04-01T08:00:00", "2025-04-03T08:00:00"],
    ),
    "comparable series with more months than expected": (
        "rpt_comparable_geography",
        lambda f: with_first_row(f, months_present=4),
        "expect_column_pair_values_a_to_be_greater_than_b(months_expected,months_present)",
        1,
        [3, 4],
    ),
    "unknown composition": (
        "rpt_comparable_geography",
        lambda f: with_first_row(f, composition="both"),
        "expect_column_values_to_be_in_set(composition)",
        1,
        "both",
    ),
    "wide row repeated": (
        "rpt_indicator_values_wide",
        lambda f: with_row(f),
        "expect_compound_columns_to_be_unique(org_unit_code,period_code)",
        2,
        {"org_unit_code": "QN", "period_code": "202503"},
    ),
    "successor missing from dim_org_units": (
        "dim_org_unit_lineage",
        lambda f: with_first_row(f, successor_code="QN-X-GONE"),
        "expect_column_values_to_be_in_set(successor_code)",
        1,
        "QN-X-GONE",
    ),
    "parent link ending before it starts": (
        "dim_org_unit_parent_links",
        lambda f: with_first_row(f, valid_to=date(2019, 12, 31)),
        "expect_column_pair_values_a_to_be_greater_than_b(valid_to,valid_from)",
        1,
        ["2019-12-31T00:00:00", "2020-01-01T00:00:00"],  # DuckDB dates reach pandas as timestamps
    ),
}


@pytest.mark.parametrize("case", BROKEN_MARTS.values(), ids=BROKEN_MARTS.keys())
def test_one_broken_rule_fails_alone_with_count_and_example(tmp_path, gx_project, case):
    mart, breaks, failing_labels, unexpected_count, example = case
    frames = good_marts()
    frames = {mart: breaks(frames[mart])}
    validation = validate_mart(mart, read_back(tmp_path, frames)[mart], gx_project)
    assert not validation.success
    expected = failing_labels if isinstance(failing_labels, tuple) else (failing_labels,)
    assert sorted(outcome.label for outcome in validation.failures) == sorted(expected)
    for failure in validation.failures:
        assert failure.unexpected_count == unexpected_count
        assert example in failure.unexpected_examples
        assert failure.error is None


def test_missing_column_names_it_and_reports_the_rules_it_broke(tmp_path, gx_project):
    frame = read_back(tmp_path, good_marts())["fct_submissions"].drop(columns=["content_hash"])
    validation = validate_mart("fct_submissions", frame, gx_project)
    failures = {outcome.label: outcome for outcome in validation.failures}
    assert set(failures) == {
        "expect_table_columns_to_match_set(table)",
        "expect_column_values_to_not_be_null(content_hash)",
    }
    assert failures["expect_table_columns_to_match_set(table)"].unexpected_examples == ("content_hash",)
    assert "content_hash" in failures["expect_column_values_to_not_be_null(content_hash)"].error


def test_plain_turns_pandas_and_numpy_values_into_json_values():
    assert plain(float("nan")) is None
    assert plain(pd.NA) is None
    assert plain(pd.NaT) is None
    assert plain(np.int64(7)) == 7 and type(plain(np.int64(7))) is int
    assert plain(pd.Timestamp("2025-04-03 08:00")) == "2025-04-03T08:00:00"
    assert plain(date(2025, 1, 1)) == "2025-01-01"
    assert plain({"value": np.float64(1.5), "when": datetime(2025, 1, 1)}) == {"value": 1.5, "when": "2025-01-01T00:00:00"}
    assert plain([np.nan, "x"]) == [None, "x"]
    assert math.isinf(plain(float("inf")))


def test_quarantined_files_and_intake_findings_may_name_codes_no_dimension_holds(tmp_path, gx_project):
    """The near misses of referential integrity: a file quarantined for its unknown unit code, and
    the intake finding saying so, are the record of a bad code, not a broken warehouse."""
    frames = good_marts()
    frames["fct_submissions"] = with_first_row(frames["fct_submissions"], org_unit_code="QN-TYT-GONE", status="quarantined")
    frames["fct_dq_findings"] = with_first_row(frames["fct_dq_findings"], org_unit_code="QN-TYT-GONE", period_code="2205")
    read = read_back(tmp_path, frames)
    for mart in ("fct_submissions", "fct_dq_findings"):
        validation = validate_mart(mart, read[mart], gx_project)
        assert validation.success, validation.failures
