"""Import the dashboards-as-code into Superset, pointed at the published warehouse (Superset's Python).

Run by `launcher.py` with Superset's environment: `python import_bundle.py <bundle dir> <admin user>`,
the connection in DASHBOARD_WAREHOUSE_URI / DASHBOARD_WAREHOUSE_EXTRA. The bundle's database entry
carries a placeholder URI, because the same dashboards serve the DuckDB file and the PostgreSQL
target; the URI is set here. Every imported dataset then reads its columns from the warehouse, so
the bundle never holds a stale column list.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml
from sqlalchemy.engine.url import make_url
from superset_app import as_admin


def bundle_contents(bundle: Path, uri: str, extra: str) -> tuple[dict[str, str], dict[str, str]]:
    """Every YAML file keyed as in an export zip, the database entries given the real connection;
    a password travels in Superset's passwords map, never in the YAML."""
    contents, passwords = {}, {}
    url = make_url(uri)
    for path in sorted(bundle.rglob("*.yaml")):
        key = path.relative_to(bundle).as_posix()
        text = path.read_text(encoding="utf-8")
        if key.startswith("databases/"):
            config = yaml.safe_load(text)
            config["sqlalchemy_uri"] = url.render_as_string(hide_password=True)
            config["extra"] = json.loads(extra)
            config["allow_dml"] = False
            config["cache_timeout"] = 0
            text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
            if url.password:
                passwords[key] = url.password
        contents[key] = text
    return contents, passwords


def main(bundle: Path, admin: str) -> None:
    with as_admin(admin):
        from superset import db
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.connectors.sqla.models import SqlaTable

        contents, passwords = bundle_contents(bundle, os.environ["DASHBOARD_WAREHOUSE_URI"],
                                              os.environ["DASHBOARD_WAREHOUSE_EXTRA"])
        ImportAssetsCommand(contents, passwords=passwords).run()
        for dataset in db.session.query(SqlaTable).all():
            dataset.fetch_metadata()
        db.session.commit()
        print(f"Imported {sum(key.startswith('dashboards/') for key in contents)} dashboards, "
              f"{sum(key.startswith('charts/') for key in contents)} charts.")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
