"""Running one function over many items on every core, this process included.

The pattern the intake's workers use (`orchestration/ingest/workers.py`), for any stage: a `spawn`
pool of one process fewer than there are cores works through chunks from the front while this
process takes chunks from the back, so a pool that starts slowly (about 1.4 s from a Dagster run,
which each worker re-imports) costs almost nothing on a batch it turns out not to help. A broken
pool costs only speed: its chunks are done here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_on_all_cores(function: Callable[[Item], Result], items: Sequence[Item], chunk_size: int,
                     threshold: int) -> list[Result]:
    """[function(item) for item in items], in order. `function` must be importable by name (a
    module-level function), since the workers are spawned; at or below `threshold` items, or on
    one core, no pool is started at all."""
    if len(items) <= threshold or (os.cpu_count() or 1) < 2:
        return [function(item) for item in items]
    chunks = [list(items[start:start + chunk_size]) for start in range(0, len(items), chunk_size)]
    pool = ProcessPoolExecutor(max_workers=(os.cpu_count() or 2) - 1, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = [pool.submit(_run_chunk, function, chunk) for chunk in chunks]
        done_here: dict[int, list[Result]] = {}
        for index in reversed(range(len(chunks))):
            if not futures[index].cancel():
                break  # the pool has got this far
            done_here[index] = _run_chunk(function, chunks[index])
        results: list[Result] = []
        for index, (future, chunk) in enumerate(zip(futures, chunks)):
            results += done_here[index] if index in done_here else _collect(future, function, chunk)
        return results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _run_chunk(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def _collect(future: Future, function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    try:
        return future.result()
    except BrokenProcessPool:
        return _run_chunk(function, chunk)
