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
    column_descriptions: Mapping[str, str] = field(default_factory=dict, hash=False)  # documented columns only

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
    models = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        enforced = node.get("contract", {}).get("enforced", False)
        models[node["name"]] = DbtModel(
            name=node["name"],
            schema=node["schema"],
            access=node.get("access", "protected"),
            tags=tuple(node.get("tags", ())),
            contract_columns=tuple(node["columns"]) if enforced else (),
            description=node.get("description", ""),
            column_descriptions={
                name: column["description"] for name, column in node["columns"].items() if column.get("description")
            },
        )
    return models
