from __future__ import annotations

import re

import psycopg
import pytest

from tests.postgres_server import postgres_server


@pytest.fixture(scope="session")
def postgres_server_url():
    """One real PostgreSQL 15 server for the session; the tests fail, never skip, without one."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url, request):
    """A database of its own for each test, so the schemas one test switches never meet another's."""
    name = "t_" + re.sub(r"\W", "_", request.node.name)[:50].lower()
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'drop database if exists "{name}" with (force)')
        connection.execute(f'create database "{name}"')
    return postgres_server_url.rsplit("/", 1)[0] + "/" + name
