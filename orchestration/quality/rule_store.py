"""Reads what the rules judge from the build database and writes their verdicts back to it.

Inputs are the first dbt phase's models, read whole through a read-only connection: they carry the
tag `dq_inputs` (which puts them in phase one) and enforced contracts, so each model's yml is the one
list of the columns the rules rely on, and the schemas come from dbt's manifest. The verdicts go to
two `raw` tables that the second dbt phase reads as sources (`models/staging/__dq_sources.yml`).
Both tables are replaced as a whole on every run, in one transaction: every value is re-judged
against its current history, so a verdict from an earlier run must not linger, and dbt must never
see half of this run's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from orchestration.lib.build_db import build_db_connection
from orchestration.lib.dbt_manifest import dbt_models

# What the rules read, each a dbt model tagged `dq_inputs` with an enforced contract (a test holds
# the tag, this list and the contracts together).
VALUES_MODEL = "int_dq_values_under_check"
RECEIVED_MODEL = "int_dq_received_reports"
INTAKE_FINDINGS_MODEL = "stg_raw__ingest_findings"
NOTES_MODEL = "stg_raw__submitted_notes"
RULE_INPUT_MODELS = (VALUES_MODEL, RECEIVED_MODEL, INTAKE_FINDINGS_MODEL, NOTES_MODEL)

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


def read_rule_frames(build_db: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Values under check, reports received, and the (file, indicator) pairs already accounted for:
    rejected by intake, or marked not applicable (`x`) by the unit, which is reported, not missing."""
    models = dbt_models()
    with duckdb.connect(str(build_db), read_only=True) as connection:
        values = connection.sql(f"select * from {models[VALUES_MODEL].relation}").df()
        received = connection.sql(f"select * from {models[RECEIVED_MODEL].relation}").df()
        intake_findings = connection.sql(
            f"select distinct submission_id, indicator_code from {models[INTAKE_FINDINGS_MODEL].relation} "
            "where indicator_code is not null "
            f"union select submission_id, indicator_code from {models[NOTES_MODEL].relation} where not_applicable"
        ).df()
    return values, received, intake_findings


def write_rule_results(
    build_db: Path, findings: pd.DataFrame, register: pd.DataFrame, evaluated_on: str, run_id: str | None
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
        connection.execute("commit")
