"""Keeping Great Expectations' run history bounded.

Every validation writes a result into the file context's validation store and a page into the
local Data Docs site, both under `uncommitted/` (GX's place for what is not versioned). GX never
removes either, so a context validated on every run grows without end (50 MB and 1,900 files after
one day of development runs) and every Data Docs build lists all of it. The findings themselves are
kept in the warehouse (`fct_dq_findings`); here only the newest runs of each suite are kept for
browsing, and older run folders are removed before the site index is rebuilt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

KEEP_RUNS = 60  # five years of monthly runs, or a few weeks of daily development
VALIDATIONS_STORE = Path("uncommitted") / "validations"


def prune_run_history(context_dir: Path, docs_site_name: str, keep_runs: int = KEEP_RUNS) -> int:
    """Both trees are laid out `<suite>/<run name>/<run time>/…`; run times sort as they happened.
    Returns how many run folders were removed."""
    stores = (context_dir / VALIDATIONS_STORE,
              context_dir / "uncommitted" / "data_docs" / docs_site_name / "validations")
    removed = 0
    for store in stores:
        for run_name_folder in _subfolders(store, depth=2):
            runs = sorted(_subfolders(run_name_folder, depth=1), key=lambda folder: folder.name)
            for old_run in runs[:-keep_runs]:
                shutil.rmtree(old_run)
                removed += 1
    return removed


def _subfolders(folder: Path, depth: int) -> list[Path]:
    if not folder.is_dir():
        return []
    children = [child for child in folder.iterdir() if child.is_dir()]
    if depth == 1:
        return children
    return [grandchild for child in children for grandchild in _subfolders(child, depth - 1)]
