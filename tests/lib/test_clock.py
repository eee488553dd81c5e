"""The Vietnam clock: the date where the reports are owed, whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from orchestration.lib.clock import VIETNAM, Clock
from orchestration.lib.resources import ClockResource


def test_late_evening_utc_is_already_tomorrow_in_vietnam():
    clock = Clock(datetime(2025, 4, 30, 18, 30, tzinfo=UTC))
    assert clock.today() == date(2025, 5, 1)
    assert clock.wall_time() == datetime(2025, 5, 1, 1, 30)
    assert clock.utc_now() == datetime(2025, 4, 30, 18, 30)


def test_a_naive_fixed_moment_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        Clock(datetime(2025, 4, 30, 18, 30))


def test_the_resource_carries_a_fixed_clock_through_dagster_config():
    clock = Clock(datetime(2025, 2, 10, 7, tzinfo=VIETNAM))
    resource = ClockResource.from_clock(clock)
    assert resource.get() == clock and resource.today() == date(2025, 2, 10)
    assert ClockResource().get().fixed_at is None
