"""`python -m orchestration.templates --period 202601 [--out DIR]`: blank workbooks for every unit due."""

from __future__ import annotations

import argparse
from pathlib import Path

from orchestration.lib.periods import parse_period
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT, WarehousePaths
from orchestration.templates.blank_workbooks import write_blank_workbooks


def main() -> None:
    parser = argparse.ArgumentParser(description="Write one ready-to-fill workbook per unit for a period.")
    parser.add_argument("--period", required=True, help="e.g. 202601, 2026Q1, 'Tháng 1/2026'")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "warehouse" / "templates")
    arguments = parser.parse_args()
    period = parse_period(arguments.period)
    registry = load_registry(WarehousePaths.from_environment().reference_dir)
    written = write_blank_workbooks(registry, period, arguments.out / period.code)
    print(f"{len(written)} blank workbooks for {period.code} in {arguments.out / period.code}")


if __name__ == "__main__":
    main()
