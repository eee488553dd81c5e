"""Time the publish step with every output, next to the DuckDB-only publish, in one run.

Three ways of publishing the same build, timed side by side in the same process, their order rotated
on each repetition so neither warm caches nor a busy neighbour favour one:
  (a) the DuckDB file alone (`publisher.publish_warehouse`), what publishing cost before exports;
  (b) the whole publication (`publication.publish`) with every file exporter, no database target;
  (c) the same with the PostgreSQL target too, on a real PostgreSQL 15 server started once
      (tests/postgres_server.py).
Each file exporter and the target's stage and switch are timed by wrapping them, so the figures per
output come from the very publication being timed; the rest of (b)/(c) is the DuckDB file, the
manifest and the folder switch. Bytes are what each output wrote.

Two scales. The demo province: a real build database from one run of the demo pipeline into the
bench work folder (or the one given with --build-db). And --provinces K (default 20) provinces:
this SYNTHESISES THE PUBLISH STEP'S INPUT, the public marts, rather than running ingestion for K
provinces, because only the publish step is timed here. Each mart that names org units is repeated
K times with every org-unit code prefixed per copy (the province QN becomes P01, QN-BVDKT becomes
P01-QN-BVDKT), finding ids prefixed and submission ids offset, so every key the dbt tests hold
unique stays unique (checked); marts naming no unit (indicators, periods) are shared, copied once.
The DHIS2 mapping's org-unit rows are repeated the same way with UIDs derived from the new codes,
in a copy of sources/reference, so the DHIS2 export covers every province.

    make bench-publish    # or: .venv/bin/python bench/publish_outputs.py [--build-db F] [--provinces 20] [--repetitions 3]

A second scenario times what issue 13 is about, a publication after a small change: a copy of the
build in which one facility's values of the latest month changed and its file arrived later (what a
corrected workbook does to the marts). Two variants side by side, order rotated per repetition, each
publishing the unchanged build first (untimed) and then the changed one (timed):
  rewrite - every file written afresh (`publish(..., reuse_previous=False)`), as before issue 13;
  reuse   - groups whose input is unchanged linked from the previous publication (previous_files.py).
No PostgreSQL target here: it loads every mart either way (see its row in the first table).

Results are printed and written to bench/results/publish_outputs.json.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import duckdb  # noqa: E402

from orchestration.lib.marts import MARTS_SCHEMA, public_marts  # noqa: E402
from orchestration.lib.settings import PostgresTarget, WarehousePaths, load_settings  # noqa: E402
from orchestration.publish.dhis2_mapping import DHIS2_MAPPING_FILE, ORG_UNIT  # noqa: E402
from orchestration.publish.outputs import FILE_EXPORTERS, TARGETS, FileExporter, Target  # noqa: E402
from orchestration.publish.publication import publish  # noqa: E402
from orchestration.publish.publisher import publish_warehouse  # noqa: E402

VARIANTS = ("duckdb_only", "files", "files_postgres")
VARIANT_TITLES = {"duckdb_only": "(a) DuckDB only", "files": "(b) + files", "files_postgres": "(c) + files + PG"}
# Key columns that are not org-unit codes but differ per province in a real multi-province build.
PREFIXED_IDS = ("finding_id",)
OFFSET_ID_SUFFIX = "submission_id"  # submission_id and every reference to one (superseded_by_..., ...)
LIST_SEPARATOR = ", "
UID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# --- inputs -------------------------------------------------------------------------------------

def demo_build(workdir: Path) -> Path:
    """One run of the demo pipeline with every path inside `workdir`, as bench/pipeline_stages.py runs it."""
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.demo.generator import generate_demo_province
    from orchestration.lib.reference import load_registry
    from orchestration.transform.prepare import parse_dbt_project

    # Only the paths, not the process environment: no SMTP, no PostgreSQL, nothing outside `workdir`.
    settings = load_settings({
        "WAREHOUSE_INBOX_DIR": str(workdir / "inbox"),
        "WAREHOUSE_ARCHIVE_DIR": str(workdir / "archive"),
        "WAREHOUSE_BUILD_DB": str(workdir / "build.duckdb"),
        "WAREHOUSE_PUBLISHED_DB": str(workdir / "pipeline" / "published.duckdb"),
    })
    parse_dbt_project(settings)
    generate_demo_province(settings.paths.inbox_dir, load_registry(settings.paths.reference_dir))
    build_definitions(settings).get_job_def("warehouse_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=True
    )
    return settings.paths.build_db


def province_prefix(number: int) -> str:
    return f"P{number:02d}"


def prefixed_code(code: str, province: str, prefix: str) -> str:
    """The province itself becomes the prefix; every unit under it keeps its code behind the prefix."""
    return prefix if code == province else f"{prefix}-{code}"


def derived_uid(code: str) -> str:
    """A DHIS2-shaped UID (a letter, then ten letters or digits) from a hash of the code."""
    number = int.from_bytes(hashlib.sha256(f"bench-publish:{code}".encode()).digest(), "big")
    characters = [UID_ALPHABET[10 + number % 52]]
    number //= 52
    for _ in range(10):
        characters.append(UID_ALPHABET[number % 62])
        number //= 62
    return "".join(characters)


def synthesise_build(source_db: Path, target_db: Path, marts: Sequence[str], provinces: int) -> str:
    """Writes `provinces` copies of the source build's public marts into a new build file holding
    only them; returns the source's province code."""
    target_db.unlink(missing_ok=True)
    with duckdb.connect(str(target_db)) as connection:
        connection.execute(f"attach '{source_db}' as source (read_only)")
        connection.execute(f"create schema {MARTS_SCHEMA}")
        source = f"source.{MARTS_SCHEMA}"
        units = {code for (code,) in connection.execute(f"select org_unit_code from {source}.dim_org_units").fetchall()}
        [province] = [code for (code,) in connection.execute(
            f"select org_unit_code from {source}.dim_org_units where unit_type = 'province'").fetchall()]
        columns = {mart: connection.execute(
            "select column_name, data_type from duckdb_columns() where database_name = 'source' "
            "and schema_name = ? and table_name = ? order by column_index", [MARTS_SCHEMA, mart]).fetchall()
            for mart in marts}
        offset_max = max([connection.execute(f'select max("{name}") from {source}.{mart}').fetchone()[0] or 0
                          for mart, mart_columns in columns.items() for name, _ in mart_columns
                          if name.endswith(OFFSET_ID_SUFFIX)]
                         or [0])
        stride = 10 ** len(str(offset_max))
        for mart, mart_columns in columns.items():
            unit_columns = {name: _unit_column(connection, f"{source}.{mart}", name, kind, units)
                            for name, kind in mart_columns}
            if not any(unit_columns.values()):
                connection.execute(f"create table {MARTS_SCHEMA}.{mart} as select * from {source}.{mart}")
                continue
            expressions = [_copy_expression(name, kind, unit_columns[name], province, stride)
                           for name, kind in mart_columns]
            connection.execute(
                f"create table {MARTS_SCHEMA}.{mart} as "
                f"select {', '.join(expressions)} from range({provinces}) as copies(copy), {source}.{mart} "
                f"order by copy"
            )
        connection.execute("detach source")
    check_unique_keys(target_db, marts)
    return province


