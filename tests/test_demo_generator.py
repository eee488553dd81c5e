"""The demo province: the right files, reproducible to the byte, readable, and internally consistent.

Workbooks are read back here with python-calamine and a reader of this test's own (no generator
code), so a layout the contract does not allow, or a number that breaks a consistency rule, shows
up as it would in the pipeline.
"""

from __future__ import annotations

import os
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from orchestration.demo.generator import (
    DEFAULT_DEMO_SEED,
    arrival_time,
    file_name,
    generate_demo_province,
    short_name,
)
from orchestration.demo.layout import period_text, vietnamese_number
from orchestration.demo.schedule import PlannedReport, periods_between
from orchestration.demo.values import poisson, split_total
from orchestration.lib.clock import VIETNAM
from orchestration.lib.obligations import indicators_owed
from orchestration.lib.periods import parse_period, period_from_code
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.lib.working_days import WorkingCalendar


def fold(text: object) -> str:
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def number(cell: object) -> int:
    if isinstance(cell, float):
        assert cell.is_integer()
        return int(cell)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", cell), cell
    return int(cell.replace(".", ""))


@dataclass
class ReadBack:
    unit_code: str
    period_code: str
    period_text: str
    rows: list[list]
    header_row: int
    values: dict[tuple[str, str], int]  # (area or unit, indicator) -> value
    splits: dict[tuple[str, str], int]  # (indicator, folded split header) -> value
    tables: int  # header rows naming 'Mã chỉ số'


def identity(rows: list[list], label: str) -> str | None:
    for row in rows:
        for index, cell in enumerate(row):
            text = str(cell)
            head, _, after = text.partition(":")
            if cell == "" or fold(head).strip(" :") != label:
                continue
            return after.strip() or next(str(v).strip() for v in row[index + 1:] if v != "")
    return None


def read_back(path: Path) -> ReadBack:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header_row = next(i for i, row in enumerate(rows) if "ma chi so" in [fold(c) for c in row])
    header = [fold(c) for c in rows[header_row]]
    code_at = header.index("ma chi so")
    value_at = next(i for i, h in enumerate(header) if h in ("gia tri", "so lieu", "ket qua", "tong so", "tong", "cong"))
    area_at = header.index("ma dia ban") if "ma dia ban" in header else None
    # Split columns: right of the value, headed on the header row or on the "Trong đó" row under it.
    below = rows[header_row + 1]
    below = [fold(c) for c in below] if all(c == "" for c in below[:value_at + 1]) else [""] * len(header)
    split_at = {i: below[i] or h for i, h in enumerate(header) if i > value_at}
    split_at = {i: h for i, h in split_at.items() if h not in ("", "ghi chu", "trong do")}
    unit_code, typed = identity(rows[:header_row], "ma don vi"), identity(rows[:header_row], "ky bao cao")
    values, splits, tables = {}, {}, 1
    for row in rows[header_row + 1:]:
        if fold(row[code_at]) == "ma chi so":
            tables += 1
        elif row[code_at] != "":
            owner = row[area_at] if area_at is not None else unit_code
            values[(owner, row[code_at])] = number(row[value_at])
            splits |= {(row[code_at], h): number(row[i]) for i, h in split_at.items() if row[i] != ""}
    return ReadBack(unit_code, parse_period(typed).code, typed, rows, header_row, values, splits, tables)


@pytest.fixture(scope="module")
def registry():
    return load_registry(REPO_ROOT / "sources" / "reference")


@pytest.fixture(scope="module")
def demo(registry, tmp_path_factory) -> dict[Path, ReadBack]:
    paths = generate_demo_province(tmp_path_factory.mktemp("demo") / "inbox", registry)
    return {path: read_back(path) for path in paths}


CUMULATIVE = ("half_year", "nine_months")


@pytest.fixture(scope="module")
def values(demo) -> dict[tuple[str, str, str], int]:
    """(owner, indicator, period) -> value over the demo's owed reports (units' own 6- and 9-month
    reports are checked against these in their own test)."""
    return {(owner, code, book.period_code): value for book in demo.values() for (owner, code), value in book.values.items()
            if period_from_code(book.period_code).period_type not in CUMULATIVE}


