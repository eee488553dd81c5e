"""Taking in many files on all cores.

Kept apart from the intake so a worker process imports only the archiving and parsing modules,
not DuckDB or pandas. What every file needs (registry, date, limits, what the ledger has seen) is
sent once per worker by the pool initializer and files go in chunks: pickling the registry for
every file cost more than parsing the file.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from orchestration.ingest.file_intake import Candidate, FileIntake, IntakeContext, take_in

# Large enough that a chunk's round trip (~1 ms) is small beside its work (~20 ms), small enough
# that both workers stay busy until the end of the batch.
CHUNK_FILES = 32

# Per worker process, set once by the pool initializer; never set in the parent.
_worker_context: IntakeContext | None = None


def take_in_workers(candidates: list[Candidate], context: IntakeContext) -> list[FileIntake]:
    """`spawn` because the caller (a Dagster run) may hold threads, and forking a threaded process
    can deadlock. A broken pool (a worker killed, or a host script that spawn cannot re-import) is
    the machine's problem, not the files': those files are taken in in-process instead of being
    quarantined, which would record them as processed and never look at them again. Archiving is
    idempotent, so a chunk a dying worker half did is simply done again."""
    chunks = [candidates[start:start + CHUNK_FILES] for start in range(0, len(candidates), CHUNK_FILES)]
    results: list[FileIntake] = []
    with ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(context,),
    ) as pool:
        futures = [pool.submit(_take_in_chunk, chunk) for chunk in chunks]
        for future, chunk in zip(futures, chunks):
            try:
                results += future.result()
            except BrokenProcessPool:
                results += [take_in(candidate, context) for candidate in chunk]
    return results


def _init_worker(context: IntakeContext) -> None:
    global _worker_context
    _worker_context = context


def _take_in_chunk(chunk: list[Candidate]) -> list[FileIntake]:
    assert _worker_context is not None, "runs only in a pool started with _init_worker"
    return [take_in(candidate, _worker_context) for candidate in chunk]
