"""The sensor's decision logic: a file is handed over once, only after it has stopped changing."""

from orchestration.automation.inbox_watch import FileStamp, InboxCursor, decide, list_inbox
from orchestration.lib.inbox import DEFAULT_SETTLE_SECONDS as SETTLE_SECONDS
from orchestration.lib.inbox import SettleRule

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
