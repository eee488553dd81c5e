"""Time the blocking integrity checks (`warehouse_expectations`) before and after scoping them.

Builds the demo province's warehouse once with the real job, replicates its marts into K provinces
(every unit code suffixed per copy, file and finding ids offset, so keys stay unique and references
resolve), and publishes it by copying the file. Then the same Dagster check runs, each in a fresh
process so GX's import and context are paid as a run pays them, with the code of `--base` (before)
and of this tree (after), for a full rebuild (no affected periods) and for one new workbook (the
published copy lacks the newest file and its unit's rows in its month and the windows `period_vars`
widens it to, which become the affected periods). A breakdown of the old step (GX import, context,
reading each mart into pandas, each suite, Data Docs) says where its seconds went. Results are
printed and written to bench/results/warehouse_checks_K.json.

    .venv/bin/python bench/warehouse_checks.py --provinces 1
    .venv/bin/python bench/warehouse_checks.py --provinces 60 --demo-dir /tmp/bench-checks-demo --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# What the marts name units and the rows that must stay unique across the copies.
UNIT_COLUMNS = {"org_unit_code", "parent_code", "predecessor_code", "successor_code"}
TEXT_IDS = {"finding_id", "inbox_path"}
NUMBER_IDS = {"submission_id", "source_submission_id"}
SHARED_DIMENSIONS = {"dim_indicators", "dim_periods"}


def environment(workdir: Path) -> dict[str, str]:
    from orchestration.lib.settings import warehouse_environment

    # The published copy beside the build: the scaled scenarios copy one into the other.
    return {**os.environ, **warehouse_environment(workdir), "WAREHOUSE_PUBLISHED_DB": str(workdir / "published.duckdb")}


def build_demo(workdir: Path) -> Path:
    """The demo province through the real job; returns its build database."""
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.demo.generator import generate_demo_province
    from orchestration.lib.reference import load_registry
    from orchestration.lib.settings import load_settings

    settings = load_settings(environment(workdir))
    generate_demo_province(settings.paths.inbox_dir, load_registry(settings.paths.reference_dir))
    job = build_definitions(settings).get_job_def("warehouse_job")
    job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
    return settings.paths.build_db


def replicate(source: Path, target: Path, provinces: int) -> dict[str, int]:
    """The marts K times over; returns each mart's row count."""
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    with duckdb.connect(str(target)) as connection:
        marts = [name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
        for name in marts:
            if provinces == 1 or name in SHARED_DIMENSIONS:
                continue
            columns = [column for (column,) in connection.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
                [name]).fetchall()]
            replaced = [f"{c} || case when copy = 0 then '' else '-P' || copy end as {c}"
                        for c in columns if c in UNIT_COLUMNS | TEXT_IDS]
            replaced += [f"{c} + copy * 10000000 as {c}" for c in columns if c in NUMBER_IDS]
            clause = f" replace ({', '.join(replaced)})" if replaced else ""
            connection.execute(f"create table marts.{name}_copies as select * exclude (copy){clause} "
                               f"from marts.{name}, (select range as copy from range({provinces}))")
            connection.execute(f"drop table marts.{name}")
            connection.execute(f"alter table marts.{name}_copies rename to {name}")
        return {name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in marts}


def set_affected_periods(build_db: Path, periods: list[str]) -> None:
    """What phase two writes: the periods it rebuilt, none for a full rebuild."""
    import duckdb

    from orchestration.transform.dbt_command import AFFECTED_PERIODS_TABLE

    with duckdb.connect(str(build_db)) as connection:
        connection.execute(f"create schema if not exists {AFFECTED_PERIODS_TABLE.split('.')[0]}")
        connection.execute(f"create or replace table {AFFECTED_PERIODS_TABLE} (period_code varchar not null)")
        if periods:
            connection.executemany(f"insert into {AFFECTED_PERIODS_TABLE} values (?)", [[code] for code in periods])