def _unit_column(connection, relation: str, name: str, kind: str, units: set[str]) -> str | None:
    """'code' when every value of the column is an org-unit code, 'list' when every value is a
    ', '-joined list of them (rpt_comparable_geography.predecessor_codes), else None."""
    if kind != "VARCHAR":
        return None
    column = f'"{name}"'
    values = {value for (value,) in connection.execute(
        f"select distinct unnest(string_split({column}, '{LIST_SEPARATOR}')) from {relation} "
        f"where {column} is not null").fetchall()}
    if not values or not values <= units:
        return None
    joined = connection.execute(
        f"select count(*) from {relation} where contains({column}, '{LIST_SEPARATOR}')").fetchone()[0]
    return "list" if joined else "code"


def _copy_expression(name: str, kind: str, unit_column: str | None, province: str, stride: int) -> str:
    prefix = "('P' || lpad((copy + 1)::varchar, 2, '0'))"
    column = f'"{name}"'
    code = f"case when {{v}} = '{province}' then {prefix} else {prefix} || '-' || {{v}} end"
    if unit_column == "list":
        return (f"array_to_string(list_transform(string_split({column}, '{LIST_SEPARATOR}'), "
                f"lambda v: {code.format(v='v')}), '{LIST_SEPARATOR}') as {column}")
    if unit_column == "code":
        return f"{code.format(v=column)} as {column}"
    if name in PREFIXED_IDS:
        return f"{prefix} || '-' || {column} as {column}"
    if name.endswith(OFFSET_ID_SUFFIX):
        return f"cast({column} + copy * {stride} as {kind}) as {column}"
    return column


