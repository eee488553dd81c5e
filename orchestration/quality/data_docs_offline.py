"""Makes the Great Expectations Data Docs pages work on a server with no internet, and read true.

GX writes pages that load Bootstrap, jQuery, bootstrap-table, a date picker and Font Awesome from
CDNs, and its logo from a web bucket. The site index is a table bootstrap-table fills in with
JavaScript, so offline it renders blank. Each page GX renders is rewritten here: every script and
style sheet it loads comes from `static/vendor/` in the site (copied from `data_docs_assets/`, the
same files and versions GX asks for: Bootstrap 4.3.1, jQuery 3.7.1, Popper 1.12.9, bootstrap-table
1.19.1, bootstrap-datepicker 1.9.0, Font Awesome Free 6.6.0, all MIT-licensed but the date picker,
Apache-2.0, and Font Awesome's fonts, OFL). The dark-mode theme (900 KB of CSS) and the chart
libraries (vega: validation pages draw no chart) are dropped rather than bundled.

A rule suite whose only failures are warnings (outliers, late reports) is working as meant: it
found things for a person to look at. GX calls that "Failed"; its page and index row say
"Chỉ có cảnh báo / Warnings only" with a warning sign instead.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

ASSETS_DIR = Path(__file__).parent / "data_docs_assets"
DOCS_SITE_DIR = Path("uncommitted") / "data_docs" / "local_site"  # in the GX context (great_expectations.yml)
DEFAULT_PORT = 8090  # where `make docs` serves (the Makefile's DOCS_PORT); Dagster's UI is on 3000
GX_PREFIX = "gx"  # the Data Docs' folder on that address
VENDOR_DIR = Path("static") / "vendor"  # inside the site
WARNINGS_ONLY = "Chỉ có cảnh báo / Warnings only"

# The file names GX loads from CDNs -> the bundled copy (under VENDOR_DIR); _DROPPED ones are not loaded.
_CDN = "|".join(map(re.escape, ("https://unpkg.com/", "https://cdnjs.cloudflare.com/", "https://cdn.jsdelivr.net/",
                                 "https://maxcdn.bootstrapcdn.com/", "https://stackpath.bootstrapcdn.com/",
                                 "https://code.jquery.com/")))
_BUNDLED = {
    "bootstrap.min.css": "bootstrap.min.css",
    "bootstrap.min.js": "bootstrap.min.js",
    "jquery-3.7.1.min.js": "jquery.min.js",
    "popper.min.js": "popper.min.js",
    "bootstrap-table.min.css": "bootstrap-table.min.css",
    "bootstrap-table.min.js": "bootstrap-table.min.js",
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "bootstrap-datepicker.min.css": "bootstrap-datepicker.min.css",
    "bootstrap-datepicker.min.js": "bootstrap-datepicker.min.js",
    "all.min.css": "css/fontawesome.min.css",
}
_DROPPED = {"bootstrap-prefers-dark.css", "vega@5", "vega-lite@5", "vega-embed@6"}
_SCRIPT = re.compile(rf"""<script\b(?P<before>[^>]*?)\ssrc="(?P<url>(?:{_CDN})[^"]*)"(?P<after>[^>]*)>\s*</script>""")
_LINK = re.compile(rf"""<link\b(?P<before>[^>]*?)\shref="(?P<url>(?:{_CDN})[^"]*)"(?P<after>[^>]*?)/?>""")
_WEB_ASSETS = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/([A-Za-z0-9_.-]+)[^'\")]*")
_FAILED_STATUS = '<i class="fas fa-times text-danger" aria-hidden="true"></i> Failed'
_WARNING_STATUS = f'<i class="fas fa-exclamation-triangle text-warning" aria-hidden="true"></i> {WARNINGS_ONLY}'
_INDEX_ROW = re.compile(r"\{'validation_success': .*?'_validation_success_text': '[A-Za-z ]*'", re.DOTALL)
_ROW_LINK = re.compile(r"'_table_row_link_path': '([^']+)'")


def make_offline(site_dir: Path, pages: Iterable[Path], warnings_only: Iterable[Path] = ()) -> None:
    """Rewrites `pages` (just rendered) and the index, which GX renders anew each time; `warnings_only`
    are the pages among them whose suite failed on warnings alone."""
    shutil.copytree(ASSETS_DIR, site_dir / VENDOR_DIR, dirs_exist_ok=True)  # 13 files: kept current, cheaply
    warned = set(warnings_only)
    index = site_dir / "index.html"
    for page in [*(set(pages) - {index}), index]:  # the index last: its rows read the pages' status
        if page.is_file():
            text = _localise(page.read_text(encoding="utf-8"), os.path.relpath(site_dir, page.parent))
            if page in warned:
                text = text.replace(_FAILED_STATUS, _WARNING_STATUS)
            if page == index:
                text = _index_rows(text, site_dir)
            page.write_text(text, encoding="utf-8")


def served_url(page: Path, port: int = DEFAULT_PORT) -> str:
    """Where `make docs` (`docs_site.py`) serves a Data Docs page, from its path inside the site."""
    return f"http://localhost:{port}/{GX_PREFIX}/{page.as_posix()}"


def external_assets(html: str) -> list[str]:
    """Every URL outside this machine a page would load (scripts, style sheets, images, CSS urls);
    plain links to other sites are not loads and are not listed."""
    loads = re.findall(r"""<(?:script|img|link|source|iframe)\b[^>]*?\b(?:src|href)=["']([^"']+)""", html)
    loads += re.findall(r"""url\(\s*['"]?([^'")]+)""", html)
    return [url for url in loads if re.match(r"(?:https?:)?//", url) and not _local(url)]


def _local(url: str) -> bool:
    return re.match(r"(?:https?:)?//(?:localhost|127\.0\.0\.1)(?:[:/]|$)", url) is not None


def _localise(html: str, to_site: str) -> str:
    def bundled(match: re.Match[str], tag: str, attribute: str, end: str) -> str:
        name = match["url"].rstrip("/").rsplit("/", 1)[-1]
        if name in _DROPPED:
            return ""
        if name not in _BUNDLED:
            return match[0]  # unknown: left for the offline check to report
        # The integrity hash and CORS mode were for the CDN; the bundled bytes are served as local files.
        kept = re.sub(r'\s(?:integrity|crossorigin)="[^"]*"', "", match["before"] + match["after"])
        return f'<{tag}{kept} {attribute}="{to_site}/{VENDOR_DIR.as_posix()}/{_BUNDLED[name]}">{end}'

    html = _SCRIPT.sub(lambda match: bundled(match, "script", "src", "</script>"), html)
    html = _LINK.sub(lambda match: bundled(match, "link", "href", ""), html)
    # GX points deep validation pages one folder short of the site's own favicon.
    html = re.sub(r'href="(?:\.\.?/)*static/images/favicon\.ico"', f'href="{to_site}/static/images/favicon.ico"', html)
    return _WEB_ASSETS.sub(lambda match: f"{to_site}/static/images/{_image(match[1])}", html)


def _image(name: str) -> str:
    """GX ships the light logos in the site's own static/images; the dark-mode logo is not there."""
    return name if name in {"logo-long.png", "short-logo.png", "favicon.ico"} else "logo-long.png"


def _index_rows(html: str, site_dir: Path) -> str:
    """An index row whose page says warnings only gets the same sign and words."""
    def row(match: re.Match[str]) -> str:
        text = match[0]
        link = _ROW_LINK.search(text)
        page = site_dir / link[1] if link else None
        if page is None or not page.is_file() or WARNINGS_ONLY not in page.read_text(encoding="utf-8"):
            return text
        return (text.replace("fas fa-times text-danger", "fas fa-exclamation-triangle text-warning")
                .replace("'_validation_success_text': 'Failed'", "'_validation_success_text': 'Warnings only'"))

    return _INDEX_ROW.sub(row, html)
