"""Ingestion throughput: this project's intake against a plain pandas reader and the unzip floor.

Generates a province-year of workbooks (default ~3,000: the demo province's units plus enough extra
commune stations, laid out by the demo generator's clerks' habits), then, on the same files in the
same run, times:

  (a)  the intake as the pipeline runs it: `ingest_inbox` (archive by hash, safety checks, calamine,
       parsing, registry checks, ledger append into DuckDB), with the worker pool and in one process;
  (a') its parsing stage alone (`process_file` per file, safety checks included), on all cores and
       in one process;
  (b)  a straightforward reader: `pandas.read_excel(sheet_name=None, engine="openpyxl")` per file;
  (c)  the floor: open each zip and read every worksheet's XML without parsing it;
  (d)  for reference, calamine alone: every sheet of every file to Python lists, nothing else. It
       shows how much of (a) is the reader the project must use rather than the project's own work
       (safety checks, parsing, registry checks, archive, ledger).

(b), (c) and (d) run in one process, as a straightforward script would. Cells are the non-empty cells of
all sheets, counted once. Results are printed and written to bench/results/ingest_throughput.json.

    .venv/bin/python bench/ingest_throughput.py [--files 3000] [--workers N]

Heavy imports stay inside functions: worker processes re-import this script, and must start fast.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

YEAR = 2025
SEED = 3000
WORKSHEET_PREFIX = "xl/worksheets/"


def bench_registry(files_wanted: int):
    """The demo registry plus as many extra commune stations (each in a real commune) as it takes
    for one year of reports to reach `files_wanted`."""
    from orchestration.demo.schedule import plan_reports
    from orchestration.lib.reference import load_registry
    from orchestration.lib.registry import OrgUnit

    registry = load_registry(REPO_ROOT / "sources" / "reference")
    base = len(plan_reports(registry, f"{YEAR}01", f"{YEAR}12"))
    communes = sorted(code for code, unit in registry.org_units.items()
                      if unit.unit_type == "commune" and unit.valid_to is None and unit.valid_from.year < YEAR)
    extra = max(0, -(-(files_wanted - base) // 12))
    stations = {
        f"QN-TYT-B{number:04d}": OrgUnit(f"QN-TYT-B{number:04d}", f"Trạm Y tế số {number}", "commune_station",
                                         communes[number % len(communes)], date(2020, 1, 1), None, None)
        for number in range(extra)
    }
    return replace(registry, org_units={**registry.org_units, **stations})


def _write_reports(registry, reports, inbox: Path) -> list[Path]:
    import random

    from orchestration.demo.layout import build_workbook, unit_habits
    from orchestration.demo.values import DemoValues

    values = DemoValues(registry, SEED)
    written = []
    for report in reports:
        rng = random.Random(f"{SEED}:{report.unit.code}:{report.period.code}")
        habits = unit_habits(random.Random(f"{SEED}:{report.unit.code}:habits"))
        workbook = build_workbook(report, values.values(report), registry, habits, rng, report.period.end)
        path = inbox / f"{report.unit.code}_{report.period.code}.xlsx"
        workbook.save(path)
        written.append(path)
    return written


def generate(registry, inbox: Path, files_wanted: int, workers: int) -> list[Path]:
    from orchestration.demo.schedule import plan_reports

    reports = plan_reports(registry, f"{YEAR}01", f"{YEAR}12")[:files_wanted]
    inbox.mkdir(parents=True, exist_ok=True)
    size = -(-len(reports) // (4 * workers))
    chunks = [reports[start:start + size] for start in range(0, len(reports), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [path for paths in pool.map(_write_reports, [registry] * len(chunks), chunks, [inbox] * len(chunks))
                for path in paths]


def count_cells(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        workbook = CalamineWorkbook.from_path(path)
        for index in range(len(workbook.sheet_names)):
            cells += sum(value != "" for row in workbook.get_sheet_by_index(index).to_python() for value in row)
        workbook.close()
    return cells


def intake(registry, inbox: Path, workdir: Path, parallel: bool) -> float:
    import duckdb

    import orchestration.ingest.intake as intake_module

    # The pool is chosen by file count; the bench forces each way to compare them on the same files.
    intake_module.PARALLEL_THRESHOLD = 0 if parallel else sys.maxsize
    label = "parallel" if parallel else "sequential"
    connection = duckdb.connect(str(workdir / f"build-{label}.duckdb"))
    started = time.perf_counter()
    summary = intake_module.ingest_inbox(inbox, workdir / f"archive-{label}", connection, registry, "bench", date.today())
    elapsed = time.perf_counter() - started
    connection.close()
    assert summary.accepted == summary.new_files, f"bench files must all be accepted: {summary}"
    return elapsed


def _parse_files(registry, paths: list[Path]) -> int:
    from orchestration.ingest.process import process_file
    from orchestration.lib.workbook.limits import IntakeLimits

    today, limits = date.today(), IntakeLimits()
    values = 0
    for path in paths:
        content = path.read_bytes()
        values += len(process_file(path.name, len(content), content, registry, today, limits).values)
    return values


def parse_stage(registry, paths: list[Path], workers: int) -> float:
    """Reading, safety checks, parsing and registry checks only: what (b) and (c) are compared to,
    without the intake's archive copy and ledger."""
    started = time.perf_counter()
    if workers == 1:
        _parse_files(registry, paths)
    else:
        chunks = [paths[start:start + 32] for start in range(0, len(paths), 32)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_parse_files, [registry] * len(chunks), chunks))
    return time.perf_counter() - started


