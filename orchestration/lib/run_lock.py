"""One warehouse run at a time, whoever starts it: `make run`, the inbox sensor, the schedule, the UI.

The daemon's run queue (`max_concurrent_runs: 1`) only sees the runs the daemon launches; `make
run` executes in its own process. So the run itself takes an exclusive `flock` on a file beside the
build database, before its first step, and holds it until its last (the build database resource
does this, `orchestration/lib/resources.py`). That holds for the whole run because the job runs
every step in one process (`in_process_executor`, automation/jobs.py). The kernel drops the lock
when the holding process dies, `kill -9` included, so a dead run never leaves a stale lock behind,
and the file descriptor is not inherited by dbt, so a child cannot keep it either.

A second run waits, for at most the configured time (WAREHOUSE_RUN_WAIT_SECONDS), then fails with
a message naming the run that holds the lock; it never interleaves with it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

_POLL_SECONDS = 1.0


class RunBusy(RuntimeError):
    """Another run held the warehouse for longer than this one was willing to wait."""


def run_lock_path(build_db: Path) -> Path:
    return build_db.with_name(f"{build_db.name}.run-lock")


@contextmanager
def exclusive_run(
    build_db: Path, run_id: str, wait_seconds: float, log: Callable[[str], None] = lambda _: None
) -> Iterator[None]:
    """Holds the warehouse's run lock for the `with` block; raises RunBusy after `wait_seconds`."""
    path = run_lock_path(build_db)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inheritable (PEP 446)
    try:
        deadline = time.monotonic() + wait_seconds
        waiting = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(descriptor)
                if time.monotonic() >= deadline:
                    raise RunBusy(
                        f"Một lần chạy khác đang dùng kho ({holder}); đã chờ {wait_seconds:g} giây, lần chạy "
                        f"{run_id} dừng lại và không thay đổi gì. Hãy chạy lại sau khi lần kia xong. / "
                        f"Another run is using the warehouse ({holder}); after waiting {wait_seconds:g} s, run "
                        f"{run_id} stops without changing anything. Run it again once the other has finished. "
                        f"Lock file: {path}"
                    ) from None
                if not waiting:
                    log(f"Đang chờ lần chạy khác xong / Waiting for the other run to finish: {holder}")
                    waiting = True
                time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"run {run_id}, process {os.getpid()}, since {started}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing the only descriptor releases the lock


def _holder(descriptor: int) -> str:
    """What the holder wrote about itself; reading needs no lock, and a half-written line is still a clue."""
    text = os.pread(descriptor, 4096, 0).decode("utf-8", errors="replace").strip()
    return text or "unknown run"
