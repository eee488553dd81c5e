"""DHIS2 export: the files have the dataValueSets structure and round-trip to the published values.

The structure is checked against the DHIS2 Web API documentation ("Sending bulks of data values",
"CSV data value format", "Date and period format"): a `dataValues` list whose entries name their
data element, period, org unit and combos by UID (11 characters, a letter first), values as strings,
ISO periods of the DHIS2 period types and ISO timestamps; the CSV has DHIS2's columns in its order.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.reference import ReferenceDataError
from orchestration.lib.settings import REPO_ROOT
from orchestration.publish.dhis2_export import (
    CSV_COLUMNS,
    UNMAPPED_FILE,
    dhis2_period,
    dhis2_value,
    write_dhis2_exports,
)
from orchestration.publish.dhis2_mapping import DHIS2_MAPPING_FILE, load_dhis2_mapping

DEMO_MAPPING = REPO_ROOT / "sources" / "reference" / DHIS2_MAPPING_FILE

# The structure, written from the DHIS2 documentation rather than from the module under test.
UID = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")
PERIOD_TYPES = {
    "Monthly": re.compile(r"\d{4}(0[1-9]|1[0-2])"),
    "Quarterly": re.compile(r"\d{4}Q[1-4]"),
    "SixMonthly": re.compile(r"\d{4}S[12]"),
    "Yearly": re.compile(r"\d{4}"),
}
NUMBER = re.compile(r"-?\d+(\.\d+)?")
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?([+-]\d{2}:\d{2}|Z)")
DATA_VALUE_FIELDS = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo",
                     "value", "storedBy", "created", "comment")
DOCUMENTED_CSV_COLUMNS = ("dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
                          "value", "storedby", "lastupdated", "comment", "followup")


def validate_data_value_set(document: object, period: str) -> list[dict]:
    """Raises AssertionError naming the first departure from the dataValueSets structure."""
    assert isinstance(document, dict) and list(document) == ["dataValues"]
    values = document["dataValues"]
    assert isinstance(values, list) and values
    for value in values:
        assert isinstance(value, dict) and tuple(value) == DATA_VALUE_FIELDS, value
        assert all(isinstance(value[field], str) for field in DATA_VALUE_FIELDS), value
        for field in ("dataElement", "orgUnit", "categoryOptionCombo", "attributeOptionCombo"):
            assert UID.fullmatch(value[field]), (field, value)
        assert sum(bool(pattern.fullmatch(value["period"])) for pattern in PERIOD_TYPES.values()) == 1, value
        assert value["period"] == period
        assert NUMBER.fullmatch(value["value"]), value
        assert ISO_TIMESTAMP.fullmatch(value["created"]) and datetime.fromisoformat(value["created"]).tzinfo
        assert value["storedBy"] and value["comment"]
    return values


def validate_csv(path: Path, json_values: list[dict]) -> list[list[str]]:
    """DHIS2's columns in its order, and row for row the same data values as the JSON file."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    assert tuple(rows[0]) == DOCUMENTED_CSV_COLUMNS == CSV_COLUMNS
    body = rows[1:]
    assert [row[:9] for row in body] == [[value[field] for field in DATA_VALUE_FIELDS] for value in json_values]
    assert {row[9] for row in body} == {"false"}
    return body


def read_back(folder: Path, mapping_csv: Path) -> dict[tuple[str, str, str], float]:
    """Every file parsed back, UIDs turned into warehouse codes through the mapping: (indicator, unit,
    DHIS2 period) -> value, from the JSON and, checked equal, from the CSV."""
    mapping = load_dhis2_mapping(mapping_csv)
    indicators = {(t.data_element, t.category_option_combo, t.attribute_option_combo): code
                  for code, t in mapping.data_elements.items()}
    units = {target.org_unit: code for code, target in mapping.org_units.items()}
    values: dict[tuple[str, str, str], float] = {}
    for json_path in sorted((folder / "dhis2").glob("*.json")):
        period = json_path.stem
        entries = validate_data_value_set(json.loads(json_path.read_text(encoding="utf-8")), period)
        for row in validate_csv(json_path.with_suffix(".csv"), entries):
            key = (indicators[row[0], row[3], row[4]], units[row[2]], row[1])
            assert key not in values
            values[key] = float(row[5])
    return values


