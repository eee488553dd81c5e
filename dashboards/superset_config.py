"""Superset's configuration for the department's dashboards: local, offline, read-only, never stale.

Superset loads this file through SUPERSET_CONFIG_PATH (set by `dashboards/launcher.py`). Every
choice here serves one of four promises:
- local: the metadata (dashboards, charts, users) lives in a SQLite file under DASHBOARDS_HOME
  (`.dashboards_home/` at the repository root by default, never committed);
- offline: no page or server request leaves the machine — the Content-Security-Policy allows the
  browser to load and connect to this server only (Superset's prebuilt frontend always renders a
  telemetry pixel and lists map-tile hosts; the policy blocks them before any network access);
- open on localhost: anonymous visitors get the Public role, built like Alpha (read every dataset,
  build their own charts), so the province overview opens without a login; the server binds to
  127.0.0.1 only (see the launcher);
- never stale: results are never cached and every query opens its own connection (Superset's
  default NullPool), so the first query after a publication reads the newly renamed DuckDB file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HOME = Path(os.environ["DASHBOARDS_HOME"]).resolve()


def _secret_key() -> str:
    """SUPERSET_SECRET_KEY when the operator sets it; otherwise one random key made on first start
    and kept beside the metadata, so sessions and stored connection passwords survive a restart."""
    from_environment = os.environ.get("SUPERSET_SECRET_KEY", "").strip()
    if from_environment:
        return from_environment
    key_file = HOME / "secret_key"
    if not key_file.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(42))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{HOME / 'superset.db'}?check_same_thread=false"

AUTH_ROLE_PUBLIC = "Public"
PUBLIC_ROLE_LIKE = "Alpha"

# Charts always query the published warehouse: no result cache that could outlive a publication.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
CACHE_DEFAULT_TIMEOUT = 0

FEATURE_FLAGS = {
    "DASHBOARD_RBAC": False,
    "THUMBNAILS": False,
    "ALERT_REPORTS": False,
    "EMBEDDED_SUPERSET": False,
}
MAPBOX_API_KEY = ""
RATELIMIT_ENABLED = False
RATELIMIT_STORAGE_URI = "memory://"
SQL_MAX_ROW = 100000
ROW_LIMIT = 50000

TALISMAN_ENABLED = True
_SELF = ["'self'"]
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": _SELF,
        "default-src": _SELF,
        "img-src": [*_SELF, "blob:", "data:"],
        "worker-src": [*_SELF, "blob:"],
        "connect-src": _SELF,
        "object-src": "'none'",
        "style-src": [*_SELF, "'unsafe-inline'"],
        "font-src": [*_SELF, "data:"],
        "script-src": [*_SELF, "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
CONTENT_SECURITY_POLICY_WARNING = False

# Superset ships no Vietnamese translation of its menus; the dashboards carry Vietnamese titles,
# column names and notes themselves. One language, so no language picker.
LANGUAGES = {}
BABEL_DEFAULT_LOCALE = "en"
APP_NAME = "Kho dữ liệu chỉ số y tế — Dashboards"

# Vietnamese number formatting in every chart: 1.384.000 and 95,56.
D3_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}

# The frontend's file names carry a content hash: let the browser keep them, so a warm dashboard
# loads only its data (measured: the province overview re-downloaded ~10 MB of scripts without this).
SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
