"""The shared worker pool gives what a plain loop gives, in order, whichever process did each chunk."""

from __future__ import annotations

from orchestration.lib.work_pool import map_on_all_cores


def square(number: int) -> int:
    return number * number


def test_the_pool_returns_every_result_in_order():
    numbers = list(range(200))
    assert map_on_all_cores(square, numbers, chunk_size=7, threshold=0) == [n * n for n in numbers]


def test_below_the_threshold_no_pool_is_needed():
    assert map_on_all_cores(square, [3, 4], chunk_size=1, threshold=10) == [9, 16]
