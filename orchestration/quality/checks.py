"""Great Expectations suites as blocking Dagster asset checks on the dbt marts: warehouse integrity.

All marts are checked in one step so the GX context (seconds to import and load) is opened once
per run. Every check is blocking with ERROR severity: a failed suite or SQL invariant stops
`published_warehouse`, so BI users keep the last good warehouse instead of a broken one.
Referential integrity compares the facts with the dimensions of the same build, read here and
handed to GX as suite parameters.

A run costs what changed: after an incremental build the suites of the period-keyed marts see only
the rebuilt periods, read by SQL so memory follows the change, when every other row is what the
published warehouse holds (`check_scope.py`); whole-table invariants in SQL (`integrity_sql.py`)
cover keys, nulls, references and emptied tables across every mart on every run.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a live class.
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb

from orchestration.lib.marts import MARTS_SCHEMA, mart_asset_key
from orchestration.lib.resources import BuildDatabaseResource
from orchestration.lib.settings import EXPECTATIONS_DIR
from orchestration.lib.storage_errors import storage_boundary
from orchestration.quality.check_scope import ValidationScope, attach_published, plan_scopes, suites_edited_since
from orchestration.quality.integrity_sql import InvariantOutcome, check_invariants, published_row_count
from orchestration.quality.suites import DIMENSION_KEY_PARAMETERS, MART_SUITES

if TYPE_CHECKING:
    from orchestration.quality.gx_runner import SuiteValidation

CHECK_NAME = "great_expectations"


def build_warehouse_checks(
    mart_names: Sequence[str], project_root_dir: Path = EXPECTATIONS_DIR
) -> list[dg.AssetChecksDefinition]:
    """One blocking check per mart, on the key dagster-dbt gives the mart's model."""
    mart_names = list(mart_names)
    specs = [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=mart_asset_key(name),
            blocking=True,
            description=f"Kiểm tra {name} theo bộ kỳ vọng GX / Validates {name} against its GX suite.",
        )
        for name in mart_names
    ]

    @dg.multi_asset_check(
        specs=specs,
        name="warehouse_expectations",
        can_subset=True,
        description="Kiểm tra chất lượng dữ liệu các bảng công bố / Data quality checks on the public marts.",
    )
    def warehouse_expectations(context: dg.AssetCheckExecutionContext, build_db: BuildDatabaseResource):
        # Imported here: GX takes seconds to import, which the code location should not pay on load.
        from orchestration.quality.gx_runner import SuiteValidation, ValidationSession

        selected = [
            name
            for name in mart_names
            if dg.AssetCheckKey(mart_asset_key(name), CHECK_NAME) in context.selected_asset_check_keys
        ]
        # Only a failed suite is validated again for its counts and examples (gx_runner).
        session = ValidationSession(project_root_dir, verdict_first=True)
        validations = []
        # Read-only: DuckDB admits many readers or one writer, and the checks must never change the build.
        with storage_boundary(build_db.path), duckdb.connect(str(build_db.path), read_only=True) as connection:
            published_db = Path(build_db.paths.published_db)
            published_problem = attach_published(connection, published_db)
            edited = suites_edited_since(published_db, project_root_dir, selected)
            scopes = plan_scopes(connection, selected, published_problem, edited)
            parameters = dimension_keys(connection)
            for name in selected:
                scope = scopes[name]
                try:
                    [(table_rows,)] = connection.execute(f'select count(*) from {MARTS_SCHEMA}."{name}"').fetchall()
                    frame = None if scope.unchanged else connection.sql(scope.select(name)).df()
                    invariants = check_invariants(
                        connection, name, MART_SUITES[name],
                        None if published_problem else published_row_count(connection, name),
                    )
                except duckdb.CatalogException as error:
                    yield _missing_mart_result(name, error)
                    continue
                if frame is None:
                    validation = SuiteValidation(name, True, 0, (), None)
                else:
                    validation = session.validate(name, frame, parameters)
                del frame  # memory follows the scope: one mart's slice at a time
                context.log.info(
                    f"{name}: {scope.label} ({validation.row_count} rows, {scope.reason}): "
                    f"{len(validation.failures)} failed of {len(validation.expectations)} expectations, "
                    f"{sum(not outcome.success for outcome in invariants)} failed of {len(invariants)} SQL invariants"
                )
                validations.append(ScopedValidation(validation, scope, tuple(invariants), table_rows))
        rerun = [scoped.validation for scoped in validations if not scoped.scope.unchanged]
        documented = iter(session.with_data_docs(rerun) if rerun else [])
        for scoped in validations:
            validation = scoped.validation if scoped.scope.unchanged else next(documented)
            yield check_result(validation, scoped.scope, scoped.invariants, scoped.table_rows)

    return [warehouse_expectations]


