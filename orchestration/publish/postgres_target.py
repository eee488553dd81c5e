"""PostgreSQL as a publication target: the same checked publication, for tools built around a server.

Staging loads every public mart, and the publication record, from the read-only connection to the
staged DuckDB file into fresh schemas `marts_next` and `meta_next`, in ONE transaction: tables typed
like the DuckDB columns (which the dbt contracts fix), bulk-loaded with COPY, then the primary key
of each mart (its dbt uniqueness test), comments from the dbt descriptions. A failure rolls the
transaction back, so a failed staging leaves no half-loaded schema and never touches `marts`.

The switch renames, in one transaction, `marts` -> `marts_previous` and `marts_next` -> `marts` (and
the same for `meta`). PostgreSQL DDL is transactional, but two things had to be added for readers in
a long REPEATABLE READ transaction to keep a consistent view (found with a real server, see
tests/publish/test_postgres_target.py):
- Renaming a schema takes no lock on its tables. Without more, such a reader's next query resolves
  `marts.x` to the NEW table, whose rows its old snapshot cannot see: it reads an empty table. So the
  switch first takes ACCESS EXCLUSIVE locks on every published table, and thereby waits for every
  transaction that has read any of them; those keep reading the previous publication until they end.
- A reader whose transaction began before staging but has not read the marts yet holds no lock; the
  tables are loaded with COPY ... FREEZE, so their rows are visible to its older snapshot too and it
  sees the whole new publication, not empty tables.
Prepared statements follow the switch: renaming a schema invalidates cached plans.

While the switch waits for a lock, new queries on that table queue behind it, so each attempt waits
at most `lock_timeout_seconds`; a few attempts are made, paused in between. If a reader still holds
its transaction open after the last one, the switch fails with PostgresTargetError naming the
blocking sessions (pid, user, application, since when), nothing is switched, and the publication
fails as a whole: the pipeline never hangs on a forgotten BI session.

Whoever could read the previous `marts` (schema USAGE and table SELECT privileges granted by the
owner) is granted the same on the new schemas, so a read-only BI role survives every switch.

The URL holds a password: it is never logged, put in metadata, a repr or an error message.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import psycopg
from psycopg import sql

from orchestration.lib.dbt_manifest import DbtModel, dbt_models
from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.lib.settings import mask_password
from orchestration.publish.publisher import META_SCHEMA

SCHEMAS = (MARTS_SCHEMA, META_SCHEMA)
T = TypeVar("T")
NEXT, PREVIOUS = "_next", "_previous"
APPLICATION_NAME = "health-warehouse-publisher"

# DuckDB type -> PostgreSQL type, for the types whose DuckDB CSV text PostgreSQL reads back exactly.
# Anything else stops staging with the column's name rather than being guessed.
_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20,0)",
    "HUGEINT": "numeric(39,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "UUID": "uuid",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


class PostgresTargetError(RuntimeError):
    """Staging or switching the PostgreSQL publication failed; `marts` there is as it was."""


@dataclass(frozen=True)
class Table:
    schema: str  # in the DuckDB file; in PostgreSQL the same name + NEXT while staged
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, PostgreSQL type)
    keys: tuple[tuple[str, ...], ...]  # first: primary key; others: unique constraints
    description: str
    column_descriptions: Mapping[str, str]


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL type holding every value of `duckdb_type`; ValueError if none is known."""
    decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", duckdb_type)
    if decimal:
        return f"numeric({decimal[1]},{decimal[2]})"
    if duckdb_type not in _TYPES:
        raise ValueError(duckdb_type)
    return _TYPES[duckdb_type]


