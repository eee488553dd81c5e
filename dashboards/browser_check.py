"""Open dashboards in headless Chromium and report what a person would see (Superset's Python).

`python browser_check.py <base url> <screenshot dir> <slug>...` prints one JSON object: per dashboard
the load time until every chart has rendered, the error panels and console errors, the text of every
table cell by chart title, and every request the page made to another host and how it ended (sent, or blocked inside the browser). The
dashboard test asserts on it; run by hand it checks a running instance. Debian's Chromium
(/usr/bin/chromium) is driven by Playwright, which never downloads a browser here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
ERROR_SELECTORS = ".alert-danger, .ant-alert-error, [data-test='error-message'], .error-boundary"
RENDER_TIMEOUT_MS = 60_000

# Every chart holder has rendered once no chart is loading and every one shows a table or a canvas/svg.
ALL_RENDERED = """() => {
  const holders = [...document.querySelectorAll('[data-test="chart-grid-component"]')];
  if (holders.length === 0) return false;
  if (document.querySelector('[data-test="loading-indicator"], .loading')) return false;
  return holders.every(h => h.querySelector('table, canvas, svg, [data-test="error-message"], .alert-danger'));
}"""

TABLES = """() => [...document.querySelectorAll('[data-test="chart-grid-component"]')].map(h => ({
  title: (h.querySelector('[data-test="slice-header"] [data-test="editable-title"]') || {}).innerText || '',
  rows: [...h.querySelectorAll('table tbody tr')].map(r => [...r.querySelectorAll('td')].map(c => c.innerText.trim())),
  headers: [...h.querySelectorAll('table thead th')].map(c => c.innerText.trim()),
  drawn: !!h.querySelector('table tbody tr, canvas, svg'),
}))"""


def open_dashboard(page, base: str, slug: str, shots: Path) -> dict:
    started = time.monotonic()
    page.goto(f"{base}/superset/dashboard/{slug}/", wait_until="domcontentloaded")
    page.wait_for_function(ALL_RENDERED, timeout=RENDER_TIMEOUT_MS)
    load_seconds = time.monotonic() - started
    charts = settled_charts(page)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
    return {"slug": slug, "load_seconds": round(load_seconds, 2), "title": page.title(),
            "error_panels": [e.inner_text() for e in page.query_selector_all(ERROR_SELECTORS)],
            "charts": charts}


def settled_charts(page) -> list[dict]:
    """The charts once the layout has settled: Superset may re-mount the grid after the first paint
    (when the native filters apply their defaults), so read again until two reads agree."""
    previous = None
    for _ in range(10):
        page.wait_for_timeout(700)
        page.wait_for_function(ALL_RENDERED, timeout=RENDER_TIMEOUT_MS)
        charts = page.evaluate(TABLES)
        if charts and charts == previous:
            return charts
        previous = charts
    return previous or []


def leaves_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS


def main(base: str, shots: Path, slugs: list[str]) -> None:
    console_errors: list[str] = []
    # Every request for another host, with how it ended: Superset's prebuilt frontend always asks for
    # a telemetry pixel, which the Content-Security-Policy blocks inside the browser (Playwright reports the failure as "csp").
    outside: dict[str, str] = {}
    report: dict = {"dashboards": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
        page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.on("request", lambda r: leaves_machine(r.url) and outside.setdefault(r.url, "sent"))
        page.on("requestfailed", lambda r: leaves_machine(r.url) and outside.update({r.url: r.failure or "failed"}))
        for slug in slugs:
            report["dashboards"].append(open_dashboard(page, base, slug, shots))
        # Warm load of the first dashboard, as a person reopening it sees it.
        report["warm_load_seconds"] = open_dashboard(page, base, slugs[0], shots)["load_seconds"]
        browser.close()
    report["console_errors"] = console_errors
    report["requests_to_other_hosts"] = outside
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]), sys.argv[3:])
