"""Which rows of each mart the GX suites must see: the periods phase two rebuilt, or everything.

A period-keyed mart holds the whole history, and an incremental build changes only the periods in
`pipeline_state.affected_periods` (`transform/incremental.py`). Validating the rest again would
cost the whole history on every run. It may be skipped only when the rest is exactly what readers
already have: rows that passed the checks of the publishing run. So every other row is compared
with the published warehouse, in SQL, as an order-free fingerprint (row count and the sum of the
rows' hashes) streamed by DuckDB without holding the rows; any difference, a mart the published
warehouse lacks, a full rebuild (the table is empty) or no table at all means the whole mart.

A mart whose every row is as published (the dimensions after an incremental build, most often) is
not validated by GX again at all. A suite edited since the publication validates its whole mart:
the rows kept were checked against its old rules. Rows without a period (a quarantined file's submission, its
intake findings) are always validated.

The fingerprint reads the build through the checks' read-only connection, with the published file
attached read-only: neither is ever written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.build_db import table_exists
from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.transform.dbt_command import AFFECTED_PERIODS_TABLE

PUBLISHED_ALIAS = "published"
# The marts keyed by period, whose size grows with the history. The others (submissions, scorecards,
# dimensions: a row per file, unit or period) are validated whole once any of their rows changed.
PERIOD_KEYED_MARTS = (
    "fct_indicator_values",
    "fct_indicator_disaggregations",
    "fct_indicator_value_history",
    "fct_indicator_achievement",
    "fct_dq_findings",
    "rpt_comparable_geography",
    "rpt_indicator_values_wide",
)


@dataclass(frozen=True)
class ValidationScope:
    """`where` selects the rows the suite validates; None is the whole mart. `reason` says why."""

    where: str | None
    label: str  # "full", "N periods" or "unchanged", shown in the check's metadata
    reason: str

    @property
    def unchanged(self) -> bool:
        """Every row is one the publishing run's checks passed: GX has nothing new to see."""
        return self.label == "unchanged"

    def select(self, mart: str) -> str:
        return f"select * from {MARTS_SCHEMA}.\"{mart}\"" + (f" where {self.where}" if self.where else "")


def full_scope(reason: str) -> ValidationScope:
    return ValidationScope(None, "full", reason)


def affected_periods(connection: duckdb.DuckDBPyConnection) -> tuple[str, ...] | None:
    """The periods phase two rebuilt; None when it rebuilt everything (empty table) or left no table."""
    if not table_exists(connection, AFFECTED_PERIODS_TABLE):
        return None
    rows = connection.execute(f"select distinct period_code from {AFFECTED_PERIODS_TABLE} order by 1").fetchall()
    return tuple(code for (code,) in rows) or None


def attach_published(connection: duckdb.DuckDBPyConnection, published_db: Path) -> str | None:
    """Attaches the published warehouse read-only; returns why not when it cannot be read."""
    if not published_db.is_file():
        return "no published warehouse yet / chưa có kho đã công bố"
    try:
        connection.execute(f"attach '{_escaped(published_db)}' as {PUBLISHED_ALIAS} (read_only)")
    except duckdb.Error as error:
        return f"published warehouse unreadable / không đọc được kho đã công bố: {error}"
    return None


def suites_edited_since(published_db: Path, project_root_dir: Path, marts: list[str]) -> set[str]:
    """Marts whose GX suite file changed after the published warehouse was written: the rows kept
    since were never validated against its new rules (a deployment counts as an edit)."""
    if not published_db.is_file():
        return set(marts)
    published_at = published_db.stat().st_mtime
    suites = project_root_dir / "gx" / "expectations"
    return {mart for mart in marts if not (suites / f"{mart}.json").is_file()
            or (suites / f"{mart}.json").stat().st_mtime >= published_at}


def plan_scopes(connection: duckdb.DuckDBPyConnection, marts: list[str], published_problem: str | None,
                edited_suites: set[str]) -> dict[str, ValidationScope]:
    """One scope per mart; `published_problem` is `attach_published`'s answer."""
    periods = affected_periods(connection)
    if periods is None:
        return {mart: full_scope("full rebuild / dựng lại toàn bộ") for mart in marts}
    if published_problem:
        return {mart: full_scope(published_problem) for mart in marts}
    return {
        mart: full_scope("suite edited since publication / bộ kỳ vọng đã sửa sau lần công bố")
        if mart in edited_suites else _scope(connection, mart, periods)
        for mart in marts
    }


def _scope(connection: duckdb.DuckDBPyConnection, mart: str, periods: tuple[str, ...]) -> ValidationScope:
    codes = ", ".join(f"'{_escaped(code)}'" for code in periods)
    period_keyed = mart in PERIOD_KEYED_MARTS
    part = (f"case when period_code in ({codes}) then 'rebuilt' when period_code is null then 'no period' "
            "else 'other' end" if period_keyed else "'all'")
    try:
        build, published = (_fingerprints(connection, f'{catalog}{MARTS_SCHEMA}."{mart}"', part)
                            for catalog in ("", f"{PUBLISHED_ALIAS}."))
    except duckdb.Error as error:  # a mart the published warehouse lacks, or whose columns changed
        return full_scope(f"cannot compare with the published warehouse / không so được với kho đã công bố: {error}")
    if build == published:
        return ValidationScope("false", "unchanged", "the same rows as published / giống hệt bản đã công bố")
    if not period_keyed:
        return full_scope("changed, not period-keyed / đã thay đổi, không theo kỳ")
    if build.get("other") != published.get("other"):
        return full_scope("rows outside the rebuilt periods differ from the published ones / "
                          "dòng ngoài các kỳ dựng lại khác bản đã công bố")
    return ValidationScope(
        f"period_code in ({codes}) or period_code is null",
        f"{len(periods)} periods",
        f"other periods as published ({build.get('other', (0,))[0]} rows) / các kỳ khác giữ nguyên như bản đã công bố",
    )


def _fingerprints(connection: duckdb.DuckDBPyConnection, table: str, part: str) -> dict[str, tuple[int, int]]:
    """Per part of the table: its row count and the sum of its rows' hashes, which no order changes."""
    columns = [column[0] for column in connection.execute(f"select * from {table} limit 0").description]
    row = ", ".join(f'"{column}"' for column in columns)
    rows = connection.execute(f"select {part}, count(*), coalesce(sum(hash({row})), 0) from {table} group by all").fetchall()
    return {name: (count, total) for name, count, total in rows}


def _escaped(text: object) -> str:
    return str(text).replace("'", "''")
