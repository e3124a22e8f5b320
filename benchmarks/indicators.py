"""Benchmark: the year's indicators for a synthetic registry, against a SQL baseline.

Run:  .venv/bin/python benchmarks/indicators.py [--patients 3000] [--seed 7]

Prints, for one run on this machine: generation, writing, reading and evaluation times, the
evaluation rate, and a SQLite baseline computing the management rate (在册患者管理率) from the
same CSV files, with the ratio of the two and a check that both give the same counts.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from smi_care.indicators import Period, evaluate, finalize
from smi_care.registry import read_registry, write_registry
from smi_care.synth import generate

SQL = """
WITH registered AS (
  SELECT p.patient_id FROM patients p
  WHERE p.registered_on <= :d
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.patient_id = p.patient_id AND e.date <= :d
                    AND e.event IN ('death', 'transfer_out', 'diagnosis_withdrawn'))
),
managed AS (
  SELECT DISTINCT f.patient_id FROM followups f
  WHERE f.visit_date BETWEEN :s AND :d
    AND ((f.risk_level <> '' AND (f.seen <> '' OR f.loss_reason = '')) OR f.hospitalisation = '1')
)
SELECT (SELECT COUNT(*) FROM registered r JOIN managed m USING (patient_id)), (SELECT COUNT(*) FROM registered)
"""


def load_sql(folder: Path) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    for name in ("patients", "followups", "events"):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        db.execute(f"CREATE TABLE {name} ({', '.join(header)})")
        db.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(header))})", body)
    db.execute("CREATE INDEX f_pid ON followups (patient_id, visit_date)")
    db.execute("CREATE INDEX e_pid ON events (patient_id, date)")
    return db


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--period", default="2025")
    args = ap.parse_args(argv)
    period = Period.parse(args.period)
    folder = Path(tempfile.mkdtemp())

    t = time.perf_counter()
    reg = generate(patients=args.patients, seed=args.seed)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    write_registry(reg, folder)
    t_write = time.perf_counter() - t
    t = time.perf_counter()
    loaded = read_registry(folder).registry
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    rep = finalize(evaluate(loaded, period))
    t_eval = time.perf_counter() - t

    t = time.perf_counter()
    db = load_sql(folder)
    t_sql_load = time.perf_counter() - t
    t = time.perf_counter()
    num, den = db.execute(SQL, {"s": period.start.isoformat(), "d": period.end.isoformat()}).fetchone()
    t_sql = time.perf_counter() - t

    ours = rep.result("management_rate")
    followups = sum(len(r.followups) for r in loaded)
    print(f"patients {len(loaded):,}, follow-ups {followups:,}, period {period}")
    print(f"generate {t_gen:.2f} s | write {t_write:.2f} s | read {t_read:.2f} s")
    print(f"smi_care evaluate, all 18 indicators: {t_eval:.2f} s ({len(loaded) / t_eval:,.0f} patients/s)")
    print(f"SQLite baseline, management rate only: load {t_sql_load:.2f} s, query {t_sql:.3f} s")
    print(f"ratio smi_care evaluate / SQLite query: {t_eval / t_sql:.1f}x; "
          f"smi_care read+evaluate / SQLite load+query: {(t_read + t_eval) / (t_sql_load + t_sql):.1f}x")
    agree = (ours.numerator, ours.denominator) == (num, den)
    print(f"management rate: smi_care {ours.numerator}/{ours.denominator}, SQLite {num}/{den}: "
          f"{'agree' if agree else 'DISAGREE'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
