from __future__ import annotations

import pytest

from tests.quality.warehouse_fakes import copy_gx_project


@pytest.fixture(scope="session")
def gx_project(tmp_path_factory):
    """One copy per session: loading a GX context is the slow part, and `load_context` caches by path."""
    return copy_gx_project(tmp_path_factory.mktemp("expectations"))
