from __future__ import annotations

import pytest

from tests.quality.warehouse_fakes import isolate_warehouse


@pytest.fixture
def warehouse_paths(tmp_path, monkeypatch):
    return isolate_warehouse(tmp_path, monkeypatch)
