"""The one list of public marts: dbt declares it (`access: public`), Python reads it from the manifest,
and every other place that names the public marts agrees with it."""

from __future__ import annotations

import json

import pytest

from orchestration.lib.dbt_manifest import MANIFEST_PATH
from orchestration.lib.marts import public_marts


def exposure_inputs() -> dict[str, set[str]]:
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return {
        exposure["name"]: {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
        for exposure in manifest["exposures"].values()
    }


def test_the_dashboards_exposure_lists_exactly_the_public_marts_and_no_exposure_reads_an_internal_model():
    """Dashboards may read every public mart; a mart turned internal (`access: protected`) must
    first leave every exposure."""
    inputs = exposure_inputs()
    assert inputs["bi_dashboards"] == set(public_marts())
    assert set().union(*inputs.values()) <= set(public_marts())


def test_a_public_model_outside_the_marts_schema_is_refused(tmp_path):
    manifest = {
        "nodes": {
            "model.health_warehouse.int_periods": {
                "resource_type": "model", "name": "int_periods", "schema": "intermediate", "access": "public",
                "tags": [], "columns": {}, "contract": {"enforced": False},
            }
        }
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="int_periods"):
        public_marts(path)
