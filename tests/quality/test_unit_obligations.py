"""Per-unit obligations in the report register: what a single unit is exempted from is never
missing, and what it alone owes is (the value-completeness suite decides, as in the pipeline)."""

from __future__ import annotations

from datetime import datetime

from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.quality.reporting import obliged_values_frame, report_register
from tests.quality.rule_builders import AS_OF, failing_rows, received_frame, received_row, values_frame

HOSPITAL_MONTHLY = ("OPD_VISITS", "IPD_ADMISSIONS", "REFERRALS_CENTRAL", "EPRESCRIPTIONS", "BEDS", "DOCTORS")


def test_bai_chay_gets_no_missing_value_finding_for_births_and_the_maternity_hospital_does(gx_project):
    registry = load_registry(REPO_ROOT / "sources" / "reference")
    received = received_frame([
        received_row("QN-BVBC", "202503", datetime(2025, 4, 3), submission_id=1),
        received_row("QN-BVSN", "202503", datetime(2025, 4, 3), submission_id=2),
    ])
    register = report_register(registry, received, AS_OF)
    owed = dict(zip(register["org_unit_code"], register["indicator_codes"], strict=True))
    assert owed["QN-BVBC"] == HOSPITAL_MONTHLY
    assert owed["QN-BVSN"] == (*HOSPITAL_MONTHLY, "LIVE_BIRTHS", "MATERNAL_DEATHS")
    # Both files hold the hospital indicators only: births are missing for the maternity hospital alone.
    values = values_frame([{"submission_id": submission, "indicator_code": code}
                           for submission in (1, 2) for code in HOSPITAL_MONTHLY])
    frame = obliged_values_frame(register, values, values_frame([{"submission_id": 0, "indicator_code": "-"}]))
    missing = frame.loc[failing_rows(gx_project, "value_completeness", frame)["DQ_VALUE_MISSING"]]
    assert missing[["org_unit_code", "indicator_code"]].values.tolist() == [
        ["QN-BVSN", "LIVE_BIRTHS"], ["QN-BVSN", "MATERNAL_DEATHS"]]
