"""Runs every data-quality rule suite over the values and reports of one build, in dependency order.

Errors are decided first (validity, then related indicators on the values that passed validity),
because a value held back must not become history: the outliers and the year-on-year comparison
measure only values that will publish. Reporting and value completeness do not depend on the
values' verdicts. GX decides every row; this module only prepares the frames, asks the suites,
and turns each failed row into a finding of the rule that failed it. A scoped evaluation
(`rule_scope.py`) hands it only the series and reports to judge again; the errors among the
findings it carries over still hold their values back from the history the outliers measure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from orchestration.lib.registry import Registry
from orchestration.lib.settings import EXPECTATIONS_DIR
from orchestration.quality import finding_messages as messages
from orchestration.quality.gx_runner import COMPLETE, SuiteValidation, ValidationSession
from orchestration.quality.indicator_rules import IndicatorRule
from orchestration.quality.reporting import obliged_values_frame, report_register, report_statuses
from orchestration.quality.rule_catalogue import RULES, Family
from orchestration.quality.rule_scope import Carryover
from orchestration.quality.rule_suites import suite_name
from orchestration.quality.validity_frames import VALUE_KEY, related_indicator_frame, validity_frame
from orchestration.quality.value_history import outlier_frame
from orchestration.quality.year_consistency import consistency_frame


class RuleEvaluationError(RuntimeError):
    """GX could not evaluate a rule at all; publishing without its verdict could publish bad values."""


@dataclass(frozen=True)
class RuleInputs:
    values: pd.DataFrame           # intermediate.int_dq_values_under_check (the series judged)
    received: pd.DataFrame         # intermediate.int_dq_received_reports
    intake_findings: pd.DataFrame  # (submission_id, indicator_code) of indicator-level intake findings
    registry: Registry
    indicator_rules: Mapping[str, IndicatorRule]
    as_of: date                    # deadlines that fall before this day have passed
    carryover: Carryover | None = None  # None: a full evaluation


@dataclass(frozen=True)
class FamilyOutcome:
    family: Family
    validation: SuiteValidation
    findings: pd.DataFrame  # the family's findings: this run's verdicts and those carried over
    carried: int = 0        # how many of them were carried over unjudged


@dataclass(frozen=True)
class RuleEvaluation:
    outcomes: tuple[FamilyOutcome, ...]
    register: pd.DataFrame  # the report register with each report's status and missing indicators

    @property
    def findings(self) -> pd.DataFrame:
        return pd.concat([outcome.findings for outcome in self.outcomes], ignore_index=True)


FindingBuilder = Callable[[str, pd.DataFrame], list[dict]]


def evaluate_rules(inputs: RuleInputs, project_root_dir: Path = EXPECTATIONS_DIR) -> RuleEvaluation:
    session = ValidationSession(project_root_dir, COMPLETE)

    def judge(family: Family, frame: pd.DataFrame, build: FindingBuilder) -> tuple[FamilyOutcome, dict[str, list]]:
        frame = frame.reset_index(drop=True)
        validation = session.validate(suite_name(family), frame)
        broken = [outcome for outcome in validation.expectations if outcome.error]
        if broken:
            raise RuleEvaluationError(
                f"GX không đánh giá được {', '.join(o.label for o in broken)} / GX could not evaluate "
                f"{', '.join(o.label for o in broken)}: {broken[0].error}"
            )
        failed = {outcome.rule_code: list(outcome.unexpected_index) for outcome in validation.expectations}
        findings = [row for code, labels in failed.items() if labels for row in build(code, frame.loc[labels])]
        table = pd.DataFrame(findings, columns=messages.FINDING_COLUMNS) if findings else messages.empty_findings()
        return FamilyOutcome(family, validation, table), failed

    values, carry = inputs.values, inputs.carryover
    judged = values if carry is None else _within(values, carry.periods, ["org_unit_code", "period_code"])
    validity, _ = judge("validity", validity_frame(judged, inputs.indicator_rules), _by(messages.value_findings))
    related, _ = judge(
        "related_indicators", related_indicator_frame(_without(judged, validity.findings)), _by(messages.pair_findings)
    )
    carried = messages.empty_findings() if carry is None else carry.findings
    held_before = carried[_family_of(carried).isin(["validity", "related_indicators"])]
    publishable = _without(values, pd.concat([validity.findings, related.findings, held_before]))
    outliers, _ = judge("outliers", outlier_frame(publishable, inputs.indicator_rules), _by(messages.value_findings))
    consistency, _ = judge(
        "consistency_over_time", consistency_frame(publishable, inputs.indicator_rules), _by(messages.year_findings)
    )

    register = report_register(inputs.registry, inputs.received, inputs.as_of)
    reporting, verdicts = judge("reporting", register, _reporting_findings)
    register = report_statuses(register, verdicts["DQ_REPORT_MISSING"], verdicts["DQ_REPORT_LATE"])
    if carry is None:
        owed_values = obliged_values_frame(register, values, inputs.intake_findings)
    else:
        reports = _within(register, carry.reports, ["org_unit_code", "period_code"])
        owed_values = obliged_values_frame(reports, carry.report_values, inputs.intake_findings)
    completeness, verdicts = judge("value_completeness", owed_values, _by(messages.missing_value_findings))
    register = _with_missing_counts(register, owed_values, verdicts["DQ_VALUE_MISSING"],
                                    None if carry is None else carry.counts)

    outcomes = tuple(_with_carried(outcome, carried)
                     for outcome in (validity, related, reporting, completeness, outliers, consistency))
    documented = session.with_data_docs([outcome.validation for outcome in outcomes])
    return RuleEvaluation(
        tuple(replace(outcome, validation=validation) for outcome, validation in zip(outcomes, documented, strict=True)),
        register,
    )


def _by(build: Callable[..., list[dict]]) -> FindingBuilder:
    return lambda code, rows: build(RULES[code], rows)


def _reporting_findings(code: str, rows: pd.DataFrame) -> list[dict]:
    # A missing report has no file; a late one is blamed on its first readable file.
    file_side = None if code == "DQ_REPORT_MISSING" else "first"
    return messages.report_findings(RULES[code], rows, file_side)


def _without(values: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Values no error finding is about: an error holds back its unit, indicator and period."""
    held = set(map(tuple, findings.loc[findings["severity"] == "error", VALUE_KEY].to_numpy()))
    if not held:
        return values
    keys = map(tuple, values[VALUE_KEY].to_numpy())
    return values[[key not in held for key in keys]]


