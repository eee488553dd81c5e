"""What Python needs to know about the dbt models, read from dbt's manifest instead of written again.

Which marts are public, which models the data-quality rules read and which columns those models
promise are declared once, in the dbt project (`access`, tags, enforced contracts); every Python
reader takes them from `dbt_project/target/manifest.json`. `make setup`, the tests and `dagster
dev` parse the project before anything imports the definitions, as dagster-dbt needs the same file.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.lib.settings import DBT_PROJECT_DIR

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


@dataclass(frozen=True)
class DbtModel:
    name: str
    schema: str
    access: str  # public | protected | private
    tags: tuple[str, ...]
    contract_columns: tuple[str, ...]  # in contract order; empty unless the contract is enforced
    description: str = ""
    column_descriptions: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Each column set a `unique` or `unique_combination_of_columns` test holds unique, shortest first.
    unique_keys: tuple[tuple[str, ...], ...] = ()

    @property
    def relation(self) -> str:
        """schema."name" in whichever DuckDB file dbt built: the manifest's relation_name also names
        the database, which is the build file's stem and differs between a province and a test."""
        return f'{self.schema}."{self.name}"'


@functools.cache
def dbt_models(manifest_path: Path = MANIFEST_PATH) -> dict[str, DbtModel]:
    """Once per process: the manifest is a few megabytes and does not change while definitions live."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{manifest_path} is missing: run `make setup` (or `python -m orchestration.transform.prepare`)"
        ) from error
    keys = unique_keys(manifest)
    models = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        enforced = node.get("contract", {}).get("enforced", False)
        models[node["name"]] = DbtModel(
            name=node["name"],
            schema=node["schema"],
            access=node.get("access", "protected"),
            tags=tuple(node.get("tags", ())),
            contract_columns=tuple(node["columns"]) if enforced else (),
            description=node.get("description", "").strip(),
            column_descriptions={
                name: column["description"].strip()
                for name, column in node["columns"].items()
                if column.get("description", "").strip()
            },
            unique_keys=keys.get(unique_id, ()),
        )
    return models


def unique_keys(manifest: Mapping) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Model unique_id -> the column sets its enabled, unfiltered uniqueness tests hold unique,
    shortest first: the dbt tests that gate publishing are the warehouse's declaration of each
    mart's key, so a copy elsewhere (a PostgreSQL primary key) is derived from them, never restated.
    A test with a `where` filter holds only part of the table unique, so it declares no key."""
    found: dict[str, set[tuple[str, ...]]] = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or not node.get("attached_node"):
            continue
        if not node["config"].get("enabled", True) or node["config"].get("where"):
            continue
        arguments = metadata.get("kwargs", {})
        if metadata.get("name") == "unique":
            columns = (arguments.get("column_name") or node["column_name"],)
        elif metadata.get("name") == "unique_combination_of_columns":
            columns = tuple(arguments["combination_of_columns"])
        else:
            continue
        found.setdefault(node["attached_node"], set()).add(columns)
    return {model: tuple(sorted(sets, key=lambda key: (len(key), key))) for model, sets in found.items()}
