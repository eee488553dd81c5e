"""`python -m orchestration.reports --period 202512`: write a month's data-quality report card.

Reads the published warehouse (never the build), so it can run at any time, also while the
pipeline publishes; without --period it reports the latest month published.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.lib.settings import load_settings
from orchestration.reports.report_data import ReportPeriodError, latest_month
from orchestration.reports.scorecard_report import write_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.reports",
        description="Phiếu đánh giá chất lượng số liệu tháng (HTML) / a month's data-quality report card (HTML)",
    )
    parser.add_argument("--period", help="month code, e.g. 202512 (default: the latest month published)")
    args = parser.parse_args(argv)
    paths = load_settings().paths
    if not paths.published_db.exists():
        print(f"Chưa có kho công bố tại {paths.published_db} / no published warehouse at {paths.published_db}",
              file=sys.stderr)
        return 1
    period = args.period or latest_month(paths.published_db)
    if period is None:
        print("Kho công bố chưa có phiếu tháng nào / the published warehouse has no monthly card yet", file=sys.stderr)
        return 1
    try:
        path = write_report(paths.published_db, paths.reports_dir, period)
    except ReportPeriodError as error:
        print(error, file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