def _within(frame: pd.DataFrame, keys: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows of `frame` whose `columns` are among the `keys` rows, in their order and index."""
    inside = pd.MultiIndex.from_frame(frame[columns]).isin(pd.MultiIndex.from_frame(keys[columns]))
    return frame[inside]


def _family_of(findings: pd.DataFrame) -> pd.Series:
    return findings["rule_code"].map(lambda code: RULES[code].family)


def _with_carried(outcome: FamilyOutcome, carried: pd.DataFrame) -> FamilyOutcome:
    kept = carried[_family_of(carried) == outcome.family]
    if kept.empty:
        return outcome
    findings = kept if outcome.findings.empty else pd.concat([outcome.findings, kept], ignore_index=True)
    return replace(outcome, findings=findings, carried=len(kept))


def _with_missing_counts(register: pd.DataFrame, owed_values: pd.DataFrame, missing: list,
                         carried: pd.DataFrame | None) -> pd.DataFrame:
    """Each received report's owed and missing indicators: judged now, or as counted before."""
    owed_values = owed_values.assign(is_missing=False)
    owed_values.loc[missing, "is_missing"] = True
    counts = owed_values.groupby(["org_unit_code", "period_code"]).agg(
        indicators_expected=("indicator_code", "size"), indicators_missing=("is_missing", "sum")
    ).reset_index()
    if carried is not None and not carried.empty:
        counts = pd.concat([counts, carried], ignore_index=True)
    register = register.merge(counts, on=["org_unit_code", "period_code"], how="left")
    received = register["first_arrived_at"].notna()
    for column in ("indicators_expected", "indicators_missing"):
        register[column] = register[column].where(received).astype("Int64")
    return register
