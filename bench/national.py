"""A national instance, timed: K provinces' registry and workbooks through `make run`, in one run.

The registry is the demo province's, replicated K times by `orchestration.demo.national` (the
province QN becomes P01, QN-BVDKT becomes P01-BVDKT): every reference row that names an org unit
is copied per province with its codes prefixed, its names marked with the province and its e-mail
addresses made distinct, so each province has its own units, statistics-office areas and
contacts; rows naming no unit (indicators, holidays, deadlines) are kept once. The demo generator then writes every province's
workbooks from that registry. With --provinces 1 the demo registry is used as it is.

Four runs of `python -m orchestration.run_pipeline`, each its own process, on the same warehouse:
  full build      every workbook but one is new;
  one new         the workbook held back arrives;
  one corrected   a workbook already ingested is sent again with a value changed;
  nothing new     nothing changed since.
For each: wall time, the job's steps (from the run's log file) and the peak memory of the run
(the process and the dbt it waited for). Then the floors: reading every workbook with calamine
alone, and a plain DuckDB aggregation of the ingested values by indicator, province and month.

    make bench-national   # or: .venv/bin/python bench/national.py --provinces 1 [--first-month 202401 --last-month 202512]

Results are printed and written to bench/results/national_<K>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from orchestration.demo.national import replicate_registry  # noqa: E402
from orchestration.lib.settings import warehouse_environment  # noqa: E402

STEP_FINISHED = re.compile(r'Finished execution of step "(\w+)" in (?:(\d+)m)?([\d.]+)(ms|s)')


def replicate_reference(source: Path, target: Path, provinces: int) -> None:
    """K copies of every reference row naming an org unit: the demo's own replication
    (`orchestration.demo.national`), which the national-instance test checks; one province is the
    demo's folder as it is."""
    if provinces == 1:
        shutil.copytree(source, target)
        return
    replicate_registry(source, target, provinces)


def environment(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        **warehouse_environment(root),
        "WAREHOUSE_REFERENCE_DIR": str(root / "reference"),
        "WAREHOUSE_INBOX_SETTLE_SECONDS": "0",
        "DAGSTER_HOME": str(root / "dagster_home"),
    }


def timed_run(root: Path) -> dict:
    """One `make run` without make: wall time, steps from its log, peak memory of it and its dbt."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "orchestration.run_pipeline"], cwd=REPO_ROOT,
                               env=environment(root), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed:\n{output[-4000:]}")
    steps: dict[str, float] = {}
    log = re.search(r"full log: (\S+)", output)
    if log:
        for step, minutes, amount, unit in STEP_FINISHED.findall(Path(log.group(1)).read_text(encoding="utf-8")):
            steps[step] = 60 * int(minutes or 0) + float(amount) / (1000 if unit == "ms" else 1)
    return {"wall_s": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024), "steps": steps,
            "output_lines": len(output.splitlines())}


def calamine_floor(inbox: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    for path in sorted(inbox.rglob("*.xlsx")):
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python()
    return round(time.perf_counter() - started, 2)


def sql_floor(build_db: Path) -> float:
    import duckdb

    started = time.perf_counter()
    with duckdb.connect(str(build_db), read_only=True) as connection:
        connection.execute("""
            select indicator_code, split_part(org_unit_code, '-', 1) as province, period_code,
                   sum(value), count(*)
            from raw.submitted_values group by all""").fetchall()
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--first-month", default="202401")
    parser.add_argument("--last-month", default="202512")
    arguments = parser.parse_args()

    from orchestration.demo.generator import generate_demo_province
    from orchestration.lib.reference import load_registry
    from orchestration.lib.settings import load_settings
    from orchestration.transform.prepare import parse_dbt_project

    root = Path(tempfile.mkdtemp(prefix=f"bench-national-{arguments.provinces}-"))
    replicate_reference(REPO_ROOT / "sources" / "reference", root / "reference", arguments.provinces)
    (root / "dagster_home").mkdir()
    shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    parse_dbt_project(load_settings(environment(root)))  # the same --vars the runs pass: no reparse in them
    started = time.perf_counter()
    files = generate_demo_province(root / "inbox", load_registry(root / "reference"),
                                   arguments.first_month, arguments.last_month)
    generation = time.perf_counter() - started
    # A monthly workbook of the last month arrives late (a yearly one would touch the whole year).
    last_month = f"T{arguments.last_month[4:]}-{arguments.last_month[:4]}"
    held_back = next(path for path in reversed(files)
                     if path.name.endswith(f"_{arguments.last_month}.xlsx") or last_month in path.name)
    corrected = files[len(files) // 2]
    aside = root / held_back.name
    shutil.move(held_back, aside)

    results = {"provinces": arguments.provinces, "workbooks": len(files), "generation_s": round(generation, 1)}
    results["full build"] = timed_run(root)
    shutil.move(aside, held_back)
    results["one new"] = timed_run(root)
    _change_a_value(corrected)
    results["one corrected"] = timed_run(root)
    results["nothing new"] = timed_run(root)
    results["floor: calamine read"] = calamine_floor(root / "inbox")
    results["floor: DuckDB aggregation"] = sql_floor(root / "build.duckdb")
    report(results)
    out = REPO_ROOT / "bench" / "results" / f"national_{arguments.provinces}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"bench folder {root}; results {out}; this process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


def _change_a_value(path: Path) -> None:
    """The unit corrects its first number and sends the file again (a new modification time)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    cell = next(c for row in sheet.iter_rows(min_row=6) for c in row
                if isinstance(c.value, int) and not isinstance(c.value, bool) and c.column > 2)
    cell.value += 1
    workbook.save(path)


def report(results: dict) -> None:
    scenarios = ("full build", "one new", "one corrected", "nothing new")
    print(f"{results['provinces']} province(s), {results['workbooks']} workbooks "
          f"(generated in {results['generation_s']} s)")
    steps = sorted({step for s in scenarios for step in results[s]["steps"]},
                   key=lambda step: min(list(results[s]["steps"]).index(step) for s in scenarios if step in results[s]["steps"]))
    print(f"{'':<24}" + "".join(f"{s:>15}" for s in scenarios))
    for step in steps:
        print(f"{step:<24}" + "".join(f"{results[s]['steps'].get(step, 0):>15.1f}" for s in scenarios))
    for key, label in (("wall_s", "wall (s)"), ("peak_mb", "peak memory (MB)"), ("output_lines", "terminal lines")):
        print(f"{label:<24}" + "".join(f"{results[s][key]:>15}" for s in scenarios))
    full = results["full build"]["wall_s"]
    print(f"one new / full build: {results['one new']['wall_s'] / full:.0%}; "
          f"one corrected / full build: {results['one corrected']['wall_s'] / full:.0%}; "
          f"floors: calamine read {results['floor: calamine read']} s, "
          f"DuckDB aggregation {results['floor: DuckDB aggregation']} s")


if __name__ == "__main__":
    main()
