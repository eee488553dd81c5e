from __future__ import annotations

import pytest

from orchestration.lib.resources import warehouse_resources
from tests.quality.warehouse_fakes import isolate_warehouse


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


@pytest.fixture(scope="session")
def postgres_server_url():
    """One real PostgreSQL 15 server for the session; the tests fail, never skip, without one."""
    from tests.postgres_server import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url, request):
    """A database of its own for each test, so the schemas one test switches never meet another's."""
    import re

    import psycopg

    name = "t_" + re.sub(r"\W", "_", request.node.name)[:50].lower()
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'drop database if exists "{name}" with (force)')
        connection.execute(f'create database "{name}"')
    return postgres_server_url.rsplit("/", 1)[0] + "/" + name
