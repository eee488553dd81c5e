"""`python -m orchestration.templates --period 202601 [--out DIR]`: blank workbooks for every unit due."""

from __future__ import annotations

import argparse
from pathlib import Path

from orchestration.lib.periods import PeriodError, parse_period
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT, load_settings
from orchestration.templates.blank_workbooks import units_due, write_blank_workbooks


def main() -> None:
    parser = argparse.ArgumentParser(description="Write one ready-to-fill workbook per unit for a period.")
    parser.add_argument("--period", required=True, help="e.g. 202601, 2026Q1, 2026, 'Tháng 1/2026', 'Quý I/2026'")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "warehouse" / "templates")
    arguments = parser.parse_args()
    try:
        period = parse_period(arguments.period)
    except PeriodError as error:
        parser.error(f"kỳ báo cáo không hợp lệ / invalid period: {error.message_vi} / {error.message_en}")
    registry = load_registry(load_settings().paths.reference_dir)
    if not units_due(registry, period):
        # Half-year and nine-month periods are computed by the warehouse, never reported by units.
        parser.error(f"không đơn vị nào phải báo cáo kỳ {period.code} / no unit reports for period {period.code}; "
                     "dùng kỳ tháng, quý hoặc năm / use a month, quarter or year")
    written = write_blank_workbooks(registry, period, arguments.out / period.code)
    print(f"{len(written)} biểu mẫu trống cho kỳ {period.code} / blank workbooks for {period.code}: "
          f"{arguments.out / period.code}")


if __name__ == "__main__":
    main()
