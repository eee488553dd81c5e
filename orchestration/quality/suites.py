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
INBOX_ENTRY_KINDS = ("file", "symlink", "fifo", "device", "socket", "hidden", "temporary")
INBOX_ENTRY_STATUSES = ("ignored", "received")
# The statuses of files whose values were loaded: the only ones with a value history.
LOADED_STATUSES = ("published", "held", "superseded")
FINDING_SEVERITIES = ("error", "warning")
FINDING_STATUSES = ("open", "explained", "resolved")
ORG_UNIT_LEVELS = ("facility", "area")
ACHIEVEMENT_STATUSES = ("dat", "chua_dat", "khong_co_so_lieu")
COMPARED_WITH = ("target", "benchmark")
COMPARISON_BASES = ("year_to_date_share", "full_year")
TARGET_DIRECTIONS = ("at_least", "at_most")
COMPOSITIONS = ("predecessors", "successor", "predecessors_and_successor")
CHANGE_KINDS = ("merge", "split", "rename", "re-parent")


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
        return expectation_label(self.type, self.kwargs, self.rule_code)

    @property
    def meta(self) -> dict[str, str]:
        return {"rule_code": self.rule_code} if self.rule_code else {}


def expectation_label(expectation_type: str, kwargs: dict[str, Any], rule_code: str | None) -> str:
    """A rule's code, or its type and columns: 'expect_column_values_to_be_unique(finding_id)'."""
    if rule_code:
        return rule_code
    columns = (
        kwargs.get("column")
        or ",".join(kwargs.get("column_list", ()))
        or ",".join(kwargs[key] for key in ("column_A", "column_B") if key in kwargs)
        or "table"
    )
    return f"{expectation_type}({columns})"


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


def _in_dimension(column: str, row_condition: dict[str, Any] | None = None, key: str | None = None) -> ExpectationSpec:
    """Nulls pass: a column that may be empty (a file-level finding's indicator) says so elsewhere.
    `key` names the dimension key when the column is named for its role (parent_code → org_unit_code)."""
    dimension, parameter = DIMENSION_KEY_PARAMETERS[key or column]
    kwargs: dict[str, Any] = {"column": column, "value_set": {"$PARAMETER": parameter}}
    if row_condition:
        kwargs["row_condition"] = row_condition
    return ExpectationSpec(
        "expect_column_values_to_be_in_set",
        kwargs,
        f"{column} có trong {dimension} / every {column} is a key of {dimension}.",
    )


def _unique_together(*columns: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_compound_columns_to_be_unique",
        {"column_list": list(columns)},
        f"Mỗi {' × '.join(columns)} chỉ có một dòng / One row per {' × '.join(columns)}.",
    )


def _not_null_where(column: str, other: str, value: str) -> ExpectationSpec:
    return ExpectationSpec(
        "expect_column_values_to_not_be_null",
        {"column": column, "row_condition": _equals(other, value)},
        f"{column} có giá trị khi {other} = {value} / {column} is set wherever {other} is {value}.",
    )


def _not_before(later: str, earlier: str) -> ExpectationSpec:
    """An open end (null) passes: the interval is still running."""
    return ExpectationSpec(
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": later, "column_B": earlier, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
        f"{later} không trước {earlier} / {later} is never before {earlier}.",
    )


