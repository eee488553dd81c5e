"""Whole-table invariants in SQL, on every run, for what the GX suites may no longer see whole.

When the suites validate only the periods phase two rebuilt (`check_scope.py`), a key duplicated
across periods, a null key or a code missing from its dimension elsewhere in the mart would go
unseen. These invariants cover the whole mart in DuckDB, which streams the table instead of
loading it into pandas, in milliseconds per mart: the key rules are read off the mart's own GX
suite (`suites.py`), so there is one definition of each, and a mart the published warehouse held
rows of must not come out of a build empty. Each one that fails fails the mart's blocking check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from orchestration.lib.marts import MARTS_SCHEMA
from orchestration.quality.check_scope import PUBLISHED_ALIAS
from orchestration.quality.suites import DIMENSION_KEY_PARAMETERS, SuiteSpec

# Parameter name → (dimension, key column), the reverse of the suites' parameter table.
_DIMENSION_OF_PARAMETER = {parameter: (dimension, key) for key, (dimension, parameter) in DIMENSION_KEY_PARAMETERS.items()}


@dataclass(frozen=True)
class InvariantOutcome:
    label: str  # "sql:unique(org_unit_code,period_code)", shown in the check's metadata
    success: bool
    violations: int | None  # offending rows (or duplicated keys); None when it could not run
    description: str
    error: str | None = None


@dataclass(frozen=True)
class _Invariant:
    label: str
    description: str
    sql: str  # returns one count of violations


def check_invariants(connection: duckdb.DuckDBPyConnection, mart: str, suite: SuiteSpec,
                     published_rows: int | None) -> list[InvariantOutcome]:
    """`published_rows` is the mart's row count in the published warehouse, None when unknown."""
    outcomes = []
    for invariant in invariants(mart, suite):
        try:
            [(violations,)] = connection.execute(invariant.sql).fetchall()
        except duckdb.Error as error:
            outcomes.append(InvariantOutcome(invariant.label, False, None, invariant.description, str(error)))
            continue
        outcomes.append(InvariantOutcome(invariant.label, violations == 0, violations, invariant.description))
    if published_rows:
        outcomes.append(_not_emptied(connection, mart, published_rows))
    return outcomes


def published_row_count(connection: duckdb.DuckDBPyConnection, mart: str) -> int | None:
    """Rows of the mart in the attached published warehouse; None when there is none to compare with."""
    try:
        [(rows,)] = connection.execute(f'select count(*) from {PUBLISHED_ALIAS}.{MARTS_SCHEMA}."{mart}"').fetchall()
    except duckdb.Error:
        return None
    return rows


def invariants(mart: str, suite: SuiteSpec) -> list[_Invariant]:
    table = f'{MARTS_SCHEMA}."{mart}"'
    found = []
    for spec in suite.expectations:
        kwargs = spec.kwargs
        if spec.type in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
            columns = kwargs.get("column_list") or [kwargs["column"]]
            keys = ", ".join(_quoted(column) for column in columns)
            found.append(_Invariant(
                f"sql:unique({','.join(columns)})",
                f"Khóa {' × '.join(columns)} không trùng trên toàn bảng / the key is unique across the whole table.",
                f"select count(*) from (select {keys} from {table} group by all having count(*) > 1)",
            ))
        elif spec.type == "expect_column_values_to_not_be_null" and "row_condition" not in kwargs:
            found.append(_Invariant(
                f"sql:not_null({kwargs['column']})",
                f"{kwargs['column']} không trống trên toàn bảng / never null across the whole table.",
                f"select count(*) from {table} where {_quoted(kwargs['column'])} is null",
            ))
        elif spec.type == "expect_column_values_to_be_in_set" and isinstance(kwargs["value_set"], dict):
            dimension, key = _DIMENSION_OF_PARAMETER[kwargs["value_set"]["$PARAMETER"]]
            column = _quoted(kwargs["column"])
            condition = _condition(kwargs.get("row_condition"))
            found.append(_Invariant(
                f"sql:in_dimension({kwargs['column']})",
                f"Mọi {kwargs['column']} có trong {dimension} (toàn bảng) / every {kwargs['column']} is a key of "
                f"{dimension} across the whole table.",
                f"select count(*) from {table} as fact anti join {MARTS_SCHEMA}.\"{dimension}\" as dimension "
                f"on fact.{column} = dimension.{_quoted(key)} where fact.{column} is not null and ({condition})",
            ))
    return found


def _not_emptied(connection: duckdb.DuckDBPyConnection, mart: str, published_rows: int) -> InvariantOutcome:
    label = "sql:not_emptied"
    description = (f"Bảng không trống khi bản đã công bố có {published_rows} dòng / "
                   f"the table is not empty while the published one has {published_rows} rows.")
    try:
        [(rows,)] = connection.execute(f'select count(*) from {MARTS_SCHEMA}."{mart}"').fetchall()
    except duckdb.Error as error:
        return InvariantOutcome(label, False, None, description, str(error))
    return InvariantOutcome(label, rows > 0, 0 if rows else published_rows, description)


def _condition(row_condition: dict[str, Any] | None) -> str:
    """The suites' GX row conditions in SQL, with pandas' treatment of nulls: != keeps them, == and IN do not."""
    if row_condition is None:
        return "true"
    column, operator, value = _quoted(row_condition["column"]["name"]), row_condition["operator"], row_condition["parameter"]
    if operator == "==":
        return f"fact.{column} = {_literal(value)}"
    if operator == "!=":
        return f"fact.{column} is distinct from {_literal(value)}"
    if operator == "IN":
        return f"fact.{column} in ({', '.join(_literal(item) for item in value)})"
    raise ValueError(f"row condition operator {operator!r} has no SQL form here")


def _literal(value: Any) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