# The demo's 6-month and 9-month reports (QN-BVDKT, QN-BVSN), which the export leaves out (see above).
NOT_CUMULATIVE = "v.period_type not in ('half_year', 'nine_months')"


def published_values(connection: duckdb.DuckDBPyConnection, where: str) -> dict[tuple[str, str, str], float]:
    rows = connection.execute(
        "select v.indicator_code, v.org_unit_code, v.period_code, v.value from marts.fct_indicator_values v "
        f"join marts.dim_indicators i using (indicator_code) where {where}"
    ).fetchall()
    return {(indicator, unit, period): value for indicator, unit, period, value in rows}


# A small publication holding one row of every case the export must tell apart.
HAND_MADE = """
create schema marts;
create table marts.dim_periods (period_code varchar, start_date date, end_date date);
insert into marts.dim_periods values
    ('202501', '2025-01-01', '2025-01-31'), ('202502', '2025-02-01', '2025-02-28'),
    ('2025Q1', '2025-01-01', '2025-03-31'), ('2025Q2', '2025-04-01', '2025-06-30'),
    ('2025S1', '2025-01-01', '2025-06-30'), ('2025N9', '2025-01-01', '2025-09-30'), ('2025', '2025-01-01', '2025-12-31');
create table marts.dim_indicators (indicator_code varchar, name_vi varchar, kind varchar);
insert into marts.dim_indicators values
    ('OPD_VISITS', 'Số lượt khám bệnh ngoại trú', 'reported'), ('SATISFACTION_SURVEYED', 'Số người được khảo sát', 'reported'),
    ('BEDS', 'Số giường bệnh', 'reported'), ('POP_TOTAL', 'Dân số', 'reference'),
    ('DENGUE_CASES', 'Số ca sốt xuất huyết', 'reported'), ('IMM_FULL_U1_PCT', 'Tỷ lệ tiêm chủng đầy đủ', 'derived');
create table marts.dim_org_units (org_unit_code varchar, name_vi varchar);
insert into marts.dim_org_units values
    ('QN', 'Tỉnh Quảng Ninh'), ('QN-BVDKT', 'Bệnh viện Đa khoa tỉnh'), ('QN-BVBC', 'Bệnh viện Bãi Cháy'),
    ('QN-TYT-MOI', 'Trạm Y tế xã Mới');
create table marts.fct_submissions (submission_id bigint, file_name varchar, org_unit_code varchar, arrived_at timestamp);
insert into marts.fct_submissions values
    (1, 'QN-BVDKT_202501.xlsx', 'QN-BVDKT', '2025-02-03 08:15:00'), (2, 'QN-BVDKT_202502.xlsx', 'QN-BVDKT', '2025-03-04 09:00:00'),
    (3, 'QN-BVDKT_2025Q1.xlsx', 'QN-BVDKT', '2025-04-05 10:00:00'), (4, 'QN-BVBC_2025Q2.xlsx', 'QN-BVBC', '2025-07-03 08:00:00'),
    (5, 'QN-BVBC_2025S1.xlsx', 'QN-BVBC', '2025-07-04 08:00:00'), (6, 'QN-CTK_2025.xlsx', 'QN-CTK', '2025-12-20 14:30:05.250'),
    (7, 'QN-BVBC_2025N9.xlsx', 'QN-BVBC', '2025-10-06 08:00:00'), (8, 'QN-TYT-MOI_202501.xlsx', 'QN-TYT-MOI', '2025-02-05 08:00:00');
create table marts.fct_indicator_values (
    indicator_code varchar, org_unit_code varchar, period_code varchar, value double, reported_value double,
    source_submission_id bigint);
insert into marts.fct_indicator_values values
    ('OPD_VISITS', 'QN-BVDKT', '202501', 1234, 1234, 1),          -- exported
    ('OPD_VISITS', 'QN-BVDKT', '202502', 1100, 1100, 2),          -- exported
    ('OPD_VISITS', 'QN-BVDKT', '2025Q1', 2334, 2400, 3),          -- a quarter total beside its months: left out
    ('OPD_VISITS', 'QN-BVDKT', '2025', 2334, null, null),         -- a roll-up in time: not reported
    ('OPD_VISITS', 'QN', '202501', 1555, null, null),             -- an area sum: not reported
    ('SATISFACTION_SURVEYED', 'QN-BVBC', '2025Q2', 434, 434, 4),  -- a quarterly report: exported as 2025Q2
    ('BEDS', 'QN-BVBC', '2025S1', 250.5, 250.5, 5),               -- a half-year figure: exported as 2025S1
    ('POP_TOTAL', 'QN', '2025', 1381848, 1381848, 6),             -- an area's own reference figure: exported
    ('IMM_FULL_U1_PCT', 'QN-BVDKT', '202501', 97.3, 97.3, 1),     -- a typed rate: left out
    ('OPD_VISITS', 'QN-BVBC', '2025N9', 9000, 9000, 7),           -- nine months: no DHIS2 period type
    ('DENGUE_CASES', 'QN-BVDKT', '202501', 3, 3, 1),              -- indicator without a mapping
    ('OPD_VISITS', 'QN-TYT-MOI', '202501', 321, 321, 8);          -- unit without a mapping
"""
EXPORTED = {
    ("OPD_VISITS", "QN-BVDKT", "202501"): 1234.0,
    ("OPD_VISITS", "QN-BVDKT", "202502"): 1100.0,
    ("SATISFACTION_SURVEYED", "QN-BVBC", "2025Q2"): 434.0,
    ("BEDS", "QN-BVBC", "2025S1"): 250.5,
    ("POP_TOTAL", "QN", "2025"): 1381848.0,
}
MAPPING = """object_type,warehouse_code,dhis2_uid,category_option_combo,attribute_option_combo
data_element,OPD_VISITS,OpdVisits01,HllvX50cXC0,HllvX50cXC0
data_element,SATISFACTION_SURVEYED,Surveyed001,HllvX50cXC0,HllvX50cXC0
data_element,BEDS,Beds0000001,HllvX50cXC0,HllvX50cXC0
data_element,POP_TOTAL,PopTotal001,HllvX50cXC0,Census20250
org_unit,QN,Province001,,
org_unit,QN-BVDKT,Bvdkt000001,,
org_unit,QN-BVBC,Bvbc0000001,,
"""


