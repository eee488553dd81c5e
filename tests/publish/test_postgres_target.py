"""The PostgreSQL publication target on a real PostgreSQL 15 server (tests/postgres_server.py)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, datetime
from decimal import Decimal

import duckdb
import psycopg
import pytest

from orchestration.lib.dbt_manifest import DbtModel, dbt_models, unique_keys
from orchestration.lib.marts import public_marts
from orchestration.publish.postgres_target import PostgresTargetError, postgres_type, stage_postgres

PASSWORD = "b1_mat@Kh4u_x9"  # trust authentication accepts and ignores it; no part of it may show up anywhere

THINGS = DbtModel(
    name="things", schema="marts", access="public", tags=(), contract_columns=(),
    description="Những thứ / things",
    column_descriptions={"code": "Mã / code", "amount": "Số tiền / amount"},
    unique_keys=(("id",), ("code", "day")),
)
MODELS = {"things": THINGS}
EDGE_ROWS = [
    # id, code, day, amount, share, Số lượng, big, flag, seen_at
    (1, "a", date(2025, 1, 31), Decimal("1234567.125"), 0.1, 7, 2**62, True, datetime(2025, 1, 31, 23, 59, 59, 123456)),
    (2, "", date(2025, 2, 1), None, 1 / 3, None, -(2**62), False, None),
    (3, "\\.", date(1999, 12, 31), Decimal("-0.001"), float("inf"), -1, 0, None, datetime(1970, 1, 1)),
    (4, 'Sở Y tế "Hà Nội", quận 1\nnew line', date(2025, 3, 1), Decimal("0"), 1e300, 0, 1, True, datetime(2025, 3, 1, 7)),
    (5, None, date(2025, 3, 2), None, None, None, None, None, None),
]


def write_things(path, rows=EDGE_ROWS, version="v1"):
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.things (id integer, code varchar, day date, amount decimal(18,3), share double, "
            "\"Số lượng\" integer, big bigint, flag boolean, seen_at timestamp)"
        )
        connection.executemany("insert into marts.things values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.execute("create schema meta")
        connection.execute("create table meta.publication (run_id varchar, published_at timestamp)")
        connection.execute("insert into meta.publication values (?, ?)", [version, datetime(2025, 4, 1)])
        connection.execute("comment on table meta.publication is 'Lần công bố này / This publication'")
    return path


def stage_file(url, path, marts=("things",), models=MODELS):
    with duckdb.connect(str(path), read_only=True) as connection:
        return stage_postgres(url, connection, marts, models)


def publish(url, path, **switch):
    staged = stage_file(url, path)
    staged.switch(**switch)
    return staged


def rows(url, query, params=None):
    with psycopg.connect(url) as connection:
        return connection.execute(query, params).fetchall()


def schemas(url):
    return {name for (name,) in rows(url, "select nspname from pg_namespace where nspname like any(array['marts%', 'meta%'])")}


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("VARCHAR", "text"), ("INTEGER", "integer"), ("BIGINT", "bigint"), ("DOUBLE", "double precision"),
        ("DECIMAL(18,3)", "numeric(18,3)"), ("DATE", "date"), ("TIMESTAMP", "timestamp"), ("BOOLEAN", "boolean"),
        ("TIMESTAMP WITH TIME ZONE", "timestamptz"), ("UBIGINT", "numeric(20,0)"),
    ],
)
def test_duckdb_types_map_to_postgres_types_that_hold_every_value(duckdb_type, expected):
    assert postgres_type(duckdb_type) == expected


@pytest.mark.parametrize("duckdb_type", ["BLOB", "INTEGER[]", "STRUCT(a INTEGER)", "INTERVAL"])
def test_a_type_without_a_faithful_postgres_counterpart_is_refused(duckdb_type):
    with pytest.raises(ValueError):
        postgres_type(duckdb_type)


def test_unique_keys_come_from_enabled_unfiltered_uniqueness_tests_shortest_first():
    def test_node(model, name, where=None, enabled=True, **arguments):
        return {"resource_type": "test", "attached_node": f"model.p.{model}", "column_name": arguments.get("column_name"),
                "config": {"enabled": enabled, "where": where},
                "test_metadata": {"name": name, "kwargs": arguments}}

    manifest = {"nodes": {
        "1": test_node("a", "unique_combination_of_columns", combination_of_columns=["x", "y"]),
        "2": test_node("a", "unique", column_name="id"),
        "3": test_node("b", "unique", column_name="id", where="id > 0"),
        "4": test_node("b", "unique", column_name="code", enabled=False),
        "5": test_node("b", "not_null", column_name="id"),
        "6": {"resource_type": "model", "name": "a"},
    }}
    assert unique_keys(manifest) == {"model.p.a": (("id",), ("x", "y"))}


def test_every_public_mart_declares_a_key():
    """Otherwise its PostgreSQL table would have no primary key."""
    models = dbt_models()
    assert [mart for mart in public_marts() if not models[mart].unique_keys] == []


def test_edge_values_types_keys_and_comments_arrive_intact(tmp_path, postgres_url):
    staged = publish(postgres_url, write_things(tmp_path / "p.duckdb"))
    assert rows(postgres_url, "select * from marts.things order by id") == EDGE_ROWS
    assert rows(postgres_url, "select code is null, code = '' from marts.things where id in (2, 5) order by id") == [
        (False, True), (True, None)
    ]
    types = rows(postgres_url, """
        select attname, format_type(atttypid, atttypmod) from pg_attribute
        where attrelid = 'marts.things'::regclass and attnum > 0 order by attnum""")
    assert types == [
        ("id", "integer"), ("code", "text"), ("day", "date"), ("amount", "numeric(18,3)"), ("share", "double precision"),
        ("Số lượng", "integer"), ("big", "bigint"), ("flag", "boolean"), ("seen_at", "timestamp without time zone"),
    ]
    constraints = rows(postgres_url, """
        select contype, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'marts.things'::regclass order by 1""")
    assert constraints == [("p", "PRIMARY KEY (id)"), ("u", "UNIQUE (code, day)")]
    assert rows(postgres_url, "select obj_description('marts.things'::regclass), col_description('marts.things'::regclass, 2)") == [
        ("Những thứ / things", "Mã / code")
    ]
    assert rows(postgres_url, "select obj_description('meta.publication'::regclass), run_id from meta.publication") == [
        ("Lần công bố này / This publication", "v1")
    ]
    assert staged.metadata["postgres_rows.marts.things"] == len(EDGE_ROWS)
    assert staged.metadata["postgres_rows.meta.publication"] == 1
    assert schemas(postgres_url) == {"marts", "meta"}


def test_a_second_publication_keeps_the_first_as_previous_and_a_third_drops_it(tmp_path, postgres_url):
    for version in ("v1", "v2", "v3"):
        publish(postgres_url, write_things(tmp_path / "p.duckdb", EDGE_ROWS[: int(version[1])], version))
    assert rows(postgres_url, "select run_id from meta.publication") == [("v3",)]
    assert rows(postgres_url, "select run_id from meta_previous.publication") == [("v2",)]
    assert rows(postgres_url, "select count(*) from marts_previous.things") == [(2,)]
    assert schemas(postgres_url) == {"marts", "meta", "marts_previous", "meta_previous"}


def test_a_reader_in_a_repeatable_read_transaction_keeps_its_publication_across_a_switch(tmp_path, postgres_url):
    publish(postgres_url, write_things(tmp_path / "p.duckdb", EDGE_ROWS[:2], "v1"))
    reader = psycopg.connect(postgres_url)
    reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    latecomer = psycopg.connect(postgres_url)  # snapshot taken before staging, marts not read yet
    latecomer.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    prepared = psycopg.connect(postgres_url, autocommit=True, prepare_threshold=0)
    try:
        assert reader.execute("select count(*) from marts.things").fetchone() == (2,)
        latecomer.execute("select 1")
        assert prepared.execute("select count(*) from marts.things", prepare=True).fetchone() == (2,)

        staged = stage_file(postgres_url, write_things(tmp_path / "p.duckdb", EDGE_ROWS, "v2"))
        switching = threading.Thread(target=staged.switch, kwargs={"lock_timeout_seconds": 30, "attempts": 1})
        switching.start()
        time.sleep(1.0)
        assert switching.is_alive(), "the switch must wait for the reader's transaction"
        assert reader.execute("select count(*) from marts.things").fetchone() == (2,)
        assert reader.execute("select run_id from meta.publication").fetchone() == ("v1",)
        reader.commit()
        switching.join(timeout=30)
        assert not switching.is_alive() and staged.switch_seconds is not None

        assert reader.execute("select count(*) from marts.things").fetchone() == (5,)
        assert reader.execute("select run_id from meta.publication").fetchone() == ("v2",)
        # Older snapshot, first look after the switch: the whole new publication (COPY FREEZE), not empty tables.
        assert latecomer.execute("select count(*) from marts.things").fetchone() == (5,)
        # A statement prepared before the switch reads the new tables: the rename invalidates cached plans.
        assert prepared.execute("select count(*) from marts.things", prepare=True).fetchone() == (5,)
    finally:
        for connection in (reader, latecomer, prepared):
            connection.close()


def test_a_reader_that_never_ends_its_transaction_fails_the_switch_and_nothing_changes(tmp_path, postgres_url):
    publish(postgres_url, write_things(tmp_path / "p.duckdb", EDGE_ROWS[:2], "v1"))
    with psycopg.connect(postgres_url, application_name="stuck-bi-tool") as stuck:
        stuck.execute("select count(*) from marts.things")
        staged = stage_file(postgres_url, write_things(tmp_path / "p.duckdb", EDGE_ROWS, "v2"))
        started = time.perf_counter()
        with pytest.raises(PostgresTargetError) as raised:
            staged.switch(lock_timeout_seconds=0.3, attempts=2, pause_seconds=0.2)
        assert time.perf_counter() - started < 10
        assert f"pid {stuck.info.backend_pid}" in str(raised.value)
        assert "stuck-bi-tool" in str(raised.value)
        stuck.rollback()
    assert rows(postgres_url, "select run_id, (select count(*) from marts.things) from meta.publication") == [("v1", 2)]
    assert "marts_next" in schemas(postgres_url)
    staged.discard()
    assert schemas(postgres_url) == {"marts", "meta"}


def test_a_staging_that_breaks_a_primary_key_leaves_marts_as_it_was(tmp_path, postgres_url):
    publish(postgres_url, write_things(tmp_path / "p.duckdb", EDGE_ROWS[:2], "v1"))
    before = rows(postgres_url, "select * from marts.things order by id")
    duplicate = [*EDGE_ROWS, (1, "again", date(2025, 5, 1), None, None, None, None, None, None)]
    with pytest.raises(PostgresTargetError, match="things_pkey"):
        stage_file(postgres_url, write_things(tmp_path / "p.duckdb", duplicate, "v2"))
    assert rows(postgres_url, "select * from marts.things order by id") == before
    assert schemas(postgres_url) == {"marts", "meta"}  # the failed staging left no half-loaded schema


def test_a_crashed_runs_leftover_staging_schema_is_replaced(tmp_path, postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("create schema marts_next; create table marts_next.leftover (x int)")
    publish(postgres_url, write_things(tmp_path / "p.duckdb"))
    assert rows(postgres_url, "select count(*) from pg_tables where schemaname = 'marts'") == [(1,)]


def test_a_mart_missing_from_the_file_stops_staging_before_postgres_is_touched(tmp_path, postgres_url):
    with pytest.raises(PostgresTargetError, match="marts.absent"):
        stage_file(postgres_url, write_things(tmp_path / "p.duckdb"), marts=("things", "absent"))
    assert schemas(postgres_url) == set()


def test_privileges_on_the_published_schema_survive_the_switch(tmp_path, postgres_url):
    publish(postgres_url, write_things(tmp_path / "p.duckdb"))
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("drop role if exists bi_reader; create role bi_reader")
        connection.execute("grant usage on schema marts to bi_reader; grant select on all tables in schema marts to bi_reader")
    publish(postgres_url, write_things(tmp_path / "p.duckdb"))
    assert rows(postgres_url, """
        select has_schema_privilege('bi_reader', 'marts', 'usage'), has_table_privilege('bi_reader', 'marts.things', 'select'),
               has_table_privilege('bi_reader', 'marts.things', 'insert'), has_schema_privilege('bi_reader', 'meta', 'usage')""") == [
        (True, True, False, False)
    ]


def test_the_password_appears_in_no_metadata_repr_log_or_error(tmp_path, postgres_url, caplog):
    caplog.set_level(logging.DEBUG)
    encoded = PASSWORD.replace("@", "%40")
    url = postgres_url.replace("postgresql://postgres@", f"postgresql://postgres:{encoded}@")
    staged = publish(url, write_things(tmp_path / "p.duckdb"))
    assert staged.metadata["postgres_user"] == "postgres" and staged.metadata["postgres_database"] == postgres_url.rsplit("/", 1)[1]
    for bad in (
        f"postgresql://postgres:{encoded}@127.0.0.1:1/none",  # nothing listens
        f"{url}?sslmode=nonsense",  # libpq refuses an option
        f"postgresql://postgres:{PASSWORD}@127.0.0.1/none",  # unencoded @: libpq would take "u@127..." for the host
        f"postgresql://postgres:%zz{encoded}@127.0.0.1/none",  # libpq cannot parse it at all
    ):
        with pytest.raises(PostgresTargetError) as raised:
            stage_file(bad, tmp_path / "p.duckdb")
        assert raised.value.__context__ is None and raised.value.__cause__ is None
        assert not leaks(str(raised.value)), str(raised.value)
    assert not leaks(" ".join([repr(staged), str(staged.metadata), caplog.text]))


def leaks(text: str) -> list[str]:
    """Pieces of the password (4 characters or more, encoded or not) found in `text`."""
    pieces = {secret[i:i + 4] for secret in (PASSWORD, PASSWORD.replace("@", "%40")) for i in range(len(secret) - 3)}
    return sorted(piece for piece in pieces if piece in text)


def test_every_demo_mart_is_loaded_row_for_row_with_its_key(demo_run, postgres_url):
    published = demo_run.paths.published_db
    marts = public_marts()
    models = dbt_models()
    with duckdb.connect(str(published), read_only=True) as connection:
        staged = stage_postgres(postgres_url, connection, marts)
        staged.switch()
        with psycopg.connect(postgres_url) as server:
            for mart in marts:
                key = ", ".join(models[mart].unique_keys[0])
                expected = connection.execute(f"select * from marts.{mart} order by {key}").fetchall()
                loaded = server.execute(f"select * from marts.{mart} order by {key}").fetchall()
                assert loaded == expected, mart
                assert server.execute(
                    "select pg_get_constraintdef(oid) from pg_constraint where conrelid = %s::regclass and contype = 'p'",
                    [f"marts.{mart}"],
                ).fetchone() == (f"PRIMARY KEY ({key})",)
            assert server.execute("select * from meta.publication").fetchall() == connection.execute(
                "select * from meta.publication"
            ).fetchall()
    print(f"PostgreSQL target on the demo: {staged.metadata}")
