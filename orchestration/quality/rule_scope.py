"""Full or scoped: which values, series and reports the rules judge this run.

A verdict depends only on the values it is about and their history, so after a few new or
corrected files most of the last evaluation still stands. A scoped evaluation judges again only
what those files can have changed and keeps every other finding as it was:

- validity and related indicators: the values of each unit and period the new and superseded
  files hold (areas included), widened to the unit's periods of the same type and year, because
  year-to-date pairs add the year up to each month;
- outliers and consistency over time: the whole history of every (unit, indicator) series with a
  value in those periods or in those files (all period types: consistency compares the finest
  grain a unit reports an indicator at);
- value completeness: the reports of those files, of any file with a value in those periods (an
  area named by two files counts once), and reports received that were not counted before.

Reports owed, missing and late depend on the day and are judged whole every run. Only a full
evaluation is certain when anything else changed: no earlier evaluation, edited reference files,
a changed dbt project, changed rules (suites, thresholds, statistics, messages) or a ledger that
went backwards; the operator can ask for one (`RebuildPolicy`, run tag `full_rebuild`). What each
evaluation was based on is recorded in `pipeline_state.rules_evaluated`, in the transaction that
writes its findings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.lib.build_db import table_exists
from orchestration.lib.periods import PeriodError, period_from_code
from orchestration.lib.run_state import STATE_SCHEMA, code_fingerprint, fingerprint_files

STATE_TABLE = f"{STATE_SCHEMA}.rules_evaluated"
FINDINGS_TABLE = "raw.dq_rule_findings"
REGISTER_TABLE = "raw.dq_report_register"
# The code that decides a verdict or words it: a change to any of them re-judges everything.
RULE_SOURCES = tuple(
    Path(__file__).parent / name
    for name in ("rule_suites.py", "rule_catalogue.py", "rule_evaluation.py", "finding_messages.py",
                 "value_history.py", "year_consistency.py", "validity_frames.py", "reporting.py",
                 "indicator_rules.py", "rule_scope.py")
) + (Path(__file__).parents[1] / "lib" / "obligations.py",)

_STATE_DDL = f"""
    create schema if not exists {STATE_SCHEMA};
    create table if not exists {STATE_TABLE} (
        last_submission_id    bigint not null,   -- the ledger the findings judge, up to this file
        reference_fingerprint varchar not null,
        code_fingerprint      varchar not null,  -- the dbt project's
        rules_fingerprint     varchar not null,
        evaluation            varchar not null,  -- full | scoped
        series_judged         bigint,            -- (unit, indicator) series; null for a full evaluation
        values_judged         bigint not null,
        evaluated_on          date not null,
        run_id                varchar
    );
"""


@dataclass(frozen=True)
class EvaluationBasis:
    last_submission_id: int
    reference_fingerprint: str
    code_fingerprint: str
    rules_fingerprint: str


@dataclass(frozen=True)
class RuleScope:
    basis: EvaluationBasis
    reason: str  # why full, or what the scope is built from, for the run log
    # None for a full evaluation; else each a frame of keys (see the module docstring):
    periods: pd.DataFrame | None = None  # (org_unit_code, period_code) validity and related judge
    series: pd.DataFrame | None = None  # (org_unit_code, indicator_code) outliers and consistency judge
    reports: pd.DataFrame | None = None  # (org_unit_code, period_code) value completeness judges

    @property
    def full(self) -> bool:
        return self.periods is None


@dataclass(frozen=True)
class Carryover:
    """What a scoped evaluation judges and what it keeps from the last one (rule_evaluation.py)."""

    periods: pd.DataFrame        # (org_unit_code, period_code) whose values validity and related judge
    reports: pd.DataFrame        # (org_unit_code, period_code) of the reports whose values' completeness is judged
    report_values: pd.DataFrame  # (submission_id, indicator_code) of each value of those reports
    findings: pd.DataFrame       # earlier findings outside the scope; their errors still hold values back
    counts: pd.DataFrame         # earlier indicators_expected / indicators_missing of the reports not judged


def rules_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in RULE_SOURCES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def plan_scope(connection: duckdb.DuckDBPyConnection, reference_dir: Path, full_requested: bool,
               values_relation: str, received_relation: str) -> RuleScope:
    """Full, or the keys of what the files since the last evaluation can have changed; the two
    relations are the first dbt phase's values under check and reports received."""
    [(last_id,)] = connection.execute("select coalesce(max(submission_id), 0) from raw.submissions").fetchall()
    basis = EvaluationBasis(int(last_id), fingerprint_files(reference_dir), code_fingerprint(), rules_fingerprint())
    earlier = _recorded(connection)
    reason = _full_reason(basis, earlier, full_requested, connection)
    if reason:
        return RuleScope(basis, reason)
    try:
        return _scope_since(connection, basis, earlier.last_submission_id, values_relation, received_relation)
    except PeriodError as error:  # a period the widening cannot place: judge everything rather than guess
        return RuleScope(basis, f"unplaceable period / kỳ không xác định: {error}")