def _equals(column: str, value: str) -> dict[str, Any]:
    return {"type": "comparison", "column": {"name": column}, "operator": "==", "parameter": value}


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
DISAGGREGATION_COLUMNS = (
    "indicator_code", "org_unit_code", "period_code", "period_type", "org_unit_level", "dimension_code",
    "option_code", "value", "months_present", "source_submission_id",
)
SUBMISSION_COLUMNS = (
    "submission_id", "file_name", "content_hash", "org_unit_code", "period_code", "arrived_at",
    "status", "reason_vi", "reason_en",
)
FINDING_COLUMNS = (
    "finding_id", "finding_source", "org_unit_code", "period_code", "indicator_code", "rule_code", "severity", "message_vi",
    "message_en", "file_name", "sheet_name", "cell_ref", "submission_id", "status",
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
            "fct_indicator_disaggregations",
            (
                _columns_present(DISAGGREGATION_COLUMNS),
                _unique_together("indicator_code", "org_unit_code", "period_code", "option_code"),
                *(_not_null(column) for column in DISAGGREGATION_COLUMNS[:8]),
                _period_code("period_code"),
                _in_dimension("indicator_code"),
                _in_dimension("org_unit_code"),
                _in_dimension("period_code"),
                _in_set("period_type", PERIOD_TYPES),
                _in_set("org_unit_level", ("facility", "area")),
                # Every split is a count of people (visits, births, children, cases): the intake
                # refuses a negative or fractional one.
                _non_negative("value"),
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
        # Enforced contract holds the columns; a row per distinct entry, each with its reason.
        SuiteSpec(
            "fct_inbox_entries",
            (
                _unique_together("inbox_path", "entry_kind", "raw_path_hex"),
                _not_null("inbox_path"),
                _not_null("entry_kind"),
                _in_set("entry_kind", INBOX_ENTRY_KINDS),
                _not_null("status"),
                _in_set("status", INBOX_ENTRY_STATUSES),
                _not_null("reason_code"),
                _not_null("reason_vi"),
                _not_null("reason_en"),
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
                _not_null("status"),
                _in_set("status", FINDING_STATUSES),
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
        # The suites below leave the column list to the models' enforced dbt contracts, which fail
        # the build itself when a column goes missing: writing the columns here would be a second copy.
        SuiteSpec(
            "fct_indicator_achievement",
            (
                _unique_together("org_unit_code", "indicator_code", "period_code"),
                _not_null("org_unit_code"),
                _not_null("indicator_code"),
                _not_null("period_code"),
                _period_code("period_code"),
                _in_dimension("org_unit_code"),
                _in_dimension("indicator_code"),
                _in_dimension("period_code"),
                _in_set("period_type", PERIOD_TYPES),
                _not_null("achievement_status"),
                _in_set("achievement_status", ACHIEVEMENT_STATUSES),
                _in_set("compared_with", COMPARED_WITH),
                _not_null("comparison_basis"),
                _in_set("comparison_basis", COMPARISON_BASES),
                _in_set("direction", TARGET_DIRECTIONS),
                # A verdict needs the figure it was reached on and the figure it was compared with.
                _not_null_where("target_value", "compared_with", "target"),
                _not_null_where("benchmark_value", "compared_with", "benchmark"),
                ExpectationSpec(
                    "expect_column_values_to_not_be_null",
                    {
                        "column": "actual_value",
                        "row_condition": {
                            "type": "comparison",
                            "column": {"name": "achievement_status"},
                            "operator": "!=",
                            "parameter": "khong_co_so_lieu",
                        },
                    },
                    "Đạt / chưa đạt chỉ khi có số liệu thực hiện / Achieved or not only where there is an actual figure.",
                ),
            ),
        ),
        SuiteSpec(
            "fct_indicator_value_history",
            (
                _unique_together("submission_id", "sheet_name", "cell_ref"),
                _not_null("submission_id"),
                _not_null("org_unit_code"),
                _not_null("period_code"),
                _not_null("indicator_code"),
                _not_null("value"),
                _period_code("period_code"),
                # Intake rejects a value whose unit, area, indicator or period it does not know, so
                # every value a loaded file gave names real ones.
                _in_dimension("org_unit_code"),
                _in_dimension("indicator_code"),
                _in_dimension("period_code"),
                _not_null("submission_status"),
                _in_set("submission_status", LOADED_STATUSES),
                _not_null("arrived_at"),
                _not_null("published_from"),
                _not_before("published_until", "published_from"),
            ),
        ),
        SuiteSpec(
            "rpt_comparable_geography",
            (
                _unique_together("org_unit_code", "indicator_code", "period_code"),
                _not_null("org_unit_code"),
                _not_null("indicator_code"),
                _not_null("period_code"),
                _not_null("value"),
                _period_code("period_code"),
                _in_dimension("org_unit_code"),
                _in_dimension("indicator_code"),
                _in_dimension("period_code"),
                _in_set("period_type", PERIOD_TYPES),
                _in_set("org_unit_level", ORG_UNIT_LEVELS),
                _in_set("composition", COMPOSITIONS),
                _non_negative_unless_signed("value"),
                _non_negative_unless_signed("numerator"),
                _non_negative("denominator"),
                ExpectationSpec(
                    "expect_column_pair_values_a_to_be_greater_than_b",
                    {"column_A": "months_expected", "column_B": "months_present", "or_equal": True},
                    "Số tháng đã có không vượt số tháng cần có / months_present never exceeds months_expected.",
                ),
            ),
        ),
        SuiteSpec(
            "rpt_indicator_values_wide",
            (
                _unique_together("org_unit_code", "period_code"),
                _not_null("org_unit_code"),
                _not_null("period_code"),
                _period_code("period_code"),
                _in_dimension("org_unit_code"),
                _in_dimension("period_code"),
                _in_set("period_type", PERIOD_TYPES),
                _in_set("org_unit_level", ORG_UNIT_LEVELS),
                # Dashboards title their charts with these.
                _not_null("period_label_vi"),
                _not_null("period_label_en"),
            ),
        ),
        SuiteSpec(
            "dim_org_unit_lineage",
            (
                _unique_together("predecessor_code", "successor_code", "effective_date"),
                _not_null("predecessor_code"),
                _not_null("successor_code"),
                _not_null("effective_date"),
                _in_dimension("predecessor_code", key="org_unit_code"),
                _in_dimension("successor_code", key="org_unit_code"),
                _not_null("change_kind"),
                _in_set("change_kind", CHANGE_KINDS),
            ),
        ),
        SuiteSpec(
            "dim_org_unit_parent_links",
            (
                _unique_together("org_unit_code", "valid_from"),
                _not_null("org_unit_code"),
                _not_null("parent_code"),
                _not_null("valid_from"),
                _in_dimension("org_unit_code"),
                _in_dimension("parent_code", key="org_unit_code"),
                _not_before("valid_to", "valid_from"),
            ),
        ),
    )
}
