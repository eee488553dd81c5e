from __future__ import annotations

import pytest

from orchestration.lib.resources import warehouse_resources
from tests.quality.warehouse_fakes import copy_gx_project, isolate_warehouse


@pytest.fixture(scope="session")
def gx_project(tmp_path_factory):
    """One copy per session: loading a GX context is the slow part, and `load_context` caches by path."""
    return copy_gx_project(tmp_path_factory.mktemp("expectations"))


@pytest.fixture
def warehouse_settings(tmp_path):
    return isolate_warehouse(tmp_path)


@pytest.fixture
def warehouse_paths(warehouse_settings):
    return warehouse_settings.paths


@pytest.fixture
def resources(warehouse_settings):
    """What the assets and checks are given in place of the code location's resources."""
    return warehouse_resources(warehouse_settings)
