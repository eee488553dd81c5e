from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ingest_builders import FIRST_VALUE_ROW, SHEET, TODAY, make_registry, report_rows, sheet
from orchestration.ingest.identity_checks import CheckedSubmission, check_submission
from orchestration.ingest.submission_parser import ParsedSubmission, parse_submission
from orchestration.lib.reference import load_registry
from orchestration.lib.registry import OrgUnit, ParentLink
from orchestration.lib.settings import REPO_ROOT

FILE = "bc.xlsx"
REGISTRY = make_registry()


def check(rows, today: date = TODAY, *more_sheets) -> CheckedSubmission:
    parsed = parse_submission((sheet(rows), *more_sheets), FILE)
    assert isinstance(parsed, ParsedSubmission), parsed
    return check_submission(parsed, REGISTRY, today, FILE)


def report(unit_code="QN-BVDKT", period="Tháng 3/2025", values=(("OPD_VISITS", 1200), ("BEDS", "1.384"))):
    return check(report_rows(unit_code, period, values))


def summary(checked: CheckedSubmission) -> list[tuple]:
    return [(f.rule_code, f.severity, f.indicator_code, f.cell_ref) for f in checked.findings]


def value_cell(index: int) -> str:
    return f"E{FIRST_VALUE_ROW + index}"


def test_clean_monthly_report_is_accepted():
    checked = report()
    assert checked.rejection is None and checked.findings == ()
    assert checked.period.code == "202503"
    assert [(v.org_unit_code, v.indicator_code, v.value, v.value_text, v.sheet_name, v.cell_ref) for v in checked.values] == [
        ("QN-BVDKT", "OPD_VISITS", 1200.0, None, SHEET, value_cell(0)),
        ("QN-BVDKT", "BEDS", 1384.0, "1.384", SHEET, value_cell(1)),
    ]
    assert (checked.values_read, checked.values_rejected) == (2, 0)


def test_every_message_says_where_and_how_to_fix_in_both_languages():
    checked = report(unit_code="QN-NOWHERE", values=[("OPD_VISITS", "abc")])
    for finding in checked.findings:
        assert finding.message_vi.startswith(f"Tệp '{FILE}', trang '{SHEET}', ô {finding.cell_ref}:")
        assert finding.message_en.startswith(f"File '{FILE}', sheet '{SHEET}', cell {finding.cell_ref}:")
        assert "Cách sửa:" in finding.message_vi and "How to fix:" in finding.message_en


def test_unknown_unit_quarantines_and_names_the_unit_cell():
    checked = report(unit_code="QN-BV-KHONGCO")
    assert checked.rejection.reason_code == "ING_UNKNOWN_UNIT"
    assert (checked.rejection.cell_ref, checked.rejection.value_text) == ("B3", "QN-BV-KHONGCO")
    assert checked.values == ()
    assert summary(checked)[0] == ("ING_UNKNOWN_UNIT", "error", None, "B3")


def test_unit_merged_away_before_the_period_is_inactive():
    checked = report(unit_code="QN-TYT-HONGHAI", period="Tháng 8/2025", values=[("OPD_VISITS", 10)])
    assert checked.rejection.reason_code == "ING_UNIT_INACTIVE"
    assert "QN-TYT-HONGGAI" in checked.rejection.reason_vi and "QN-TYT-HONGGAI" in checked.rejection.reason_en
    assert checked.values == ()


def test_unit_active_for_the_whole_period_is_accepted():
    checked = report(unit_code="QN-TYT-HONGHAI", period="Tháng 6/2025", values=[("OPD_VISITS", 10)])
    assert checked.rejection is None and len(checked.values) == 1


def test_unit_ending_inside_the_period_is_inactive():
    checked = report(unit_code="QN-TYT-HONGHAI", period="Quý II/2025", values=[("OPD_VISITS", 10)])
    # Active for all of Q2, but commune stations report monthly only.
    assert checked.rejection.reason_code == "ING_FREQUENCY_MISMATCH"
    checked = report(unit_code="QN-TYT-HONGGAI", period="Tháng 6/2025", values=[("OPD_VISITS", 10)])
    assert checked.rejection.reason_code == "ING_UNIT_INACTIVE"


