"""Explain time against report time, on one synthetic province (issue 22: at most twice the report's).

Run:  .venv/bin/python benchmarks/explain.py --scale 100000 [--seed 1] [--from 2025Q2] [--to 2025Q3] [--repeat 3]

Uses the registry ``benchmarks/run.py`` wrote for that scale and seed (``benchmarks/.cache/``), else
writes one there with :func:`smi_care.synth.write_province`. Reads the tables once, then times, in
this process, the median of ``--repeat`` runs of:

- report: the later period's report by township (facts table, counts, finalize), as ``smi-care
  report`` computes it;
- explain: the explanation from the earlier period to the later one, by township (two facts
  tables, both reports, every flip and its reason, the entries).

It prints both, the ratio explain / report, and the same with the reading of the CSV added to
both (what a user of the command waits for). Exits 1 when explain takes more than ``--limit``
(2.0) times the report. Timings are noisy on a shared machine: quote them with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def registry(scale: int, seed: int) -> Path:
    """The cached registry of run.py for this scale and seed, else a new one beside it."""
    cache = HERE / ".cache"
    for root in (cache,):
        candidate = root / f"seed{seed}-n{scale}" / "csv"  # run.py's cached_registry
        if (candidate / "patients.csv").exists():
            return candidate
    out = cache / f"explain-{scale}-{seed}"
    if not (out / "patients.csv").exists():
        from smi_care.synth import write_province

        print(f"writing a province of {scale:,} patients to {out} …", flush=True)
        write_province(out, patients=scale, seed=seed)
    return out


def timed(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--from", dest="start", default="2025Q2")
    ap.add_argument("--to", dest="end", default="2025Q3")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=float, default=2.0)
    args = ap.parse_args(argv)

    from smi_care.domain import AreaLevel
    from smi_care.indicators import Period
    from smi_care.indicators.columnar import evaluate_tables
    from smi_care.indicators.evaluate import finalize
    from smi_care.indicators.explain import explain
    from smi_care.registry.tables import read_tables

    folder = registry(args.scale, args.seed)
    t = time.perf_counter()
    tables = read_tables(folder).tables
    read = time.perf_counter() - t
    start, end = Period.parse(args.start), Period.parse(args.end)
    by = AreaLevel.TOWNSHIP
    report = timed(lambda: finalize(evaluate_tables(tables, end, by)[0]), args.repeat)
    expl = timed(lambda: explain(tables, start, end, by), args.repeat)
    ratio, whole = expl / report, (read + expl) / (read + report)
    load = os.getloadavg()
    print(f"registry: {folder} ({tables.patients.height:,} patients, {tables.followups.height:,} follow-ups)")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median of {args.repeat} runs")
    print(f"read tables (once):       {read:8.2f} s")
    print(f"report {args.end} by township: {report:8.2f} s")
    print(f"explain {args.start} -> {args.end}:  {expl:8.2f} s")
    print(f"explain / report:         {ratio:8.2f}   (limit {args.limit:g})")
    print(f"with the reading:         {whole:8.2f}   ((read + explain) / (read + report))")
    return 0 if ratio <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
