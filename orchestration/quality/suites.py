"""What the published marts must satisfy, as plain data: one suite per mart.

The rules are written once here and turned into the Great Expectations file context under
`expectations/gx/` by `gx_project`, so the committed JSON suites and this list cannot drift apart
(a test regenerates the context and compares). Plain dictionaries rather than GX objects keep this
module importable without GX, which takes seconds to import and is only needed when a check runs.

Every rule blocks publication when it fails: each one guards a property that BI reports and the
indicator formulas rely on (a duplicated grain double-counts, a bad period code never joins, a
code missing from its dimension drops out of every BI join). Referential integrity compares with
the dimensions as they are in the same build, handed to GX as suite parameters at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestration.lib.periods import PERIOD_CODE_PATTERN

# Month 202503, quarter 2025Q1, half year 2025S1, nine months 2025N9, year 2025 (CONTRACT.md).
PERIOD_TYPES = ("month", "quarter", "half_year", "nine_months", "year")
SUBMISSION_STATUSES = ("published", "quarantined", "superseded", "duplicate", "held")
FINDING_SEVERITIES = ("error", "warning")


# Suite parameters: the dimension keys of the build being checked, read by the checks at run time.
DIMENSION_KEY_PARAMETERS = {
    "org_unit_code": ("dim_org_units", "org_unit_codes"),
    "indicator_code": ("dim_indicators", "indicator_codes"),
    "period_code": ("dim_periods", "period_codes"),
}


@dataclass(frozen=True)
class ExpectationSpec:
    """One GX expectation: its snake_case type, its arguments, and a bilingual description that
    Data Docs and the Dagster check show to the people who fix the data. A data-quality rule also
    names its rule code, which GX keeps in the expectation's meta."""

    type: str
    kwargs: dict[str, Any]
    description: str
    rule_code: str | None = None
    severity: str = "critical"  # GX's own failure severity, shown in Data Docs: critical | warning

    @property
    def label(self) -> str:
        """Names the rule in check metadata; unique within a suite (a test holds the spec to it)."""
        if self.rule_code:
            return self.rule_code
        columns = self.kwargs.get("column") or ",".join(self.kwargs.get("column_list", ())) or "table"
        return f"{self.type}({columns})"

    @property
    def meta(self) -> dict[str, str]:
        return {"rule_code": self.rule_code} if self.rule_code else {}


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    expectations: tuple[ExpectationSpec, ...]


def _columns_present(columns: tuple[str, ...]) -> ExpectationSpec:
    # exact_match=False: the marts may gain columns without breaking the published contract.
    return ExpectationSpec(
        "expect_table_columns_to_match_set",
        {"column_set": list(columns), "exact_match": False},
        "Bảng có đủ các cột theo hợp đồng dữ liệu / The table has every contract column.",
    )


def _not_null(column: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_not_be_null",
        {"column": column},
        f"Cột {column} không được để trống / {column} is never null.",
    )


def _unique(column: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_be_unique",
        {"column": column},
        f"Mỗi giá trị {column} chỉ xuất hiện một lần / Each {column} appears once.",
    )


def _in_set(column: str, values: tuple[str, ...]) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_be_in_set",
        {"column": column, "value_set": list(values)},
        f"{column} thuộc danh mục {', '.join(values)} / {column} is one of {', '.join(values)}.",
    )


def _non_negative(column: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_be_between",
        {"column": column, "min_value": 0},
        f"{column} không âm (số đếm và tỷ lệ) / {column} is non-negative (counts and rates).",
    )


def _period_code(column: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_match_regex",
        {"column": column, "regex": PERIOD_CODE_PATTERN},
        f"{column} đúng mã kỳ 202503, 2025Q1, 2025S1, 2025N9 hoặc 2025 / {column} is a DHIS2-style period code.",
    )


def _in_dimension(column: str, row_condition: dict[str, Any] | None = None) -> ExpectationSpec:
    """Nulls pass: a column that may be empty (a file-level finding's indicator) says so elsewhere."""
    dimension, parameter = DIMENSION_KEY_PARAMETERS[column]
    kwargs: dict[str, Any] = {"column": column, "value_set": {"$PARAMETER": parameter}}
    if row_condition:
        kwargs["row_condition"] = row_condition
    return ExpectationSpec(
        "expect_column_values_to_be_in_set",
        kwargs,
        f"{column} có trong {dimension} / every {column} is a key of {dimension}.",
    )


# Ingestion findings quote codes as typed, unknown ones included: that is what they report. Rule
# and model findings are about values the warehouse holds, so their codes must be real.
NOT_FROM_INGESTION = {"type": "comparison", "column": {"name": "finding_source"}, "operator": "!=", "parameter": "ingestion"}
# A quarantined file (or a copy of one) may name a unit or period that does not exist: that is why
# it was quarantined. Files whose values were loaded must name real ones.
LOADED_FILES_ONLY = {
    "type": "comparison",
    "column": {"name": "status"},
    "operator": "IN",
    "parameter": ["published", "held", "superseded"],
}


