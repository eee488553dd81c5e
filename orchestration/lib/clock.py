"""The Vietnam clock: what day and hour it is where the reports are owed.

Deadlines pass at midnight in Vietnam, files arrive in Vietnamese office hours and the schedules
tick at Vietnamese times, whatever zone the server runs in. The zone is declared here once, and
"today" comes from one clock object that tests and replays can stop at a fixed moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM_TIMEZONE = "Asia/Ho_Chi_Minh"  # the IANA name, as Dagster schedules take it
VIETNAM = ZoneInfo(VIETNAM_TIMEZONE)


@dataclass(frozen=True)
class Clock:
    """The system clock, or a stopped one when `fixed_at` (time-zone aware) is given."""

    fixed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.fixed_at is not None and self.fixed_at.tzinfo is None:
            # A naive moment is ambiguous (server time? Vietnam? UTC?); refusing it keeps tests honest.
            raise ValueError(f"Clock.fixed_at must carry a time zone, not {self.fixed_at!r}")

    def now(self) -> datetime:
        """Aware, in Vietnam."""
        return (self.fixed_at or datetime.now(UTC)).astimezone(VIETNAM)

    def today(self) -> date:
        """The date in Vietnam, which is a day ahead of UTC every morning before 07:00."""
        return self.now().date()

    def wall_time(self) -> datetime:
        """Naive Vietnam wall-clock time, the way the ledger stores arrival and intake times."""
        return self.now().replace(tzinfo=None)

    def utc_now(self) -> datetime:
        """Naive UTC, the way the alert log stores its timestamps."""
        return self.now().astimezone(UTC).replace(tzinfo=None)


SYSTEM_CLOCK = Clock()
