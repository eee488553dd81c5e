"""The sensor's decision logic: a file is handed over once, only after it has stopped changing."""

from datetime import date

import dagster as dg
import duckdb

from tests.conftest import isolated_settings
from orchestration.automation.inbox_watch import (
    FileStamp,
    InboxCursor,
    decide,
    list_inbox,
    read_ledger_stamps,
    with_ledger,
)
from orchestration.automation.triggers import inbox_sensor
from orchestration.demo.generator import generate_demo_province
from orchestration.ingest.intake import ingest_inbox
from orchestration.lib.inbox import DEFAULT_SETTLE_SECONDS as SETTLE_SECONDS
from orchestration.lib.inbox import SettleRule, arrival_time
from orchestration.lib.reference import load_registry
from orchestration.lib.resources import warehouse_resources
from orchestration.lib.run_lock import exclusive_run

SECOND = 1_000_000_000
SETTLED_NOW = int((1_000 + SETTLE_SECONDS) * SECOND)


def test_new_file_waits_one_tick_then_is_ready_once():
    listing = {"a.xlsx": FileStamp(100, 1_000 * SECOND)}
    first = decide(listing, InboxCursor(), SETTLED_NOW)
    assert first.ready == {}
    second = decide(listing, first.cursor, SETTLED_NOW)
    assert second.ready == listing
    third = decide(listing, second.cursor, SETTLED_NOW)
    assert third.ready == {}


def test_file_still_growing_is_not_ready():
    first = decide({"a.xlsx": FileStamp(100, 1_000 * SECOND)}, InboxCursor(), SETTLED_NOW)
    growing = decide({"a.xlsx": FileStamp(250, 1_000 * SECOND)}, first.cursor, SETTLED_NOW)
    assert growing.ready == {}
    assert growing.cursor.pending == {"a.xlsx": "250:1000000000000"}


def test_recently_modified_file_is_not_ready_even_if_unchanged():
    listing = {"a.xlsx": FileStamp(100, SETTLED_NOW - SECOND)}
    first = decide(listing, InboxCursor(), SETTLED_NOW)
    assert decide(listing, first.cursor, SETTLED_NOW).ready == {}


def test_files_arriving_together_form_one_batch_with_a_stable_run_key():
    listing = {name: FileStamp(10, 1_000 * SECOND) for name in ("a.xlsx", "b.xlsx", "c.ods")}
    ready = decide(listing, decide(listing, InboxCursor(), SETTLED_NOW).cursor, SETTLED_NOW)
    assert set(ready.ready) == set(listing)
    again = decide(listing, decide(listing, InboxCursor(), SETTLED_NOW).cursor, SETTLED_NOW)
    assert ready.run_key == again.run_key


def test_changed_file_is_handed_over_again():
    stamp = FileStamp(10, 1_000 * SECOND)
    cursor = InboxCursor(processed={"a.xlsx": stamp.encode()})
    changed = {"a.xlsx": FileStamp(12, 1_000 * SECOND)}
    after_first_look = decide(changed, cursor, SETTLED_NOW)
    assert after_first_look.ready == {}
    assert decide(changed, after_first_look.cursor, SETTLED_NOW).ready == changed


def test_cursor_round_trips_through_json():
    cursor = InboxCursor(processed={"a.xlsx": "1:2"}, pending={"b.xlsx": "3:4"})
    assert InboxCursor.from_json(cursor.to_json()) == cursor
    assert InboxCursor.from_json(None) == InboxCursor()


def test_lock_and_hidden_files_are_ignored(tmp_path):
    (tmp_path / "~$QN-CDC_202503.xlsx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / "unit").mkdir()
    (tmp_path / "unit" / "QN-CDC_202503.xlsx").write_bytes(b"data")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.xlsx").write_bytes(b"data")
    (tmp_path / "copying.xlsx.part").write_bytes(b"data")
    assert set(list_inbox(tmp_path)) == {"unit/QN-CDC_202503.xlsx"}


def test_the_settle_window_is_the_rule_given():
    listing = {"a.xlsx": FileStamp(100, SETTLED_NOW - SECOND)}
    short = SettleRule(0.5)
    assert decide(listing, decide(listing, InboxCursor(), SETTLED_NOW, short).cursor, SETTLED_NOW, short).ready == listing


def test_files_the_ledger_holds_are_processed_and_others_are_not():
    arrived = 1_000 * SECOND
    listing = {"a.xlsx": FileStamp(10, arrived), "b.xlsx": FileStamp(20, arrived), "c.xlsx": FileStamp(30, arrived)}
    ledger = {"a.xlsx": {(10, arrival_time(arrived))}, "b.xlsx": {(21, arrival_time(arrived))}}
    cursor = with_ledger(listing, InboxCursor(), ledger)
    assert cursor.processed == {"a.xlsx": "10:1000000000000"} and cursor.ledger_read
    assert InboxCursor.from_json(cursor.to_json()) == cursor


def test_a_built_warehouse_starts_no_run_until_a_file_changes(tmp_path):
    """`make dev` after `make run`: the sensor's first ticks find nothing new; a changed file starts one run."""
    settings = isolated_settings(tmp_path, WAREHOUSE_INBOX_SETTLE_SECONDS="0")
    paths = settings.paths
    registry = load_registry(paths.reference_dir)
    generate_demo_province(paths.inbox_dir, registry, "202412", "202412")
    kept = sorted(paths.inbox_dir.iterdir())[:3]
    for extra in set(paths.inbox_dir.iterdir()) - set(kept):
        extra.unlink()
    with duckdb.connect(str(paths.build_db)) as connection:
        summary = ingest_inbox(paths.inbox_dir, paths.archive_dir, connection, registry, "make-run", date(2025, 1, 31))
    assert summary.new_files == 3

    # What the daemon gives the sensor: only the resources it asks for (the build database
    # resource would take the run lock itself).
    sensor_resources = {name: resource for name, resource in warehouse_resources(settings).items()
                        if name in ("warehouse_paths", "settle_rule")}

    def tick(cursor: str | None):
        with dg.build_sensor_context(cursor=cursor, resources=sensor_resources) as context:
            return inbox_sensor(context), context.cursor

    first, cursor = tick(None)
    second, cursor = tick(cursor)
    assert isinstance(first, dg.SkipReason) and isinstance(second, dg.SkipReason), (first, second)
    assert second.skip_message == "No new files in the inbox"

    changed = kept[0]
    changed.write_bytes(changed.read_bytes() + b"\0")
    noticed, cursor = tick(cursor)
    started, cursor = tick(cursor)
    assert isinstance(noticed, dg.SkipReason)
    assert isinstance(started, dg.RunRequest) and started.tags["files"] == "1"


def test_the_ledger_is_read_on_a_later_tick_while_a_run_holds_the_warehouse(tmp_path):
    build_db = tmp_path / "build.duckdb"
    duckdb.connect(str(build_db)).close()
    with exclusive_run(build_db, "running", wait_seconds=0):
        assert read_ledger_stamps(build_db) is None
    assert read_ledger_stamps(build_db) == {}
