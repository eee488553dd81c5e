"""What the warehouse was last built and published from, so a run can tell what changed since.

A run's inputs are the submission ledger, the reference files, the dbt project (the code) and the
date (deadlines pass, a reorganisation takes effect). The intake records them as `ingested` once
the ledger is appended; the second dbt phase copies that row to `built` when it succeeds, and the
publication copies it to `published` when it succeeds. Comparing against those rows answers:

- is there anything to do at all? Nothing when the inbox holds no unseen settled file and the
  current inputs equal the `published` ones (`nothing_new`): the run publishes and sends nothing;
- which periods must dbt rebuild? Those of submissions since `built`, unless the reference files,
  the code or a reorganisation changed since, which only a full rebuild is certain to reflect
  (`orchestration/transform/incremental.py`).

A run that failed half-way leaves `published` behind `ingested`, so the next run does the work
again rather than trusting a build nobody published. The rows live in the build database's
`pipeline_state` schema: nothing in dbt reads it and the publication copies only the marts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.lib.build_db import table_exists
from orchestration.lib.clock import VIETNAM
from orchestration.lib.inbox import SettleRule, scan_inbox
from orchestration.lib.settings import DBT_PROJECT_DIR

STATE_SCHEMA = "pipeline_state"
STAGES = ("ingested", "built", "published")
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"

_DDL = f"""
    create schema if not exists {STATE_SCHEMA};
    create table if not exists {STATE_SCHEMA}.inputs (
        stage                 varchar primary key,  -- ingested | built | published
        last_submission_id    bigint not null,      -- 0 for an empty ledger
        reference_fingerprint varchar not null,
        code_fingerprint      varchar not null,
        evaluated_on          date not null,
        run_id                varchar
    );
"""


@dataclass(frozen=True)
class RunInputs:
    last_submission_id: int
    reference_fingerprint: str
    code_fingerprint: str
    evaluated_on: date

    def same_sources(self, other: "RunInputs") -> bool:
        """Same reference files and code: a build from `other` can be updated incrementally."""
        return (self.reference_fingerprint, self.code_fingerprint) == (other.reference_fingerprint, other.code_fingerprint)


def fingerprint_files(folder: Path) -> str:
    """sha256 over every file's relative path and bytes: the reference folder is a few hundred KB."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_fingerprint(manifest: Path = MANIFEST) -> str:
    """The dbt manifest changes whenever a model, test or macro does (`make setup` reparses). Its
    parse-time stamps (`metadata`, every `created_at`) are left out: each parse, the tests' too,
    rewrites them, and that alone must not cost a full rebuild."""
    if not manifest.is_file():
        return "no manifest"
    content = json.loads(manifest.read_bytes())
    content.pop("metadata", None)
    return hashlib.sha256(json.dumps(_without_stamps(content), sort_keys=True).encode()).hexdigest()


def _without_stamps(value: object) -> object:
    if isinstance(value, dict):
        return {key: _without_stamps(item) for key, item in value.items() if key != "created_at"}
    if isinstance(value, list):
        return [_without_stamps(item) for item in value]
    return value


def current_inputs(connection: duckdb.DuckDBPyConnection, reference_dir: Path, today: date) -> RunInputs:
    [(last_id,)] = connection.execute("select coalesce(max(submission_id), 0) from raw.submissions").fetchall()
    return RunInputs(int(last_id), fingerprint_files(reference_dir), code_fingerprint(), today)


def record(connection: duckdb.DuckDBPyConnection, stage: str, inputs: RunInputs, run_id: str | None) -> None:
    connection.execute(_DDL)
    connection.execute(
        f"insert or replace into {STATE_SCHEMA}.inputs values (?, ?, ?, ?, ?, ?)",
        [stage, inputs.last_submission_id, inputs.reference_fingerprint, inputs.code_fingerprint,
         inputs.evaluated_on, run_id],
    )


def promote(connection: duckdb.DuckDBPyConnection, source: str, target: str, run_id: str | None) -> None:
    """What `source` recorded (the latest intake, the latest build) is now also `target`."""
    connection.execute(_DDL)
    connection.execute(
        f"""insert or replace into {STATE_SCHEMA}.inputs
            select ?, last_submission_id, reference_fingerprint, code_fingerprint, evaluated_on, ?
            from {STATE_SCHEMA}.inputs where stage = ?""",
        [target, run_id, source],
    )


def recorded(connection: duckdb.DuckDBPyConnection, stage: str) -> RunInputs | None:
    if not table_exists(connection, f"{STATE_SCHEMA}.inputs"):
        return None
    row = connection.execute(
        f"""select last_submission_id, reference_fingerprint, code_fingerprint, evaluated_on
            from {STATE_SCHEMA}.inputs where stage = ?""",
        [stage],
    ).fetchone()
    return None if row is None else RunInputs(*row)


def nothing_new_since_publication(
    connection: duckdb.DuckDBPyConnection, reference_dir: Path, today: date
) -> bool:
    """The ledger, reference files, code and date are those of the last publication."""
    published = recorded(connection, "published")
    return published is not None and published == current_inputs(connection, reference_dir, today)


@dataclass(frozen=True)
class Outlook:
    """What a run would find, seen before starting one: `make run` skips Dagster and dbt when it is nothing."""

    unseen_files: int  # settled inbox files the ledger does not hold
    settling_files: int  # unseen files still within the settle window: the next run takes them
    inputs_changed: bool  # the ledger, reference files, code or date differ from the last publication

    @property
    def nothing_to_do(self) -> bool:
        return not self.unseen_files and not self.inputs_changed


def look_ahead(build_db: Path, published_db: Path, inbox_dir: Path, reference_dir: Path,
               settle: SettleRule, today: date, now_ns: int) -> Outlook:
    """A read-only look at the ledger and a listing of the inbox, in well under a second. Files are
    matched by path, size and arrival time, as the intake's own pre-check (`ingest/arrivals.py`);
    a file whose bytes changed keeps neither. Any doubt (no build yet, another run holding the
    database) counts as a change: the run then decides properly."""
    if not build_db.is_file() or not published_db.is_file():
        return Outlook(0, 0, True)
    try:
        with duckdb.connect(str(build_db), read_only=True) as connection:
            seen = {(path, size, arrived) for path, size, arrived in connection.execute(
                "select inbox_path, file_size_bytes, arrived_at from raw.submissions").fetchall()}
            unchanged = nothing_new_since_publication(connection, reference_dir, today)
    except duckdb.Error:
        return Outlook(0, 0, True)
    unseen = settling = 0
    for file in scan_inbox(inbox_dir).files if inbox_dir.is_dir() else []:
        arrived = datetime.fromtimestamp(file.mtime_ns / 1e9, VIETNAM).replace(tzinfo=None)
        if (file.inbox_path, file.size, arrived) in seen:
            continue
        if settle.is_settled(file.mtime_ns, now_ns):
            unseen += 1
        else:
            settling += 1
    return Outlook(unseen, settling, not unchanged)
