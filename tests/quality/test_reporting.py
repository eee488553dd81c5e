"""Which reports are owed, when they fall due, and what the register records."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.quality.reporting import owed_periods, report_register, report_statuses
from tests.quality.rule_builders import received_frame, received_row


@pytest.fixture(scope="module")
def registry():
    return load_registry(REPO_ROOT / "sources" / "reference")


def test_periods_are_owed_from_the_first_received_to_the_latest_month_received():
    codes = [period.code for period in owed_periods(["202411", "202503", "2025Q1", "2024"])]
    assert codes[0] == "202401" and "202503" in codes and "2024Q4" in codes and "2025Q1" in codes
    assert "202504" not in codes, "no one has reported April yet"
    assert "2025" not in codes and "2025Q2" not in codes, "periods not yet over are not owed"


def test_a_yearly_report_alone_owes_only_its_year():
    assert [period.code for period in owed_periods(["2024"])][-1] == "2024"
    assert owed_periods([]) == []


def test_units_owe_only_periods_they_exist_for_under_the_regime_of_the_period_end(registry):
    received = received_frame([received_row("QN-TYT-HONGGAI", "202507", datetime(2025, 8, 4))])
    register = report_register(registry, received, date(2026, 1, 1)).set_index("org_unit_code")
    assert "QN-TYT-HONGHAI" not in register.index, "merged on 1 July: owes nothing for July"
    assert register.loc["QN-TYT-HONGGAI", "regime_code"] == "TT23-2025"
    assert register.loc["QN-BVDKT", "deadline_days"] == 5, "Circular 23/2025: five days for every unit"


def test_hospitals_had_fifteen_working_days_under_circular_37(registry):
    received = received_frame([received_row("QN-BVDKT", "202503", datetime(2025, 4, 10))])
    register = report_register(registry, received, date(2026, 1, 1)).set_index("org_unit_code")
    assert register.loc["QN-BVDKT", ["regime_code", "deadline_days"]].tolist() == ["TT37-2019", 15]
    assert register.loc["QN-TYT-HAILANG", "deadline_days"] == 5


def test_statuses_record_the_suite_verdicts_and_leave_reports_not_yet_due_alone(registry):
    received = received_frame([received_row("QN-TYT-HAILANG", "202501", datetime(2025, 2, 10, 8))])
    register = report_register(registry, received, date(2025, 2, 8))
    hailang = register.index[register["org_unit_code"] == "QN-TYT-HAILANG"][0]
    dongngu = register.index[register["org_unit_code"] == "QN-TYT-DONGNGU"][0]
    hospital = register.index[register["org_unit_code"] == "QN-BVDKT"][0]
    statuses = report_statuses(register, [dongngu], [hailang])
    assert statuses.loc[[hailang, dongngu, hospital], "report_status"].tolist() == ["late", "missing", "not_yet_due"]
    assert statuses.loc[hailang, "working_days_late"] == 2  # Saturday 8 (worked for Tết) and Monday 10
    assert statuses.loc[[dongngu, hospital], "working_days_late"].isna().all()
