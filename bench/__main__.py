"""``python -m bench [SIZES…]``: run the benchmarks and write bench/results.md and .json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.run import PARTS, RESULTS_DIR, run, write


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks at the given sizes (default 1,000, 10,000 and 100,000 items)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                        help=f"run only this part ({', '.join(PARTS)}); repeat for more; default: all of them")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR,
                        help="folder for results.md and results.json (default: bench/)")
    parser.add_argument("--browser", action="store_true",
                        help="also time the map in headless Chromium beside a naive app (bench.browser)")
    args = parser.parse_args(argv)
    report = run(args.sizes, args.repeat, include=tuple(args.only or PARTS))
    if args.browser:
        from bench.browser import bench_browser  # Playwright and Chromium only when asked for

        found, parts = bench_browser(repeat=args.repeat)
        report.rows.extend(found)
        report.breakdown.extend(parts)
    md, js = write(report, args.out)
    print(md.read_text(encoding="utf-8"))
    print(f"written: {md} {js}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
