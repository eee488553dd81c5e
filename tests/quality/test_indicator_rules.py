"""The per-indicator DQ configuration: the committed file, and what a bad edit is told."""

from __future__ import annotations

import shutil

import pytest

from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.quality.indicator_rules import FILE_NAME, IndicatorRulesError, load_indicator_rules, rule_for

REFERENCE_DIR = REPO_ROOT / "sources" / "reference"


def test_every_reported_and_reference_indicator_is_configured_and_explained():
    rules = load_indicator_rules(REFERENCE_DIR)
    submitted = {code for code, indicator in load_registry(REFERENCE_DIR).indicators.items() if indicator.kind != "derived"}
    assert set(rules) == submitted
    assert all(rule.rationale_vi and rule.rationale_en for rule in rules.values())


def test_rare_and_seasonal_indicators_do_not_cry_wolf():
    rules = load_indicator_rules(REFERENCE_DIR)
    assert (rules["MATERNAL_DEATHS"].outlier_method, rules["MATERNAL_DEATHS"].consistency_method) == ("rare_event", "none")
    assert rules["DENGUE_CASES"].outlier_method == "seasonal" and rules["MEASLES_CASES"].outlier_method == "seasonal"


def test_an_unlisted_indicator_gets_the_standard_checks():
    rule = rule_for({}, "NEW_COUNT")
    assert (rule.whole_number, rule.outlier_method, rule.consistency_method) == (True, "level", "mean")


def copy_with(tmp_path, old: str, new: str):
    shutil.copy(REFERENCE_DIR / FILE_NAME, tmp_path / FILE_NAME)
    path = tmp_path / FILE_NAME
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return tmp_path


def test_an_unknown_method_names_the_file_line_and_choices(tmp_path):
    with pytest.raises(IndicatorRulesError) as error:
        load_indicator_rules(copy_with(tmp_path, "OPD_VISITS,true,level", "OPD_VISITS,true,zscore"))
    assert f"{FILE_NAME}:2" in str(error.value) and "level, seasonal, rare_event, none" in str(error.value)


def test_a_repeated_indicator_is_refused(tmp_path):
    with pytest.raises(IndicatorRulesError, match="listed twice"):
        load_indicator_rules(copy_with(tmp_path, "IPD_ADMISSIONS,", "OPD_VISITS,"))