@pytest.mark.parametrize("period", ["Tháng 13/2025", "Quý V/2025", "hôm qua"])
def test_impossible_period_quarantines_and_names_the_period_cell(period):
    checked = report(period=period)
    assert checked.rejection.reason_code == "ING_BAD_PERIOD"
    assert (checked.rejection.cell_ref, checked.rejection.value_text) == ("B4", period)
    assert checked.period is None and checked.values == ()


def test_future_period():
    checked = report(period="Tháng 11/2025")
    assert checked.rejection.reason_code == "ING_FUTURE_PERIOD"
    assert checked.rejection.cell_ref == "B4"


def test_current_period_may_be_reported_early():
    assert report(period="Tháng 10/2025").rejection is None


@pytest.mark.parametrize(
    ("unit_code", "period"),
    [("QN-CTK", "6 tháng đầu năm 2025"), ("QN-SYT", "9 tháng năm 2025"), ("QN-SYT", "Tháng 3/2025"),
     ("QN-CTK", "Tháng 3/2025")],
)
def test_period_type_the_unit_never_reports(unit_code, period):
    assert report(unit_code=unit_code, period=period).rejection.reason_code == "ING_FREQUENCY_MISMATCH"


@pytest.mark.parametrize("period", ["6 tháng đầu năm 2025", "9 tháng năm 2024", "Năm 2024"])
def test_a_units_own_cumulative_report_over_its_months_is_accepted(period):
    """No obligation asks for it, so no value is flagged as not owed either."""
    checked = report(unit_code="QN-BVDKT", period=period, values=[("OPD_VISITS", 228000), ("BEDS", 1200)])
    assert checked.rejection is None and checked.findings == ()
    assert [(v.indicator_code, v.value) for v in checked.values] == [("OPD_VISITS", 228000), ("BEDS", 1200)]


def test_bai_chay_owes_no_births_under_the_real_obligations():
    """The foundation contract (unit_obligations.csv): among hospitals only QN-BVDKT and QN-BVSN owe
    births; a birth count from Bệnh viện Bãi Cháy is kept with a not-owed warning."""
    registry = load_registry(REPO_ROOT / "sources" / "reference")

    def check_real(unit_code: str) -> CheckedSubmission:
        rows = report_rows(unit_code, "Tháng 3/2025", [("OPD_VISITS", 26000), ("LIVE_BIRTHS", 3)])
        return check_submission(parse_submission((sheet(rows),), FILE), registry, TODAY, FILE)

    assert [(f.rule_code, f.indicator_code) for f in check_real("QN-BVBC").findings] == [("ING_NOT_OBLIGED", "LIVE_BIRTHS")]
    assert check_real("QN-BVSN").findings == () and check_real("QN-BVDKT").findings == ()


def test_quarterly_report_of_a_hospital():
    checked = report(period="Quý I/2025", values=[("SATISFACTION_SURVEYED", 300), ("OPD_VISITS", 3600)])
    assert checked.rejection is None
    assert [v.indicator_code for v in checked.values] == ["SATISFACTION_SURVEYED", "OPD_VISITS"]
    assert summary(checked) == [("ING_NOT_OBLIGED", "warning", "OPD_VISITS", value_cell(1))]


def test_several_file_problems_are_all_reported_first_one_leads():
    checked = report(unit_code="QN-TYT-HONGHAI", period="Tháng 12/2025", values=[("OPD_VISITS", 10)])
    assert [f.rule_code for f in checked.findings] == ["ING_UNIT_INACTIVE", "ING_FUTURE_PERIOD"]
    assert checked.rejection.reason_code == "ING_UNIT_INACTIVE"


def test_unknown_indicator_rejects_only_that_value():
    checked = report(values=[("OPD_VISITS", 1), ("OPD_VISIT", 2), ("Số lượt khám", 3)])
    assert checked.rejection is None
    assert [v.indicator_code for v in checked.values] == ["OPD_VISITS"]
    assert summary(checked) == [
        ("ING_UNKNOWN_INDICATOR", "error", "OPD_VISIT", value_cell(1)),
        ("ING_UNKNOWN_INDICATOR", "error", "SỐ LƯỢT KHÁM", value_cell(2)),
    ]
    assert (checked.values_read, checked.values_rejected) == (3, 2)