def check_unique_keys(build_db: Path, marts: Sequence[str]) -> None:
    """The copies must keep every key dbt holds unique, or PostgreSQL's primary keys would refuse them."""
    from orchestration.lib.dbt_manifest import dbt_models

    models = {model.name: model for model in dbt_models().values()}
    with duckdb.connect(str(build_db), read_only=True) as connection:
        for mart in marts:
            for key in models[mart].unique_keys:
                columns = ", ".join(f'"{column}"' for column in key)
                duplicates = connection.execute(
                    f"select count(*) - count(distinct ({columns})) from {MARTS_SCHEMA}.{mart}").fetchone()[0]
                if duplicates:
                    raise RuntimeError(f"synthetic {mart}: {duplicates} duplicate keys on ({columns})")


def synthesise_reference(source_dir: Path, target_dir: Path, province: str, provinces: int) -> None:
    """A copy of the reference folder whose DHIS2 mapping has every org-unit row once per province."""
    shutil.rmtree(target_dir, ignore_errors=True)
    shutil.copytree(source_dir, target_dir)
    with (source_dir / DHIS2_MAPPING_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    kept = [row for row in body if row and row[0] != ORG_UNIT]
    units = [row for row in body if row and row[0] == ORG_UNIT]
    for number in range(1, provinces + 1):
        for row in units:
            code = prefixed_code(row[1], province, province_prefix(number))
            kept.append([ORG_UNIT, code, derived_uid(code), *row[3:]])
    with (target_dir / DHIS2_MAPPING_FILE).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *kept])


# --- timing -------------------------------------------------------------------------------------

def _sizes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_size for path in folder.rglob("*") if path.is_file()}


def timed_exporters(exporters: Sequence[FileExporter], seconds: dict, written: dict) -> tuple[FileExporter, ...]:
    """The same exporters, each timed and measured (the files it added to the folder)."""

    def wrap(exporter: FileExporter) -> FileExporter:
        def write(connection, folder, context):
            before = _sizes(folder)
            started = time.perf_counter()
            metadata = exporter.write(connection, folder, context)
            seconds[exporter.name] = time.perf_counter() - started
            written[exporter.name] = sum(size for path, size in _sizes(folder).items() if path not in before)
            return metadata

        return dataclasses.replace(exporter, write=write)

    return tuple(wrap(exporter) for exporter in exporters)


@dataclasses.dataclass
class _TimedStaged:
    staged: object
    name: str
    seconds: dict

    @property
    def metadata(self) -> Mapping[str, object]:
        return self.staged.metadata

    def switch(self) -> None:
        started = time.perf_counter()
        self.staged.switch()
        self.seconds[f"{self.name}_switch"] = time.perf_counter() - started

    def discard(self) -> None:
        self.staged.discard()


def timed_targets(targets: Sequence[Target], seconds: dict) -> tuple[Target, ...]:
    def wrap(target: Target) -> Target:
        def stage(connection, context):
            started = time.perf_counter()
            staged = target.stage(connection, context)
            if staged is None:
                return None
            seconds[f"{target.name}_stage"] = time.perf_counter() - started
            return _TimedStaged(staged, target.name, seconds)

        return dataclasses.replace(target, stage=stage)

    return tuple(wrap(target) for target in targets)


