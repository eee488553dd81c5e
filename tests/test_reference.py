"""The shipped reference files load, and every kind of broken file is refused with its file and line.

Each broken case copies the real files and changes exactly one line, the way a data manager's
slip in a spreadsheet would.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.build_schema import REFERENCE_TABLES
from orchestration.lib.reference import ReferenceDataError, load_registry, write_reference_tables
from orchestration.lib.settings import REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "sources" / "reference"


@pytest.fixture(scope="module")
def registry():
    return load_registry(REFERENCE_DIR)


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, copy)
    return copy


def replace_line(directory: Path, file_name: str, starts_with: str, new_line: str) -> int:
    """Replace the one line starting with `starts_with`; returns its 1-based number."""
    path = directory / file_name
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [index for index, line in enumerate(lines) if line.startswith(starts_with)]
    assert len(matches) == 1, f"{starts_with!r} must pick exactly one line of {file_name}"
    lines[matches[0]] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return matches[0] + 1


def data_lines(file_name: str) -> int:
    return sum(1 for line in (REFERENCE_DIR / file_name).read_text(encoding="utf-8").splitlines()[1:] if line.strip())


def test_contract_units_and_their_validity(registry):
    units = registry.org_units
    for code in ("QN", "QN-SYT", "QN-CDC", "QN-BVDKT", "QN-BVBC", "QN-BVSN", "QN-CTK", "QN-BHXH", "QN-X-HAILANG",
                 "QN-TYT-HAILANG", *(f"QN-TTYT-{d}" for d in ("HL", "DT", "QY", "DH", "TY"))):
        assert code in units
    for district in ("QN-HL", "QN-DT", "QN-QY", "QN-DH", "QN-TY"):
        assert (units[district].unit_type, units[district].valid_to) == ("district", date(2025, 6, 30))
    for ended in ("QN-X-HONGHAI", "QN-X-HONGHA", "QN-TYT-HONGHAI", "QN-TYT-HONGHA"):
        assert units[ended].valid_to == date(2025, 6, 30)
    for merged in ("QN-X-HONGGAI", "QN-TYT-HONGGAI"):
        assert (units[merged].valid_from, units[merged].valid_to) == (date(2025, 7, 1), None)
    facilities = [u for u in units.values() if u.unit_type not in ("province", "district", "commune")]
    assert all(u.email and u.email.endswith("@demo.quangninh.vn") for u in facilities)
    assert all(u.email is None for u in units.values() if u not in facilities)
    stations = [u for u in units.values() if u.unit_type == "commune_station"]
    assert all(u.code.replace("QN-TYT-", "QN-X-") == u.catchment_area_code for u in stations)


def test_every_district_has_a_commune_besides_the_named_ones(registry):
    def parent_on(code: str, day: date) -> str:
        return next(link.parent_code for link in registry.parent_links
                    if link.org_unit_code == code and link.valid_from <= day and (link.valid_to is None or day <= link.valid_to))

    named = {"QN-X-HONGHAI", "QN-X-HONGHA", "QN-X-HONGGAI", "QN-X-HAILANG"}
    communes = [u.code for u in registry.org_units.values() if u.unit_type == "commune" and u.code not in named]
    districts = {parent_on(code, date(2025, 1, 1)) for code in communes}
    assert districts == {"QN-HL", "QN-DT", "QN-QY", "QN-DH", "QN-TY"}
    assert {parent_on(code, date(2025, 7, 1)) for code in communes} == {"QN"}


def test_reorganisation_is_expressed_as_links_and_lineage(registry):
    links = {(link.org_unit_code, link.valid_from): (link.parent_code, link.valid_to) for link in registry.parent_links}
    assert links[("QN-TTYT-HL", date(2020, 1, 1))] == ("QN-HL", date(2025, 6, 30))
    assert links[("QN-TTYT-HL", date(2025, 7, 1))] == ("QN", None)
    assert links[("QN-TYT-HONGGAI", date(2025, 7, 1))] == ("QN-X-HONGGAI", None)
    events = {(e.predecessor_code, e.successor_code, e.change_kind) for e in registry.lineage}
    assert {("QN-X-HONGHAI", "QN-X-HONGGAI", "merge"), ("QN-X-HONGHA", "QN-X-HONGGAI", "merge"),
            ("QN-TYT-HONGHAI", "QN-TYT-HONGGAI", "merge"), ("QN-TYT-HONGHA", "QN-TYT-HONGGAI", "merge"),
            ("QN-TTYT-DT", "QN-TTYT-DT", "re-parent"), ("QN-X-HAILANG", "QN-X-HAILANG", "re-parent")} <= events
    assert {e.effective_date for e in registry.lineage} == {date(2025, 7, 1)}


def test_indicator_catalogue_matches_the_contract(registry):
    indicators = registry.indicators
    assert indicators["DTP_DROPOUT_PCT"].numerator_code == "DTP1"
    assert indicators["DTP_DROPOUT_PCT"].numerator_subtract_code == "DTP3"
    assert indicators["IMM_FULL_U1_PCT"].numerator_window == "year_to_date"
    assert indicators["MMR_PER_100K"].factor == 100_000
    assert {code for code, i in indicators.items() if i.aggregation == "stock"} == {"BEDS", "DOCTORS", "EHR_PEOPLE"}
    assert {code for code, i in indicators.items() if i.kind == "reference"} == {"POP_TOTAL", "POP_U1", "BHYT_INSURED"}
    assert len([i for i in indicators.values() if i.kind == "derived"]) == 9
    assert all(i.min_value is not None and i.max_value is not None and i.min_value < i.max_value for i in indicators.values())
    assert registry.frequencies_of("hospital") == {"monthly", "quarterly"}
    assert {o.indicator_code for o in registry.obligations_of("cdc")} == {"MEASLES_CASES", "DENGUE_CASES"}


def test_holidays_hold_tet_and_the_swapped_days(registry):
    kinds = {h.day: h.kind for h in registry.holidays}
    assert all(kinds.get(date(2024, 2, day)) == "holiday" for day in range(8, 15))
    tet_2025 = [date(2025, 1, day) for day in range(25, 32)] + [date(2025, 2, 1), date(2025, 2, 2)]
    assert all(day in kinds for day in tet_2025)
    assert kinds[date(2025, 2, 8)] == kinds[date(2025, 4, 26)] == kinds[date(2024, 5, 4)] == "compensatory_working_day"
    assert kinds[date(2025, 5, 2)] == "compensatory_day_off"
    assert kinds[date(2024, 4, 18)] == kinds[date(2025, 4, 7)] == "holiday"  # Giỗ Tổ Hùng Vương
    for year in (2024, 2025, 2026):
        assert {date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)} <= set(kinds)
        assert sum(1 for day in kinds if day.year == year and day.month in (8, 9) and kinds[day] == "holiday") == 2


BROKEN_LINES = [
    ("org_units.csv", "QN-BVBC,", "QN-BVBC,Bệnh viện Bãi Cháy,hospitl,QN,2020-01-01,,bvbc@demo.quangninh.vn", "hospitl"),
    ("org_units.csv", "QN-BVSN,", "QN-BVSN,Bệnh viện Sản Nhi,hospital,QN,2020-13-01,,", "2020-13-01"),
    ("org_units.csv", "QN-X-HONGHA,", "QN-X-HONGHA,Phường Hồng Hà,commune,,2020-01-01,2019-12-31,", "after valid_to"),
    ("org_units.csv", "QN-TYT-HAILANG,", "QN-TYT-HONGHA,Trạm Y tế,commune_station,QN-X-HONGHA,2020-01-01,,", "duplicate code"),
    ("org_units.csv", "QN-TYT-TIENAN,", "QN-TYT-TIENAN,Trạm Y tế xã Tiền An,commune_station,QN-X-NOWHERE,2020-01-01,,", "catchment_area_code"),
    ("org_units.csv", "QN-CDC,", "QN-CDC,Trung tâm Kiểm soát bệnh tật,cdc,,2020-01-01,", "fields"),
    ("org_units.csv", "QN-SYT,", "QN-SYT,,health_department,QN,2020-01-01,,", "'name_vi' is empty"),
    ("parent_links.csv", "QN-BVBC,", "QN-BVBC,QN-XX,2020-01-01,", "QN-XX"),
    ("parent_links.csv", "QN-TTYT-HL,QN,", "QN-TTYT-HL,QN,2025-06-01,", "overlaps"),
    ("parent_links.csv", "QN-TYT-HONGHAI,", "QN-TYT-HONGHAI,QN-X-HONGHAI,2020-01-01,2025-12-31", "outside the validity"),
    ("parent_links.csv", "QN-X-BAICHAY,QN,", "QN-X-BAICHAY,QN,2025-08-01,", "no parent between"),
    ("parent_links.csv", "QN-BVSN,", "QN-BVSN,QN-BVDKT,2020-01-01,", "parents are areas"),
    ("parent_links.csv", "QN-DH,", "QN-DH,QN-X-DAMHA,2020-01-01,2025-06-30", "higher-level parent"),
    ("org_unit_lineage.csv", "QN-TYT-HONGHA,", "QN-TYT-HONGHA,QN-TYT-HONGGAY,2025-07-01,merge", "QN-TYT-HONGGAY"),
    ("org_unit_lineage.csv", "QN-X-HONGHA,", "QN-X-HONGHA,QN-X-HONGGAI,2025-07-01,merger", "merger"),
    ("org_unit_lineage.csv", "QN-X-HONGHAI,", "QN-X-HONGHAI,QN-X-HONGGAI,2025-08-01,merge", "must be valid on 2025-07-31"),
    ("org_unit_lineage.csv", "QN-TTYT-HL,", "QN-TTYT-HL,QN-TTYT-HL,2025-08-01,re-parent", "re-parent"),
    ("org_unit_lineage.csv", "QN-TTYT-QY,", "QN-TTYT-QY,QN-TYT-PHONGCOC,2025-07-01,merge", "same type"),
    ("indicators.csv", "BEDS_PER_10K,", "BEDS_PER_10K,Giường,Beds,derived,Giường,,BEDS,,POP,10000,period,0,200", "denominator_code 'POP'"),
    ("indicators.csv", "DTP1,", "DTP1,DPT1,DTP1,reported,Trẻ,flow,,,,,,500,100", "above max_value"),
    ("indicators.csv", "DTP3,", "DTP3,DPT3,DTP3,reported,Trẻ,,,,,,,0,100", "aggregation"),
    ("indicators.csv", "MMR_PER_100K,", "MMR_PER_100K,MMR,MMR,derived,/100.000,,MATERNAL_DEATHS,,LIVE_BIRTHS,100.000,period,0,2000", "'100.000' is ambiguous"),
    ("indicators.csv", "BEDS_PER_10K,", "BEDS_PER_10K,Giường,Beds,derived,Giường,,BEDS,,POP_TOTAL,1e4,period,0,200", "'1e4' is not a number"),
    ("indicators.csv", "SATISFACTION_PCT,", "SATISFACTION_PCT,Hài lòng,Satisfaction,derived,%,,SATISFACTION_SATISFIED,,SATISFACTION_SURVEYED,100,,0,100", "numerator_window"),
    ("indicators.csv", "BEDS,", "BEDS,Giường,Beds,reported,Giường,stock,,,POP_TOTAL,,,0,50000", "only derived indicators"),
    ("obligations.csv", "cdc,DENGUE_CASES", "cdc,DENGUE,monthly", "'DENGUE'"),
    ("obligations.csv", "cdc,MEASLES_CASES", "cdc,MMR_PER_100K,monthly", "'MMR_PER_100K'"),
    ("obligations.csv", "social_insurance,", "social_insurance,BHYT_INSURED,weekly", "weekly"),
    ("obligations.csv", "statistics_office,POP_U1", "statistics_office,POP_TOTAL,yearly", "duplicate"),
    ("unit_obligations.csv", "QN-BVSN,LIVE_BIRTHS", "QN-BVXX,LIVE_BIRTHS,monthly,owes,2020-01-01,,", "'QN-BVXX' is not a reporting unit"),
    ("unit_obligations.csv", "QN-BVSN,LIVE_BIRTHS", "QN-BVSN,LIVE_BIRTHS,monthly,exempt,2020-01-01,,", "nothing to exempt"),
    ("unit_obligations.csv", "QN-BVSN,LIVE_BIRTHS", "QN-BVSN,LIVE_BIRTHS,monthly,owe,2020-01-01,,", "'owe' is not one of"),
    ("unit_obligations.csv", "QN-BVSN,LIVE_BIRTHS", "QN-BVSN,MMR_PER_100K,monthly,owes,2020-01-01,,", "'MMR_PER_100K'"),
    ("unit_obligations.csv", "QN-BVSN,LIVE_BIRTHS", "QN-BVDKT,LIVE_BIRTHS,monthly,owes,2024-01-01,,", "overlaps line"),
    ("reporting_deadlines.csv", "TT23-2025", "TT23-2025,2025-07-01,,*,five", "'five'"),
    ("reporting_deadlines.csv", "TT23-2025", "TT23-2025,2025-06-01,,*,5", "overlaps line"),
    ("reporting_deadlines.csv", "TT37-2019,2020-01-01,2025-06-30,commune", "TT37-2019,2020-01-01,2025-06-30,commune_station,-1", "negative"),
    ("public_holidays.csv", "2025-01-01", "2025-01-01,Tết Dương lịch,holday", "holday"),
    ("public_holidays.csv", "2025-02-08", "2025-02-10,Làm bù,compensatory_working_day", "Saturday or Sunday"),
    ("public_holidays.csv", "2025-05-02", "2025-05-03,Nghỉ bù,compensatory_day_off", "must be a weekday"),
    ("public_holidays.csv", "2026-01-01", "2025-09-02,Quốc khánh,holiday", "duplicate day"),
    ("disaggregation_options.csv", "SEX,exhaustive,SEX_FEMALE", "SEX,partial,SEX_FEMALE,Nữ,Female,Nữ",
     "'exhaustive' on line 2"),
    ("disaggregation_options.csv", "AGE,partial,AGE_60_PLUS",
     "AGE,partial,AGE_60_PLUS,Cao tuổi,Elderly,Trong đó: nữ", "already names option 'SEX_FEMALE'"),
    ("disaggregation_options.csv", "AGE,partial,AGE_UNDER_15", "AGE,some,AGE_UNDER_15,Trẻ,Children,Trẻ em", "'some'"),
    ("indicator_disaggregations.csv", "DENGUE_CASES,", "DENGUE_CASE,AGE", "'DENGUE_CASE' is not a reported"),
    ("indicator_disaggregations.csv", "MEASLES_CASES,", "MEASLES_CASES,AGES", "dimension 'AGES'"),
    ("indicator_disaggregations.csv", "LIVE_BIRTHS,", "BEDS_PER_10K,SEX", "not a reported indicator"),
    ("data_officers.csv", "QN,", "QN-SYT,Nguyễn Thị Lan,0203 3835 123,thongke.syt@demo.quangninh.vn", "not a province"),
    ("data_officers.csv", "QN,", "QN,Nguyễn Thị Lan,0203 3835 123,a@x.vn; b@x.vn", "not one e-mail address"),
    ("data_officers.csv", "QN,", "QN,Nguyễn Thị Lan,gọi chị Lan,thongke.syt@demo.quangninh.vn", "not a phone number"),
]


@pytest.mark.parametrize(("file_name", "starts_with", "new_line", "problem"), BROKEN_LINES,
                         ids=[f"{case[0]}:{case[3]}" for case in BROKEN_LINES])
def test_broken_line_is_named_with_file_and_line(reference_copy, file_name, starts_with, new_line, problem):
    line = replace_line(reference_copy, file_name, starts_with, new_line)
    with pytest.raises(ReferenceDataError) as raised:
        load_registry(reference_copy)
    message = str(raised.value)
    assert f"{file_name}, line {line}: " in message
    assert f"{file_name}, dòng {line}: " in message
    assert problem in message
    assert any(p.file_name == file_name and p.line == line for p in raised.value.problems)


def test_header_problem_is_line_one(reference_copy):
    replace_line(reference_copy, "parent_links.csv", "org_unit_code,", "org_unit_code,parent,valid_from,valid_to")
    with pytest.raises(ReferenceDataError, match=r"parent_links\.csv, line 1: header must hold .*missing: \['parent_code'\]"):
        load_registry(reference_copy)


def test_unit_without_any_parent_link_is_named_in_org_units(reference_copy):
    replace_line(reference_copy, "parent_links.csv", "QN-CTK,", "")
    lines = (reference_copy / "org_units.csv").read_text(encoding="utf-8").splitlines()
    unit_line = next(number for number, line in enumerate(lines, 1) if line.startswith("QN-CTK,"))
    with pytest.raises(ReferenceDataError, match=rf"org_units\.csv, line {unit_line}: 'QN-CTK' has no row in parent_links\.csv"):
        load_registry(reference_copy)


def test_missing_file_is_named(reference_copy):
    (reference_copy / "obligations.csv").unlink()
    with pytest.raises(ReferenceDataError, match=r"obligations\.csv: file is missing .* / obligations\.csv: thiếu tệp"):
        load_registry(reference_copy)


def test_every_problem_is_reported_at_once(reference_copy):
    first = replace_line(reference_copy, "org_units.csv", "QN-BVBC,", "QN-BVBC,Bệnh viện Bãi Cháy,hospitl,QN,2020-01-01,,")
    second = replace_line(reference_copy, "public_holidays.csv", "2025-01-01", "2025-01-01,Tết Dương lịch,holday")
    with pytest.raises(ReferenceDataError) as raised:
        load_registry(reference_copy)
    assert {(p.file_name, p.line) for p in raised.value.problems} == {("org_units.csv", first), ("public_holidays.csv", second)}


def test_reference_tables_are_typed_and_complete():
    connection = duckdb.connect()
    counts = write_reference_tables(connection, REFERENCE_DIR)
    assert counts == {table: data_lines(file_name) for table, file_name in REFERENCE_TABLES.items()}
    for table, file_name in REFERENCE_TABLES.items():
        header = (REFERENCE_DIR / file_name).read_text(encoding="utf-8").splitlines()[0].split(",")
        columns = connection.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? order by ordinal_position",
            [table]).fetchall()
        assert [name for (name,) in columns] == header
        assert connection.execute(f"select count(*) from raw.{table}").fetchone()[0] == counts[table]
    types = dict(connection.execute(
        "select table_name || '.' || column_name, data_type from information_schema.columns where table_schema = 'raw'").fetchall())
    assert types["ref_org_units.valid_from"] == types["ref_public_holidays.day"] == "DATE"
    assert types["ref_indicators.factor"] == types["ref_indicators.max_value"] == "DOUBLE"
    assert types["ref_reporting_deadlines.working_days_after_period"] == "INTEGER"
    assert connection.execute("select valid_to, email from raw.ref_org_units where code = 'QN'").fetchone() == (None, None)
    assert connection.execute("select valid_to from raw.ref_org_units where code = 'QN-X-HONGHAI'").fetchone() == (date(2025, 6, 30),)


def test_text_is_stored_verbatim_never_run_as_sql(reference_copy):
    hostile = "Bệnh viện O'Brien'); drop table raw.ref_indicators; --"
    replace_line(reference_copy, "org_units.csv", "QN-BVBC,", f"QN-BVBC,\"{hostile}\",hospital,QN,2020-01-01,,")
    connection = duckdb.connect()
    write_reference_tables(connection, reference_copy)
    assert connection.execute("select name_vi from raw.ref_org_units where code = 'QN-BVBC'").fetchone() == (hostile,)
    assert connection.execute("select count(*) from raw.ref_indicators").fetchone()[0] == data_lines("indicators.csv")


def test_invalid_files_leave_the_loaded_tables_untouched(reference_copy):
    connection = duckdb.connect()
    write_reference_tables(connection, reference_copy)
    replace_line(reference_copy, "indicators.csv", "DTP1,", "DTP1,DPT1,DTP1,reported,Trẻ,flow,,,,,,500,100")
    (reference_copy / "public_holidays.csv").write_text("day,name_vi,kind\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError):
        write_reference_tables(connection, reference_copy)
    assert connection.execute("select count(*) from raw.ref_public_holidays").fetchone()[0] == data_lines("public_holidays.csv")
