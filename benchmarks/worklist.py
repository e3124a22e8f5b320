"""Time the day's whole worklist (issue 21) against the annual report on the same registry, and
one patient's worklist.

    .venv/bin/python benchmarks/worklist.py --folder benchmarks/.cache/seed1-n100000/csv
    .venv/bin/python benchmarks/worklist.py --scale 10000        # generates a province first

Prints the wall seconds of: reading the registry tables and the programme files, the annual
report by township (``smi_care.indicators.report`` on the tables, as benchmarks/run.py's
report step), the whole worklist within 30 days (``day_worklist``), and the median of one
patient's worklist (``patient_worklist``) over a few patients. Nothing is asserted: speed is
measured, not tested.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period, report
from smi_care.programme.report import read_programme
from smi_care.programme.worklist import day_worklist, patient_worklist
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--folder", type=Path, help="a registry folder (default: generate --scale patients)")
    p.add_argument("--scale", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--period", default="2025")
    p.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2025, 9, 30))
    p.add_argument("--within", type=int, default=30)
    p.add_argument("--patients", type=int, default=10, help="patients timed one by one")
    args = p.parse_args()
    folder = args.folder
    if folder is None:
        folder = Path(tempfile.mkdtemp()) / "province"
        write_province(folder, patients=args.scale, seed=args.seed, workers=1)
    t = time.perf_counter()
    tables = read_tables(folder).tables
    data = read_programme(folder, tables)
    read = time.perf_counter() - t
    t = time.perf_counter()
    report(tables, Period.parse(args.period), AreaLevel.TOWNSHIP)
    annual = time.perf_counter() - t
    t = time.perf_counter()
    items = day_worklist(data, args.on, args.within)
    whole = time.perf_counter() - t
    ids = items["patient_id"].unique().sort().to_list()[: args.patients]
    one: list[float] = []
    for pid in ids:
        t = time.perf_counter()
        patient_worklist(data, pid, args.on, args.within)
        one.append(time.perf_counter() - t)
    print(f"patients {tables.patients.height:,}; read {read:.1f} s; annual report {annual:.2f} s; "
          f"whole worklist {whole:.2f} s ({items.height:,} items, {whole / annual:.2f}x the report); "
          f"one patient {statistics.median(one) * 1000:.0f} ms (median of {len(one)})")


if __name__ == "__main__":
    main()
