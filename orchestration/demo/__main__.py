"""`python -m orchestration.demo --inbox DIR`: fill an inbox with the demo province's reports."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from orchestration.demo.generator import DEFAULT_DEMO_SEED, generate_demo_province
from orchestration.lib.reference import ReferenceDataError, load_registry
from orchestration.lib.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.demo",
                                     description="Write the demo province's report workbooks into an inbox.")
    parser.add_argument("--inbox", type=Path, required=True, help="folder to write the .xlsx files into")
    parser.add_argument("--reference", type=Path, default=None,
                        help="reference CSV folder (default: WAREHOUSE_REFERENCE_DIR or sources/reference)")
    parser.add_argument("--first-month", default="202401", help="first month, YYYYMM")
    parser.add_argument("--last-month", default="202512", help="last month, YYYYMM")
    parser.add_argument("--seed", type=int, default=DEFAULT_DEMO_SEED)
    args = parser.parse_args(argv)
    reference_dir = args.reference or load_settings().paths.reference_dir
    started = time.perf_counter()
    try:
        paths = generate_demo_province(args.inbox, load_registry(reference_dir), args.first_month, args.last_month, args.seed)
    except (ReferenceDataError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"{len(paths)} files written to {args.inbox} in {elapsed:.1f} s / "
          f"đã ghi {len(paths)} tệp vào {args.inbox} trong {elapsed:.1f} giây")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
