"""Time the warehouse job's stages on the demo province.

Two runs in the same process on the same files: the first does the work (all files new), the second
is the baseline with nothing new to ingest, so the difference per stage is what the data costs and
the baseline is the fixed overhead (Dagster step, dbt start-up, GX context). Results are printed and
written to bench/results/pipeline_stages.json.

    make bench            # or: .venv/bin/python bench/pipeline_stages.py [--first-month 202401 --last-month 202512]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

STAGES = {
    "reference_tables": "ingest",
    "inbox_submissions": "ingest",
    "dbt_rule_inputs": "dbt",
    "dq_rules": "checks",
    "warehouse_models": "dbt",
    "warehouse_expectations": "checks",
    "publication": "publish",
    "dq_scorecard_report": "report",
    "unit_feedback": "alerts",
}


def stage_of(step_key: str) -> str:
    """Steps added later show under their own name rather than inflating a known stage."""
    return STAGES.get(step_key, step_key)


def run_and_time(instance, settings) -> tuple[dict[str, float], float]:
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)

    started = time.perf_counter()
    result = defs.get_job_def("warehouse_job").execute_in_process(instance=instance, raise_on_error=True)
    wall = time.perf_counter() - started
    seconds: dict[str, float] = defaultdict(float)
    for step in instance.get_run_step_stats(result.run_id):
        seconds[stage_of(step.step_key)] += (step.end_time or 0) - (step.start_time or 0)
    return dict(seconds), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-month", default="202401")
    parser.add_argument("--last-month", default="202512")
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    import dagster as dg

    from orchestration.demo.generator import generate_demo_province
    from orchestration.lib.reference import load_registry
    from orchestration.lib.settings import load_settings
    from orchestration.transform.prepare import parse_dbt_project

    settings = load_settings({
        **os.environ,
        "WAREHOUSE_INBOX_DIR": str(workdir / "inbox"),
        "WAREHOUSE_ARCHIVE_DIR": str(workdir / "archive"),
        "WAREHOUSE_BUILD_DB": str(workdir / "build.duckdb"),
        "WAREHOUSE_PUBLISHED_DB": str(workdir / "published.duckdb"),
    })
    paths = settings.paths
    parse_dbt_project(settings)
    started = time.perf_counter()
    files = generate_demo_province(paths.inbox_dir, load_registry(paths.reference_dir), arguments.first_month, arguments.last_month)
    generation = time.perf_counter() - started

    instance = dg.DagsterInstance.ephemeral()
    full, full_wall = run_and_time(instance, settings)
    baseline, baseline_wall = run_and_time(instance, settings)

    print(f"Demo province {arguments.first_month}..{arguments.last_month}: {len(files)} workbooks generated in {generation:.1f} s")
    print(f"{'stage':<10}{'all files new (s)':>20}{'nothing new (s)':>18}{'data cost (s)':>16}")
    for stage in sorted(set(full) | set(baseline), key=lambda name: list(STAGES.values()).index(name) if name in STAGES.values() else 99):
        print(f"{stage:<10}{full.get(stage, 0):>20.2f}{baseline.get(stage, 0):>18.2f}{full.get(stage, 0) - baseline.get(stage, 0):>16.2f}")
    print(f"{'wall':<10}{full_wall:>20.2f}{baseline_wall:>18.2f}{full_wall - baseline_wall:>16.2f}")
    results_dir = REPO_ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "pipeline_stages.json").write_text(
        json.dumps({"files": len(files), "generation_s": generation, "full": full, "full_wall": full_wall,
                    "nothing_new": baseline, "nothing_new_wall": baseline_wall}, indent=2)
    )


if __name__ == "__main__":
    main()
