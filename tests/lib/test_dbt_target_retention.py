"""dbt's target folder stays bounded however many runs there are (lib/dbt_target_retention.py)."""

import os

from orchestration.lib.dbt_target_retention import (
    IN_USE_SECONDS, KEEP_INVOCATIONS, mark_invocation_finished, prune_dbt_target,
)

MEGABYTE = b"x" * 1_000_000


def invocation(target, name: str, at: float, finished: bool = True):
    folder = target / name
    (folder / "run" / "warehouse").mkdir(parents=True)
    (folder / "run" / "warehouse" / "model.sql").write_bytes(MEGABYTE)
    (folder / "dbt.log").write_bytes(b"log")
    if finished:
        mark_invocation_finished(folder)
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (at, at))
    return folder


def size(folder) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_many_runs_keep_the_target_folder_bounded_and_dbt_s_own_files(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    for own in ("manifest.json", "partial_parse.msgpack", "dbt-dies-with-run"):
        (target / own).write_bytes(b"own")
    (target / "compiled").mkdir()
    sizes = []
    for run in range(12):  # two dbt phases per run, as the job has
        for phase in ("dbt_rule_inputs", "warehouse_models"):
            invocation(target, f"{phase}-run{run:04d}-abcdefg", at=1_000_000 + 100 * run + (phase == "warehouse_models"))
        prune_dbt_target(target, now=2_000_000)
        sizes.append(size(target))
    kept = sorted(folder.name for folder in target.iterdir() if folder.is_dir())
    assert kept == ["compiled", "dbt_rule_inputs-run0010-abcdefg", "dbt_rule_inputs-run0011-abcdefg",
                    "warehouse_models-run0010-abcdefg", "warehouse_models-run0011-abcdefg"]
    assert max(sizes) <= KEEP_INVOCATIONS * 1_000_100 + 1_000 and sizes[-1] == sizes[4]
    assert {path.name for path in target.iterdir() if path.is_file()} == {
        "manifest.json", "partial_parse.msgpack", "dbt-dies-with-run"}


def test_an_invocation_still_running_for_another_warehouse_is_left_alone(tmp_path):
    target = tmp_path / "target"
    now = 5_000_000.0
    running = invocation(target, "warehouse_models-other01-aaaaaaa", at=now - 60, finished=False)
    crashed = invocation(target, "warehouse_models-dead001-bbbbbbb", at=now - IN_USE_SECONDS - 60, finished=False)
    newer = [invocation(target, f"warehouse_models-run{n:04d}-ccccccc", at=now - 30 + n) for n in range(KEEP_INVOCATIONS)]
    removed = prune_dbt_target(target, now=now)
    assert removed == [crashed]
    assert running.exists() and all(folder.exists() for folder in newer)
