"""All rule families over one small province: findings, their messages, and what errors withhold."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd
import pytest

from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.quality.finding_messages import FINDING_COLUMNS
from orchestration.quality.indicator_rules import load_indicator_rules
from orchestration.quality.rule_evaluation import RuleInputs, evaluate_rules
from orchestration.quality.data_docs_offline import DOCS_SITE_DIR, WARNINGS_ONLY
from orchestration.quality.rule_catalogue import FAMILIES, RULES
from tests.quality.rule_builders import AS_OF, monthly_series, received_frame, received_row, values_frame

REFERENCE_DIR = REPO_ROOT / "sources" / "reference"
UNIT = "QN-TYT-HAILANG"


@pytest.fixture(scope="module")
def evaluation(gx_project):
    """Two years of a station's visits, steady at 100 a month, except June 2025: 30 million, above
    the catalogue's 20 million — an error. Its reports arrive on the third of each next month."""
    visits = [100.0] * 17 + [30_000_000.0] + [100.0] * 6
    values = values_frame(monthly_series(UNIT, "OPD_VISITS", "202401", visits))
    received = received_frame([
        received_row(UNIT, row["period_code"], (row["period_end"] + pd.Timedelta(days=3)).to_pydatetime(),
                     submission_id=row["submission_id"])
        for row in values.to_dict("records")
    ])
    intake = pd.DataFrame({"submission_id": pd.Series(dtype="int64"), "indicator_code": pd.Series(dtype="object")})
    inputs = RuleInputs(values, received, intake, load_registry(REFERENCE_DIR), load_indicator_rules(REFERENCE_DIR), AS_OF)
    return evaluate_rules(inputs, gx_project)


def test_every_family_reports_with_its_data_docs_page(evaluation):
    assert {outcome.family for outcome in evaluation.outcomes} == set(FAMILIES)
    for outcome in evaluation.outcomes:
        assert outcome.validation.data_docs_url and outcome.validation.data_docs_url.startswith("http://localhost:")
        assert list(outcome.findings.columns) == FINDING_COLUMNS


def test_the_error_names_its_cell_and_is_not_history(evaluation):
    findings = evaluation.findings
    [error] = findings[findings["severity"] == "error"].to_dict("records")
    assert (error["rule_code"], error["org_unit_code"], error["period_code"], error["indicator_code"]) == (
        "DQ_ABOVE_RANGE", UNIT, "202506", "OPD_VISITS")
    assert error["cell_ref"] == "E26" and error["value_text"] == "30000000"
    assert error["message_vi"].startswith(f"Tệp '{UNIT}_202506.xlsx', trang 'BaoCao', ô E26: ")
    assert "30.000.000" in error["message_vi"] and "30,000,000" in error["message_en"]
    assert "Cách sửa:" in error["message_vi"] and "How to fix:" in error["message_en"]
    # Held back, the 30 million is neither an outlier nor part of 2025's total against 2024.
    assert not findings["rule_code"].isin(["DQ_OUTLIER_EXTREME", "DQ_OUTLIER_MODERATE", "DQ_YEAR_INCONSISTENT"]).any()


def test_the_register_records_on_time_reports_and_the_missing_values_of_each(evaluation):
    register = evaluation.register.set_index(["org_unit_code", "period_code"])
    station = register.loc[UNIT]
    assert set(station["report_status"]) == {"on_time"}
    # A station owes seven indicators monthly; these files carry only the visits.
    assert set(station["indicators_expected"]) == {7} and set(station["indicators_missing"]) == {6}
    others = register.drop(index=UNIT, level="org_unit_code")
    assert others["indicators_expected"].isna().all()
    # On 1 January 2026 nothing ending on 31 December is due yet (five working days); all else is overdue.
    pending = others[others["report_status"] == "not_yet_due"]
    assert set(pending.index.get_level_values("period_code")) == {"202512", "2025Q4", "2025"}
    assert set(others.drop(pending.index)["report_status"]) == {"missing"}


def test_missing_reports_have_no_file_and_late_or_incomplete_ones_point_at_theirs(evaluation):
    findings = evaluation.findings
    missing = findings[findings["rule_code"] == "DQ_REPORT_MISSING"]
    assert missing["file_name"].isna().all() and missing["submission_id"].isna().all()
    assert missing.iloc[0]["message_en"].startswith(f"Unit {missing.iloc[0]['org_unit_code']}, period ")
    values_missing = findings[findings["rule_code"] == "DQ_VALUE_MISSING"]
    assert set(values_missing["sheet_name"]) == {"BaoCao"} and values_missing["cell_ref"].isna().all()


def test_each_family_reports_as_a_check_with_examples_even_for_findings_without_a_file(evaluation):
    # Imported here: the asset module loads dbt's manifest, which the session fixture writes first.
    from orchestration.quality.rule_assets import family_check_result

    reporting = next(outcome for outcome in evaluation.outcomes if outcome.family == "reporting")
    result = family_check_result(reporting.family, reporting.validation, reporting.findings)
    assert not result.passed and result.severity.value == "WARN"
    missing = result.metadata["DQ_REPORT_MISSING"].value
    assert missing["findings"] == missing["unexpected_count"] > 0
    assert missing["examples"][0].startswith("QN-") and "(" not in missing["examples"][0], "no file to point at"
    validity = next(outcome for outcome in evaluation.outcomes if outcome.family == "validity")
    result = family_check_result(validity.family, validity.validation, validity.findings)
    assert result.severity.value == "ERROR", "a failed rule that holds values back"
    assert result.metadata["DQ_ABOVE_RANGE"].value["examples"] == [
        f"{UNIT} 202506 OPD_VISITS = 30000000 ({UNIT}_202506.xlsx!BaoCao!E26)"
    ]
    assert result.metadata["data_docs"].value.startswith("http://localhost:")
    assert "✅" not in result.metadata["summary"].value and "❌" not in result.metadata["summary"].value


def test_a_family_failing_on_warnings_alone_reads_as_warnings_in_data_docs_not_as_failed(evaluation, gx_project):
    from orchestration.quality.rule_assets import family_check_result  # loads the dbt manifest

    warned = [outcome for outcome in evaluation.outcomes if outcome.validation.failures
              and all(RULES[failure.rule_code].severity == "warning" for failure in outcome.validation.failures)]
    assert warned, "the June outlier among steady visits is a warning"
    site = gx_project / "gx" / DOCS_SITE_DIR
    index = (site / "index.html").read_text(encoding="utf-8")
    for outcome in warned:
        page = urlparse(outcome.validation.data_docs_url).path.removeprefix("/gx/")
        text = (site / page).read_text(encoding="utf-8")
        assert WARNINGS_ONLY in text and "</i> Failed" not in text
        row = re.search(rf"'_table_row_link_path': '{re.escape(page)}', '_validation_success_text': '([^']*)'", index)
        assert row and row[1] == "Warnings only"
        summary = family_check_result(outcome.family, outcome.validation, outcome.findings).metadata["summary"].value
        assert "cảnh báo / warning" in summary and "FAIL" not in summary
