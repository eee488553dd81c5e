from __future__ import annotations

import pytest

from tests.quality.warehouse_fakes import copy_gx_project, isolate_warehouse


@pytest.fixture(scope="session")
def gx_project(tmp_path_factory):
    """One copy per session: loading a GX context is the slow part, and `load_context` caches by path."""
    return copy_gx_project(tmp_path_factory.mktemp("expectations"))


@pytest.fixture
def warehouse_paths(tmp_path, monkeypatch):
    return isolate_warehouse(tmp_path, monkeypatch)
