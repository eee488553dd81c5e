"""The contract between dbt's first phase and the rules: which models, which columns, written once.

dbt selects phase one by the tag `dq_inputs`, `rule_store` names the models it reads, and each
model's enforced contract lists the columns; these tests hold the three together.
"""

from __future__ import annotations

from orchestration.lib.dbt_manifest import dbt_models
from orchestration.quality.rule_store import RULE_INPUT_MODELS, read_rule_inputs


def test_the_rules_read_exactly_the_models_tagged_dq_inputs_and_each_is_contracted():
    assert {model.name for model in dbt_models().values() if "dq_inputs" in model.tags} == set(RULE_INPUT_MODELS)
    assert [name for name in RULE_INPUT_MODELS if not dbt_models()[name].contract_columns] == []


def test_the_frames_the_rules_get_hold_the_contract_columns(demo_run):
    for full in (True, False):  # the demo's own evaluation was full; with nothing new since, a scoped one reads keys
        _, frames = read_rule_inputs(demo_run.paths.build_db, demo_run.paths.reference_dir, full)
        models = dbt_models()
        assert tuple(frames.values.columns) == models["int_dq_values_under_check"].contract_columns
        assert tuple(frames.received.columns) == models["int_dq_received_reports"].contract_columns
        assert set(frames.intake_findings.columns) <= set(models["stg_raw__ingest_findings"].contract_columns)