def record_evaluation(connection: duckdb.DuckDBPyConnection, scope: RuleScope, values_judged: int,
                      evaluated_on: str, run_id: str | None) -> None:
    """Called inside the transaction that replaces the findings."""
    connection.execute(_STATE_DDL)
    connection.execute(f"delete from {STATE_TABLE}")
    basis = scope.basis
    connection.execute(
        f"insert into {STATE_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [basis.last_submission_id, basis.reference_fingerprint, basis.code_fingerprint, basis.rules_fingerprint,
         "full" if scope.full else "scoped", None if scope.full else len(scope.series), values_judged,
         evaluated_on, run_id],
    )


def _full_reason(basis: EvaluationBasis, earlier: EvaluationBasis | None, requested: bool,
                 connection: duckdb.DuckDBPyConnection) -> str | None:
    if requested:
        return "a full evaluation was asked for / yêu cầu đánh giá lại toàn bộ"
    if earlier is None or not all(table_exists(connection, table) for table in (FINDINGS_TABLE, REGISTER_TABLE)):
        return "no earlier evaluation / chưa có lần đánh giá trước"
    if basis.reference_fingerprint != earlier.reference_fingerprint:
        return "reference files changed / tệp danh mục đã thay đổi"
    if basis.code_fingerprint != earlier.code_fingerprint:
        return "the dbt project changed / dự án dbt đã thay đổi"
    if basis.rules_fingerprint != earlier.rules_fingerprint:
        return "the rules changed / quy tắc đã thay đổi"
    if basis.last_submission_id < earlier.last_submission_id:
        return "the ledger is older than the last evaluation / sổ cái cũ hơn lần đánh giá trước"
    return None


def _scope_since(connection: duckdb.DuckDBPyConnection, basis: EvaluationBasis, last_id: int,
                 values_relation: str, received_relation: str) -> RuleScope:
    # Every file of a unit and period a new file arrived for: the new one may win, or lose to an
    # older one with a later arrival; either way only these files' values can have moved.
    files = connection.execute("""
        select submission_id, org_unit_code, period_code from raw.submissions
        semi join (select org_unit_code, period_code from raw.submissions where submission_id > ?)
            using (org_unit_code, period_code)
    """, [last_id]).df()
    connection.register("rule_files", files)
    changed = connection.sql("""
        select org_unit_code, period_code from rule_files
        union
        select org_unit_code, period_code from raw.submitted_values semi join rule_files using (submission_id)
    """).df()
    placed = [period_from_code(code) for code in changed["period_code"]]
    connection.register("rule_windows", changed.assign(
        period_type=[period.period_type for period in placed], year=[period.start.year for period in placed]))
    connection.register("rule_changed", changed)
    periods = connection.sql(f"""
        select distinct v.org_unit_code, v.period_code from {values_relation} as v
        semi join rule_windows as w
            on v.org_unit_code = w.org_unit_code and v.period_type = w.period_type and year(v.period_start) = w.year
        union
        select org_unit_code, period_code from rule_changed
    """).df()
    connection.register("rule_periods", periods)
    series = connection.sql(f"""
        select org_unit_code, indicator_code from {values_relation} semi join rule_periods using (org_unit_code, period_code)
        union
        select org_unit_code, indicator_code from raw.submitted_values semi join rule_files using (submission_id)
    """).df()
    reports = connection.sql(f"""
        select org_unit_code, period_code from rule_files
        union
        select org_unit_code, period_code from raw.submissions
        where submission_id in (select submission_id from raw.submitted_values semi join rule_changed
                                using (org_unit_code, period_code))
        union
        select org_unit_code, period_code from {received_relation} anti join (
            select org_unit_code, period_code from {REGISTER_TABLE} where indicators_expected is not null
        ) using (org_unit_code, period_code)
    """).df()
    for name in ("rule_files", "rule_windows", "rule_changed", "rule_periods"):
        connection.unregister(name)
    reason = (f"{len(files[files['submission_id'] > last_id])} new files since file {last_id}, "
              f"{len(changed)} unit-periods changed / tệp mới kể từ tệp {last_id}")
    return RuleScope(basis, reason, periods, series, reports)


def _recorded(connection: duckdb.DuckDBPyConnection) -> EvaluationBasis | None:
    if not table_exists(connection, STATE_TABLE):
        return None
    rows = connection.execute(
        f"select last_submission_id, reference_fingerprint, code_fingerprint, rules_fingerprint from {STATE_TABLE}"
    ).fetchall()
    return EvaluationBasis(*rows[0]) if rows else None

