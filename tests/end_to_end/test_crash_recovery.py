"""Crashes and concurrent starts, on real runs of the job in their own processes.

One warehouse publishes two months of the demo province, then gets a third month; the runs that
follow are killed with SIGKILL at two points of every stage — intake writing its archive pack and
having finished it, each dbt phase starting and part-built, the rules evaluating and written, the
checks validating and reporting, the publication staging its file and its exports — and after each
one the published file and exports are byte for byte the last good ones. The run after the last crash must succeed with no
one touching anything, leave no leftovers, and hold the same ledger as one clean run on the same
inbox. That clean run is started together with `make run`'s entry point, which must refuse to
interleave with it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.demo.generator import generate_demo_province
from orchestration.lib.reference import load_registry
from orchestration.lib.run_lock import run_lock_path
from orchestration.lib.settings import REPO_ROOT, load_settings
from tests.conftest import warehouse_environment
from tests.publish.table_file_checks import folder_state

# Fifteen runs, twelve of them cut short: longer than the suite's 600 s default per test.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

RUN_JOB = """
import sys, dagster as dg
from orchestration.definitions import build_definitions
from orchestration.lib.settings import load_settings
result = build_definitions(load_settings()).get_job_def("warehouse_job").execute_in_process(
    instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
sys.exit(0 if result.success else 1)
"""
LEDGER = """
select content_hash, file_name, inbox_path, intake_status, org_unit_code, period_code, values_read, values_rejected
from raw.submissions order by content_hash, inbox_path
"""
VALUES = """
select s.content_hash, v.org_unit_code, v.period_code, v.indicator_code, v.value, v.sheet_name, v.cell_ref
from raw.submitted_values v join raw.submissions s using (submission_id) order by all
"""


class Run:
    """A run of the job in a child process, its log read line by line as it goes."""

    def __init__(self, root: Path, command: list[str] | None = None, **environment: str) -> None:
        env = {**os.environ, **warehouse_environment(root), "DAGSTER_HOME": str(root / "dagster_home"), **environment}
        (root / "dagster_home").mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            command or [sys.executable, "-c", RUN_JOB], cwd=REPO_ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def started(self, step: str) -> bool:
        return self.events(step, "STEP_START") > 0

    def events(self, step: str, event: str) -> int:
        """How many of the step's events of this kind the run has logged so far."""
        return sum(f" - {step} - {event} - " in line for line in self.lines[:])

    def kill_when(self, condition: Callable[[], bool], timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"the run ended before the kill point:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, "the kill point never came"
            time.sleep(0.02)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def wait(self) -> int:
        code = self.process.wait(timeout=900)
        self._reader.join(timeout=10)
        return code

    def output(self) -> str:
        return "".join(self.lines)

    def dbt_processes(self) -> list[int]:
        """The dbt processes this run started, read from /proc."""
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
                command = (status.parent / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"\nPPid:\t{self.process.pid}\n" in text and any(part.endswith(b"/dbt") for part in command):
                found.append(int(status.parent.name))
        return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def read_ledger(build_db: Path) -> tuple[list, list]:
    with duckdb.connect(str(build_db), read_only=True) as connection:
        return connection.sql(LEDGER).fetchall(), connection.sql(VALUES).fetchall()


def readers_view(exports_dir: Path, good: dict[str, str]) -> dict[str, str]:
    """The exports as readers find them: `current` and the publication folders that were there. A
    folder staged by a killed run is not among them (nothing points at it); the next run removes it."""
    names = {key.split("/")[0] for key in good}
    return {key: value for key, value in folder_state(exports_dir).items() if key.split("/")[0] in names}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Baseline:
    ledger: tuple[list, list]
    refused_output: str
    refused_code: int
    inbox: list[str]


@pytest.fixture(scope="module")
def registry():
    return load_registry(REPO_ROOT / "sources" / "reference")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, registry) -> Baseline:
    """One clean run of three months; `make run`'s entry point starts while it holds the warehouse.
    The inbox is generated in the same two steps as the crash test's, so the two ledgers can be compared."""
    root = tmp_path_factory.mktemp("clean")
    generate_demo_province(root / "inbox", registry, "202401", "202402")
    generate_demo_province(root / "inbox", registry, "202403", "202403")
    job = Run(root)
    lock = run_lock_path(root / "build.duckdb")
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().startswith("run ")):
        assert time.monotonic() < deadline and job.process.poll() is None, job.output()[-3000:]
        time.sleep(0.05)
    second = Run(root, [sys.executable, "-m", "orchestration.run_pipeline"], WAREHOUSE_RUN_WAIT_SECONDS="2")
    refused_code = second.wait()
    assert job.process.poll() is None, "the refusal must come while the first run still holds the warehouse"
    assert job.wait() == 0, job.output()[-5000:]
    inbox = sorted(p.name for p in (root / "inbox").iterdir())
    return Baseline(read_ledger(root / "build.duckdb"), second.output(), refused_code, inbox)


def test_a_second_run_from_make_run_refuses_while_one_runs(baseline):
    assert baseline.refused_code == 1
    assert "Another run is using the warehouse (run " in baseline.refused_output
    assert "Một lần chạy khác đang dùng kho" in baseline.refused_output


def test_two_runs_started_together_give_the_result_of_one(baseline):
    files, values = baseline.ledger
    assert sorted(row[2] for row in files) == baseline.inbox, "every inbox file recorded exactly once"
    assert values, "the run that went ahead loaded the values"


def kill_points(root: Path) -> list[tuple[str, Callable[["Run"], Callable[[], bool]]]]:
    """Two or three points per stage, each a distinct moment the run can die at: early in the
    stage, and after it has written part of its output. Points late in a stage cost a run almost
    whole, so each stage has one early point and one on its first output, not more."""
    published_dir = root / "published"
    exports_dir = published_dir / "exports"
    packs = root / "archive" / "packs"
    packs_before = set(packs.rglob("*.zip"))
    folders_before = {p.name for p in exports_dir.iterdir()}

    def new_pack(complete: bool) -> Callable[[Run], Callable[[], bool]]:
        """Being written, or finished (its zip directory written) and not yet recorded in the ledger."""
        def finished(pack: Path) -> bool:
            with pack.open("rb") as opened:
                opened.seek(max(0, pack.stat().st_size - 22))
                return opened.read(4) == b"PK\x05\x06"
        return lambda run: lambda: run.started("inbox_submissions") and any(
            not complete or finished(pack) for pack in set(packs.rglob("*.zip")) - packs_before)

    def dbt_phase(step: str, materialized: int = 0) -> Callable[[Run], Callable[[], bool]]:
        """dbt started, or past its first models (dagster-dbt logs each as dbt finishes it)."""
        def condition(run: Run) -> Callable[[], bool]:
            if materialized == 0:
                return lambda: run.started(step) and bool(run.dbt_processes())
            return lambda: run.events(step, "ASSET_MATERIALIZATION") >= materialized
        return condition

    def step_running(step: str, seconds: float) -> Callable[[Run], Callable[[], bool]]:
        def condition(run: Run) -> Callable[[], bool]:
            first_seen: list[float] = []

            def check() -> bool:
                if run.started(step):
                    first_seen[:1] = first_seen[:1] or [time.monotonic()]
                    return time.monotonic() - first_seen[0] >= seconds
                return False
            return check
        return condition

    def step_event(step: str, event: str) -> Callable[[Run], Callable[[], bool]]:
        return lambda run: lambda: run.events(step, event) > 0

    staging = lambda run: lambda: any(p.name.endswith(".tmp") for p in published_dir.iterdir())  # noqa: E731
    staged_exports = lambda run: lambda: any(  # noqa: E731
        p.name not in folders_before and not p.is_symlink() for p in exports_dir.iterdir())
    return [
        ("ingest, pack being written", new_pack(complete=False)),
        ("ingest, pack finished but not recorded", new_pack(complete=True)),
        ("dbt phase 1, starting", dbt_phase("dbt_rule_inputs")),
        ("dbt phase 1, models built", dbt_phase("dbt_rule_inputs", materialized=3)),
        ("rules, evaluating", step_running("dq_rules", 0.5)),
        ("rules, results written", step_event("dq_rules", "ASSET_MATERIALIZATION")),
        ("dbt phase 2, starting", dbt_phase("warehouse_models")),
        ("dbt phase 2, models built", dbt_phase("warehouse_models", materialized=10)),
        ("checks, validating", step_running("warehouse_expectations", 0.5)),
        ("checks, reporting", step_event("warehouse_expectations", "ASSET_CHECK_EVALUATION")),
        ("publish, staging the file", staging),
        ("publish, staging the exports", staged_exports),
    ]


def test_every_crash_is_recovered_by_the_next_run_alone(baseline, registry, tmp_path):
    root = tmp_path
    generate_demo_province(root / "inbox", registry, "202401", "202402")
    first = Run(root)
    assert first.wait() == 0, first.output()[-5000:]
    paths = load_settings(warehouse_environment(root)).paths
    good_checksum, good_exports = sha256(paths.published_db), folder_state(paths.exports_dir)
    generate_demo_province(root / "inbox", registry, "202403", "202403")

    for stage, point in kill_points(root):
        started = time.monotonic()
        run = Run(root)
        children: set[int] = set()
        condition = point(run)
        run.kill_when(lambda: (children.update(run.dbt_processes()) or True) and condition())
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in children), f"{stage}: dbt outlived its run"
        assert sha256(paths.published_db) == good_checksum, f"{stage}: the published file changed"
        assert readers_view(paths.exports_dir, good_exports) == good_exports, f"{stage}: the published exports changed"
        print(f"killed at {stage}: {time.monotonic() - started:.0f} s")

    last = Run(root)
    assert last.wait() == 0, last.output()[-5000:]
    assert "Đã dọn / Removed: " in last.output(), "the cleanup is logged"
    assert read_ledger(paths.build_db) == baseline.ledger
    leftovers = [p for p in root.rglob("*") if p.name.endswith((".tmp", ".wal")) or p.name.startswith(".incoming-")]
    assert leftovers == []
    with duckdb.connect(str(paths.build_db), read_only=True) as connection:
        referenced = {row[0].partition(".zip/")[0] + ".zip" for row in connection.sql(
            "select archive_path from raw.submissions").fetchall()}
    assert {p.relative_to(paths.archive_dir).as_posix() for p in paths.archive_dir.rglob("*.zip")} == referenced
    folders = [p.name for p in paths.exports_dir.iterdir() if p.name != "current"]
    assert len(folders) == 2, "the current publication and the one before it, nothing else"