def dimension_keys(connection: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The keys each dimension holds in this build; a dimension dbt failed to build holds none,
    so every fact referring to it fails its integrity rule rather than passing unchecked."""
    keys = {}
    for column, (dimension, parameter) in DIMENSION_KEY_PARAMETERS.items():
        try:
            rows = connection.sql(f'select distinct {column} from {MARTS_SCHEMA}."{dimension}"').fetchall()
        except duckdb.CatalogException:
            rows = []
        keys[parameter] = sorted(row[0] for row in rows if row[0] is not None)
    return keys


@dataclass(frozen=True)
class ScopedValidation:
    validation: "SuiteValidation"
    scope: ValidationScope
    invariants: tuple[InvariantOutcome, ...]
    table_rows: int


def check_result(validation: "SuiteValidation", scope: ValidationScope,
                 invariants: Sequence[InvariantOutcome], table_rows: int) -> dg.AssetCheckResult:
    """Every expectation's and invariant's outcome as its own metadata entry, so the UI shows what
    failed and why, and which rows the suite saw (the whole mart or the rebuilt periods)."""
    total = len(validation.expectations) + len(invariants)
    failures = [outcome.label for outcome in validation.failures]
    failures += [outcome.label for outcome in invariants if not outcome.success]
    metadata: dict[str, object] = {
        "row_count": table_rows,  # the whole mart, which the SQL invariants covered
        "scope": scope.label,
        "scope_reason": scope.reason,
        "rows_validated": validation.row_count,
        "failed_expectations": len(failures),
        "summary": dg.MetadataValue.md(_summary_table(validation, invariants)),
    }
    for outcome in validation.expectations:
        metadata[outcome.label] = dg.MetadataValue.json(
            {
                "success": outcome.success,
                "kwargs": dict(outcome.kwargs),
                "unexpected_count": outcome.unexpected_count,
                "unexpected_examples": list(outcome.unexpected_examples),
                "error": outcome.error,
            }
        )
    for invariant in invariants:
        metadata[invariant.label] = dg.MetadataValue.json(
            {"success": invariant.success, "violations": invariant.violations, "description": invariant.description,
             "error": invariant.error}
        )
    if validation.data_docs_url:
        metadata["data_docs"] = dg.MetadataValue.url(validation.data_docs_url)
    if not failures:
        description = (f"{validation.suite_name}: đạt {total}/{total} kỳ vọng / passed all {total} expectations "
                       f"({scope.label}: {validation.row_count} rows validated by GX; {scope.reason}).")
    else:
        failed = ", ".join(failures)
        description = (
            f"{validation.suite_name}: {len(failures)}/{total} kỳ vọng không đạt, chặn công bố / "
            f"{len(failures)} of {total} expectations failed, publication blocked: {failed}"
        )
    return dg.AssetCheckResult(
        asset_key=mart_asset_key(validation.suite_name),
        check_name=CHECK_NAME,
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata=metadata,
    )


def _missing_mart_result(name: str, error: duckdb.Error) -> dg.AssetCheckResult:
    """A mart dbt did not build fails its own check; the other marts are still validated."""
    return dg.AssetCheckResult(
        asset_key=mart_asset_key(name),
        check_name=CHECK_NAME,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"Không đọc được bảng {MARTS_SCHEMA}.{name} / Cannot read {MARTS_SCHEMA}.{name}.",
        metadata={"error": str(error)},
    )


def _summary_table(validation: "SuiteValidation", invariants: Sequence[InvariantOutcome] = ()) -> str:
    rows = [
        "| Kỳ vọng / Expectation | Đạt / Passed | Số dòng lỗi / Unexpected | Ví dụ / Examples |",
        "| --- | --- | --- | --- |",
    ]
    for outcome in validation.expectations:
        examples = json.dumps(list(outcome.unexpected_examples), ensure_ascii=False) if outcome.unexpected_examples else ""
        unexpected = outcome.error or ("" if outcome.unexpected_count is None else str(outcome.unexpected_count))
        rows.append(
            f"| `{outcome.label}` | {status_mark(outcome.success)} | {markdown_cell(unexpected)} | {markdown_cell(examples)} |"
        )
    for invariant in invariants:
        violations = invariant.error or str(invariant.violations)
        rows.append(f"| `{invariant.label}` | {status_mark(invariant.success)} | {markdown_cell(violations)} | |")
    return "\n".join(rows)


def status_mark(success: bool, severity: str = "error") -> str:
    """Words, not ✅/❌: emoji show as empty boxes on a server without an emoji font. A warning
    that fired is not a failure: it asks a person to look."""
    if success:
        return "đạt / pass"
    return "cảnh báo / warning" if severity == "warning" else "**KHÔNG ĐẠT / FAIL**"


def markdown_cell(text: str) -> str:
    """Data values may hold pipes or newlines, which would break the Markdown table."""
    return " ".join(text.replace("|", "¦").split())
