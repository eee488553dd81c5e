"""The DHIS2 mapping file: the committed demo mapping is complete and valid; a bad row fails with file and line."""

from __future__ import annotations

import pytest

from orchestration.lib.reference import ReferenceDataError, load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.publish.dhis2_mapping import (
    DEFAULT_COMBO_UID,
    DHIS2_MAPPING_FILE,
    UID_PATTERN,
    check_codes,
    load_dhis2_mapping,
)

REFERENCE_DIR = REPO_ROOT / "sources" / "reference"
HEADER = "object_type,warehouse_code,dhis2_uid,category_option_combo,attribute_option_combo"
GOOD_ROWS = [
    "data_element,OPD_VISITS,MwaEsCV8TMg,HllvX50cXC0,HllvX50cXC0",
    "data_element,DTP1,Dtp00000001,Dose1Combo1,HllvX50cXC0",
    "data_element,DTP3,Dtp00000001,Dose3Combo3,HllvX50cXC0",  # one DHIS2 data element, two combos
    "org_unit,QN-BVDKT,xgiyVFdnNPq,,",
]


def write_mapping(tmp_path, rows, header=HEADER):
    path = tmp_path / DHIS2_MAPPING_FILE
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(ReferenceDataError) as raised:
        load_dhis2_mapping(path)
    return [str(problem) for problem in raised.value.problems]


def test_committed_demo_mapping_covers_every_reported_indicator_and_every_unit_values_are_about():
    registry = load_registry(REFERENCE_DIR)
    mapping = load_dhis2_mapping(REFERENCE_DIR / DHIS2_MAPPING_FILE)

    elements = {code for code, indicator in registry.indicators.items() if indicator.kind != "derived"}
    assert set(mapping.data_elements) == elements
    offices = {"health_department", "statistics_office", "social_insurance"}  # they send, values are about others
    assert set(mapping.org_units) == {code for code, unit in registry.org_units.items() if unit.unit_type not in offices}
    assert {target.category_option_combo for target in mapping.data_elements.values()} == {DEFAULT_COMBO_UID}
    assert {target.attribute_option_combo for target in mapping.data_elements.values()} == {DEFAULT_COMBO_UID}
    check_codes(mapping, {code: i.kind for code, i in registry.indicators.items()}, set(registry.org_units))


def test_a_good_file_loads_with_its_lines(tmp_path):
    mapping = load_dhis2_mapping(write_mapping(tmp_path, GOOD_ROWS))

    assert mapping.data_elements["DTP3"].data_element == "Dtp00000001"
    assert mapping.data_elements["DTP3"].category_option_combo == "Dose3Combo3"
    assert mapping.data_elements["DTP3"].line == 4
    assert mapping.org_units["QN-BVDKT"].org_unit == "xgiyVFdnNPq"
    assert mapping.org_units["QN-BVDKT"].line == 5


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("org_unit,QN-BVBC,1bcdefghijk,,", "column 'dhis2_uid': '1bcdefghijk' is not a DHIS2 UID"),
        ("org_unit,QN-BVBC,abcdefghij,,", "column 'dhis2_uid': 'abcdefghij' is not a DHIS2 UID"),
        ("org_unit,QN-BVBC,abcdefghij-k,,", "column 'dhis2_uid': 'abcdefghij-k' is not a DHIS2 UID"),
        ("data_element,BEDS,Beds0000001,default,HllvX50cXC0", "column 'category_option_combo': 'default' is not a DHIS2 UID"),
        ("data_element,BEDS,Beds0000001,HllvX50cXC0,", "a data_element row needs category_option_combo and attribute_option_combo"),
        ("org_unit,QN-BVBC,Bvbc0000001,HllvX50cXC0,", "an org_unit row has no category_option_combo"),
        ("indicator,BEDS,Beds0000001,HllvX50cXC0,HllvX50cXC0", "column 'object_type': 'indicator' is not one of data_element, org_unit"),
        ("org_unit,,Bvbc0000001,,", "column 'warehouse_code' is empty"),
        ("org_unit,QN-BVBC,Bvbc0000001,", "has 4 fields, the header has 5"),
        ("org_unit,QN-BVDKT,Bvbc0000001,,", "org_unit 'QN-BVDKT' is mapped twice, first on line 5"),
        ("org_unit,QN-BVBC,xgiyVFdnNPq,,", "DHIS2 target xgiyVFdnNPq is already used on line 5"),
        ("data_element,DTP2,Dtp00000001,Dose1Combo1,HllvX50cXC0",
         "DHIS2 target Dtp00000001/Dose1Combo1/HllvX50cXC0 is already used on line 3"),
        ("org_unit,QN-BVBC,MwaEsCV8TMg,,", "UID 'MwaEsCV8TMg' already names a data_element on line 2"),
    ],
)
def test_a_bad_row_fails_with_file_and_line(tmp_path, row, message):
    problems = problems_of(write_mapping(tmp_path, [*GOOD_ROWS, row]))

    assert len(problems) == 1
    assert problems[0].startswith(f"{DHIS2_MAPPING_FILE}, line 6: {message}")
    assert f"{DHIS2_MAPPING_FILE}, dòng 6:" in problems[0]