@pytest.fixture
def hand_made(tmp_path) -> tuple[duckdb.DuckDBPyConnection, Path]:
    database = tmp_path / "published.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(HAND_MADE)
    mapping = tmp_path / DHIS2_MAPPING_FILE
    mapping.write_text(MAPPING, encoding="utf-8")
    connection = duckdb.connect(str(database), read_only=True)
    yield connection, mapping
    connection.close()


def test_exports_exactly_the_units_own_reported_values_and_they_round_trip(hand_made, tmp_path):
    connection, mapping = hand_made
    exports = tmp_path / "exports"

    metadata = write_dhis2_exports(connection, exports, mapping)

    assert read_back(exports, mapping) == EXPORTED
    assert sorted(path.name for path in (exports / "dhis2").iterdir()) == [
        "2025.csv", "2025.json", "202501.csv", "202501.json", "202502.csv", "202502.json",
        "2025Q2.csv", "2025Q2.json", "2025S1.csv", "2025S1.json", UNMAPPED_FILE]
    assert metadata == {
        "dhis2_folder": str(exports / "dhis2"),
        "dhis2_periods": 5,
        "dhis2_files": 10,
        "dhis2_reused_periods": 0,
        "dhis2_data_values": 5,
        "dhis2_unmapped_file": str(exports / "dhis2" / UNMAPPED_FILE),
        "dhis2_unmapped_values": 2,
        "dhis2_unmapped_indicators": "DENGUE_CASES",
        "dhis2_unmapped_org_units": "QN-TYT-MOI",
        "dhis2_left_out_rates": 1,
        "dhis2_left_out_nine_months": 1,
        "dhis2_left_out_totals_beside_finer_reports": 1,
        "dhis2_mapping_codes_not_published": "",
        "dhis2_note": metadata["dhis2_note"],
    }
    assert "YYYYN9" in metadata["dhis2_note"]
    assert all(isinstance(value, (str, int, float)) for value in metadata.values())


