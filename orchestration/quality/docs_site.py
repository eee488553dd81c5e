"""`make docs`: the engineers' documentation, built and served from this machine, no internet needed.

Two sites on one local address: the dbt docs (models, columns, tests, lineage) as dbt's single-file
static page (`dbt docs generate --static`), and the Great Expectations Data Docs the runs render
(made to work offline by `data_docs_offline`). The Dagster check metadata links to Data Docs pages
at this address, so a link opened from the UI shows the page instead of a `file://` path on
whichever machine ran. dbt writes the docs into a target folder of their own, so generating them
never rewrites the manifest the code location loads.

    python -m orchestration.quality.docs_site [--port 8090] [--build-only]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
from pathlib import Path

from orchestration.lib.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, load_settings
from orchestration.quality.data_docs_offline import DEFAULT_PORT, DOCS_SITE_DIR, GX_PREFIX
from orchestration.transform.dbt_command import DBT_EXECUTABLE, build_db_vars

DBT_DOCS_TARGET = Path("target") / "docs"  # inside the dbt project, ignored by git like all of target/
DBT_STATIC_PAGE = "static_index.html"
DBT_PREFIX = "dbt"


def generate_dbt_docs(build_db: Path, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """The one-file static dbt docs; the catalog (column types) is read from the build database,
    so after a run the page shows the warehouse as built."""
    target = project_dir / DBT_DOCS_TARGET
    command = [str(DBT_EXECUTABLE), "docs", "generate", "--static", "--quiet", "--profiles-dir", ".",
               "--target-path", str(DBT_DOCS_TARGET), *build_db_vars(build_db)]
    subprocess.run(command, cwd=project_dir, check=True)
    return target / DBT_STATIC_PAGE


class _DocsHandler(http.server.SimpleHTTPRequestHandler):
    """`/gx/…` from the Data Docs site, `/dbt/…` from dbt's docs target, `/` a page linking both."""

    def __init__(self, *args, roots: dict[str, Path], **kwargs) -> None:
        self._roots = roots
        super().__init__(*args, directory=str(roots[GX_PREFIX]), **kwargs)

    def translate_path(self, path: str) -> str:
        prefix, _, rest = path.lstrip("/").partition("/")
        if prefix not in self._roots:
            return str(self._roots[GX_PREFIX] / "__nothing_here__")  # 404
        self.directory = str(self._roots[prefix])  # one handler per request
        return super().translate_path("/" + rest)

    def do_GET(self) -> None:
        if self.path in ("/", "/index.html"):
            body = (f'<!doctype html><meta charset="utf-8"><title>Tài liệu kho / Warehouse docs</title>'
                    f'<ul><li><a href="/{DBT_PREFIX}/{DBT_STATIC_PAGE}">Mô hình dbt / dbt models</a></li>'
                    f'<li><a href="/{GX_PREFIX}/index.html">Kiểm tra chất lượng (GX Data Docs) / '
                    f'Quality checks</a></li></ul>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def docs_server(port: int, dbt_docs: Path, data_docs: Path) -> http.server.ThreadingHTTPServer:
    """Bound to this machine only (port 0: any free one); `serve_forever` starts it."""
    handler = functools.partial(_DocsHandler, roots={GX_PREFIX: data_docs, DBT_PREFIX: dbt_docs})
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(port: int, dbt_docs: Path, data_docs: Path) -> None:
    with docs_server(port, dbt_docs, data_docs) as server:
        print(f"Tài liệu / Docs: http://localhost:{port}/  (Ctrl+C để dừng / to stop)", flush=True)
        server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--build-only", action="store_true", help="generate the dbt docs and exit")
    arguments = parser.parse_args()
    page = generate_dbt_docs(load_settings().paths.build_db)
    print(f"dbt docs: {page}", flush=True)
    if not arguments.build_only:
        serve(arguments.port, page.parent, EXPECTATIONS_DIR / "gx" / DOCS_SITE_DIR)


if __name__ == "__main__":
    main()