@dataclass(repr=False)
class StagedPostgres:
    """A publication loaded into `marts_next` / `meta_next`, waiting to be switched in or discarded."""

    url: str
    server: Mapping[str, str]  # host, port, database, user: no password
    row_counts: Mapping[str, int]  # "schema.table" -> rows
    stage_seconds: float
    switch_seconds: float | None = None

    def __repr__(self) -> str:
        return f"StagedPostgres(url={mask_password(self.url)!r}, tables={len(self.row_counts)})"

    @property
    def metadata(self) -> dict[str, str | int | float]:
        """Dagster asset metadata: where it went and how much, never the password."""
        metadata: dict[str, str | int | float] = {
            "postgres_server": f"{self.server['host']}:{self.server['port']}",
            "postgres_database": self.server["database"],
            "postgres_user": self.server["user"],
            "postgres_schema": MARTS_SCHEMA,
            "postgres_total_rows": sum(self.row_counts.values()),
            "postgres_stage_seconds": round(self.stage_seconds, 3),
        }
        if self.switch_seconds is not None:
            metadata["postgres_switch_seconds"] = round(self.switch_seconds, 3)
        metadata.update({f"postgres_rows.{name}": rows for name, rows in sorted(self.row_counts.items())})
        return metadata

    def switch(self, lock_timeout_seconds: float = 10.0, attempts: int = 6, pause_seconds: float = 10.0) -> None:
        """Makes the staged schemas `marts` / `meta` in one transaction, keeping the current ones as
        `marts_previous` / `meta_previous` (the ones before are dropped). See the module docstring
        for the locks; after `attempts` lock timeouts it raises and nothing has changed."""
        started = time.perf_counter()
        for attempt in range(1, attempts + 1):
            blockers = _guarded(self.url, "switch", lambda: _switch(self.url, lock_timeout_seconds))
            if not blockers:
                self.switch_seconds = time.perf_counter() - started
                return
            if attempt < attempts:
                time.sleep(pause_seconds)
        raise PostgresTargetError(
            f"PostgreSQL {mask_password(self.url)}: không chuyển được lần công bố mới vì phiên đọc sau còn mở "
            f"giao dịch / the new publication was not switched in: these sessions kept a transaction open on "
            f"the published tables for {attempts} × {lock_timeout_seconds:g} s: {blockers}. "
            f"Schema {MARTS_SCHEMA} is unchanged."
        )

    def discard(self) -> None:
        """Drops the staged schemas (another output of the publication failed)."""

        def drop() -> None:
            with _connect(self.url) as connection:
                for schema in SCHEMAS:
                    staged = sql.Identifier(schema + NEXT)
                    connection.execute(sql.SQL("drop schema if exists {} cascade").format(staged))

        _guarded(self.url, "discard", drop)


def stage_postgres(
    url: str,
    connection: duckdb.DuckDBPyConnection,
    marts: Sequence[str],
    models: Mapping[str, DbtModel] | None = None,
) -> StagedPostgres:
    """Loads `marts` (and every table of the file's `meta` schema) from `connection`, the read-only
    connection to the staged published DuckDB file, into `marts_next` / `meta_next` of `url`,
    replacing whatever a crashed run left there. `models` (default: the dbt manifest's) give keys
    and descriptions."""
    models = dbt_models() if models is None else models
    started = time.perf_counter()
    tables = _tables(connection, marts, models)
    server, row_counts = _guarded(url, "stage", lambda: _stage(url, connection, tables))
    return StagedPostgres(url=url, server=server, row_counts=row_counts, stage_seconds=time.perf_counter() - started)


def _tables(connection: duckdb.DuckDBPyConnection, marts: Sequence[str], models: Mapping[str, DbtModel]) -> list[Table]:
    """What to create, read from the staged file: its types are the contracts' (dbt enforces them).
    Names are resolved in the connection's current database: the staged file, opened or `use`d."""
    meta_tables = [
        name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where database_name = current_database() and schema_name = ? order by 1",
            [META_SCHEMA],
        ).fetchall()
    ]
    tables = []
    for schema, name in [(MARTS_SCHEMA, mart) for mart in marts] + [(META_SCHEMA, name) for name in meta_tables]:
        found = connection.execute(
            "select comment from duckdb_tables() "
            "where database_name = current_database() and schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchone()
        if found is None:
            raise PostgresTargetError(f"Tệp công bố thiếu bảng / the published file has no table {schema}.{name}")
        columns = connection.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where database_name = current_database() and schema_name = ? and table_name = ? order by column_index",
            [schema, name],
        ).fetchall()
        model = models.get(name) if schema == MARTS_SCHEMA else None
        typed = []
        for column, duckdb_type, _ in columns:
            try:
                typed.append((column, postgres_type(duckdb_type)))
            except ValueError:
                raise PostgresTargetError(
                    f"Không có kiểu PostgreSQL cho / no PostgreSQL type for {schema}.{name}.{column} {duckdb_type}"
                ) from None
        tables.append(Table(
            schema=schema,
            name=name,
            columns=tuple(typed),
            keys=model.unique_keys if model else (),
            description=(model.description if model else "") or (found[0] or ""),
            column_descriptions={
                column: (model.column_descriptions.get(column, "") if model else "") or (comment or "")
                for column, _, comment in columns
            },
        ))
    return tables


