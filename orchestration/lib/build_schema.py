"""The landing tables Python writes into the build database and dbt reads as the `raw` source.

This DDL is the one contract between ingestion and the dbt project: `dbt_project/models/staging/
__sources.yml` describes exactly these tables. Reference tables mirror the CSV files in
`sources/reference/` column for column (period labels always from the shipped file); submission
tables are append-only so that history (superseded files, rejected values) is never rewritten.
"""

from __future__ import annotations

import duckdb

RAW_SCHEMA = "raw"

SUBMISSION_TABLES_DDL = {
    "submissions": """
        create table if not exists raw.submissions (
            submission_id            bigint primary key,  -- ledger order, 1, 2, 3 ...
            content_hash             varchar not null,    -- sha256 of the file bytes
            file_name                varchar not null,    -- as received, for messages only
            inbox_path               varchar not null,    -- relative to the inbox
            archive_path             varchar not null,    -- relative to the archive
            file_format              varchar,             -- xlsx, xls, ods, csv
            file_size_bytes          bigint not null,
            arrived_at               timestamp not null,  -- file mtime when first seen in the inbox
            ingested_at              timestamp not null,
            run_id                   varchar,
            intake_status            varchar not null,    -- accepted | quarantined | duplicate
            duplicate_of_submission_id bigint,
            org_unit_code            varchar,             -- from the workbook identity
            period_code              varchar,             -- normalised: 202503, 2025Q1, 2025S1, 2025N9, 2025
            period_text              varchar,             -- as typed
            declared_unit_name       varchar,
            declared_report_date     varchar,             -- kept, never trusted for timeliness
            preparer_name            varchar,
            table_sheet              varchar,             -- sheet holding the indicator table
            reason_code              varchar,             -- why quarantined
            reason_vi                varchar,
            reason_en                varchar,
            values_read              integer not null default 0,
            values_rejected          integer not null default 0
        )""",
    "submitted_values": """
        create table if not exists raw.submitted_values (
            submission_id   bigint not null,
            org_unit_code   varchar not null,  -- the submitting unit, or the area named on the row
            period_code     varchar not null,
            indicator_code  varchar not null,  -- normalised to the catalogue's code
            value           double not null,
            value_text      varchar,           -- the cell as typed, when it was text
            sheet_name      varchar not null,
            cell_ref        varchar not null   -- A1 notation of the value cell
        )""",
    "submitted_disaggregations": """
        create table if not exists raw.submitted_disaggregations (
            submission_id   bigint not null,
            org_unit_code   varchar not null,  -- as for its total: the unit, or the area on the row
            period_code     varchar not null,
            indicator_code  varchar not null,
            dimension_code  varchar not null,  -- SEX, AGE (disaggregation_options.csv)
            option_code     varchar not null,  -- SEX_FEMALE, AGE_UNDER_15 ...
            value           double not null,
            value_text      varchar,           -- the cell as typed, when it was text
            sheet_name      varchar not null,
            cell_ref        varchar not null,  -- A1 notation of the disaggregation cell
            total_cell_ref  varchar            -- the total it was checked against; null = none given
        )
    """,
    # A row's Ghi chú (a reason that settles a warning on its value) and rows marked not applicable
    # (`x`, `không áp dụng`), which carry no value but must not count as missing.
    "submitted_notes": """
        create table if not exists raw.submitted_notes (
            submission_id   bigint not null,
            org_unit_code   varchar not null,
            period_code     varchar,
            indicator_code  varchar not null,
            sheet_name      varchar not null,
            cell_ref        varchar not null,  -- the value cell the note is beside
            note_text       varchar,           -- as typed; null when only the value cell says 'x'
            not_applicable  boolean not null
        )""",
    "ingest_findings": """
        create table if not exists raw.ingest_findings (
            submission_id   bigint not null,
            org_unit_code   varchar,
            period_code     varchar,
            indicator_code  varchar,           -- null for file-level findings
            rule_code       varchar not null,
            severity        varchar not null,  -- error | warning
            message_vi      varchar not null,
            message_en      varchar not null,
            file_name       varchar not null,
            sheet_name      varchar,
            cell_ref        varchar,
            value_text      varchar
        )""",
}

# The ledger of inbox entries that are not submissions (links, pipes, hidden, lock and temporary
# files) and of submissions whose file name is not UTF-8, with the raw bytes; a dbt source,
# published as fct_inbox_entries.
# One row per distinct entry, written the first time it is seen, so nothing in the inbox is ever
# passed over without a trace, and a rerun adds nothing.
INBOX_ENTRIES_DDL = """
        create table if not exists raw.inbox_entries (
            inbox_path     varchar not null,  -- relative to the inbox; bytes that are not UTF-8 as \\xNN
            raw_path_hex   varchar,           -- the path's bytes in hex when they are not UTF-8
            entry_kind     varchar not null,  -- file | symlink | fifo | device | socket | hidden | temporary
            status         varchar not null,  -- ignored | received (a submission, under its safe name)
            reason_code    varchar not null,
            reason_vi      varchar not null,
            reason_en      varchar not null,
            first_seen_at  timestamp not null,
            run_id         varchar not null
        )"""

REFERENCE_TABLES = {
    "ref_org_units": "org_units.csv",
    "ref_parent_links": "parent_links.csv",
    "ref_org_unit_lineage": "org_unit_lineage.csv",
    "ref_indicators": "indicators.csv",
    "ref_obligations": "obligations.csv",
    "ref_unit_obligations": "unit_obligations.csv",
    "ref_reporting_deadlines": "reporting_deadlines.csv",
    "ref_public_holidays": "public_holidays.csv",
    "ref_indicator_targets": "indicator_targets.csv",
    "ref_national_benchmarks": "national_benchmarks.csv",
    "ref_period_labels": "period_labels.csv",
    "ref_disaggregation_options": "disaggregation_options.csv",
    "ref_indicator_disaggregations": "indicator_disaggregations.csv",
}


def ensure_submission_tables(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"create schema if not exists {RAW_SCHEMA}")
    for ddl in SUBMISSION_TABLES_DDL.values():
        connection.execute(ddl)
    connection.execute(INBOX_ENTRIES_DDL)
