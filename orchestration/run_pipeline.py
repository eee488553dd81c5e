"""`make run`: fill an empty inbox with the demo province, run the warehouse job once, summarise.

Runs in-process against the persistent instance in $DAGSTER_HOME, so the run is also visible in the
UI that `make dev` starts.
"""

from __future__ import annotations

import sys
import time
import uuid


from orchestration.lib.inbox import scan_inbox
from orchestration.lib.run_state import Outlook, look_ahead
from orchestration.lib.settings import Settings, WarehousePaths, load_settings


def fill_inbox_if_empty(paths: WarehousePaths) -> int:
    """Whatever is already in the inbox is what gets processed; the demo only fills a blank one."""
    if paths.inbox_dir.is_dir() and scan_inbox(paths.inbox_dir).files:
        return 0
    # Imported only when used: the generator pulls in openpyxl, which a routine run does not need.
    from orchestration.demo.generator import generate_demo_province
    from orchestration.lib.reference import load_registry

    return len(generate_demo_province(paths.inbox_dir, load_registry(paths.reference_dir)))


def outlook(settings: Settings) -> Outlook:
    paths = settings.paths
    return look_ahead(paths.build_db, paths.published_db, paths.inbox_dir, paths.reference_dir,
                      settings.settle, settings.clock.today(), time.time_ns())


def nothing_new_lines(seen: Outlook) -> list[str]:
    lines = ["Không có gì mới từ lần công bố trước: không dựng lại, không công bố, không gửi thư. / "
             "Nothing new since the last publication: nothing built, published or sent."]
    if seen.settling_files:
        lines.append(f"{seen.settling_files} tệp đang được chép vào, lần chạy sau sẽ đọc / "
                     f"file(s) still being copied in; the next run reads them.")
    return lines


def run_job_quietly(settings: Settings):
    """The warehouse job in this process, against the instance `make dev` shows; the terminal gets
    a line per stage and the full log goes to a file under the warehouse."""
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.automation.run_progress import StageLines, new_log_path, output_to_log

    run_id = str(uuid.uuid4())  # chosen here so the stage lines can follow the run's events from the start
    log_path = new_log_path(settings.paths.reports_dir / "logs", settings.clock.now())
    with output_to_log(log_path) as terminal:
        job = build_definitions(settings).get_job_def("warehouse_job")  # its load warnings go to the log too
        instance = dg.DagsterInstance.get()
        lines = StageLines(instance, run_id, terminal)
        lines.start()
        try:
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_id=run_id,
                                            tags={"trigger": "make run"})
        finally:
            lines.finish()
    return result, log_path


def run_outcome(
    run_id: str, published: bool, failed_steps: list[str], failed_checks: list[str]
) -> tuple[int, list[str], list[str]]:
    """Exit code, lines for stdout, warnings for stderr. Publication decides the code: a run that
    published but failed afterwards (say, one unit's feedback) published all the same, and saying
    otherwise would send the engineer to rerun a publication that already happened."""
    steps = ", ".join(failed_steps) or "none"
    if not published:
        return 1, [], [
            f"Run {run_id} did not publish. Failed steps: {steps}. Failed checks: {failed_checks or 'none'}",
            "Open the run in the UI (make dev) for the step that failed.",
        ]
    if failed_steps:
        return 0, [f"Run {run_id} published."], [
            f"Đã công bố, nhưng bước sau công bố thất bại / published, but these steps failed: {steps}",
            "Open the run in the UI (make dev) for what failed; the publication stands.",
        ]
    return 0, [f"Run {run_id} succeeded."], []


def main() -> int:
    settings = load_settings()
    paths = settings.paths
    generated = fill_inbox_if_empty(paths)
    if generated:
        print(f"Inbox was empty: wrote {generated} demo workbooks for Quảng Ninh to {paths.inbox_dir}")
    # Before Dagster and dbt start (seconds): a run with nothing new costs a directory listing.
    seen = outlook(settings)
    if seen.nothing_to_do and not settings.rebuild.always_full:
        print("\n".join(nothing_new_lines(seen)))
        return 0
    result, log_path = run_job_quietly(settings)
    import dagster as dg

    from orchestration.automation.run_summary import run_summary, step_metadata

    # A failed rule check holds values back but still publishes; only a missing publish is a failure.
    published = dg.AssetKey(["published_warehouse"]) in {e.asset_key for e in result.get_asset_materialization_events()}
    failed_checks = [
        evaluation.asset_check_key.to_user_string()
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    ]
    failed_steps = sorted({event.step_key for event in result.get_step_failure_events() if event.step_key})
    if result.success and not step_metadata(result, "inbox_submissions"):
        # The job found nothing new itself (the look before it started could not be sure): not a failure.
        print("\n".join(run_summary(result, settings, log_path)))
        return 0
    code, lines, warnings = run_outcome(result.run_id, published, failed_steps, failed_checks)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if not published:
        for event in result.all_events:
            # A run refused by the run lock, or a failed step, says why in its own words.
            if event.is_failure and event.event_specific_data is not None and event.event_specific_data.error:
                error = event.event_specific_data.error
                while error.cause is not None:  # Dagster wraps it (a resource's error in "resource_fn")
                    error = error.cause
                print(error.message.strip(), file=sys.stderr)
    print("\n".join(lines + run_summary(result, settings, log_path)))
    return code


if __name__ == "__main__":
    sys.exit(main())