def test_typed_derived_rate_is_kept_without_an_obligation_warning():
    checked = report(values=[("OPD_VISITS", 1), ("BEDS_PER_10K", "12,5")])
    assert summary(checked) == []
    assert [(v.indicator_code, v.value) for v in checked.values] == [("OPD_VISITS", 1), ("BEDS_PER_10K", 12.5)]


def test_not_obliged_indicator_is_a_warning_and_kept():
    checked = report(values=[("OPD_VISITS", 1), ("DTP1", 7)])
    assert summary(checked) == [("ING_NOT_OBLIGED", "warning", "DTP1", value_cell(1))]
    assert [v.indicator_code for v in checked.values] == ["OPD_VISITS", "DTP1"]


def test_unparseable_value_names_the_exact_cell():
    checked = report(values=[("OPD_VISITS", 1), ("BEDS", "chưa có số liệu"), ("IPD_ADMISSIONS", "12a")])
    assert summary(checked) == [
        ("ING_UNPARSEABLE_VALUE", "error", "BEDS", value_cell(1)),
        ("ING_UNPARSEABLE_VALUE", "error", "IPD_ADMISSIONS", value_cell(2)),
    ]
    finding = checked.findings[0]
    assert finding.value_text == "chưa có số liệu" and finding.sheet_name == SHEET
    assert f"ô {value_cell(1)}" in finding.message_vi and "'chưa có số liệu'" in finding.message_vi
    assert f"cell {value_cell(1)}" in finding.message_en
    assert [v.indicator_code for v in checked.values] == ["OPD_VISITS"]


def test_not_reported_and_not_applicable_are_neither_loaded_nor_flagged():
    checked = report(values=[("OPD_VISITS", 1), ("BEDS", "-"), ("LIVE_BIRTHS", "x"), ("I", None), ("NOPE", "")])
    assert checked.findings == ()
    assert [v.indicator_code for v in checked.values] == ["OPD_VISITS"]
    assert checked.values_read == 1


def test_conflicting_duplicates_are_all_held_back():
    checked = report(values=[("OPD_VISITS", 100), ("BEDS", 5), ("opd_visits", "120")])
    assert [v.indicator_code for v in checked.values] == ["BEDS"]
    assert summary(checked) == [
        ("ING_DUPLICATE_ROW", "error", "OPD_VISITS", value_cell(0)),
        ("ING_DUPLICATE_ROW", "error", "OPD_VISITS", value_cell(2)),
    ]
    assert f"{value_cell(0)}=100, {value_cell(2)}=120" in checked.findings[0].message_vi
    assert (checked.values_read, checked.values_rejected) == (3, 2)


def test_identical_duplicates_are_kept_once():
    checked = report(values=[("OPD_VISITS", 100), ("OPD_VISITS", "100")])
    assert checked.findings == ()
    assert [(v.indicator_code, v.cell_ref) for v in checked.values] == [("OPD_VISITS", value_cell(0))]


def statistics_report(rows, period="Năm 2025"):
    identity = [["Mã đơn vị:", "QN-CTK"], ["Kỳ báo cáo:", period], ["Mã chỉ số", "Mã địa bàn", "Giá trị"]]
    return check(identity + rows)


def test_area_rows_are_booked_on_the_area():
    checked = statistics_report([["POP_TOTAL", "QN", "1.384.000"], ["POP_TOTAL", "QN-X-HAILANG", "12.000"]])
    assert checked.findings == ()
    assert [(v.org_unit_code, v.value) for v in checked.values] == [("QN", 1384000.0), ("QN-X-HAILANG", 12000.0)]


def test_unknown_area_names_the_area_cell():
    checked = statistics_report([["POP_TOTAL", "QN", 1], ["POP_TOTAL", "QN-ZZ", 2], ["POP_TOTAL", "QN-BVDKT", 3]])
    assert summary(checked) == [
        ("ING_UNKNOWN_AREA", "error", "POP_TOTAL", "B5"),
        ("ING_UNKNOWN_AREA", "error", "POP_TOTAL", "B6"),
    ]
    assert checked.findings[0].value_text == "QN-ZZ"
    assert [v.org_unit_code for v in checked.values] == ["QN"]


