"""What `make run` prints: a line per stage and what this run did, under 40 lines, the Dagster and
dbt chatter in a log file it names; and, run again with nothing new, that it did nothing.

On a copy of the demo warehouse, one workbook corrected, through the real entry point in its own
process (as `make run` starts it), then once more.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from orchestration.lib.settings import REPO_ROOT
from tests.conftest import warehouse_environment

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def make_run(root: Path) -> tuple[str, float]:
    environment = {**os.environ, **warehouse_environment(root), "WAREHOUSE_INBOX_SETTLE_SECONDS": "0",
                   "DAGSTER_HOME": str(root / "dagster_home")}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "orchestration.run_pipeline"], cwd=REPO_ROOT, env=environment,
                               capture_output=True, text=True, timeout=1100)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed.stdout + completed.stderr, time.perf_counter() - started


@pytest.fixture(scope="module")
def outputs(demo_run, tmp_path_factory):
    assert demo_run.result.success
    root = tmp_path_factory.mktemp("make-run") / "warehouse"
    shutil.copytree(demo_run.paths.build_db.parent, root, symlinks=True)
    (root / "dagster_home").mkdir()
    workbook_path = root / "inbox" / "BaoCao_TTYT_DamHa_T03-2025.xlsx"  # this unit's layout: code in D, value in E
    workbook = openpyxl.load_workbook(workbook_path)
    row = next(row for row in workbook.active.iter_rows() if row[3].value == "IPD_ADMISSIONS")
    row[4].value += 5
    workbook.save(workbook_path)
    return make_run(root), make_run(root)


def test_a_run_shows_its_stages_and_what_it_did_in_under_40_lines(outputs):
    (text, _), _ = outputs
    lines = text.splitlines()
    assert len(lines) < 40, text
    assert not any(" - dagster - " in line for line in lines), "Dagster's log belongs in the file"
    assert any("Công bố / publish ✓" in line for line in lines)
    assert "new files: 1 (1 accepted" in text
    log_file = Path(text.split("full log: ")[1].split()[0])
    assert log_file.is_file() and "STEP_SUCCESS" in log_file.read_text(encoding="utf-8")
    for place in ("quality report: ", "outbox: ", "UI: http://"):
        assert place in text


def test_a_second_run_with_nothing_new_says_so_at_once(outputs):
    _, (text, seconds) = outputs
    assert "Nothing new since the last publication" in text
    assert len(text.splitlines()) <= 3
    assert seconds < 10  # no Dagster, no dbt: the target is 3 s on an idle machine