def test_expected_files_per_unit(demo, registry):
    per_unit = Counter((book.unit_code, period_from_code(book.period_code).period_type) for book in demo.values())
    for code, unit in registry.org_units.items():
        if unit.unit_type in ("hospital", "health_centre", "cdc", "commune_station") and unit.valid_to is None \
                and unit.valid_from.year < 2024:
            assert per_unit[(code, "month")] == 24, code
    assert per_unit[("QN-TYT-HONGHAI", "month")] == per_unit[("QN-TYT-HONGHA", "month")] == 18
    assert per_unit[("QN-TYT-HONGGAI", "month")] == 6
    assert all(per_unit[(hospital, "quarter")] == 8 for hospital in ("QN-BVDKT", "QN-BVBC", "QN-BVSN"))
    assert per_unit[("QN-CTK", "year")] == per_unit[("QN-BHXH", "year")] == 2
    assert per_unit[("QN-BVDKT", "half_year")] == per_unit[("QN-BVSN", "nine_months")] == 2
    assert sum(per_unit.values()) == 24 * 15 + 2 * 18 + 6 + 24 * (3 + 5 + 1) + 8 * 3 + 2 * 2 + 2 * 2
    assert not any(code in ("QN-SYT", "QN", "QN-HL") for code, _ in per_unit)


def test_every_file_is_for_a_unit_active_the_whole_period(demo, registry):
    names = set()
    for path, book in demo.items():
        period = period_from_code(book.period_code)
        assert registry.org_units[book.unit_code].is_active_between(period.start, period.end), path.name
        names.add(path.name)
    assert len(names) == len(demo)
    months = {book.period_code for book in demo.values() if book.unit_code == "QN-TYT-HONGHAI"}
    assert max(months) == "202506" and min(months) == "202401"
    assert min(book.period_code for book in demo.values() if book.unit_code == "QN-TYT-HONGGAI") == "202507"


def test_each_report_carries_exactly_the_obliged_indicators(demo, registry):
    for book in demo.values():
        unit, period = registry.org_units[book.unit_code], period_from_code(book.period_code)
        if period.period_type in CUMULATIVE:  # a unit's own cumulative report carries what its months do
            period = period_from_code(f"{period.year}{period.end.month:02d}")
        assert {code for _, code in book.values} == set(indicators_owed(registry, unit, period)), book.unit_code
    # Per-unit obligations: Bãi Cháy has no maternity ward and owes no births.
    assert not any(code == "LIVE_BIRTHS" for book in demo.values() if book.unit_code == "QN-BVBC" for _, code in book.values)


def test_units_own_cumulative_reports_match_their_months_or_carry_a_correction(demo, values, registry):
    """QN-BVDKT's 6-month reports add up to its months (flows summed, stocks at June); QN-BVSN's
    9-month reports carry 240 more outpatient visits than its months, everything else agreeing."""
    cumulative = [book for book in demo.values() if period_from_code(book.period_code).period_type in CUMULATIVE]
    assert sorted((book.unit_code, book.period_code) for book in cumulative) == [
        ("QN-BVDKT", "2024S1"), ("QN-BVDKT", "2025S1"), ("QN-BVSN", "2024N9"), ("QN-BVSN", "2025N9")]
    for book in cumulative:
        period = period_from_code(book.period_code)
        months = [f"{period.year}{month:02d}" for month in range(period.start.month, period.end.month + 1)]
        for (owner, code), figure in book.values.items():
            if registry.indicators[code].aggregation == "flow":
                expected = sum(values[(owner, code, month)] for month in months)
            else:
                expected = values[(owner, code, months[-1])]
            correction = 240 if (owner, code) == ("QN-BVSN", "OPD_VISITS") else 0
            assert figure == expected + correction, (book.period_code, owner, code)


def test_area_sources_report_every_area_active_during_the_year(demo, registry):
    population = next(book for book in demo.values() if book.unit_code == "QN-CTK" and book.period_code == "2025")
    areas = {owner for owner, _ in population.values}
    assert areas == set(registry.areas_active_during(date(2025, 1, 1), date(2025, 12, 31)))
    assert {"QN-HL", "QN-X-HONGHAI", "QN-X-HONGGAI"} <= areas
    population_2024 = next(book for book in demo.values() if book.unit_code == "QN-CTK" and book.period_code == "2024")
    assert "QN-X-HONGGAI" not in {owner for owner, _ in population_2024.values}
    insured = next(book for book in demo.values() if book.unit_code == "QN-BHXH" and book.period_code == "2025")
    assert {owner for owner, _ in insured.values} == areas


