"""Which periods the second dbt phase rebuilds, or whether it must rebuild everything.

The period-keyed models (macros/affected_periods.sql) recompute the periods named in
`pipeline_state.affected_periods` and keep the rest. A period is affected when a submission for it
arrived since the last successful build (new, corrected or quarantined: the ledger decides what
wins), or when a rule finding about it appeared, changed or went away (an error holds a value
back; a new value can make an older one an outlier). `period_vars.affected_period_codes` widens
each to the quarter, half year, nine months, year and later year-to-date windows that include it.

Only a full rebuild is certain to reflect a change that is not about periods: edited reference
files, a changed dbt project, a reorganisation whose parent link took effect since the last build,
or no build to update at all. The operator can ask for one too (WAREHOUSE_FULL_REBUILD, or the run
tag `full_rebuild`, which the monthly schedule sets).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration.lib.build_db import table_exists
from orchestration.lib.periods import PeriodError
from orchestration.lib.run_state import STATE_SCHEMA, RunInputs, promote, recorded
from orchestration.transform.dbt_command import AFFECTED_PERIODS_TABLE
from orchestration.transform.period_vars import affected_period_codes

# The findings phase two last built from, to tell which periods' findings changed since.
BUILT_FINDINGS_TABLE = f"{STATE_SCHEMA}.built_findings"
FINDINGS_TABLE = "raw.dq_rule_findings"


@dataclass(frozen=True)
class BuildScope:
    full_refresh: bool
    reason: str  # why, for the run log
    periods: tuple[str, ...] = ()


def full_rebuild_reason(built: RunInputs | None, current: RunInputs | None, requested: bool,
                        connection: duckdb.DuckDBPyConnection) -> str | None:
    if requested:
        return "a full rebuild was asked for / yêu cầu dựng lại toàn bộ"
    if built is None or current is None or not table_exists(connection, BUILT_FINDINGS_TABLE):
        return "no earlier build to update / chưa có lần dựng trước"
    if built.reference_fingerprint != current.reference_fingerprint:
        return "reference files changed / tệp danh mục đã thay đổi"
    if built.code_fingerprint != current.code_fingerprint:
        return "the dbt project changed / dự án dbt đã thay đổi"
    [(reorganised,)] = connection.execute(
        "select count(*) from raw.ref_parent_links where valid_from > ? and valid_from <= ?",
        [built.evaluated_on, current.evaluated_on],
    ).fetchall()
    if reorganised:
        return "a reorganisation took effect / thay đổi địa giới có hiệu lực"
    return None


def changed_periods(connection: duckdb.DuckDBPyConnection, built: RunInputs) -> set[str]:
    """Periods of submissions since the build, and of findings that differ from the build's."""
    periods = {code for (code,) in connection.execute(
        "select distinct period_code from raw.submissions where submission_id > ? and period_code is not null",
        [built.last_submission_id],
    ).fetchall()}
    periods.update(code for (code,) in connection.execute(f"""
        select distinct period_code from (
            (select * exclude (run_id) from {FINDINGS_TABLE} except all
             select * exclude (run_id) from {BUILT_FINDINGS_TABLE})
            union all
            (select * exclude (run_id) from {BUILT_FINDINGS_TABLE} except all
             select * exclude (run_id) from {FINDINGS_TABLE})
        )""").fetchall())
    return periods


def reference_unchanged(connection: duckdb.DuckDBPyConnection, requested_full: bool) -> bool:
    """Nothing calls for a full rebuild: whatever is built from reference data alone comes out as
    it did in the last build."""
    return full_rebuild_reason(recorded(connection, "built"), recorded(connection, "ingested"),
                               requested_full, connection) is None


def plan_build(connection: duckdb.DuckDBPyConnection, requested_full: bool) -> BuildScope:
    """Decides the scope and writes the affected-periods table dbt reads (empty for a full build)."""
    built, current = recorded(connection, "built"), recorded(connection, "ingested")
    reason = full_rebuild_reason(built, current, requested_full, connection)
    scope = BuildScope(True, reason) if reason else None
    if scope is None:
        try:
            periods = affected_period_codes(changed_periods(connection, built))
            scope = BuildScope(False, f"{len(periods)} affected periods / kỳ bị ảnh hưởng", periods)
        except PeriodError as error:  # a code the widening cannot place: rebuild rather than guess
            scope = BuildScope(True, f"unplaceable period / kỳ không xác định: {error}")
    connection.execute(f"create schema if not exists {STATE_SCHEMA}")
    connection.execute(f"create or replace table {AFFECTED_PERIODS_TABLE} (period_code varchar not null)")
    if scope.periods:
        connection.executemany(f"insert into {AFFECTED_PERIODS_TABLE} values (?)", [[code] for code in scope.periods])
    return scope


def record_build(connection: duckdb.DuckDBPyConnection, run_id: str | None) -> None:
    """After phase two succeeded: what it was built from is what the next build compares with."""
    connection.execute(f"create or replace table {BUILT_FINDINGS_TABLE} as select * from {FINDINGS_TABLE}")
    promote(connection, "ingested", "built", run_id)

