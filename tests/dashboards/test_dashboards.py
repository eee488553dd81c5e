"""The department's dashboards, end to end: Superset set up from scratch, opened in a real browser.

One Superset instance for the module, on a copy of the demo run's published warehouse (so the
freshness test can publish over it without touching the shared `demo_run`). Its environment comes
from `dashboards/uv.lock`, installed once into `.tools/dashboards-venv-<lock hash>` and reused; the
metadata, the import of the dashboards-as-code and the connection are made anew every time.
Debian's Chromium (`.ci/system-packages.sh`) is driven by Playwright from that environment through
`dashboards/browser_check.py`; screenshots and timings go to `warehouse/dashboard_screenshots/`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from dashboards import launcher
from orchestration.lib.settings import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

SLUGS = ["tong-quan-tinh", "theo-dia-ban-don-vi", "chat-luong-du-lieu", "so-sanh-dia-gioi"]
SHOTS = REPO_ROOT / "warehouse" / "dashboard_screenshots"
CSP_BLOCK = "csp"  # Playwright's failure text for a request the Content-Security-Policy stopped


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "Superset stopped while starting"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"Superset did not answer {url} within {seconds} s")


def record(name: str, value: float) -> None:
    """Measured figures next to the screenshots, for the closing note."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    timings = SHOTS / "timings.json"
    figures = json.loads(timings.read_text()) if timings.exists() else {}
    timings.write_text(json.dumps({**figures, name: round(value, 2)}, indent=2))