def variant_paths(workdir: Path, build_db: Path, reference_dir: Path, variant: str) -> WarehousePaths:
    """Each variant publishes into its own folder, so one's previous file and folder never meet another's."""
    folder = workdir / variant
    return WarehousePaths(inbox_dir=folder / "inbox", reference_dir=reference_dir, archive_dir=folder / "archive",
                          build_db=build_db, published_db=folder / "published.duckdb", exports_dir=folder / "exports")


CHANGE_VARIANTS = ("rewrite", "reuse")


def change_one_unit(build_db: Path, changed_db: Path) -> str:
    """A copy of `build_db` in which one facility's values of the latest month are one higher and
    its latest file arrived a day later; returns the facility's code."""
    shutil.copy(build_db, changed_db)
    with duckdb.connect(str(changed_db)) as connection:
        month, unit = connection.execute(
            f"""
            select period_code, max(org_unit_code) from {MARTS_SCHEMA}.fct_indicator_values
            where period_type = 'month' and reported_value is not null and org_unit_level = 'facility'
              and period_code = (select max(period_code) from {MARTS_SCHEMA}.fct_indicator_values
                                 where period_type = 'month')
            group by all
            """
        ).fetchone()
        connection.execute(
            f"update {MARTS_SCHEMA}.fct_indicator_values set value = value + 1, reported_value = reported_value + 1 "
            "where org_unit_code = ? and period_code = ? and reported_value is not null", [unit, month])
        connection.execute(
            f"update {MARTS_SCHEMA}.fct_submissions set arrived_at = arrived_at + interval 1 day "
            f"where submission_id = (select max(submission_id) from {MARTS_SCHEMA}.fct_submissions "
            "where org_unit_code = ?)", [unit])
    return unit


def publish_change(variant: str, paths: WarehousePaths, changed_db: Path, marts: Sequence[str]) -> dict:
    """Publishes the unchanged build (untimed), then the changed one (timed, per output)."""
    reuse = variant == "reuse"
    publish(paths, marts, run_id="bench-base", reuse_previous=reuse, targets=())
    seconds: dict[str, float] = {}
    written: dict[str, int] = {}
    started = time.perf_counter()
    result = publish(dataclasses.replace(paths, build_db=changed_db), marts, run_id="bench-change",
                     reuse_previous=reuse, exporters=timed_exporters(FILE_EXPORTERS, seconds, written), targets=())
    seconds["total"] = time.perf_counter() - started
    seconds["duckdb_and_switch"] = seconds["total"] - sum(value for name, value in seconds.items() if name != "total")
    reused = {"workbooks": result.exports["consolidated_workbooks"].get("consolidated_reused_workbooks", 0),
              "dhis2_periods": result.exports["dhis2"].get("dhis2_reused_periods", 0)}
    return {"seconds": seconds, "bytes": written, "reused": reused}


def run_change(label: str, build_db: Path, reference_dir: Path, workdir: Path, marts: Sequence[str],
               repetitions: int) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    changed_db = workdir / "changed-build.duckdb"
    unit = change_one_unit(build_db, changed_db)
    runs: dict[str, list[dict]] = {variant: [] for variant in CHANGE_VARIANTS}
    for repetition in range(repetitions):
        order = CHANGE_VARIANTS[repetition % 2:] + CHANGE_VARIANTS[:repetition % 2]
        for variant in order:
            folder = workdir / variant
            shutil.rmtree(folder, ignore_errors=True)
            runs[variant].append(publish_change(variant, variant_paths(folder, build_db, reference_dir, "p"),
                                                changed_db, marts))
        print(f"  {label}, one unit changed: repetition {repetition + 1}/{repetitions} done", flush=True)
    medians = {variant: {name: statistics.median(run["seconds"].get(name, 0.0) for run in variant_runs)
                         for name in variant_runs[0]["seconds"]}
               for variant, variant_runs in runs.items()}
    return {"label": label, "changed_unit": unit, "repetitions": repetitions, "runs": runs,
            "median_seconds": medians, "reused": runs["reuse"][-1]["reused"],
            "ratio_rewrite_to_reuse": medians["rewrite"]["total"] / medians["reuse"]["total"]}