def pandas_openpyxl(paths: list[Path]) -> float:
    import pandas as pd

    started = time.perf_counter()
    for path in paths:
        pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    return time.perf_counter() - started


def unzip_floor(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.startswith(WORKSHEET_PREFIX) and name.endswith(".xml"):
                    package.read(name)
    return time.perf_counter() - started


def calamine_only(paths: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    for path in paths:
        workbook = CalamineWorkbook.from_path(path)
        for index in range(len(workbook.sheet_names)):
            workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
        workbook.close()
    return time.perf_counter() - started


def cpu_seconds() -> float:
    """This process and its reaped children (the worker pools): unlike wall time, unaffected by
    other programs competing for the cores, so runs on a busy machine stay comparable."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(measure) -> tuple[float, float]:
    cpu = cpu_seconds()
    wall = measure()
    return wall, cpu_seconds() - cpu


def run(arguments: argparse.Namespace, workdir: Path) -> None:
    registry = bench_registry(arguments.files)
    started = time.perf_counter()
    paths = generate(registry, workdir / "inbox", arguments.files, arguments.workers)
    generation = time.perf_counter() - started
    cells = count_cells(paths)

    measured = {
        "a_intake_parallel": timed(lambda: intake(registry, workdir / "inbox", workdir, parallel=True)),
        "a_intake_sequential": timed(lambda: intake(registry, workdir / "inbox", workdir, parallel=False)),
        "a_parse_parallel": timed(lambda: parse_stage(registry, paths, os.cpu_count() or 1)),
        "a_parse_sequential": timed(lambda: parse_stage(registry, paths, 1)),
        "b_pandas_openpyxl": timed(lambda: pandas_openpyxl(paths)),
        "c_unzip_floor": timed(lambda: unzip_floor(paths)),
        "d_calamine_only": timed(lambda: calamine_only(paths)),
    }
    seconds = {name: wall for name, (wall, _) in measured.items()}
    cpu = {name: used for name, (_, used) in measured.items()}
    a_best = min(seconds["a_intake_parallel"], seconds["a_intake_sequential"])
    parse_best = min(seconds["a_parse_parallel"], seconds["a_parse_sequential"])
    ratios = {
        "b_over_a": seconds["b_pandas_openpyxl"] / a_best,
        "a_over_c": a_best / seconds["c_unzip_floor"],
        "b_over_a_parse": seconds["b_pandas_openpyxl"] / parse_best,
        "a_parse_over_c": parse_best / seconds["c_unzip_floor"],
        "d_over_c": seconds["d_calamine_only"] / seconds["c_unzip_floor"],
    }
    print(f"{len(paths)} workbooks ({cells} non-empty cells) generated in {generation:.1f} s; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} (other programs share the cores)")
    print(f"{'method':<24}{'seconds':>10}{'files/s':>12}{'cells/s':>14}{'CPU s':>10}")
    for name, value in seconds.items():
        print(f"{name:<24}{value:>10.2f}{len(paths) / value:>12.0f}{cells / value:>14.0f}{cpu[name]:>10.2f}")
    print(f"whole intake: (b)/(a) = {ratios['b_over_a']:.1f}x faster (target >= 10x), "
          f"(a)/(c) = {ratios['a_over_c']:.1f}x the floor (target <= 3x)")
    print(f"parse stage:  (b)/(a') = {ratios['b_over_a_parse']:.1f}x faster, "
          f"(a')/(c) = {ratios['a_parse_over_c']:.1f}x the floor")
    print(f"reference:    calamine alone (d)/(c) = {ratios['d_over_c']:.1f}x the floor, in one process")
    results_dir = REPO_ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "ingest_throughput.json").write_text(json.dumps(
        {"files": len(paths), "cells": cells, "cores": os.cpu_count(), "generation_s": generation,
         "seconds": seconds, "cpu_seconds": cpu, "load_average": os.getloadavg(), "ratios": ratios}, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000, help="workbooks to generate (default 3000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for generation")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as temporary:
        run(arguments, Path(temporary))


if __name__ == "__main__":
    main()
