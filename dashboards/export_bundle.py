"""Export every dashboard, chart and dataset from Superset back into `dashboards/bundle/`.

Run by `launcher.py export` (`make dashboard-export`) after building or changing charts in the
browser, then review the diff and commit it. The database entry is written with a placeholder URI
(the launcher sets the real one on import, DuckDB or PostgreSQL), and the export time stamp is
dropped, so an export without changes leaves the repository untouched.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml
from superset_app import as_admin

PLACEHOLDER_URI = "duckdb:///published.duckdb"


def normalised(name: str, text: str) -> str:
    config = yaml.safe_load(text)
    if name == "metadata.yaml":
        config.pop("timestamp", None)
    if name.startswith("databases/"):
        config["sqlalchemy_uri"] = PLACEHOLDER_URI
        config["extra"] = {}
    return yaml.dump(config, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False)


class _BlockDumper(yaml.SafeDumper):
    """Multi-line text (a virtual dataset's SQL, a Markdown note) as a readable block in the diff."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text)


def stable_name(name: str, files: dict[str, str]) -> str:
    """Superset appends the object's id to each file name; the ids differ between installations,
    so the name goes without it unless two objects share a title."""
    bare = re.sub(r"_\d+\.yaml$", ".yaml", name)
    clashes = [other for other in files if re.sub(r"_\d+\.yaml$", ".yaml", other) == bare]
    return bare if len(clashes) == 1 else name


def main(bundle: Path, admin: str) -> None:
    with as_admin(admin):
        from superset.commands.export.assets import ExportAssetsCommand

        files = {name: content() for name, content in ExportAssetsCommand().run()}
    for folder in ("databases", "datasets", "charts", "dashboards", "queries"):
        shutil.rmtree(bundle / folder, ignore_errors=True)
    for name, text in files.items():
        target = bundle / stable_name(name, files)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(normalised(name, text), encoding="utf-8")
    print(f"Exported {len(files)} files to {bundle}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
