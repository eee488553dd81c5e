"""The rules step at national scale: a full evaluation against a scoped one after one corrected workbook.

Builds a K-province build database from a one-province one (the demo's, as `make run` leaves it in
warehouse/build.duckdb, or --build-db): the registry is replicated by `orchestration.demo.national`,
and what the rules read is copied once per province with its unit codes swapped and its file
numbers shifted, in SQL: the ledger (raw.submissions, submitted_values, ingest_findings,
submitted_notes; dbt's phase-one views read them) and the phase-one table of values under check.
Then, each evaluation in its own process so that its peak memory is its own:

  full      no earlier evaluation: every value, series and report is judged;
  scoped    one workbook was corrected since (a new file for the same unit and month, outpatient
            visits four times higher), applied to the ledger and to the values as dbt would;
  check     the same inputs judged in full, on a copy: its findings and register must equal the
            scoped run's, row for row.

    .venv/bin/python bench/rules_scope.py [--provinces 60] [--build-db warehouse/build.duckdb]

Results are printed and written to bench/results/rules_scope_<K>.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

ID_STEP = 1_000_000  # province k's files are numbered k·ID_STEP + the demo's number
LEDGER = {  # table -> columns naming a unit, columns naming a file
    "raw.submissions": (["org_unit_code"], ["submission_id", "duplicate_of_submission_id"]),
    "raw.submitted_values": (["org_unit_code"], ["submission_id"]),
    "raw.ingest_findings": (["org_unit_code"], ["submission_id"]),
    "raw.submitted_notes": (["org_unit_code"], ["submission_id"]),
}


def replicate(build_db: Path, provinces: int, province: str, values_table: str) -> None:
    import duckdb

    tables = LEDGER | {values_table: (["org_unit_code", "submitting_unit_code"], ["submission_id"])}
    with duckdb.connect(str(build_db)) as connection:
        connection.execute(f"""create macro national_code(code, prefix) as case
            when code = '{province}' or starts_with(code, '{province}-') then prefix || substr(code, {len(province) + 1})
            else prefix || '-' || code end""")
        for table, (codes, ids) in tables.items():
            replaced = [f"national_code({column}, 'P' || lpad(cast(k + 1 as varchar), 2, '0')) as {column}"
                        for column in codes] + [f"{column} + k * {ID_STEP} as {column}" for column in ids]
            connection.execute(f"create temp table one_province as select * from {table}")
            connection.execute(f"delete from {table}")
            connection.execute(f"insert into {table} select * exclude (k) replace ({', '.join(replaced)}) "
                               f"from one_province, range({provinces}) as copies(k)")
            connection.execute("drop table one_province")
        for table in ("raw.dq_rule_findings", "raw.dq_report_register", "pipeline_state.rules_evaluated"):
            connection.execute(f"drop table if exists {table}")


def correct_one_workbook(build_db: Path, values_table: str) -> str:
    """A health centre resends its latest month with outpatient visits four times higher."""
    import duckdb

    with duckdb.connect(str(build_db)) as connection:
        [(old, new)] = connection.execute(f"""
            select max(s.submission_id), (select max(submission_id) + 1 from raw.submissions)
            from raw.submissions as s join {values_table} as v using (submission_id)
            where v.indicator_code = 'OPD_VISITS' and s.intake_status = 'accepted' and s.org_unit_code like 'P01-%'
        """).fetchall()
        connection.execute(f"""insert into raw.submissions select * replace (
            {new} as submission_id, arrived_at + interval 30 day as arrived_at, file_name || ' (sửa)' as file_name)
            from raw.submissions where submission_id = {old}""")
        renamed = {"raw.submitted_values": "", values_table: ", file_name || ' (sửa)' as file_name"}
        for table, file_name in renamed.items():
            connection.execute(f"""insert into {table} select * replace ({new} as submission_id,
                case when indicator_code = 'OPD_VISITS' then value * 4 else value end as value{file_name})
                from {table} where submission_id = {old}""")
        connection.execute(f"delete from {values_table} where submission_id = {old}")
        [(unit, period)] = connection.execute(
            f"select org_unit_code, period_code from raw.submissions where submission_id = {new}").fetchall()
    return f"{unit} {period}"


def evaluate(build_db: Path, reference_dir: Path, full: bool) -> dict[str, object]:
    """One evaluation as the asset runs it (without Dagster), in this process."""
    from orchestration.lib.reference import load_registry
    from orchestration.quality.indicator_rules import load_indicator_rules
    from orchestration.quality.rule_evaluation import RuleInputs, evaluate_rules
    from orchestration.quality.rule_store import read_rule_inputs, write_rule_results

    started = time.perf_counter()
    scope, frames = read_rule_inputs(build_db, reference_dir, full)
    as_of = date(2026, 1, 20)
    evaluation = evaluate_rules(RuleInputs(
        frames.values, frames.received, frames.intake_findings, load_registry(reference_dir),
        load_indicator_rules(reference_dir), as_of, frames.carryover))
    findings = evaluation.findings
    write_rule_results(build_db, findings, evaluation.register, as_of.isoformat(), None, scope, len(frames.values))
    return {
        "evaluation": "full" if scope.full else "scoped", "reason": scope.reason,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "values_judged": len(frames.values), "findings": len(findings),
        "carried_over": sum(outcome.carried for outcome in evaluation.outcomes),
    }


def in_own_process(build_db: Path, reference_dir: Path, full: bool) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, "--evaluate", str(build_db), str(reference_dir), "full" if full else "scoped"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def differing_rows(left: Path, right: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(left), read_only=True) as connection:
        connection.execute(f"attach '{right}' as other (read_only)")
        counts = {}
        for table in ("raw.dq_rule_findings", "raw.dq_report_register"):
            mine, theirs = f"select * exclude (run_id) from {table}", f"select * exclude (run_id) from other.{table}"
            [(count,)] = connection.execute(
                f"select (select count(*) from ({mine} except all {theirs})) + "
                f"(select count(*) from ({theirs} except all {mine}))").fetchall()
            counts[table] = count
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provinces", type=int, default=60)
    parser.add_argument("--build-db", type=Path, default=REPO_ROOT / "warehouse" / "build.duckdb")
    parser.add_argument("--evaluate", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.evaluate:
        build_db, reference_dir, kind = args.evaluate
        print(json.dumps(evaluate(Path(build_db), Path(reference_dir), kind == "full")))
        return

    from orchestration.demo.national import replicate_registry
    from orchestration.lib.settings import REPO_ROOT as ROOT
    from orchestration.quality.rule_store import VALUES_MODEL, model_relation

    with tempfile.TemporaryDirectory(prefix="bench-rules-") as folder:
        work = Path(folder)
        reference = work / "reference"
        replicate_registry(ROOT / "sources" / "reference", reference, args.provinces)
        build_db = work / "build.duckdb"
        shutil.copyfile(args.build_db, build_db)
        values_table = model_relation(VALUES_MODEL)
        replicate(build_db, args.provinces, demo_province(ROOT / "sources" / "reference"), values_table)
        results: dict[str, object] = {"provinces": args.provinces}
        results["full"] = in_own_process(build_db, reference, full=True)
        results["corrected"] = correct_one_workbook(build_db, values_table)
        results["scoped"] = in_own_process(build_db, reference, full=False)
        check_db = work / "check.duckdb"
        shutil.copyfile(build_db, check_db)
        results["check"] = in_own_process(check_db, reference, full=True)
        results["rows_differing_scoped_vs_full"] = differing_rows(build_db, check_db)
    for name in ("full", "scoped", "check"):
        run = results[name]
        print(f"{name:7} {run['seconds']:7.1f} s  peak {run['peak_rss_mb']:5} MB  {run['values_judged']:8} values judged  "
              f"{run['findings']} findings ({run['carried_over']} carried over)")
    print(f"corrected: {results['corrected']}; rows differing scoped vs full: {results['rows_differing_scoped_vs_full']}")
    output = REPO_ROOT / "bench" / "results" / f"rules_scope_{args.provinces}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"→ {output}")


def demo_province(reference_dir: Path) -> str:
    import csv

    with open(reference_dir / "org_units.csv", encoding="utf-8", newline="") as handle:
        [province] = [row["code"] for row in csv.DictReader(handle) if row["unit_type"] == "province"]
    return province


if __name__ == "__main__":
    main()