def publish_once(variant: str, paths: WarehousePaths, marts: Sequence[str], postgres_url: str | None) -> dict:
    """One timed publish; returns total and per-output seconds and bytes, then drops what it kept of
    the previous publication (outside the timing) so disk use stays flat over the repetitions."""
    seconds: dict[str, float] = {}
    written: dict[str, int] = {}
    started = time.perf_counter()
    if variant == "duckdb_only":
        result = publish_warehouse(paths.build_db, paths.published_db, marts, run_id="bench")
        seconds["total"] = time.perf_counter() - started
        warehouse, previous_folder, metadata = result, None, {}
    else:
        postgres = PostgresTarget(postgres_url) if variant == "files_postgres" else None
        result = publish(paths, marts, run_id="bench", postgres=postgres,
                         exporters=timed_exporters(FILE_EXPORTERS, seconds, written),
                         targets=timed_targets(TARGETS, seconds))
        seconds["total"] = time.perf_counter() - started
        warehouse, previous_folder = result.warehouse, result.previous_exports_folder
        metadata = {"exports": result.exports, "targets": result.targets}
    seconds["duckdb_and_switch"] = seconds["total"] - sum(value for name, value in seconds.items() if name != "total")
    written["duckdb_file"] = warehouse.size_bytes
    if previous_folder is not None:
        shutil.rmtree(previous_folder)
    if warehouse.previous_db is not None:
        warehouse.previous_db.unlink(missing_ok=True)
    return {"seconds": seconds, "bytes": written, "metadata": metadata}


def postgres_bytes(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return int(connection.execute(
            "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = %s and c.relkind = 'r'",
            [MARTS_SCHEMA]).fetchone()[0])


def run_scale(label: str, build_db: Path, reference_dir: Path, workdir: Path, marts: Sequence[str],
              postgres_url: str, repetitions: int) -> dict:
    runs: dict[str, list[dict]] = {variant: [] for variant in VARIANTS}
    for repetition in range(repetitions):
        order = VARIANTS[repetition % 3:] + VARIANTS[:repetition % 3]
        for variant in order:
            runs[variant].append(publish_once(variant, variant_paths(workdir, build_db, reference_dir, variant),
                                              marts, postgres_url))
        print(f"  {label}: repetition {repetition + 1}/{repetitions} ({' > '.join(order)}) done", flush=True)
    with duckdb.connect(str(build_db), read_only=True) as connection:
        rows = sum(connection.execute(f"select count(*) from {MARTS_SCHEMA}.{mart}").fetchone()[0] for mart in marts)
        units = connection.execute(f"select count(*) from {MARTS_SCHEMA}.dim_org_units").fetchone()[0]
    medians = {variant: {name: statistics.median(run["seconds"].get(name, 0.0) for run in variant_runs)
                         for name in variant_runs[0]["seconds"]}
               for variant, variant_runs in runs.items()}
    written = dict(runs["files_postgres"][-1]["bytes"])
    written["postgres_tables"] = postgres_bytes(postgres_url)
    base = medians["duckdb_only"]["total"]
    return {
        "label": label, "build_db": str(build_db), "mart_rows": rows, "org_units": units,
        "repetitions": repetitions, "runs": runs, "median_seconds": medians,
        "ratio_files_to_duckdb_only": medians["files"]["total"] / base,
        "ratio_files_postgres_to_duckdb_only": medians["files_postgres"]["total"] / base,
        "bytes": written,
    }


# --- report -------------------------------------------------------------------------------------

ROWS = (
    ("duckdb_and_switch", "DuckDB file, manifest, switch"),
    ("table_files", "table_files (Parquet+CSV)"),
    ("consolidated_workbooks", "consolidated_workbooks (XLSX)"),
    ("dhis2", "dhis2 (JSON+CSV)"),
    ("postgres_stage", "postgres stage (COPY)"),
    ("postgres_switch", "postgres switch"),
    ("total", "total"),
)


def table(scale: Mapping) -> str:
    medians = scale["median_seconds"]
    lines = [
        f"{scale['label']}: {scale['org_units']} org units, {scale['mart_rows']:,} mart rows; "
        f"median of {scale['repetitions']} (s)",
        f"{'output':<32}" + "".join(f"{VARIANT_TITLES[variant]:>18}" for variant in VARIANTS),
    ]
    for name, title in ROWS:
        cells = [f"{medians[variant][name]:>18.2f}" if name in medians[variant] else f"{'-':>18}" for variant in VARIANTS]
        lines.append(f"{title:<32}{''.join(cells)}")
    lines.append(f"{'ratio to (a)':<32}{1:>18.2f}{scale['ratio_files_to_duckdb_only']:>18.2f}"
                 f"{scale['ratio_files_postgres_to_duckdb_only']:>18.2f}")
    lines.append("bytes written: " + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in scale["bytes"].items()))
    return "\n".join(lines)