def test_some_units_split_their_totals_consistently_and_add_a_second_table(demo):
    """Nam + Nữ is the total, each age group at most the total; splits and second tables appear in
    some units' reports only, as on real forms."""
    sexes = ({"nam", "nu"}, {"nam", "trong do: nu"})
    split_books = [book for book in demo.values() if book.splits]
    for book in split_books:
        for (owner, code), total in book.values.items():
            given = {header: value for (split_code, header), value in book.splits.items() if split_code == code}
            sex = next((pair for pair in sexes if pair <= set(given)), None)
            if sex is not None:
                assert sum(given[header] for header in sex) == total, (book.unit_code, code)
            assert all(0 <= value <= total for value in given.values()), (book.unit_code, code)
    assert 0.2 * len(demo) < len(split_books) < 0.8 * len(demo)
    assert 0 < sum(book.tables == 2 for book in demo.values()) < 0.5 * len(demo)


def test_values_stay_inside_the_catalogue_ranges(values, registry):
    for (owner, code, period), value in values.items():
        indicator = registry.indicators[code]
        assert indicator.min_value <= value <= indicator.max_value, (owner, code, period, value)


def test_immunisation_relations_hold(values, demo, registry):
    for (owner, code, period), dtp1 in values.items():
        if code == "DTP1":
            assert 1 <= dtp1 and values[(owner, "DTP3", period)] <= dtp1
            assert values[(owner, "IMM_FULL_U1", period)] <= values[(owner, "DTP3", period)]
    for unit in registry.org_units.values():
        if unit.unit_type != "commune_station":
            continue
        for year in ("2024", "2025"):
            months = [values.get((unit.code, "IMM_FULL_U1", f"{year}{m:02d}")) for m in range(1, 13)]
            if None not in months:
                ratio = sum(months) / values[(unit.catchment_area_code, "POP_U1", year)]
                assert 0.90 <= ratio <= 0.98, (unit.code, year, ratio)


def test_population_and_insurance_are_consistent(values, registry):
    def people(code: str, year: str) -> int:
        return values[(code, "POP_TOTAL", year)]

    for year in ("2024", "2025"):
        districts = [u.code for u in registry.org_units.values() if u.unit_type == "district"]
        assert sum(people(d, year) for d in districts) < people("QN", year)
        for district in districts:
            communes = [link.org_unit_code for link in registry.parent_links if link.parent_code == district
                        and registry.org_units[link.org_unit_code].unit_type == "commune"]
            assert communes and sum(people(c, year) for c in communes) < people(district, year)
        for (owner, code, period), insured in values.items():
            if code == "BHYT_INSURED" and period == year:
                assert 0.92 <= insured / people(owner, year) <= 0.95
                assert 0.012 <= values[(owner, "POP_U1", year)] / people(owner, year) <= 0.016


def test_facility_relations_hold(values):
    deaths = []
    for (owner, code, period), visits in values.items():
        if code == "SATISFACTION_SURVEYED":
            assert 0.85 <= values[(owner, "SATISFACTION_SATISFIED", period)] / visits <= 0.95
        if code == "OPD_VISITS" and (owner, "EPRESCRIPTIONS", period) in values:
            assert values[(owner, "EPRESCRIPTIONS", period)] <= visits
            assert values[(owner, "REFERRALS_CENTRAL", period)] < 0.02 * visits
            assert values[(owner, "IPD_ADMISSIONS", period)] < 0.2 * visits
        if code == "MATERNAL_DEATHS":
            assert visits <= values[(owner, "LIVE_BIRTHS", period)]
            deaths.append(visits)
    assert sum(deaths) <= 3 and deaths.count(0) > 0.95 * len(deaths)
    assert not {v for (o, c, _), v in values.items() if o == "QN-BVBC" and c == "LIVE_BIRTHS"}


def test_stocks_move_slowly_and_ehr_stays_below_population(values, registry):
    series = defaultdict(list)
    for (owner, code, _), value in sorted(values.items(), key=lambda item: item[0][2]):
        if code in ("BEDS", "DOCTORS", "EHR_PEOPLE"):
            series[(owner, code)].append(value)
    for (owner, code), stock in series.items():
        for before, after in zip(stock, stock[1:], strict=False):
            assert abs(after - before) <= max(1, 0.05 * before), (owner, code, before, after)
    for (owner, code, period), people_with_records in values.items():
        if code == "EHR_PEOPLE" and (area := registry.org_units[owner].catchment_area_code, "POP_TOTAL", period[:4]) in values:
            assert people_with_records < values[(area, "POP_TOTAL", period[:4])]


