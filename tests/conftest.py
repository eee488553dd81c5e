"""Shared fixtures: a parsed dbt project, and a whole warehouse run on the demo province.

The end-to-end run is session-scoped because one real run (Dagster + dbt + GX) costs tens of
seconds; the tests that read its result share it, and tests that need a broken input build their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from orchestration.lib.resources import warehouse_resources
from orchestration.lib.settings import REPO_ROOT, Settings, WarehousePaths, load_settings, warehouse_environment
from orchestration.transform.prepare import parse_dbt_project

VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", REPO_ROOT / ".venv")) / "bin"


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """Dagster loads dbt's manifest when the code location loads, and nothing parses dbt on import."""
    return parse_dbt_project()


@dataclass
class WarehouseRun:
    paths: WarehousePaths
    result: dg.ExecuteInProcessResult
    instance: dg.DagsterInstance


def isolated_settings(root: Path, **environment: str) -> Settings:
    """Every path under `root`, so a test never touches the repository's own warehouse. Read from
    this mapping alone: an engineer's shell may hold real SMTP settings, and a test run must never
    mail the demo units."""
    return load_settings({**warehouse_environment(root), **environment})


@pytest.fixture
def warehouse_settings(tmp_path) -> Settings:
    return isolated_settings(tmp_path)


@pytest.fixture
def warehouse_paths(warehouse_settings):
    return warehouse_settings.paths


@pytest.fixture
def resources(warehouse_settings):
    """What the assets and checks are given in place of the code location's resources."""
    return warehouse_resources(warehouse_settings)


def run_warehouse_job(instance: dg.DagsterInstance, settings: Settings) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import build_definitions

    job = build_definitions(settings).get_job_def("warehouse_job")
    return job.execute_in_process(instance=instance, raise_on_error=False)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Iterator[WarehouseRun]:
    from orchestration.demo.generator import generate_demo_province
    from orchestration.lib.reference import load_registry

    settings = isolated_settings(tmp_path_factory.mktemp("demo"))
    paths = settings.paths
    generate_demo_province(paths.inbox_dir, load_registry(paths.reference_dir))
    instance = dg.DagsterInstance.ephemeral()
    yield WarehouseRun(paths=paths, result=run_warehouse_job(instance, settings), instance=instance)