def test_every_bad_row_is_reported_at_once_and_blank_lines_keep_the_numbering(tmp_path):
    rows = [*GOOD_ROWS, "", "org_unit,QN-BVBC,tooshort,,", "org_unit,QN-BVSN,Bvsn0000001,,", "org_unit,QN-CDC,9bad0000000,,"]

    problems = problems_of(write_mapping(tmp_path, rows))

    assert [problem.split(":")[0] for problem in problems] == [
        f"{DHIS2_MAPPING_FILE}, line 7", f"{DHIS2_MAPPING_FILE}, line 9"]


def test_a_wrong_header_or_a_missing_file_fails_naming_the_file(tmp_path):
    wrong = problems_of(write_mapping(tmp_path, GOOD_ROWS, header="code,uid"))
    missing = problems_of(tmp_path / "nowhere.csv")

    assert wrong == [f"{DHIS2_MAPPING_FILE}, line 1: header must be {HEADER} / "
                     f"{DHIS2_MAPPING_FILE}, dòng 1: dòng tiêu đề phải là {HEADER}"]
    assert missing[0].startswith("nowhere.csv: file is missing")


def test_mapped_rates_fail_and_codes_the_publication_does_not_know_are_listed_with_their_lines(tmp_path):
    rows = [*GOOD_ROWS, "data_element,IMM_FULL_U1_PCT,ImmPct00001,HllvX50cXC0,HllvX50cXC0", "org_unit,QN-NOWHERE,Nowhere0001,,"]
    mapping = load_dhis2_mapping(write_mapping(tmp_path, rows))
    kinds = {"OPD_VISITS": "reported", "DTP1": "reported", "IMM_FULL_U1_PCT": "derived"}

    with pytest.raises(ReferenceDataError) as raised:
        check_codes(mapping, kinds, {"QN-BVDKT"})
    unknown = check_codes(mapping, {**kinds, "IMM_FULL_U1_PCT": "reported"}, {"QN-BVDKT"})

    assert [str(problem).split(" / ")[0] for problem in raised.value.problems] == [
        f"{DHIS2_MAPPING_FILE}, line 6: 'IMM_FULL_U1_PCT' is a derived indicator: DHIS2 computes it from data "
        "elements; map its numerator and denominator instead",
    ]
    assert [str(problem).split(" / ")[0] for problem in unknown] == [
        f"{DHIS2_MAPPING_FILE}, line 4: unknown indicator code 'DTP3'",
        f"{DHIS2_MAPPING_FILE}, line 7: unknown org unit code 'QN-NOWHERE'",
    ]


@pytest.mark.parametrize(("text", "valid"), [
    ("HllvX50cXC0", True), ("a0000000000", True), ("Z9z9z9z9z9z", True),
    ("0llvX50cXC0", False), ("HllvX50cXC", False), ("HllvX50cXC00", False), ("Hllv_50cXC0", False), ("Hllvư50cXC0", False),
])
def test_uid_pattern_is_dhis2s_rule(text, valid):
    assert bool(UID_PATTERN.fullmatch(text)) is valid