def unpublish_newest_file(build_db: Path, published_db: Path) -> list[str]:
    """Makes the published copy what it was before the newest unit's workbook came: without its submission,
    findings, and its unit's rows in the periods it affects. Returns those periods, as phase two would."""
    import duckdb

    from orchestration.transform.period_vars import affected_period_codes

    with duckdb.connect(str(published_db)) as connection:
        [(submission, unit, period)] = connection.execute(
            "select submission_id, org_unit_code, period_code from marts.fct_submissions as file "
            "where status = 'published' and exists (select 1 from marts.fct_indicator_values as value "
            "where value.org_unit_code = file.org_unit_code and value.period_code = file.period_code) "
            "order by submission_id desc limit 1").fetchall()
        periods = sorted(affected_period_codes({period}))
        # The file changes its unit's rows and the roll-ups of its month (area totals, summaries);
        # the dimensions come from the reference files, which it does not change.
        for (mart,) in connection.execute(
                "select table_name from information_schema.columns where table_schema = 'marts' "
                "and column_name = 'period_code' and table_name not like 'dim_%'").fetchall():
            connection.execute(
                f"delete from marts.{mart} where org_unit_code = $unit and list_contains($periods, period_code) "
                f"or rowid = (select min(rowid) from marts.{mart} where period_code = $period)",
                {"unit": unit, "periods": periods, "period": period})
        connection.execute("delete from marts.fct_submissions where submission_id = ?", [submission])
        connection.execute("delete from marts.fct_dq_findings where submission_id = ?", [submission])
    return periods


