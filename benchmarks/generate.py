"""Benchmark: the synthetic generator at province scale.

Run:  .venv/bin/python benchmarks/generate.py [--patients 10000 100000 500000] [--seed 7] [--workers N] [--check]

For each size, writes a registry folder with ``smi_care.synth.write_province`` (three years of
history, 2023-2025) and prints the wall time, the CPU time of this process and its workers, the
rows written and the time per patient. ``--check`` reads the folder back with the registry
reader and fails unless it reports no problem (slow at large sizes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from smi_care.registry import read_registry
from smi_care.synth import write_province


def _rows(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, nargs="+", default=[10_000, 100_000, 500_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    failed = False
    for n in args.patients:
        with tempfile.TemporaryDirectory() as tmp:
            cpu0 = os.times()
            t = time.perf_counter()
            folder = write_province(Path(tmp) / "registry", patients=n, seed=args.seed, workers=args.workers)
            wall = time.perf_counter() - t
            cpu1 = os.times()
            cpu = (cpu1.user + cpu1.system + cpu1.children_user + cpu1.children_system
                   - cpu0.user - cpu0.system - cpu0.children_user - cpu0.children_system)
            fus, evs = _rows(folder / "followups.csv"), _rows(folder / "events.csv")
            size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            print(f"{n:>9,} patients: {wall:6.1f} s wall, {cpu:6.1f} s CPU, {wall / n * 1e6:5.1f} µs/patient; "
                  f"{fus:,} follow-ups, {evs:,} events, {size:,.0f} MB")
            if args.check:
                problems = read_registry(folder).problems
                print(f"  read back: {len(problems)} problem(s)")
                failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
