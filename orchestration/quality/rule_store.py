"""Reads what the rules judge from the build database and writes their verdicts back to it.

Inputs are the first dbt phase's models, read through a read-only connection: they carry the tag
`dq_inputs` (which puts them in phase one) and enforced contracts, so each model's yml is the one
list of the columns the rules rely on, and the schemas come from dbt's manifest. A scoped
evaluation (`rule_scope.py`) reads only the series and reports it judges, filtered in DuckDB, so
its memory follows the change, not the history; the earlier findings and counts it does not judge
again are read back from the tables it replaces. The verdicts go to two `raw` tables that the
second dbt phase reads as sources (`models/staging/__dq_sources.yml`). Both are replaced as a
whole, with the record of what they were judged from, in one transaction: dbt must never see half
of a run's verdicts, nor the next run trust findings that were not written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.lib.build_db import build_db_connection
from orchestration.lib.dbt_manifest import dbt_models
from orchestration.quality.finding_messages import FINDING_COLUMNS
from orchestration.quality.rule_catalogue import RULES
from orchestration.quality.rule_scope import (
    FINDINGS_TABLE, REGISTER_TABLE, Carryover, RuleScope, plan_scope, record_evaluation,
)

# What the rules read, each a dbt model tagged `dq_inputs` with an enforced contract (a test holds
# the tag, this list and the contracts together).
VALUES_MODEL = "int_dq_values_under_check"
RECEIVED_MODEL = "int_dq_received_reports"
INTAKE_FINDINGS_MODEL = "stg_raw__ingest_findings"
NOTES_MODEL = "stg_raw__submitted_notes"
RULE_INPUT_MODELS = (VALUES_MODEL, RECEIVED_MODEL, INTAKE_FINDINGS_MODEL, NOTES_MODEL)

CARRIED_COUNT_COLUMNS = ["org_unit_code", "period_code", "indicators_expected", "indicators_missing"]
RULE_TABLES_DDL = {
    "dq_rule_findings": """
        create or replace table raw.dq_rule_findings (
            org_unit_code   varchar not null,
            period_code     varchar not null,
            indicator_code  varchar,           -- null for report-level findings
            rule_code       varchar not null,
            severity        varchar not null,  -- error | warning
            message_vi      varchar not null,
            message_en      varchar not null,
            submission_id   bigint,            -- null for a missing report or a whole year
            file_name       varchar,
            sheet_name      varchar,
            cell_ref        varchar,
            value_text      varchar,
            run_id          varchar
        )""",
    "dq_report_register": """
        create or replace table raw.dq_report_register (
            org_unit_code         varchar not null,
            unit_type             varchar not null,
            period_code           varchar not null,
            frequency             varchar not null,
            period_end            date not null,
            regime_code           varchar not null,
            due_date              date not null,
            first_arrived_at      timestamp,
            first_submission_id   bigint,
            winning_submission_id bigint,
            report_status         varchar not null,  -- on_time | late | missing | not_yet_due
            working_days_late     integer,
            indicators_expected   integer,
            indicators_missing    integer,
            evaluated_on          date not null,
            run_id                varchar
        )""",
}


@dataclass(frozen=True)
class RuleFrames:
    """What one evaluation reads; for a scoped one (see rule_scope.py) only what its keys name."""

    values: pd.DataFrame           # the values of the series judged (every value for a full evaluation)
    received: pd.DataFrame         # every report received: the register is judged whole
    intake_findings: pd.DataFrame  # (submission_id, indicator_code) already accounted for, of the reports judged
    carryover: Carryover | None    # None for a full evaluation


def model_relation(model: str) -> str:
    return dbt_models()[model].relation


def read_rule_inputs(build_db: Path, reference_dir: Path, full_requested: bool) -> tuple[RuleScope, RuleFrames]:
    """Decides the scope and reads what it needs, filtered in DuckDB, in one read-only connection."""
    with duckdb.connect(str(build_db), read_only=True) as connection:
        scope = plan_scope(connection, reference_dir, full_requested, model_relation(VALUES_MODEL),
                           model_relation(RECEIVED_MODEL))
        return scope, read_rule_frames(connection, scope)


def read_rule_frames(connection: duckdb.DuckDBPyConnection, scope: RuleScope) -> RuleFrames:
    """Values under check, reports received, and the (file, indicator) pairs already accounted for:
    rejected by intake, or marked not applicable (`x`) by the unit, which is reported, not missing."""
    values, received = model_relation(VALUES_MODEL), model_relation(RECEIVED_MODEL)
    accounted_for = (
        f"select distinct submission_id, indicator_code from {model_relation(INTAKE_FINDINGS_MODEL)} "
        f"where indicator_code is not null "
        f"union select submission_id, indicator_code from {model_relation(NOTES_MODEL)} where not_applicable"
    )
    if scope.full:
        return RuleFrames(connection.sql(f"select * from {values}").df(),
                          connection.sql(f"select * from {received}").df(),
                          connection.sql(accounted_for).df(), None)
    for name, keys in (("scope_series", scope.series), ("scope_reports", scope.reports),
                       ("scope_periods", scope.periods)):
        connection.register(name, keys)
    judged_files = f"select winning_submission_id from {received} semi join scope_reports using (org_unit_code, period_code)"
    frames = RuleFrames(
        values=connection.sql(f"select * from {values} semi join scope_series using (org_unit_code, indicator_code)").df(),
        received=connection.sql(f"select * from {received}").df(),
        intake_findings=connection.sql(f"select * from ({accounted_for}) where submission_id in ({judged_files})").df(),
        carryover=Carryover(
            periods=scope.periods,
            reports=scope.reports,
            report_values=connection.sql(
                f"select submission_id, indicator_code from {values} where submission_id in ({judged_files})"
            ).df(),
            findings=_carried_findings(connection),
            counts=connection.sql(
                f"select {', '.join(CARRIED_COUNT_COLUMNS)} from {REGISTER_TABLE} "
                "anti join scope_reports using (org_unit_code, period_code) where indicators_expected is not null"
            ).df(),
        ),
    )
    for name in ("scope_series", "scope_reports", "scope_periods"):
        connection.unregister(name)
    return frames


def _carried_findings(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The earlier findings a scoped evaluation does not judge again: by family, outside its keys."""
    families = pd.DataFrame({"rule_code": list(RULES), "family": [rule.family for rule in RULES.values()]})
    connection.register("rule_families", families)
    carried = connection.sql(f"""
        select f.* exclude (run_id)
        from {FINDINGS_TABLE} as f inner join rule_families using (rule_code)
        where case family
            when 'reporting' then false
            when 'value_completeness' then (f.org_unit_code, f.period_code) not in (
                select (org_unit_code, period_code) from scope_reports)
            when 'outliers' then (f.org_unit_code, f.indicator_code) not in (
                select (org_unit_code, indicator_code) from scope_series)
            when 'consistency_over_time' then (f.org_unit_code, f.indicator_code) not in (
                select (org_unit_code, indicator_code) from scope_series)
            else (f.org_unit_code, f.period_code) not in (select (org_unit_code, period_code) from scope_periods)
        end
    """).df()
    connection.unregister("rule_families")
    return carried[FINDING_COLUMNS]


def write_rule_results(
    build_db: Path, findings: pd.DataFrame, register: pd.DataFrame, evaluated_on: str, run_id: str | None,
    scope: RuleScope, values_judged: int,
) -> None:
    findings = findings.assign(run_id=run_id)
    register = register.assign(evaluated_on=evaluated_on, run_id=run_id)
    with build_db_connection(build_db) as connection:
        connection.execute("create schema if not exists raw")
        connection.execute("begin transaction")
        for table, frame in (("dq_rule_findings", findings), ("dq_report_register", register)):
            connection.execute(RULE_TABLES_DDL[table])
            columns = [row[0] for row in connection.execute(f"describe raw.{table}").fetchall()]
            connection.register("incoming", frame[columns])
            connection.execute(f"insert into raw.{table} by name select * from incoming")
            connection.unregister("incoming")
        record_evaluation(connection, scope, values_judged, evaluated_on, run_id)
        connection.execute("commit")
