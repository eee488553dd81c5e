"""An incremental build leaves out only the dbt tests that would repeat a verdict (transform/test_scope.py)."""

import json

import pytest

from orchestration.lib.dbt_manifest import MANIFEST_PATH
from orchestration.transform.test_scope import data_fed_nodes, exclude_args, reference_only_tests


@pytest.fixture(scope="module")
def manifest():
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def data_tests_on(manifest, model: str) -> set[str]:
    return {node["name"] for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and f"model.health_warehouse.{model}" in node["depends_on"]["nodes"]}


def test_tests_of_models_built_from_reference_alone_are_left_out(manifest):
    left_out = set(reference_only_tests(manifest))
    own = {name for name in data_tests_on(manifest, "dim_indicators") if "dim_indicators" in name.split("__")[0]}
    assert own and own <= left_out
    assert "unique_dim_org_units_org_unit_code" in left_out


@pytest.mark.parametrize("model", ["fct_indicator_values", "stg_raw__submitted_values", "fct_dq_findings",
                                   "int_dq_values_under_check"])
def test_every_test_touching_a_model_fed_by_submissions_or_findings_runs(manifest, model):
    assert data_tests_on(manifest, model)
    assert not data_tests_on(manifest, model) & set(reference_only_tests(manifest))


def test_a_fact_s_relationship_to_a_reference_dimension_still_runs(manifest):
    relationship = "relationships_fct_indicator_values_org_unit_code__org_unit_code__ref_dim_org_units_"
    assert relationship in data_tests_on(manifest, "dim_org_units")
    assert relationship not in reference_only_tests(manifest)


def test_what_submissions_feed_is_read_from_the_graph(manifest):
    fed = data_fed_nodes(manifest)
    assert "model.health_warehouse.fct_indicator_values" in fed
    assert "model.health_warehouse.dim_indicators" not in fed


def test_nothing_to_leave_out_adds_no_argument():
    assert exclude_args([]) == []
    assert exclude_args(["a", "b"]) == ["--exclude", "a b"]
