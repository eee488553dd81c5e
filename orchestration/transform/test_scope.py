"""Which dbt data tests an incremental build can leave out: those that would only repeat a verdict.

A model built from the reference tables alone (the org units, the indicators, the period labels...)
is rebuilt from the same rows when neither the reference files, nor the dbt project, nor the
organisation tree in effect changed since the last build — exactly the condition under which the
build is incremental (`transform/incremental.py`). Its tests then judge the same rows as last time
and must give the same verdict, so an incremental build leaves them out; tests that touch a model
fed, even in part, by submissions or findings always run. The split is read from dbt's own graph,
so a new model lands on the right side without anyone listing it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from orchestration.lib.build_schema import REFERENCE_TABLES


def data_fed_nodes(manifest: Mapping[str, Any]) -> set[str]:
    """Every node downstream of a source that is not a reference table (submissions, findings...)."""
    children: Mapping[str, list[str]] = manifest["child_map"]
    pending = [unique_id for unique_id, source in manifest["sources"].items()
               if source["name"] not in REFERENCE_TABLES]
    reached: set[str] = set()
    while pending:
        node = pending.pop()
        for child in children.get(node, ()):
            if child not in reached:
                reached.add(child)
                pending.append(child)
    return reached


def reference_only_tests(manifest: Mapping[str, Any]) -> tuple[str, ...]:
    """Names of the data tests none of whose parents is fed by submissions or findings."""
    fed = data_fed_nodes(manifest)
    return tuple(sorted(
        node["name"] for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and unique_id not in fed
        and _parents(node) and not any(parent in fed for parent in _parents(node))
    ))


def exclude_args(test_names: Iterable[str]) -> list[str]:
    names = list(test_names)
    return ["--exclude", " ".join(names)] if names else []


@functools.cache
def reference_only_tests_of(manifest_path: Path) -> tuple[str, ...]:
    """Once per process, like the manifest dagster-dbt loads."""
    return reference_only_tests(json.loads(manifest_path.read_text(encoding="utf-8")))


def _parents(node: Mapping[str, Any]) -> list[str]:
    return [parent for parent in node.get("depends_on", {}).get("nodes", ()) if not parent.startswith("macro.")]
