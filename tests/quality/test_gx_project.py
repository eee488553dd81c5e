"""The committed GX context is the spec in `suites.py`, and regenerating it is idempotent."""

from __future__ import annotations

import json
from dataclasses import replace

import yaml

from orchestration.lib.settings import EXPECTATIONS_DIR
from orchestration.lib.marts import public_marts
from orchestration.quality.gx_project import write_gx_project
from orchestration.quality.rule_suites import RULE_SUITES
from orchestration.quality.suites import MART_SUITES, ExpectationSpec
from tests.quality.warehouse_fakes import committed_files, copy_gx_project


def test_suites_cover_exactly_the_published_marts_with_unique_labels():
    assert set(MART_SUITES) == set(public_marts())
    for suite in [*MART_SUITES.values(), *RULE_SUITES.values()]:
        labels = [spec.label for spec in suite.expectations]
        assert len(labels) == len(set(labels)), suite.name


def test_committed_context_is_what_the_spec_generates(tmp_path):
    root = copy_gx_project(tmp_path)
    before = committed_files(root)
    write_gx_project(root)
    assert committed_files(root) == before, "run `python -m orchestration.quality.gx_project` and commit"


def test_committed_suites_hold_the_rules_as_json():
    suite = json.loads((EXPECTATIONS_DIR / "gx" / "expectations" / "fct_indicator_values.json").read_text())
    rules = {(e["type"], json.dumps(e["kwargs"], sort_keys=True)) for e in suite["expectations"]}
    assert ("expect_compound_columns_to_be_unique", json.dumps(
        {"column_list": ["indicator_code", "org_unit_code", "period_code"]}, sort_keys=True
    )) in rules
    assert ("expect_column_values_to_be_between", json.dumps({"column": "denominator", "min_value": 0.0}, sort_keys=True)) in rules
    value_rule = next(e for e in suite["expectations"] if e["type"] == "expect_column_values_to_be_between" and e["kwargs"]["column"] == "value")
    assert "DTP_DROPOUT_PCT" in json.dumps(value_rule["kwargs"]["row_condition"])
    config = yaml.safe_load((EXPECTATIONS_DIR / "gx" / "great_expectations.yml").read_text())
    assert config["analytics_enabled"] is False
    assert set(config["fluent_datasources"]["warehouse_marts"]["assets"]) == set(public_marts())
    assert set(config["fluent_datasources"]["dq_rules"]["assets"]) == set(RULE_SUITES)


def test_committed_rule_suites_hold_their_thresholds_and_rule_codes():
    suite = json.loads((EXPECTATIONS_DIR / "gx" / "expectations" / "dq_outliers.json").read_text())
    extreme = next(e for e in suite["expectations"] if e["meta"] == {"rule_code": "DQ_OUTLIER_EXTREME"})
    assert extreme["kwargs"]["max_value"] == 3 and extreme["severity"] == "warning"
    conditions = {(c["column"]["name"], c["operator"], c["parameter"]) for c in extreme["kwargs"]["row_condition"]["conditions"]}
    assert conditions == {("history_count", ">=", 6), ("modified_z", ">=", 3.5)}


def test_regeneration_converges_on_a_changed_spec_and_then_stays_put(tmp_path):
    root = copy_gx_project(tmp_path)
    original_suite = json.loads((root / "gx" / "expectations" / "dim_periods.json").read_text())
    periods = MART_SUITES["dim_periods"]
    changed = {
        "dim_periods": replace(
            periods,
            expectations=periods.expectations
            + (ExpectationSpec("expect_column_values_to_not_be_null", {"column": "period_type"}, "test"),),
        ),
        "dim_indicators": MART_SUITES["dim_indicators"],
    }
    write_gx_project(root, changed)
    after_change = committed_files(root)

    assert sorted(p for p in after_change if p.startswith("validation_definitions/")) == sorted(
        ["validation_definitions/dim_indicators.json", "validation_definitions/dim_periods.json"]
        + [f"validation_definitions/{name}.json" for name in RULE_SUITES]
    )
    assert not [p for p in after_change if p.startswith("checkpoints/")], "validations run without checkpoints"
    suite = json.loads((root / "gx" / "expectations" / "dim_periods.json").read_text())
    assert suite["id"] == original_suite["id"]
    assert [e["kwargs"].get("column") for e in suite["expectations"]][-1] == "period_type"

    write_gx_project(root, changed)
    assert committed_files(root) == after_change
