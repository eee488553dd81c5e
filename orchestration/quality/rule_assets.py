"""The data-quality rules as a Dagster asset between the two dbt phases, one asset check per family.

The asset reads the first phase's models, runs the GX rule suites, and writes every finding and
the report register to `raw` for the second phase. After a few new files it judges only what they
can have changed and carries the other findings over (`rule_scope.py`); the log and the metadata
say which it did and how much it judged. Each rule family reports as an asset check on
the findings table, with every rule's verdict, counts, example findings and the Data Docs page in
its metadata. The checks never block: a data error is the unit's to fix, and holding back exactly
the values involved (done by the second phase) is the designed response — the rest publishes.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a live class.
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pandas as pd
from dagster_dbt import get_asset_key_for_model

from orchestration.lib.reference import load_registry
from orchestration.lib.resources import ClockResource, WarehousePathsResource
from orchestration.lib.settings import EXPECTATIONS_DIR, RebuildPolicy
from orchestration.quality.checks import markdown_cell, status_mark
from orchestration.quality.indicator_rules import load_indicator_rules
from orchestration.quality.rule_catalogue import FAMILIES, FAMILY_TITLES, RULES, Family, rules_of
from orchestration.quality.rule_store import RULE_INPUT_MODELS, read_rule_inputs, write_rule_results
from orchestration.transform.assets import dbt_rule_inputs

if TYPE_CHECKING:
    from orchestration.quality.gx_runner import SuiteValidation

FINDINGS_KEY = dg.AssetKey(["raw", "dq_rule_findings"])
REGISTER_KEY = dg.AssetKey(["raw", "dq_report_register"])
EXAMPLE_LIMIT = 5


def build_rule_assets(project_root_dir: Path = EXPECTATIONS_DIR) -> dg.AssetsDefinition:
    input_keys = [get_asset_key_for_model([dbt_rule_inputs], model) for model in RULE_INPUT_MODELS]

    @dg.multi_asset(
        name="dq_rules",
        specs=[
            dg.AssetSpec(
                FINDINGS_KEY, deps=input_keys, group_name="quality", kinds={"great_expectations", "duckdb"},
                description="Phát hiện theo quy tắc chất lượng / Findings of the data-quality rules (GX).",
            ),
            dg.AssetSpec(
                REGISTER_KEY, deps=input_keys, group_name="quality", kinds={"duckdb"},
                description="Sổ theo dõi báo cáo: hạn nộp và tình trạng / Reports owed, deadlines and status.",
            ),
        ],
        check_specs=[
            dg.AssetCheckSpec(
                family, asset=FINDINGS_KEY, blocking=False,
                description=f"{FAMILY_TITLES[family][0]} / {FAMILY_TITLES[family][1]}: "
                + ", ".join(rule.code for rule in rules_of(family)),
            )
            for family in FAMILIES
        ],
    )
    def dq_rules(
        context: dg.AssetExecutionContext, warehouse_paths: WarehousePathsResource, clock: ClockResource,
        rebuild_policy: dg.ResourceParam[RebuildPolicy],
    ):
        # Imported here: GX takes seconds to import, which the code location should not pay on load.
        from orchestration.quality.rule_evaluation import RuleInputs, evaluate_rules

        paths = warehouse_paths.get()
        scope, frames = read_rule_inputs(paths.build_db, paths.reference_dir, rebuild_policy.full_rebuild(context.run.tags))
        values = frames.values
        as_of = clock.today()  # deadlines pass at midnight in Vietnam, whatever the server's zone
        inputs = RuleInputs(
            values, frames.received, frames.intake_findings, load_registry(paths.reference_dir),
            load_indicator_rules(paths.reference_dir), as_of, frames.carryover,
        )
        evaluation = evaluate_rules(inputs, project_root_dir)
        findings = evaluation.findings
        write_rule_results(paths.build_db, findings, evaluation.register, as_of.isoformat(), context.run.run_id,
                           scope, len(values))
        series = len(values.drop_duplicates(["org_unit_code", "indicator_code"]))
        carried = sum(outcome.carried for outcome in evaluation.outcomes)
        evaluation_kind = "full" if scope.full else "scoped"
        context.log.info(
            f"{'Full' if scope.full else 'Scoped'} evaluation ({scope.reason}): judged {len(values)} values of "
            f"{series} series; {len(findings)} findings ({(findings['severity'] == 'error').sum()} errors, "
            f"{carried} carried over unchanged) and {len(evaluation.register)} reports owed"
        )
        yield dg.MaterializeResult(
            asset_key=FINDINGS_KEY,
            metadata={
                "findings": len(findings),
                "by_rule": dg.MetadataValue.json(findings["rule_code"].value_counts().sort_index().to_dict()),
                "evaluation": evaluation_kind,
                "evaluation_reason": scope.reason,
                "values_checked": len(values),
                "series_checked": series,
                "findings_carried_over": carried,
            },
        )
        yield dg.MaterializeResult(
            asset_key=REGISTER_KEY,
            metadata={
                "reports_owed": len(evaluation.register),
                "by_status": dg.MetadataValue.json(
                    evaluation.register["report_status"].value_counts().sort_index().to_dict()
                ),
                "evaluated_on": as_of.isoformat(),
            },
        )
        for outcome in evaluation.outcomes:
            yield family_check_result(outcome.family, outcome.validation, outcome.findings)

    return dq_rules


def family_check_result(family: Family, validation: "SuiteValidation", findings: pd.DataFrame) -> dg.AssetCheckResult:
    """One rule family's verdicts: ERROR severity when a rule that holds values back failed. After a
    scoped evaluation a rule with findings carried over still counts as failed, although GX judged
    only this run's rows (`rows_checked`)."""
    metadata: dict[str, object] = {"rows_checked": validation.row_count, "findings": len(findings)}
    failed = []
    rows = ["| Quy tắc / Rule | Mức độ / Severity | Đạt / Passed | Số phát hiện / Findings | Ví dụ / Examples |",
            "| --- | --- | --- | --- | --- |"]
    for outcome in validation.expectations:
        rule = RULES[outcome.rule_code]
        examples = [_example(row) for row in findings[findings["rule_code"] == rule.code].head(EXAMPLE_LIMIT).to_dict("records")]
        count = int((findings["rule_code"] == rule.code).sum())
        success = outcome.success and count == 0
        failed += [] if success else [rule]
        metadata[rule.code] = dg.MetadataValue.json({
            "severity": rule.severity,
            "success": success,
            "unexpected_count": outcome.unexpected_count,
            "findings": count,
            "examples": examples,
            "checks": rule.checks_en,
        })
        rows.append(f"| `{rule.code}` | {rule.severity} | {status_mark(success, rule.severity)} | {count} | "
                    f"{markdown_cell('; '.join(examples))} |")
    metadata["summary"] = dg.MetadataValue.md("\n".join(rows))
    if validation.data_docs_url:
        metadata["data_docs"] = dg.MetadataValue.url(validation.data_docs_url)
    title_vi, title_en = FAMILY_TITLES[family]
    if failed:
        codes = ", ".join(rule.code for rule in failed)
        description = (
            f"{title_vi}: {len(findings)} phát hiện ({codes}); lỗi giữ lại đúng giá trị liên quan, cảnh báo được "
            f"công bố kèm cờ / {title_en}: {len(findings)} findings ({codes}); errors hold back exactly the "
            "values involved, warnings publish with a flag."
        )
    else:
        description = f"{title_vi}: đạt / {title_en}: passed."
    holds_values = any(rule.severity == "error" for rule in failed)
    return dg.AssetCheckResult(
        asset_key=FINDINGS_KEY,
        check_name=family,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if holds_values else dg.AssetCheckSeverity.WARN,
        description=description,
        metadata=metadata,
    )


def _example(finding: dict) -> str:
    """'QN-TYT-HAILANG 202403 OPD_VISITS = -40 (file.xlsx!BaoCao!C5)'; absent parts (NaN, None) are left out."""
    def present(*keys: str) -> list[str]:
        return [finding[key] for key in keys if isinstance(finding[key], str) and finding[key]]

    place = "!".join(present("file_name", "sheet_name", "cell_ref"))
    value = "".join(f" = {text}" for text in present("value_text"))
    return " ".join(present("org_unit_code", "period_code", "indicator_code")) + value + (f" ({place})" if place else "")