def test_seasonality(values):
    def total(code, months):
        return sum(v for (o, c, p), v in values.items() if c == code and p.isdigit() and len(p) == 6 and int(p[4:]) in months)

    assert total("DENGUE_CASES", range(6, 11)) > 3 * total("DENGUE_CASES", range(1, 6))
    assert total("OPD_VISITS", (12, 1, 3)) > total("OPD_VISITS", (6, 7, 8))
    tet_month = sum(v for (o, c, p), v in values.items() if c == "OPD_VISITS" and p == "202402")
    assert tet_month < sum(v for (o, c, p), v in values.items() if c == "OPD_VISITS" and p == "202403")


def test_files_arrive_one_to_four_working_days_after_the_period(demo, registry):
    calendar = WorkingCalendar(registry.holidays)
    for path, book in demo.items():
        arrived = datetime.fromtimestamp(os.stat(path).st_mtime, VIETNAM)
        end = period_from_code(book.period_code).end
        assert calendar.add_working_days(end, 1) <= arrived.date() <= calendar.add_working_days(end, 4), path.name
        assert calendar.is_working_day(arrived.date()) and 7 <= arrived.hour < 17
        assert arrived < datetime.now(VIETNAM)


def test_calamine_finds_identity_and_table_in_every_file(demo):
    for path, book in demo.items():
        labels = {fold(str(cell).partition(":")[0]).strip(" :") for row in book.rows[:book.header_row] for cell in row}
        assert {"ma don vi", "ky bao cao"} <= labels, path.name
        header = {fold(cell) for cell in book.rows[book.header_row]}
        assert "ma chi so" in header and header & {"gia tri", "so lieu", "ket qua", "tong so", "tong", "cong"}
        assert book.unit_code in path.name or path.name.startswith("BaoCao_")


def test_formatting_varies_like_real_units(demo):
    identity_cells = [str(c) for book in demo.values() for row in book.rows[:book.header_row] for c in row
                      if fold(str(c).partition(":")[0]).strip(" :") == "ma don vi"]
    assert any(": QN-" in c for c in identity_cells) and any(c.rstrip(": ") == c.partition(":")[0].rstrip() for c in identity_cells)
    assert {"MÃ ĐƠN VỊ", "Ma don vi"} <= {c.partition(":")[0].strip() for c in identity_cells}
    typed = {book.period_text for book in demo.values()}
    assert {"Tháng 3/2025", "Tháng 03 năm 2025", "202503"} & typed and any(t.startswith("Quý I/") for t in typed)
    assert any(t.startswith("Quý 1 năm") for t in typed) and any(t.startswith("Năm ") for t in typed)
    headers = Counter(fold(c) for book in demo.values() for c in book.rows[book.header_row])
    assert all(headers[h] for h in ("gia tri", "so lieu", "ket qua", "stt", "ten chi so", "don vi tinh", "ghi chu"))
    text_values = [row for book in demo.values() for row in book.rows[book.header_row + 1:]
                   if any(isinstance(c, str) and re.fullmatch(r"\d{1,3}(\.\d{3})+", c) for c in row)]
    assert text_values
    sections = [row for book in demo.values() for row in book.rows[book.header_row + 1:] if "KHÁM CHỮA BỆNH" in row]
    assert sections
    def blank_row_inside_table(book: ReadBack) -> bool:
        code_at = [fold(c) for c in book.rows[book.header_row]].index("ma chi so")
        last = max(i for i, row in enumerate(book.rows) if i > book.header_row and row[code_at] != "")
        return any(all(c == "" for c in row) for row in book.rows[book.header_row + 1:last])

    assert any(blank_row_inside_table(book) for book in demo.values())
    assert not all(blank_row_inside_table(book) for book in demo.values())
    assert all(any("THỦ TRƯỞNG ĐƠN VỊ" in str(c) for row in book.rows for c in row) for book in demo.values())
    names = [path.name for path in demo]
    assert any(re.fullmatch(r"QN-TYT-HONGHAI_2025\d\d\.xlsx", n) for n in names)
    assert any(re.fullmatch(r"BaoCao_[A-Za-z]+_[A-Za-z]+_T\d\d-\d{4}\.xlsx", n) for n in names)
    merged = [path for path in list(demo)[:40] if load_workbook(path).active.merged_cells.ranges]
    assert merged


