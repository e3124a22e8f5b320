"""Time the county programme (case finding, assessments, key patients, campaigns) on a synthetic
province: generate it, read the registry tables and the programme files, and make the quarterly
programme report by township.

    .venv/bin/python benchmarks/programme.py --scale 100000 [--seed 7] [--period 2025Q3]

Prints one line of wall times and the peak resident memory. Nothing is asserted: speed is
measured, not tested.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from smi_care.indicators.periods import Period
from smi_care.programme.report import programme_report, read_programme
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--scale", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--period", default="2025Q3")
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp()) / "province"
    t = time.perf_counter()
    write_province(folder, patients=args.scale, seed=args.seed, workers=1)
    generate = time.perf_counter() - t
    t = time.perf_counter()
    load = read_tables(folder)
    read = time.perf_counter() - t
    t = time.perf_counter()
    data = read_programme(folder, load.tables)
    read_prog = time.perf_counter() - t
    t = time.perf_counter()
    programme_report(data, Period.parse(args.period))
    report = time.perf_counter() - t
    rows = ", ".join(f"{c.file} {c.read:,}" for c in data.counts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"patients {args.scale:,}: generate {generate:.1f} s, read tables {read:.1f} s, read programme files "
          f"{read_prog:.2f} s ({rows}), programme report {report:.2f} s; peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