def _non_negative_unless_signed(column: str) -> ExpectationSpec:
    """A dropout rate (DTP1 − DTP3) / DTP1 is legitimately negative when catch-up doses push DTP3
    above DTP1 in a period; every other count and rate is non-negative."""
    return ExpectationSpec(
        "expect_column_values_to_be_between",
        {
            "column": column,
            "min_value": 0,
            "row_condition": {
                "type": "comparison",
                "column": {"name": "indicator_code"},
                "operator": "!=",
                "parameter": "DTP_DROPOUT_PCT",
            },
        },
        f"{column} không âm, trừ tỷ lệ bỏ cuộc DTP / {column} is non-negative except the DTP dropout rate.",
    )


INDICATOR_VALUE_COLUMNS = (
    "indicator_code", "org_unit_code", "period_code", "value", "numerator", "denominator",
    "period_type", "org_unit_level", "months_expected", "months_present", "is_complete",
    "source_submission_id",
)
SUBMISSION_COLUMNS = (
    "submission_id", "file_name", "content_hash", "org_unit_code", "period_code", "arrived_at",
    "status", "reason_vi", "reason_en",
)
FINDING_COLUMNS = (
    "finding_id", "finding_source", "org_unit_code", "period_code", "indicator_code", "rule_code", "severity", "message_vi",
    "message_en", "file_name", "sheet_name", "cell_ref", "submission_id",
)
SCORECARD_COLUMNS = (
    "org_unit_code", "period_code", "period_type", "reports_expected", "reports_received",
    "reports_on_time", "reports_missing", "completeness_pct", "timeliness_pct",
    "value_completeness_pct", "values_checked", "values_with_outliers", "outlier_pct",
    "consistency_flags",
)


def _percentage(column: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_be_between",
        {"column": column, "min_value": 0, "max_value": 100},
        f"{column} là tỷ lệ phần trăm từ 0 đến 100 / {column} is a percentage between 0 and 100.",
    )


def _scorecard_suite(name: str) -> SuiteSpec:
    """The report card and its province roll-up share their shape: a unit (or the province) by period."""
    return SuiteSpec(
        name,
        (
            _columns_present(SCORECARD_COLUMNS),
            ExpectationSpec(
                "expect_compound_columns_to_be_unique",
                {"column_list": ["org_unit_code", "period_code"]},
                "Mỗi đơn vị × kỳ chỉ có một dòng / One row per unit × period.",
            ),
            _not_null("org_unit_code"),
            _not_null("period_code"),
            _in_dimension("org_unit_code"),
            _in_dimension("period_code"),
            _percentage("completeness_pct"),
            _percentage("timeliness_pct"),
            _percentage("value_completeness_pct"),
            _percentage("outlier_pct"),
        ),
    )


MART_SUITES: dict[str, SuiteSpec] = {
    suite.name: suite
    for suite in (
        SuiteSpec(
            "fct_indicator_values",
            (
                _columns_present(INDICATOR_VALUE_COLUMNS),
                ExpectationSpec(
                    "expect_compound_columns_to_be_unique",
                    {"column_list": ["indicator_code", "org_unit_code", "period_code"]},
                    "Mỗi chỉ số × đơn vị × kỳ chỉ có một dòng / One row per indicator × unit × period.",
                ),
                _not_null("indicator_code"),
                _not_null("org_unit_code"),
                _not_null("period_code"),
                _not_null("period_type"),
                _not_null("value"),
                _period_code("period_code"),
                _in_dimension("indicator_code"),
                _in_dimension("org_unit_code"),
                _in_dimension("period_code"),
                _in_set("period_type", PERIOD_TYPES),
                _non_negative_unless_signed("value"),
                _non_negative_unless_signed("numerator"),
                _non_negative("denominator"),
            ),
        ),
        SuiteSpec(
            "fct_submissions",
            (
                _columns_present(SUBMISSION_COLUMNS),
                _not_null("submission_id"),
                _unique("submission_id"),
                _not_null("file_name"),
                _not_null("content_hash"),
                # in_set ignores nulls, so a missing status needs its own rule.
                _not_null("status"),
                _in_set("status", SUBMISSION_STATUSES),
                _in_dimension("org_unit_code", LOADED_FILES_ONLY),
                _in_dimension("period_code", LOADED_FILES_ONLY),
            ),
        ),
        SuiteSpec(
            "fct_dq_findings",
            (
                _columns_present(FINDING_COLUMNS),
                _not_null("finding_id"),
                _unique("finding_id"),
                _in_dimension("indicator_code", NOT_FROM_INGESTION),
                _in_dimension("org_unit_code", NOT_FROM_INGESTION),
                _in_dimension("period_code", NOT_FROM_INGESTION),
                _not_null("rule_code"),
                _not_null("severity"),
                _in_set("severity", FINDING_SEVERITIES),
                _not_null("message_vi"),
                _not_null("message_en"),
            ),
        ),
        # The dimensions name their keys like the facts' foreign keys, so BI joins need no renaming.
        SuiteSpec("dim_org_units", (_not_null("org_unit_code"), _unique("org_unit_code"))),
        SuiteSpec("dim_indicators", (_not_null("indicator_code"), _unique("indicator_code"))),
        SuiteSpec(
            "dim_periods",
            (_not_null("period_code"), _unique("period_code"), _period_code("period_code")),
        ),
        _scorecard_suite("fct_dq_scorecard"),
        _scorecard_suite("fct_dq_province_summary"),
    )
}
