"""Superset's application, entered as the local administrator (Superset's Python).

Imports and exports check the acting user's rights and ownership like the web pages do, so the
scripts act as the administrator the launcher created, inside a request context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def as_admin(username: str) -> Iterator[None]:
    from superset.app import create_app

    app = create_app()
    with app.test_request_context():
        from flask import g
        from superset import security_manager

        g.user = security_manager.find_user(username=username)
        yield
