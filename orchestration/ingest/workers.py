"""Parsing many files on all cores.

Kept apart from the intake so a worker process imports only the parsing modules, not DuckDB or
pandas. The registry and the date are sent once per worker (pool initializer) and files go in
chunks: pickling the registry for every file cost more than parsing the file.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path

from orchestration.ingest.process import FileOutcome, process_file
from orchestration.lib.registry import Registry

Job = tuple[Path, str]  # (archived copy, the unit's file name)

# Per worker process, set once by the pool initializer; never set in the parent.
_worker_context: tuple[Registry, date] | None = None


def process_in_workers(jobs: list[Job], registry: Registry, today: date) -> list[FileOutcome]:
    """`spawn` because the caller (a Dagster run) may hold threads, and forking a threaded process
    can deadlock. A broken pool (a worker killed, or a host script that spawn cannot re-import) is
    the machine's problem, not the files': those files are parsed in-process instead of being
    quarantined, which would record them as processed and never look at them again."""
    workers = os.cpu_count() or 1
    size = max(1, -(-len(jobs) // (4 * workers)))
    chunks = [jobs[start:start + size] for start in range(0, len(jobs), size)]
    results: list[FileOutcome] = []
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(registry, today),
    ) as pool:
        futures = [pool.submit(_process_chunk, chunk) for chunk in chunks]
        for future, chunk in zip(futures, chunks):
            try:
                results += future.result()
            except BrokenProcessPool:
                results += [process_file(path, name, registry, today) for path, name in chunk]
    return results


def _init_worker(registry: Registry, today: date) -> None:
    global _worker_context
    _worker_context = (registry, today)


def _process_chunk(chunk: list[Job]) -> list[FileOutcome]:
    assert _worker_context is not None, "runs only in a pool started with _init_worker"
    registry, today = _worker_context
    return [process_file(path, name, registry, today) for path, name in chunk]