def _stage(
    url: str, duckdb_connection: duckdb.DuckDBPyConnection, tables: list[Table]
) -> tuple[dict[str, str], dict[str, int]]:
    row_counts = {}
    with _connect(url) as connection, tempfile.TemporaryDirectory(prefix="postgres-stage-") as folder:
        server = {
            "host": connection.info.host,
            "port": str(connection.info.port),
            "database": connection.info.dbname,
            "user": connection.info.user,
        }
        with connection.transaction():
            for schema in SCHEMAS:
                staged = sql.Identifier(schema + NEXT)
                connection.execute(sql.SQL("drop schema if exists {} cascade").format(staged))
                connection.execute(sql.SQL("create schema {}").format(staged))
            for table in tables:
                row_counts[f"{table.schema}.{table.name}"] = _load(connection, duckdb_connection, table, Path(folder))
            for table in tables:
                _constrain_and_describe(connection, table)
            _copy_privileges(connection, tables)
            staged_tables = sql.SQL(", ").join(_qualified(table.schema + NEXT, table.name) for table in tables)
            connection.execute(sql.SQL("analyze {}").format(staged_tables))
    return server, row_counts


def _load(
    connection: psycopg.Connection, duckdb_connection: duckdb.DuckDBPyConnection, table: Table, folder: Path
) -> int:
    """DuckDB writes the table as CSV and PostgreSQL reads it with COPY: no value passes through
    Python. Every non-null value is quoted, so an empty string stays distinct from NULL and a value
    reading `\\.` cannot end the data early. FREEZE: see the module docstring."""
    target = _qualified(table.schema + NEXT, table.name)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind in table.columns
    )
    connection.execute(sql.SQL("create table {} ({})").format(target, columns))
    csv = folder / f"{table.schema}.{table.name}.csv"
    selected = ", ".join(_duckdb_quote(name) for name, _ in table.columns)
    duckdb_connection.execute(
        f"copy (select {selected} from {_duckdb_quote(table.schema)}.{_duckdb_quote(table.name)}) "
        f"to '{str(csv).replace(chr(39), chr(39) * 2)}' (format csv, header false, force_quote *)"
    )
    with connection.cursor() as cursor:
        with cursor.copy(sql.SQL("copy {} from stdin (format csv, freeze, encoding 'UTF8')").format(target)) as copy:
            with open(csv, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    copy.write(block)
        loaded = cursor.rowcount
    csv.unlink()
    expected = duckdb_connection.execute(
        f"select count(*) from {_duckdb_quote(table.schema)}.{_duckdb_quote(table.name)}"
    ).fetchone()[0]
    if loaded != expected:
        raise PostgresTargetError(f"{table.schema}.{table.name}: loaded {loaded} rows, the file has {expected}")
    return loaded


def _constrain_and_describe(connection: psycopg.Connection, table: Table) -> None:
    target = _qualified(table.schema + NEXT, table.name)
    for number, key in enumerate(table.keys):
        kind = sql.SQL("primary key" if number == 0 else "unique")
        connection.execute(sql.SQL("alter table {} add {} ({})").format(
            target, kind, sql.SQL(", ").join(map(sql.Identifier, key))
        ))
    if table.description:
        connection.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(table.description)))
    for column, text in table.column_descriptions.items():
        if text:
            connection.execute(sql.SQL("comment on column {}.{} is {}").format(
                target, sql.Identifier(column), sql.Literal(text)
            ))


