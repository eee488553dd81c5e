"""The public marts: what BI users may rely on. One list, declared in dbt and read from its manifest.

`dbt_project.yml` gives every model under `models/marts` dbt's `access: public`; a mart kept for
the warehouse's own use would say `access: protected` in its yml. `public_marts()` is the only
reader of that list: the publisher copies exactly these tables, `published_warehouse` depends on
each of them, each has a blocking Great Expectations suite, and a test holds `exposures.yml` to it.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.lib.dbt_manifest import MANIFEST_PATH, dbt_models

MARTS_SCHEMA = "marts"


def public_marts(manifest_path: Path = MANIFEST_PATH) -> tuple[str, ...]:
    """Names of the public marts, sorted. All live in the `marts` schema, which the publisher, the
    checks and `mart_asset_key` rely on: a public model elsewhere is a configuration error."""
    public = [model for _, model in sorted(dbt_models(manifest_path).items()) if model.access == "public"]
    elsewhere = [model.name for model in public if model.schema != MARTS_SCHEMA]
    if elsewhere:
        raise ValueError(f"public models outside schema {MARTS_SCHEMA!r}: {', '.join(elsewhere)}")
    return tuple(model.name for model in public)


def mart_asset_key(mart_name: str) -> dg.AssetKey:
    """dagster-dbt keys a model by its schema and name, because dbt_project.yml sets custom schemas."""
    return dg.AssetKey([MARTS_SCHEMA, mart_name])