def test_same_seed_same_bytes_and_values_do_not_depend_on_the_range(demo, registry, tmp_path):
    first = generate_demo_province(tmp_path / "a", registry, "202505", "202507")
    second = generate_demo_province(tmp_path / "b", registry, "202505", "202507")
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() and a.stat().st_mtime == b.stat().st_mtime for a, b in zip(first, second, strict=True))
    full = {path.name: path for path in demo}
    assert all(path.read_bytes() == full[path.name].read_bytes() for path in first)
    assert {read_back(p).period_code for p in first} == {"202505", "202506", "202507"}


def test_other_seed_other_numbers(registry, tmp_path):
    base = generate_demo_province(tmp_path / "a", registry, "202503", "202503", DEFAULT_DEMO_SEED)
    other = generate_demo_province(tmp_path / "b", registry, "202503", "202503", DEFAULT_DEMO_SEED + 1)
    by_unit = lambda paths: {(b := read_back(p)).unit_code: b.values for p in paths}  # noqa: E731
    assert by_unit(base).keys() == by_unit(other).keys() and by_unit(base) != by_unit(other)


def test_refuses_a_period_that_has_not_ended(registry, tmp_path):
    this_month = date.today().strftime("%Y%m")
    with pytest.raises(ValueError, match="chưa kết thúc"):
        generate_demo_province(tmp_path, registry, this_month, this_month)


@pytest.mark.parametrize("code", ["202503", "202512", "2025Q1", "2025Q4", "2024"])
def test_every_typed_period_form_parses_back(code):
    period = period_from_code(code)
    assert {parse_period(period_text(period, form)).code for form in range(3)} == {code}


def test_small_pure_helpers():
    assert vietnamese_number(1384) == "1.384" and vietnamese_number(1384000) == "1.384.000" and vietnamese_number(95) == "95"
    assert split_total(100, [1.0, 2.0, 1.0]) == [25, 50, 25] and sum(split_total(37, [0.9, 1.1, 1.3, 0.7])) == 37
    assert [poisson(random.Random(7), 0.0) for _ in range(3)] == [0, 0, 0]
    draws = [poisson(random.Random(f"p{i}"), 4.0) for i in range(2000)]
    assert 3.8 < sum(draws) / len(draws) < 4.2
    assert [p.code for p in periods_between("202411", "202503")][-2:] == ["202503", "2025Q1"]
    assert "2024" not in [p.code for p in periods_between("202402", "202412")]


def test_file_names(registry):
    unit = registry.org_units["QN-TTYT-HL"]
    report = PlannedReport(unit, period_from_code("202503"), ("OPD_VISITS",))
    assert short_name(unit) == "HaLong"
    assert file_name(report, descriptive=True) == "BaoCao_TTYT_HaLong_T03-2025.xlsx"
    assert file_name(report, descriptive=False) == "QN-TTYT-HL_202503.xlsx"
    assert short_name(registry.org_units["QN-TYT-DAIBINH"]) == "DaiBinh"


def test_arrival_skips_tet(registry):
    calendar = WorkingCalendar(registry.holidays)
    arrivals = {arrival_time(calendar, date(2025, 1, 24), random.Random(i)).date() for i in range(200)}
    # Tết 2025: 25/1-2/2 off, so the first working day after Friday 24/1 is Monday 3/2.
    assert min(arrivals) == date(2025, 2, 3) and max(arrivals) == date(2025, 2, 6)


def test_command_line(tmp_path, capsys):
    from orchestration.demo.__main__ import main

    assert main(["--inbox", str(tmp_path / "inbox"), "--first-month", "202503", "--last-month", "202503"]) == 0
    assert "files written" in capsys.readouterr().out
    assert len(list((tmp_path / "inbox").glob("*.xlsx"))) == 3 + 5 + 1 + 15 + 2
    assert main(["--inbox", str(tmp_path / "other"), "--first-month", "2025-03"]) == 2
    assert "YYYYMM" in capsys.readouterr().err
