"""dbt docs build on the demo warehouse, and describe every model and every column it holds.

BI readers learn what a column means from the generated docs, so a column added to a model
without a description is a gap in the contract with them. The catalog (what the database really
holds) is compared with the manifest (what the YAML documents), so a column missing from the
YAML altogether is caught too.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from orchestration.lib.settings import DBT_PROJECT_DIR
from tests.conftest import VENV_BIN


@pytest.fixture(scope="module")
def docs(demo_run, tmp_path_factory) -> tuple[dict, dict]:
    target = tmp_path_factory.mktemp("dbt_docs")
    completed = subprocess.run(
        [str(VENV_BIN / "dbt"), "docs", "generate", "--profiles-dir", ".", "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "WAREHOUSE_BUILD_DB": str(demo_run.paths.build_db)},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    return (json.loads(Path(target, "manifest.json").read_text()), json.loads(Path(target, "catalog.json").read_text()))


def test_every_model_and_column_is_described(docs):
    manifest, catalog = docs
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    assert models
    undescribed = [key for key, node in models.items() if not node["description"].strip()]
    for key, node in models.items():
        documented = {name.lower(): column["description"].strip() for name, column in node["columns"].items()}
        built = catalog["nodes"].get(key)
        assert built is not None, f"{key} is not in the catalog: it was not built"
        undescribed += [f"{key}.{name}" for name in built["columns"] if not documented.get(name.lower())]
    assert undescribed == []


def test_exposures_name_the_consumers(docs):
    manifest, _ = docs
    exposures = {node["name"]: node for node in manifest["exposures"].values()}
    assert {"bi_dashboards", "unit_alerts"} <= set(exposures)
    alert_inputs = {dependency.split(".")[-1] for dependency in exposures["unit_alerts"]["depends_on"]["nodes"]}
    assert alert_inputs == {"fct_dq_findings", "fct_submissions", "dim_org_units"}
    bi_inputs = {dependency.split(".")[-1] for dependency in exposures["bi_dashboards"]["depends_on"]["nodes"]}
    assert {"fct_indicator_values", "rpt_indicator_values_wide", "fct_indicator_achievement"} <= bi_inputs
