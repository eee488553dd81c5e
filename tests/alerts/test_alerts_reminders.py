"""Reminders, overdue notices and the digest on a fixed clock around Tết and 30/4–1/5 of 2025."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import dagster as dg
import pytest

from orchestration.alerts.definitions import daily_reminders, reminders_job
from orchestration.alerts.model import SubmissionRow
from orchestration.alerts.published import PublishedSnapshot
from orchestration.alerts.reminders import candidate_periods, due_notices, is_digest_day, weekly_digest
from orchestration.lib.obligations import expected_reports
from orchestration.lib.periods import month_period
from orchestration.alerts.scheduled import send_scheduled_notices
from orchestration.lib.build_db import build_db_connection
from orchestration.lib.clock import VIETNAM
from orchestration.lib.registry import Indicator, Obligation, OrgUnit, PublicHoliday, Registry, ReportingDeadline
from orchestration.lib.resources import warehouse_resources
from orchestration.lib.settings import REPO_ROOT

HONGHAI, HAILANG, HONGGAI, BVBC = "QN-TYT-HONGHAI", "QN-TYT-HAILANG", "QN-TYT-HONGGAI", "QN-BVBC"


def unit(code: str, name: str, unit_type: str, email: str | None, valid_from=date(2020, 1, 1), valid_to=None):
    return OrgUnit(code, name, unit_type, None, valid_from, valid_to, email)


def holiday(day: date, kind: str = "holiday") -> PublicHoliday:
    return PublicHoliday(day, "Nghỉ", kind)  # type: ignore[arg-type]


TET_2025 = [date(2025, 1, 25) + timedelta(days=n) for n in range(9) if n != 2]
REGISTRY = Registry(
    org_units={u.code: u for u in [
        unit("QN-SYT", "Sở Y tế tỉnh Quảng Ninh", "health_department", "syt@demo.quangninh.vn"),
        unit(HONGHAI, "Trạm Y tế phường Hồng Hải", "commune_station", "tyt.honghai@demo.quangninh.vn",
             valid_to=date(2025, 6, 30)),
        unit(HAILANG, "Trạm Y tế xã Hải Lạng", "commune_station", "tyt.hailang@demo.quangninh.vn"),
        unit(HONGGAI, "Trạm Y tế phường Hồng Gai", "commune_station", "tyt.honggai@demo.quangninh.vn",
             valid_from=date(2025, 7, 1)),
        unit(BVBC, "Bệnh viện Bãi Cháy", "hospital", "bvbc@demo.quangninh.vn"),
        unit("QN-X-HAILANG", "Xã Hải Lạng", "commune", None),
    ]},
    indicators={
        "OPD_VISITS": Indicator("OPD_VISITS", "Số lượt khám bệnh", "Outpatient visits", "reported", "Lượt", "flow"),
        "LIVE_BIRTHS": Indicator("LIVE_BIRTHS", "Số trẻ đẻ sống", "Live births", "reported", "Trẻ", "flow"),
        "SATISFACTION_SURVEYED": Indicator("SATISFACTION_SURVEYED", "Số người được khảo sát", "People surveyed",
                                           "reported", "Người", "flow"),
    },
    obligations=(
        Obligation("commune_station", "OPD_VISITS", "monthly"),
        Obligation("commune_station", "LIVE_BIRTHS", "monthly"),
        Obligation("hospital", "OPD_VISITS", "monthly"),
        Obligation("hospital", "SATISFACTION_SURVEYED", "quarterly"),
    ),
    deadlines=(
        ReportingDeadline("TT37-2019", date(2019, 1, 1), date(2025, 6, 30), "commune_station", 5),
        ReportingDeadline("TT37-2019", date(2019, 1, 1), date(2025, 6, 30), "*", 15),
        ReportingDeadline("TT23-2025", date(2025, 7, 1), None, "*", 5),
    ),
    holidays=(
        holiday(date(2025, 1, 1)),
        *(holiday(day) for day in TET_2025),
        holiday(date(2025, 1, 27), "compensatory_day_off"),
        holiday(date(2025, 2, 8), "compensatory_working_day"),  # Saturday worked for 27/01
        holiday(date(2025, 4, 26), "compensatory_working_day"),  # Saturday worked for 02/05
        holiday(date(2025, 4, 30)),
        holiday(date(2025, 5, 1)),
        holiday(date(2025, 5, 2), "compensatory_day_off"),
        holiday(date(2025, 9, 1)),
        holiday(date(2025, 9, 2)),
    ),
)
# Hải Lạng sent January early; Bãi Cháy sent Q4 2024 in time: only Hồng Hải is chased for January.
RECEIVED_JANUARY = {(HAILANG, "202501"): date(2025, 2, 3), (BVBC, "2024Q4"): date(2025, 1, 20)}


def notices_on(day: date, received, lead: int = 3) -> list[tuple[str, str, str, int]]:
    return [(n.kind, n.report.unit.code, n.report.period.code, n.working_days)
            for n in due_notices(REGISTRY, day, received, lead)]


def test_january_deadline_falls_after_tet():
    due = {(r.unit.code, r.period.code): r.due for r in expected_reports(REGISTRY, [month_period(2025, 1)])}
    # Tết holds 25/01–02/02: five working days from Monday 03/02; hospitals have fifteen, one of them
    # the compensatory Saturday 08/02.
    assert due == {(HONGHAI, "202501"): date(2025, 2, 7), (HAILANG, "202501"): date(2025, 2, 7),
                   (BVBC, "202501"): date(2025, 2, 20)}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 31), []),  # Tết: nobody is mailed on a holiday
        (date(2025, 2, 3), []),  # four working days left: outside the three-day window
        (date(2025, 2, 4), [("reminder", HONGHAI, "202501", 3)]),
        (date(2025, 2, 7), [("reminder", HONGHAI, "202501", 0)]),  # the deadline itself
        (date(2025, 2, 8), [("overdue", HONGHAI, "202501", 1)]),  # Saturday, but a compensatory working day
        (date(2025, 2, 9), []),  # ordinary Sunday
        (date(2025, 2, 10), [("overdue", HONGHAI, "202501", 2)]),
        (date(2025, 2, 19), [("reminder", BVBC, "202501", 1), ("overdue", HONGHAI, "202501", 9)]),
    ],
)
def test_reminders_before_and_overdue_after_the_tet_deadline(day, expected):
    assert notices_on(day, RECEIVED_JANUARY) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 5, 2), []),  # compensatory day off for 30/4–1/5
        (date(2025, 5, 5), []),  # April is due Friday 09/05: four working days left
        (date(2025, 5, 6), [("reminder", HONGHAI, "202504", 3)]),
        (date(2025, 5, 9), [("reminder", HONGHAI, "202504", 0)]),
        (date(2025, 5, 12), [("overdue", HONGHAI, "202504", 1)]),
    ],
)
def test_reminders_around_30_april_and_1_may(day, expected):
    received = {(HAILANG, "202504"): date(2025, 5, 5), (BVBC, "202504"): date(2025, 5, 5),
                (BVBC, "2025Q1"): date(2025, 4, 25)}
    assert notices_on(day, received) == expected


def test_only_units_existing_for_the_whole_period_owe_it():
    june, july = month_period(2025, 6), month_period(2025, 7)
    owed = {(r.unit.code, r.period.code): r.due for r in expected_reports(REGISTRY, [june, july])}
    assert owed == {
        (HONGHAI, "202506"): date(2025, 7, 7), (HAILANG, "202506"): date(2025, 7, 7),
        (BVBC, "202506"): date(2025, 7, 21),
        # Circular 23/2025: five working days for everyone from July.
        (HAILANG, "202507"): date(2025, 8, 7), (HONGGAI, "202507"): date(2025, 8, 7),
        (BVBC, "202507"): date(2025, 8, 7),
    }


def test_candidate_periods_are_the_running_and_previous_ones():
    assert [p.code for p in candidate_periods(date(2025, 1, 15))] == ["202501", "202412", "2025Q1", "2024Q4",
                                                                      "2025", "2024"]


def test_digest_goes_out_on_the_first_working_day_of_the_week():
    assert is_digest_day(REGISTRY, date(2025, 2, 3))
    tet_week = [date(2025, 1, 27) + timedelta(days=n) for n in range(7)]
    assert not any(is_digest_day(REGISTRY, day) for day in tet_week)
    # 1–2 September are holidays: Wednesday 3 September is the week's first working day.
    assert [day.day for day in (date(2025, 9, 1) + timedelta(days=n) for n in range(7))
            if is_digest_day(REGISTRY, day)] == [3]


def test_weekly_digest_lists_missing_late_and_open_errors():
    received = {**RECEIVED_JANUARY, (HAILANG, "202501"): date(2025, 2, 10)}
    digest = weekly_digest(REGISTRY, date(2025, 2, 10), received, {(BVBC, "202412"): 2, (HAILANG, "202501"): 0}, None)
    assert [(e.unit.code, e.period.code, e.working_days_late) for e in digest.missing] == [(HONGHAI, "202501", 2)]
    assert [(e.unit.code, e.period.code, e.received_on, e.working_days_late) for e in digest.late] == [
        (HAILANG, "202501", date(2025, 2, 10), 2)
    ]
    assert [(u.code, period, count) for u, period, count in digest.open_errors] == [(BVBC, "202412", 2)]


def test_scheduled_ticks_send_each_reminder_overdue_notice_and_digest_once(alert_env, warehouse, smtp, clock):
    settings = replace(alert_env, reminder_working_days=3)
    published = PublishedSnapshot(findings=(), units={}, submissions=(
        SubmissionRow(1, "hailang_t1.xlsx", HAILANG, "202501", datetime(2025, 2, 3, 8), "published"),
        SubmissionRow(2, "baichay_q4.xlsx", BVBC, "2024Q4", datetime(2025, 1, 20, 8), "published"),
    ))

    def tick(day: date) -> list[str]:
        before = len(smtp.messages)
        clock.advance(days=1)
        with build_db_connection(warehouse.paths.build_db) as connection:
            send_scheduled_notices(REGISTRY, published, connection, settings, day, clock, f"tick-{day}")
        return sorted(f"{m['To']} {m['Subject']}" for m in smtp.messages[before:])

    assert tick(date(2025, 2, 4)) == [
        "tyt.honghai@demo.quangninh.vn [Sở Y tế tỉnh Quảng Ninh] Nhắc nộp báo cáo Tháng 1/2025 – hạn 07/02/2025"
    ]
    reminder = smtp.messages[0].get_body(("plain",)).get_content()
    assert "còn 3 ngày làm việc" in reminder and "- Số trẻ đẻ sống" in reminder
    assert "LIVE_BIRTHS" not in reminder.split("English")[0]  # the name on the form, not the code
    assert "3 working day(s) left" in reminder
    assert tick(date(2025, 2, 5)) == []  # still inside the window: already reminded
    assert tick(date(2025, 2, 10)) == [
        "syt@demo.quangninh.vn [Sở Y tế tỉnh Quảng Ninh] Tổng hợp tình hình báo cáo tuần 10/02/2025 – 1 chưa nộp, "
        "0 nộp muộn, 0 báo cáo còn lỗi",
        "tyt.honghai@demo.quangninh.vn [Sở Y tế tỉnh Quảng Ninh] Quá hạn nộp báo cáo Tháng 1/2025 (hạn 07/02/2025)",
    ]
    digest = smtp.messages_to("syt@demo.quangninh.vn")[0].get_body(("plain",)).get_content()
    line = "Trạm Y tế phường Hồng Hải (QN-TYT-HONGHAI) – Tháng 1/2025, hạn 07/02/2025, quá hạn 2 ngày làm việc"
    assert line in digest
    assert tick(date(2025, 2, 11)) == []


def test_the_daily_schedule_hands_each_tick_its_own_date():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2025, 2, 10, 7, tzinfo=VIETNAM))
    request = daily_reminders(context)
    assert request.run_config == {"ops": {"send_reminders": {"config": {"today": "2025-02-10"}}}}
    assert (daily_reminders.cron_schedule, daily_reminders.execution_timezone) == ("0 7 * * *", "Asia/Ho_Chi_Minh")


def test_reminders_job_reads_the_reference_files_and_mails_overdue_units(warehouse_settings, warehouse, smtp):
    paths = replace(warehouse_settings.paths, reference_dir=REPO_ROOT / "sources" / "reference")
    warehouse.publish()  # a published warehouse in which nobody has reported yet
    result = reminders_job.execute_in_process(
        run_config={"ops": {"send_reminders": {"config": {"today": "2025-02-10"}}}},
        resources=warehouse_resources(replace(warehouse_settings, paths=paths)),
    )
    assert result.success
    subjects = {m["To"]: m["Subject"] for m in smtp.messages}
    overdue = smtp.messages_to("tyt.hailang@demo.quangninh.vn")[0]
    assert overdue["Reply-To"] == "thongke.syt@demo.quangninh.vn"  # the province's data officer
    assert "Người liên hệ: Nguyễn Thị Lan" in overdue.get_body(("plain",)).get_content()
    assert subjects["tyt.hailang@demo.quangninh.vn"] == (
        "[Sở Y tế tỉnh Quảng Ninh] Quá hạn nộp báo cáo Tháng 1/2025 (hạn 07/02/2025)"
    )
    assert subjects["syt@demo.quangninh.vn"].startswith(
        "[Sở Y tế tỉnh Quảng Ninh] Tổng hợp tình hình báo cáo tuần 10/02/2025"
    )