def export_tree(revision: str, target: Path) -> Path:
    """The code at `revision`, sharing this tree's parsed dbt project (the manifest is not committed)."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", revision, "orchestration", "expectations"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    for shared in ("dbt_project", "sources"):
        (target / shared).symlink_to(REPO_ROOT / shared)
    return target


def run_child(tree: Path, workdir: Path, mode: str) -> dict:
    output = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--tree", str(tree), "--workdir", str(workdir)],
        check=True, capture_output=True, text=True, env=environment(workdir),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def child_check(tree: Path, workdir: Path) -> dict:
    """The Dagster check as a run executes it, checks only, in this fresh process."""
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (timed apart: a run's check step pays it once)

    imported = time.perf_counter() - started
    import dagster as dg

    from orchestration.lib.marts import mart_asset_key, public_marts
    from orchestration.lib.resources import warehouse_resources
    from orchestration.lib.settings import load_settings
    from orchestration.quality.checks import build_warehouse_checks

    expectations = Path(tempfile.mkdtemp(prefix="bench-gx-"))
    shutil.copytree(tree / "expectations" / "gx", expectations / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    marts = public_marts()
    started = time.perf_counter()
    result = dg.materialize(
        [*build_warehouse_checks(marts, expectations), *(dg.AssetSpec(mart_asset_key(name)) for name in marts)],
        selection=dg.AssetSelection.checks_for_assets(*(mart_asset_key(name) for name in marts)),
        resources=warehouse_resources(load_settings(environment(workdir))),
        raise_on_error=False,
    )
    checked = time.perf_counter() - started
    evaluations = result.get_asset_check_evaluations()
    return {
        "import_gx_s": round(imported, 2),
        "check_s": round(checked, 2),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "passed": all(evaluation.passed for evaluation in evaluations) and len(evaluations) == len(marts),
        # Before the change every check validated its whole table (`row_count`); after, `rows_validated`.
        "rows_validated_by_gx": sum(e.metadata.get("rows_validated", e.metadata.get("row_count")).value
                                    for e in evaluations if "row_count" in e.metadata),
        "scopes": {e.asset_key.path[-1]: e.metadata["scope"].value for e in evaluations if "scope" in e.metadata},
    }


def child_breakdown(tree: Path, workdir: Path) -> dict:
    """Where the old step's seconds go, with the library calls it made, one at a time."""
    started = time.perf_counter()
    import duckdb

    from orchestration.lib.marts import public_marts
    from orchestration.quality.checks import dimension_keys
    from orchestration.quality.gx_runner import ValidationSession, load_context

    seconds: dict[str, float] = {"import_gx": time.perf_counter() - started}
    expectations = Path(tempfile.mkdtemp(prefix="bench-gx-"))
    shutil.copytree(tree / "expectations" / "gx", expectations / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    started = time.perf_counter()
    load_context(expectations)
    session = ValidationSession(expectations)
    seconds["context"] = time.perf_counter() - started
    validations, suites = [], {}
    with duckdb.connect(str(workdir / "build.duckdb"), read_only=True) as connection:
        parameters = dimension_keys(connection)
        for name in public_marts():
            started = time.perf_counter()
            frame = connection.sql(f'select * from marts."{name}"').df()
            read = time.perf_counter() - started
            started = time.perf_counter()
            validations.append(session.validate(name, frame, parameters))
            suites[name] = {"rows": len(frame), "read_s": round(read, 2), "validate_s": round(time.perf_counter() - started, 2)}
    started = time.perf_counter()
    session.with_data_docs(validations)
    seconds["data_docs"] = time.perf_counter() - started
    seconds["read_frames"] = sum(suite["read_s"] for suite in suites.values())
    seconds["validate_suites"] = sum(suite["validate_s"] for suite in suites.values())
    return {**{key: round(value, 2) for key, value in seconds.items()}, "suites": suites,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--base", default="", help="the code before the change (default: merge-base with main)")
    parser.add_argument("--demo-dir", type=Path, help="reuse (or keep) the demo province's build here")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each check, the fastest kept")
    parser.add_argument("--child", choices=("check", "breakdown"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        sys.path.insert(0, str(arguments.tree))
        child = child_check if arguments.child == "check" else child_breakdown
        print(json.dumps(child(arguments.tree, arguments.workdir)))
        return

    sys.path.insert(0, str(REPO_ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="bench-checks-"))
    base = arguments.base or subprocess.run(["git", "-C", str(REPO_ROOT), "merge-base", "HEAD", "main"],
                                            check=True, capture_output=True, text=True).stdout.strip()
    demo_dir = arguments.demo_dir or workdir / "demo"
    demo_db = demo_dir / "build.duckdb"
    if not demo_db.is_file():
        started = time.perf_counter()
        build_demo(demo_dir)
        print(f"demo province built in {time.perf_counter() - started:.1f} s")
    scaled = workdir / f"k{arguments.provinces}"
    rows = replicate(demo_db, scaled / "build.duckdb", arguments.provinces)
    shutil.copy(scaled / "build.duckdb", scaled / "published.duckdb")  # as the last publication left it
    trees = {"before": export_tree(base, workdir / "before"), "after": REPO_ROOT}
    periods = unpublish_newest_file(scaled / "build.duckdb", scaled / "published.duckdb")

    breakdown = run_child(trees["before"], scaled, "breakdown")
    results: dict[str, dict] = {}
    scenarios = {"full rebuild": [], "one new workbook": periods}
    for scenario, affected in scenarios.items():
        set_affected_periods(scaled / "build.duckdb", affected)
        # Before and after alternate, and each keeps its fastest run: the machine is shared.
        for _ in range(arguments.repeat):
            for version, tree in trees.items():
                run = run_child(tree, scaled, "check")
                kept = results.setdefault(f"{scenario} / {version}", run)
                results[f"{scenario} / {version}"] = min(kept, run, key=lambda result: result["check_s"])

    print(f"\n{arguments.provinces} province(s): {sum(rows.values()):,} mart rows "
          f"(fct_indicator_values {rows['fct_indicator_values']:,}); base {base[:10]}; one workbook affects {periods}")
    print("Old step, where the seconds go: " + ", ".join(
        f"{key} {breakdown[key]:.2f} s" for key in ("import_gx", "context", "read_frames", "validate_suites", "data_docs")))
    for name, suite in sorted(breakdown["suites"].items(), key=lambda item: -item[1]["validate_s"]):
        print(f"  {name:<32}{suite['rows']:>10,} rows  read {suite['read_s']:>5.2f} s  validate {suite['validate_s']:>6.2f} s")
    print(f"\n{'scenario / code':<30}{'GX import (s)':>14}{'check (s)':>11}{'peak MB':>9}{'GX rows':>11}  passed  scopes")
    for label, result in results.items():
        scopes = ", ".join(f"{scope} ×{count}" for scope, count in Counter(result["scopes"].values()).most_common())
        print(f"{label:<30}{result['import_gx_s']:>14.2f}{result['check_s']:>11.2f}{result['peak_mb']:>9}"
              f"{result['rows_validated_by_gx']:>11,}  {result['passed']!s:<6}  {scopes}")
    for scenario in scenarios:
        before, after = results[f"{scenario} / before"], results[f"{scenario} / after"]
        print(f"{scenario}: after/before check time {after['check_s'] / before['check_s']:.2f}, "
              f"peak memory {after['peak_mb'] / before['peak_mb']:.2f}")
    results_dir = REPO_ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"warehouse_checks_{arguments.provinces}.json").write_text(json.dumps(
        {"provinces": arguments.provinces, "base": base, "mart_rows": rows, "one_workbook_periods": periods,
         "breakdown_before": breakdown, "runs": results}, indent=2, ensure_ascii=False))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