def test_each_value_carries_its_combos_source_file_and_arrival(hand_made, tmp_path):
    connection, mapping = hand_made
    write_dhis2_exports(connection, tmp_path, mapping)

    [population] = json.loads((tmp_path / "dhis2" / "2025.json").read_text(encoding="utf-8"))["dataValues"]
    [beds] = json.loads((tmp_path / "dhis2" / "2025S1.json").read_text(encoding="utf-8"))["dataValues"]

    assert population == {
        "dataElement": "PopTotal001", "period": "2025", "orgUnit": "Province001",
        "categoryOptionCombo": "HllvX50cXC0", "attributeOptionCombo": "Census20250", "value": "1381848",
        "storedBy": "QN-CTK", "created": "2025-12-20T14:30:05.250+07:00",
        "comment": "Tệp / file QN-CTK_2025.xlsx, mã nộp / submission 6",
    }
    assert beds["value"] == "250.5"


def test_unmapped_units_and_indicators_are_listed_not_exported(hand_made, tmp_path):
    connection, mapping = hand_made
    write_dhis2_exports(connection, tmp_path, mapping)

    raw = (tmp_path / "dhis2" / UNMAPPED_FILE).read_bytes()
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    exported_units = {key[1] for key in read_back(tmp_path, mapping)}
    exported_indicators = {key[0] for key in read_back(tmp_path, mapping)}

    assert raw.startswith(b"\xef\xbb\xbf")  # opened by people, in Excel
    assert rows == [
        ["object_type", "warehouse_code", "name_vi", "values_not_exported"],
        ["data_element", "DENGUE_CASES", "Số ca sốt xuất huyết", "1"],
        ["org_unit", "QN-TYT-MOI", "Trạm Y tế xã Mới", "1"],
    ]
    assert "QN-TYT-MOI" not in exported_units and "DENGUE_CASES" not in exported_indicators


def test_a_bad_mapping_row_fails_with_file_and_line_and_writes_nothing(hand_made, tmp_path):
    connection, mapping = hand_made
    mapping.write_text(MAPPING + "org_unit,QN-TYT-MOI,Moi-0000001,,\n", encoding="utf-8")

    with pytest.raises(ReferenceDataError) as raised:
        write_dhis2_exports(connection, tmp_path / "exports", mapping)

    assert str(raised.value.problems[0]).startswith(f"{DHIS2_MAPPING_FILE}, line 9: column 'dhis2_uid'")
    assert not (tmp_path / "exports").exists()


def test_a_mapped_code_the_publication_does_not_know_is_listed_with_its_line(hand_made, tmp_path):
    """A stray mapping row must not block the province's publication: it is listed, not fatal."""
    connection, mapping = hand_made
    mapping.write_text(MAPPING + "org_unit,QN-TYT-CU,TytCu000001,,\n", encoding="utf-8")

    metadata = write_dhis2_exports(connection, tmp_path / "exports", mapping)

    assert metadata["dhis2_mapping_codes_not_published"].startswith(
        f"{DHIS2_MAPPING_FILE}, line 9: unknown org unit code 'QN-TYT-CU'"
    )
    assert metadata["dhis2_data_values"] > 0