def change_table(scale: Mapping) -> str:
    medians = scale["median_seconds"]
    lines = [
        f"{scale['label']}, one unit's month changed ({scale['changed_unit']}); median of {scale['repetitions']} (s)",
        f"{'output':<32}{'rewrite':>12}{'reuse':>12}",
    ]
    for name, title in ROWS:
        if name in medians["rewrite"]:
            lines.append(f"{title:<32}{medians['rewrite'][name]:>12.2f}{medians['reuse'][name]:>12.2f}")
    lines.append(f"{'ratio rewrite / reuse':<32}{scale['ratio_rewrite_to_reuse']:>12.2f}")
    lines.append("re-used: " + ", ".join(f"{name} {count}" for name, count in scale["reused"].items()))
    return "\n".join(lines)


def main(arguments: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-db", type=Path, help="a demo build database to reuse instead of running the pipeline")
    parser.add_argument("--provinces", type=int, default=20)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="default: a new folder under the system temporary directory")
    parser.add_argument("--scenarios", default="outputs,change",
                        help="outputs (every output, three ways), change (one unit changed, rewrite vs reuse)")
    options = parser.parse_args(arguments)

    from tests.postgres_server import postgres_server

    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="bench-publish-"))
    workdir.mkdir(parents=True, exist_ok=True)
    marts = public_marts()
    started = time.perf_counter()
    if options.build_db:
        build_db = options.build_db
    else:
        print(f"Running the demo pipeline into {workdir} ...", flush=True)
        build_db = demo_build(workdir / "demo-build")
    reference_dir = load_settings({}).paths.reference_dir
    print(f"Synthesising {options.provinces} provinces from {build_db} ...", flush=True)
    synthetic_db = workdir / f"synthetic-{options.provinces}" / "build.duckdb"
    synthetic_db.parent.mkdir(parents=True, exist_ok=True)
    province = synthesise_build(build_db, synthetic_db, marts, options.provinces)
    synthetic_reference = synthetic_db.parent / "reference"
    synthesise_reference(reference_dir, synthetic_reference, province, options.provinces)
    preparation = time.perf_counter() - started

    scenarios = set(options.scenarios.split(","))
    inputs = (
        ("demo province", build_db, reference_dir, workdir / "publish-demo"),
        (f"{options.provinces} provinces (synthetic)", synthetic_db, synthetic_reference,
         workdir / f"publish-{options.provinces}"),
    )
    scales, changes = [], []
    if "outputs" in scenarios:
        with postgres_server() as postgres_url:
            for label, scale_db, scale_reference, folder in inputs:
                scales.append(run_scale(label, scale_db, scale_reference, folder, marts, postgres_url,
                                        options.repetitions))
    if "change" in scenarios:
        for label, scale_db, scale_reference, folder in inputs:
            changes.append(run_change(label, scale_db, scale_reference, folder.with_name(f"{folder.name}-change"),
                                      marts, options.repetitions))
    print()
    print("\n\n".join([*map(table, scales), *map(change_table, changes)]))
    results_dir = REPO_ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "publish_outputs.json").write_text(json.dumps(
        {"workdir": str(workdir), "preparation_s": preparation, "cpu_count": os.cpu_count(),
         "load_average": os.getloadavg(), "scales": scales, "changes": changes}, indent=2, default=str))


if __name__ == "__main__":
    main()
