"""Benchmark: the year's indicators for a synthetic registry, against a SQL baseline.

Run:  .venv/bin/python benchmarks/indicators.py [--patients 3000] [--seed 7]

Prints, for one run on this machine: generation (written straight to CSV), reading and evaluation times, the
evaluation rate, and a SQLite baseline (benchmarks/sql_baseline.py) computing nine of the
indicators from the same CSV files, with the ratio of the two and a check that both give the
same counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sql_baseline import counts, load

from smi_care.indicators import Period, evaluate, finalize
from smi_care.registry import read_registry
from smi_care.synth import write_province


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--period", default="2025")
    args = ap.parse_args(argv)
    period = Period.parse(args.period)
    folder = Path(tempfile.mkdtemp())

    t = time.perf_counter()
    write_province(folder, patients=args.patients, seed=args.seed)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    loaded = read_registry(folder).registry
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    rep = finalize(evaluate(loaded, period))
    t_eval = time.perf_counter() - t

    t = time.perf_counter()
    db = load(folder)
    t_sql_load = time.perf_counter() - t
    t = time.perf_counter()
    sql = counts(db, period.start.isoformat(), period.end.isoformat())
    t_sql = time.perf_counter() - t

    followups = sum(len(r.followups) for r in loaded)
    print(f"patients {len(loaded):,}, follow-ups {followups:,}, period {period}")
    print(f"generate and write {t_gen:.2f} s | read {t_read:.2f} s")
    print(f"smi_care evaluate, all 18 indicators: {t_eval:.2f} s ({len(loaded) / t_eval:,.0f} patients/s)")
    print(f"SQLite baseline, {len(sql)} counts: load {t_sql_load:.2f} s, queries {t_sql:.3f} s")
    print(f"ratio smi_care evaluate / SQLite queries: {t_eval / t_sql:.1f}x; "
          f"smi_care read+evaluate / SQLite load+queries: {(t_read + t_eval) / (t_sql_load + t_sql):.1f}x")
    ours = {k: rep.result(k).numerator for k in sql if k in {r.indicator for r in rep.results}}
    ours["registered"] = rep.result("management_rate").denominator or 0
    ours["stability_denominator"] = rep.result("stability_rate").denominator or 0
    bad = {k: (ours[k], v) for k, v in sql.items() if ours[k] != v}
    for k, v in sql.items():
        print(f"  {k:<30} smi_care {ours[k]:>7}  SQLite {v:>7}")
    print("all counts agree" if not bad else f"DISAGREE: {bad}")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