@pytest.fixture(scope="module")
def superset(demo_run, tmp_path_factory):
    assert Path("/usr/bin/chromium").exists(), "Chromium missing: run `bash .ci/system-packages.sh`"
    root = tmp_path_factory.mktemp("dashboards")
    published = root / "published" / "published.duckdb"
    published.parent.mkdir()
    shutil.copy2(demo_run.paths.published_db, published)
    port = free_port()
    environment = {**os.environ, "WAREHOUSE_PUBLISHED_DB": str(published), "WAREHOUSE_POSTGRES_URL": "",
                   "DASHBOARDS_HOME": str(root / "home"), "DASHBOARD_PORT": str(port)}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "dashboards.launcher", "setup"], check=True, env=environment,
                   cwd=REPO_ROOT)
    record("setup_seconds_with_cached_environment", time.monotonic() - started)
    server = subprocess.Popen([sys.executable, "-m", "dashboards.launcher", "serve"], env=environment,
                              cwd=REPO_ROOT, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
        yield {"base": f"http://localhost:{port}", "published": published}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def open_in_browser(base: str, slugs: list[str], shots: Path = SHOTS) -> dict:
    result = subprocess.run([str(launcher.venv_dir() / "bin" / "python"),
                             str(launcher.DASHBOARDS_DIR / "browser_check.py"), base, str(shots), *slugs],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def first_look(superset):
    return open_in_browser(superset["base"], SLUGS)


def test_every_dashboard_renders_every_chart_without_errors(first_look):
    assert [board["slug"] for board in first_look["dashboards"][:len(SLUGS)]] == SLUGS
    for board in first_look["dashboards"]:
        assert board["error_panels"] == [], board["slug"]
        assert board["charts"], f"{board['slug']}: no chart on the page"
        for chart in board["charts"]:
            assert chart["drawn"], f"{board['slug']}: '{chart['title']}' drew nothing"
        assert (SHOTS / f"{board['slug']}.png").stat().st_size > 10_000
    blocked = [url for url, outcome in first_look["requests_to_other_hosts"].items() if outcome == CSP_BLOCK]
    other_errors = [message for message in first_look["console_errors"]
                    if not ("Content Security Policy" in message and any(url in message for url in blocked))]
    assert other_errors == []


def test_no_request_leaves_the_machine(first_look):
    """The only outside address the frontend asks for (its telemetry pixel) is blocked by the
    browser itself under the server's Content-Security-Policy: nothing is sent."""
    assert {url: outcome for url, outcome in first_look["requests_to_other_hosts"].items()
            if outcome != CSP_BLOCK} == {}


def test_province_overview_loads_warm_within_target(first_look):
    warm = first_look["warm_load_seconds"]
    record("province_overview_warm_load_seconds", warm)
    record("province_overview_first_load_seconds", first_look["dashboards"][0]["load_seconds"])
    # Target 3 s on an idle machine; the bound leaves room for the shared CI machine.
    assert warm < 15


def vietnamese_number(value: float | None) -> str:
    """How the dashboards print a figure: two decimals, '.' for thousands and ',' for decimals."""
    if value is None:
        return "N/A"
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def headline_rows(report: dict) -> dict[tuple[str, str], dict[str, str]]:
    board = next(board for board in report["dashboards"] if board["slug"] == "tong-quan-tinh")
    table = next(chart for chart in board["charts"] if chart["headers"])
    rows = [dict(zip(table["headers"], row)) for row in table["rows"]]
    return {(row["Chỉ số"], row["Kỳ"]): row for row in rows}


def warehouse_headlines(published: Path) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(published), read_only=True) as connection:
        rows = connection.sql("""
            select i.name_vi, v.period_code, v.value, a.target_value, a.benchmark_value, a.achievement_label_vi
            from marts.fct_indicator_values v
            join marts.dim_org_units u on u.org_unit_code = v.org_unit_code and u.unit_type = 'province'
            join marts.dim_indicators i on i.indicator_code = v.indicator_code and i.kind = 'derived'
            left join marts.fct_indicator_achievement a on a.indicator_code = v.indicator_code
                and a.org_unit_code = v.org_unit_code and a.period_code = v.period_code
            where v.period_type = 'year'""").fetchall()
    return {(name, f"Năm {period}"): {"value": value, "target": target, "benchmark": benchmark, "label": label}
            for name, period, value, target, benchmark, label in rows}


def test_province_overview_shows_the_warehouse_figures(first_look, superset):
    shown = headline_rows(first_look)
    expected = warehouse_headlines(superset["published"])
    assert len(shown) >= 9, shown
    for key, row in shown.items():
        figures = expected[(key[0], re.sub(r"^Lũy kế (\d{4}).*", r"Năm \1", key[1]))]
        assert row["Giá trị"] == vietnamese_number(figures["value"]), key
        assert row["Chỉ tiêu"] == vietnamese_number(figures["target"]), key
        assert row["Toàn quốc"] == vietnamese_number(figures["benchmark"]), key
        assert row["Kết quả"] == (figures["label"] or "Chưa giao chỉ tiêu"), key


def publish_changed_value(published: Path, indicator_name: str, period_code: str, new_value: float) -> None:
    """A new publication the way the pipeline makes one: a complete file renamed over the old one."""
    staging = published.with_name("published.next.duckdb")
    shutil.copy2(published, staging)
    with duckdb.connect(str(staging)) as connection:
        connection.execute("""
            update marts.fct_indicator_values set value = ?
            where period_code = ?
              and org_unit_code = (select org_unit_code from marts.dim_org_units where unit_type = 'province')
              and indicator_code = (select indicator_code from marts.dim_indicators where name_vi = ?)""",
                           [new_value, period_code, indicator_name])
    os.replace(staging, published)


def test_a_new_publication_shows_without_anyone_doing_anything(first_look, superset):
    name, period = next(key for key in headline_rows(first_look) if key[1].startswith("Năm "))
    new_value = 12345.678
    publish_changed_value(superset["published"], name, period.removeprefix("Năm "), new_value)
    again = open_in_browser(superset["base"], ["tong-quan-tinh"], SHOTS / "after_new_publication")
    assert headline_rows(again)[(name, period)]["Giá trị"] == vietnamese_number(new_value)