def _copy_privileges(connection: psycopg.Connection, tables: list[Table]) -> None:
    """Grants on the staged schemas what other roles hold on the current ones: schemas are replaced
    at every switch, and a read-only BI role must not lose access with them."""
    for schema in SCHEMAS:
        grants = connection.execute(
            """
            select distinct 'schema', acl.privilege_type,
                   case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end
            from pg_namespace n, aclexplode(n.nspacl) acl
            where n.nspname = %(schema)s and acl.grantee <> n.nspowner
            union
            select distinct 'tables', acl.privilege_type,
                   case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end
            from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) acl
            where n.nspname = %(schema)s and acl.grantee <> c.relowner and acl.privilege_type = 'SELECT'
            """,
            {"schema": schema},
        ).fetchall()
        staged = [table for table in tables if table.schema == schema]
        for kind, privilege, grantee in grants:
            role = sql.SQL("public") if grantee == "public" else sql.Identifier(grantee)
            if kind == "schema":
                connection.execute(sql.SQL("grant {} on schema {} to {}").format(
                    sql.SQL(privilege), sql.Identifier(schema + NEXT), role
                ))
            elif staged:
                connection.execute(sql.SQL("grant select on {} to {}").format(
                    sql.SQL(", ").join(_qualified(schema + NEXT, table.name) for table in staged), role
                ))


def _switch(url: str, lock_timeout_seconds: float) -> str:
    """One attempt; returns "" when switched, else a description of the sessions in the way."""
    with _connect(url) as connection:
        published = connection.execute(
            "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm')",
            [list(SCHEMAS)],
        ).fetchall()
        staged = connection.execute(
            "select count(*) from pg_namespace where nspname = any(%s)", [[schema + NEXT for schema in SCHEMAS]]
        ).fetchone()[0]
        if staged != len(SCHEMAS):
            raise PostgresTargetError("nothing staged to switch in: marts_next / meta_next are missing")
        try:
            with connection.transaction():
                connection.execute(sql.SQL("set local lock_timeout = {}").format(
                    sql.Literal(f"{int(lock_timeout_seconds * 1000)}ms")
                ))
                if published:
                    connection.execute(sql.SQL("lock table {} in access exclusive mode").format(
                        sql.SQL(", ").join(sql.SQL(name) for (name,) in published)
                    ))
                for schema in SCHEMAS:
                    current, staged_name, previous = (
                        sql.Identifier(schema + suffix) for suffix in ("", NEXT, PREVIOUS)
                    )
                    connection.execute(sql.SQL("drop schema if exists {} cascade").format(previous))
                    if connection.execute("select 1 from pg_namespace where nspname = %s", [schema]).fetchone():
                        connection.execute(sql.SQL("alter schema {} rename to {}").format(current, previous))
                    connection.execute(sql.SQL("alter schema {} rename to {}").format(staged_name, current))
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            return _blockers(connection, [name for (name,) in published])
    return ""


def _blockers(connection: psycopg.Connection, tables: list[str]) -> str:
    """Who holds a lock on the published (or previous) tables: what an operator needs to end it."""
    rows = connection.execute(
        """
        select distinct a.pid, a.usename, a.application_name, a.state, a.xact_start
        from pg_locks l join pg_stat_activity a on a.pid = l.pid
        join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
        where l.granted and a.pid <> pg_backend_pid()
          and (c.oid::regclass::text = any(%s) or n.nspname = any(%s))
        order by a.pid
        """,
        [tables, [schema + PREVIOUS for schema in SCHEMAS]],
    ).fetchall()
    return "; ".join(
        f"pid {pid} user {user} application {application or '-'} {state} since {started:%Y-%m-%d %H:%M:%S%z}"
        for pid, user, application, state, started in rows
    ) or "a session that has ended since"


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, application_name=APPLICATION_NAME, connect_timeout=30)


def _guarded(url: str, action: str, function: Callable[[], T]) -> T:
    """Runs `function`, turning a driver error into PostgresTargetError whose message holds neither
    the password nor, through exception chaining, the original error (raised outside the handler)."""
    try:
        return function()
    except psycopg.Error as error:
        message = _scrub(str(error), url)
    raise PostgresTargetError(f"PostgreSQL {mask_password(url)} ({action}): {message}")


def _scrub(message: str, url: str) -> str:
    """libpq quotes parts of a URL it cannot parse; a password can be among them. With an unencoded @
    in the password libpq takes its tail for the host name, which then shows in "cannot resolve"."""
    unreadable = "libpq cannot read the URL (WAREHOUSE_POSTGRES_URL) / libpq không đọc được địa chỉ"
    if url.partition("?")[0].count("@") > 1:
        return f"{unreadable}: write @ in a user name or password as %40 / viết @ thành %40"
    try:
        password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    except psycopg.Error:
        return unreadable
    message = message.replace(url, mask_password(url))
    return message.replace(password, "***") if password else message


def _qualified(schema: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def _duckdb_quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
