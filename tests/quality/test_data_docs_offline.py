"""The Data Docs a session renders work with the network off: every script, style sheet, font and
image they load is on this machine, and the index's table (drawn by JavaScript) fills in."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestration.quality.data_docs_offline import DOCS_SITE_DIR, external_assets
from orchestration.quality.gx_runner import ValidationSession
from tests.quality.warehouse_fakes import dimension_keys, good_marts

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(gx_project) -> Path:
    session = ValidationSession(gx_project)
    marts = good_marts()
    session.with_data_docs([session.validate(name, frame, dimension_keys(marts)) for name, frame in marts.items()])
    return gx_project / "gx" / DOCS_SITE_DIR


def local_loads(page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    loads = re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="([^"#?]+)""", html)
    return [page.parent / url for url in loads if not url.endswith(".html") and not re.match(r"[a-z]+:", url)]


def test_no_page_loads_anything_from_outside_this_machine(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    assert {page.relative_to(site).as_posix(): external_assets(page.read_text(encoding="utf-8"))
            for page in pages if external_assets(page.read_text(encoding="utf-8"))} == {}
    for page in pages:
        assert "vegaEmbed" not in page.read_text(encoding="utf-8"), "a chart: bundle vega, which is dropped"
        missing = [str(path) for path in local_loads(page) if not path.resolve().is_file()]
        assert missing == [], page


def test_the_check_sees_an_external_asset_and_lets_links_and_localhost_through():
    html = ('<script src="https://unpkg.com/x.js"></script><a href="https://greatexpectations.io">GX</a>'
            '<link rel="stylesheet" href="http://localhost:8090/a.css"><div style="background: url(//cdn.example/x.png)">')
    assert external_assets(html) == ["https://unpkg.com/x.js", "//cdn.example/x.png"]


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to open the page with (see .ci/system-packages.sh)")
def test_the_index_table_fills_in_with_the_network_off(site, tmp_path):
    """Every request outside goes to a closed proxy port; the table's rows are drawn by bootstrap-table."""
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
         f"--user-data-dir={tmp_path}", "--virtual-time-budget=5000", "--dump-dom", (site / "index.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert re.search(r'<tr[^>]*data-index="0"', dom), dom[:2000]
