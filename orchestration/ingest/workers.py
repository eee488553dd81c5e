"""Taking in many files on all cores, this process included.

Kept apart from the intake so a worker process imports only the archiving and parsing modules,
not DuckDB or pandas. What every file needs (registry, date, limits, what the ledger has seen) is
sent once per worker by the pool initializer and files go in chunks: pickling the registry for
every file cost more than parsing the file.

The pool gets one process fewer than there are cores, and this process takes chunks from the back
of the batch while the pool works from the front. A spawned worker needs 0.1 s (from a script) to
1.4 s (from a Dagster run, whose modules it re-imports) before its first file; this process uses
that time instead of waiting, so the pool costs almost nothing on a batch it turns out not to help.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from orchestration.ingest.file_intake import Candidate, FileIntake, IntakeContext, take_in_batch

# Large enough that a chunk's round trip (~1 ms) is small beside its work (~10 ms), small enough
# that this process and the pool meet near the end of the batch with neither left waiting long.
CHUNK_FILES = 32

# Per worker process, set once by the pool initializer; never set in the parent.
_worker_context: IntakeContext | None = None


def take_in_workers(candidates: list[Candidate], context: IntakeContext) -> list[FileIntake]:
    """`spawn` because the caller (a Dagster run) may hold threads, and forking a threaded process
    can deadlock. A broken pool (a worker killed, or a host script that spawn cannot re-import) is
    the machine's problem, not the files': those files are taken in in-process instead of being
    quarantined, which would record them as processed and never look at them again. Archiving is
    append-only, so a chunk a dying worker half did is simply done again in a new pack."""
    chunks = [candidates[start:start + CHUNK_FILES] for start in range(0, len(candidates), CHUNK_FILES)]
    pool = ProcessPoolExecutor(
        max_workers=max(1, (os.cpu_count() or 1) - 1),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(context,),
    )
    try:
        futures = [pool.submit(_take_in_chunk, chunk) for chunk in chunks]
        taken_here = _take_from_the_back(futures, chunks, context)
        results: list[FileIntake] = []
        for index, (future, chunk) in enumerate(zip(futures, chunks)):
            results += taken_here[index] if index in taken_here else _collect(future, chunk, context)
        return results
    finally:
        # No waiting for a worker still starting up when this process did the whole batch itself.
        pool.shutdown(wait=False, cancel_futures=True)


def _take_from_the_back(
    futures: list[Future], chunks: list[list[Candidate]], context: IntakeContext
) -> dict[int, list[FileIntake]]:
    """A chunk whose future can still be cancelled has not reached a worker: this process does it.
    The first one that cannot be cancelled is where the pool has got to."""
    taken_here: dict[int, list[FileIntake]] = {}
    for index in reversed(range(len(chunks))):
        if not futures[index].cancel():
            break
        taken_here[index] = take_in_batch(chunks[index], context)
    return taken_here


def _collect(future: Future, chunk: list[Candidate], context: IntakeContext) -> list[FileIntake]:
    try:
        return future.result()
    except BrokenProcessPool:
        return take_in_batch(chunk, context)


def _init_worker(context: IntakeContext) -> None:
    global _worker_context
    _worker_context = context


def _take_in_chunk(chunk: list[Candidate]) -> list[FileIntake]:
    assert _worker_context is not None, "runs only in a pool started with _init_worker"
    return take_in_batch(chunk, _worker_context)
