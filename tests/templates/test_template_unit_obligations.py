"""Blank templates carry each unit's own obligations: no births row for Bệnh viện Bãi Cháy."""

from __future__ import annotations

from orchestration.lib.periods import month_period
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT
from orchestration.templates.blank_workbooks import template_rows


def test_templates_follow_per_unit_obligations():
    registry = load_registry(REPO_ROOT / "sources" / "reference")
    march = month_period(2025, 3)
    codes = {unit: [row.indicator_code for row in template_rows(registry, unit, march)]
             for unit in ("QN-BVBC", "QN-BVSN", "QN-TTYT-HL")}
    assert "LIVE_BIRTHS" not in codes["QN-BVBC"] and "MATERNAL_DEATHS" not in codes["QN-BVBC"]
    assert codes["QN-BVSN"][-2:] == codes["QN-TTYT-HL"][-2:] == ["LIVE_BIRTHS", "MATERNAL_DEATHS"]