def test_area_existing_for_part_of_the_period_is_fine():
    checked = statistics_report([["POP_TOTAL", "QN-HL", 5]], period="Năm 2025")  # district ends 2025-06-30
    assert checked.findings == () and len(checked.values) == 1


def test_area_not_existing_on_any_day_of_the_period_is_rejected():
    checked = statistics_report([["POP_TOTAL", "QN", 7], ["POP_TOTAL", "QN-HL", 5]], period="Năm 2023")
    assert summary(checked) == [("ING_AREA_INACTIVE", "error", "POP_TOTAL", "B5")]
    assert [v.org_unit_code for v in checked.values] == ["QN"]


def test_another_provinces_area_is_refused_at_the_area_cell():
    """A national instance: QN's statistics office cannot report Hải Phòng's areas."""
    hai_phong = [OrgUnit("HP", "Thành phố Hải Phòng", "province", None, date(2020, 1, 1), None, None),
                 OrgUnit("HP-X-A", "Phường A", "commune", None, date(2020, 1, 1), None, None)]
    links = tuple(ParentLink(child, parent, date(2020, 1, 1), None) for child, parent in
                  [("QN-X-HAILANG", "QN"), ("QN-CTK", "QN"), ("HP-X-A", "HP")])
    national = dataclasses.replace(REGISTRY, org_units={**REGISTRY.org_units, **{u.code: u for u in hai_phong}},
                                   parent_links=links)
    rows = [["Mã đơn vị:", "QN-CTK"], ["Kỳ báo cáo:", "Năm 2025"], ["Mã chỉ số", "Mã địa bàn", "Giá trị"],
            ["POP_TOTAL", "QN", 7], ["POP_TOTAL", "HP", 8], ["POP_TOTAL", "HP-X-A", 9]]
    checked = check_submission(parse_submission((sheet(rows),), FILE), national, TODAY, FILE)
    assert summary(checked) == [("ING_AREA_OTHER_PROVINCE", "error", "POP_TOTAL", "B5"),
                                ("ING_AREA_OTHER_PROVINCE", "error", "POP_TOTAL", "B6")]
    first = checked.findings[0]
    assert (first.sheet_name, first.value_text) == (SHEET, "HP")
    assert "thuộc tỉnh Thành phố Hải Phòng (HP), không thuộc tỉnh" in first.message_vi
    assert "belongs to the province HP, not to the province QN of unit 'QN-CTK'" in first.message_en
    assert [v.org_unit_code for v in checked.values] == ["QN"]


def test_reference_indicator_needs_an_area_and_unit_figures_refuse_one():
    checked = statistics_report([["POP_TOTAL", None, 5]])
    assert summary(checked)[0] == ("ING_MISSING_AREA", "error", "POP_TOTAL", "C4")
    rows = report_rows(values=[("OPD_VISITS", 1)])
    rows[7] = ["STT", "Mã chỉ số", "Mã địa bàn", "Đơn vị tính", "Giá trị"]
    rows[FIRST_VALUE_ROW - 1][2] = "QN"
    checked = check(rows)
    assert summary(checked) == [("ING_UNEXPECTED_AREA", "error", "OPD_VISITS", f"C{FIRST_VALUE_ROW}")]


def test_table_without_any_value_is_quarantined():
    checked = report(values=[("OPD_VISITS", None), ("BEDS", "-")])
    assert checked.rejection.reason_code == "ING_NO_VALUES"
    assert checked.rejection.sheet_name == SHEET


def test_quarantined_file_still_lists_value_problems():
    checked = report(unit_code="QN-KHONGCO", values=[("OPD_VISITS", 1), ("BEDS", "??")])
    assert [f.rule_code for f in checked.findings] == ["ING_UNKNOWN_UNIT", "ING_UNPARSEABLE_VALUE"]
    assert checked.values == () and (checked.values_read, checked.values_rejected) == (2, 1)