def test_a_reported_value_without_its_source_file_is_refused(tmp_path):
    database = tmp_path / "broken.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(HAND_MADE)
        connection.execute("delete from marts.fct_submissions where submission_id = 6")
    mapping = tmp_path / DHIS2_MAPPING_FILE
    mapping.write_text(MAPPING, encoding="utf-8")

    with duckdb.connect(str(database), read_only=True) as connection, pytest.raises(ValueError, match="POP_TOTAL/QN/2025"):
        write_dhis2_exports(connection, tmp_path / "exports", mapping)


@pytest.mark.parametrize(("code", "period"), [
    ("202501", "202501"), ("202512", "202512"), ("2025Q3", "2025Q3"), ("2025S2", "2025S2"), ("2025", "2025"), ("2025N9", None),
])
def test_dhis2_period_of_each_warehouse_period_type(code, period):
    assert dhis2_period(code) == period


@pytest.mark.parametrize(("value", "text"), [
    (1234.0, "1234"), (0.0, "0"), (-0.0, "0"), (250.5, "250.5"), (0.1, "0.1"), (1e-07, "0.0000001"),
    (1e20, "100000000000000000000"), (97.33333333333333, "97.33333333333333"), (-12.25, "-12.25"),
])
def test_dhis2_value_is_a_plain_number_string_that_round_trips(value, text):
    assert dhis2_value(value) == text
    assert float(text) == value and NUMBER.fullmatch(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_dhis2_value_refuses_what_dhis2_cannot_store(value):
    with pytest.raises(ValueError):
        dhis2_value(value)


def test_demo_publication_exports_every_reported_value_with_the_committed_mapping(demo_run, tmp_path):
    """The real demo file: every value a unit reported leaves as a DHIS2 data value equal to the
    published one, and nothing is unmapped. The demo types no rates; its units' own cumulative
    reports are left out as the exporter says: nine months has no DHIS2 period type, and the 6-month
    reports are sent beside the same unit's months (a redundant total DHIS2 computes itself)."""
    with duckdb.connect(str(demo_run.paths.published_db), read_only=True) as connection:
        metadata = write_dhis2_exports(connection, tmp_path, DEMO_MAPPING)
        expected = published_values(connection, f"v.reported_value is not null and {NOT_CUMULATIVE}")

    assert read_back(tmp_path, DEMO_MAPPING) == expected
    assert metadata["dhis2_data_values"] == len(expected) > 4000
    assert (metadata["dhis2_unmapped_values"], metadata["dhis2_unmapped_org_units"], metadata["dhis2_unmapped_indicators"]) == (0, "", "")
    assert {path.stem for path in (tmp_path / "dhis2").glob("*.json")} == {period for _, _, period in expected}


def test_demo_publication_with_a_unit_and_an_indicator_dropped_from_the_mapping_lists_them(demo_run, tmp_path):
    lines = DEMO_MAPPING.read_text(encoding="utf-8").splitlines(keepends=True)
    mapping = tmp_path / DHIS2_MAPPING_FILE
    mapping.write_text("".join(line for line in lines if not line.startswith(("org_unit,QN-BVBC,", "data_element,BEDS,"))),
                       encoding="utf-8")

    with duckdb.connect(str(demo_run.paths.published_db), read_only=True) as connection:
        metadata = write_dhis2_exports(connection, tmp_path / "exports", mapping)
        expected = published_values(
            connection, f"v.reported_value is not null and {NOT_CUMULATIVE} "
                        "and v.org_unit_code <> 'QN-BVBC' and v.indicator_code <> 'BEDS'")
        left_out = len(published_values(connection, f"v.reported_value is not null and {NOT_CUMULATIVE}")) - len(expected)

    assert read_back(tmp_path / "exports", mapping) == expected
    assert (metadata["dhis2_unmapped_org_units"], metadata["dhis2_unmapped_indicators"]) == ("QN-BVBC", "BEDS")
    assert metadata["dhis2_unmapped_values"] == left_out > 0
