"""`make docs`: dbt's static docs page is generated, and both sites are served from this machine."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest

from orchestration.quality.docs_site import DBT_STATIC_PAGE, docs_server, generate_dbt_docs


@pytest.mark.slow
def test_dbt_generates_its_one_page_static_docs(tmp_path):
    page = generate_dbt_docs(tmp_path / "build.duckdb")
    assert page.name == DBT_STATIC_PAGE and page.is_file()
    text = page.read_text(encoding="utf-8")
    assert "fct_dq_findings" in text and "fct_inbox_entries" in text, "the manifest is inlined in the page"


def test_the_docs_server_serves_both_sites_and_a_page_linking_them(tmp_path):
    dbt_docs, data_docs = tmp_path / "dbt", tmp_path / "gx"
    dbt_docs.mkdir()
    data_docs.mkdir()
    (dbt_docs / DBT_STATIC_PAGE).write_text("dbt docs", encoding="utf-8")
    (data_docs / "index.html").write_text("data docs", encoding="utf-8")
    server = docs_server(0, dbt_docs, data_docs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        def get(path: str) -> str:
            with urllib.request.urlopen(base + path, timeout=10) as response:
                return response.read().decode()

        assert 'href="/dbt/static_index.html"' in get("/") and 'href="/gx/index.html"' in get("/")
        assert get(f"/dbt/{DBT_STATIC_PAGE}") == "dbt docs"
        assert get("/gx/index.html") == "data docs"
        with pytest.raises(urllib.error.HTTPError):
            get("/elsewhere/index.html")
        with pytest.raises(urllib.error.HTTPError):
            get("/gx/../dbt/static_index.html".replace("..", "%2e%2e"))
    finally:
        server.shutdown()
        server.server_close()
