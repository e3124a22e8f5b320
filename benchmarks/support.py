"""Benchmark: the programme's support files (free medication, guardians, teams) on a synthetic province.

Run:  .venv/bin/python benchmarks/support.py [--patients 100000] [--seed 7] [--period 2025] [--reference 20000]

Writes a synthetic registry with ``smi_care.synth.write_province`` (which also writes the four
support files), then times, each once in this process: writing the support files again
(``write_support_files``), reading them with problem reporting (``read_support_files``), the days
covered of every patient (``coverage_table``, vectorised), and every support indicator by township
(``evaluate_support``, the §6 facts included). It then runs the per-patient reference
``days_covered`` over the first ``--reference`` patients with dispensings, checks it gives the
same counts as the vectorised table, and prints both rates in µs per patient. Speed is
measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period
from smi_care.programme.medication import coverage_table, days_covered
from smi_care.programme.support import evaluate_support
from smi_care.registry.support_files import dispensings_by_patient, read_support_files
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province
from smi_care.synth.support_files import write_support_files


def _timed(label: str, fn, *args, **kw):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args, **kw)
    print(f"{label:<34} {time.perf_counter() - t:8.2f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--period", default="2025")
    ap.add_argument("--reference", type=int, default=20_000, help="patients for the per-patient reference")
    args = ap.parse_args(argv)
    period = Period.parse(args.period)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _timed(f"write_province ({args.patients:,})", write_province, folder, patients=args.patients, seed=args.seed)
        _timed("write_support_files (support files only)", write_support_files, folder, args.seed)
        tables = _timed("read_tables (v1 files)", read_tables, folder).tables
        load = _timed("read_support_files (4 files)", read_support_files, folder, tables)
        print("rows: " + ", ".join(f"{c.file} {c.accepted:,}" for c in load.counts)
              + f"; problems {len(load.problems)}")
        cover = _timed("coverage_table (vectorised PDC)", coverage_table, load.dispensings, period)
        t = time.perf_counter()
        parts = evaluate_support(tables, load, period, by=AreaLevel.TOWNSHIP)
        took = time.perf_counter() - t
        print(f"{'evaluate_support by township':<34} {took:8.2f} s  "
              f"({took / tables.patients.height * 1e6:.1f} µs/patient, {len(parts[0].counts)} counts)")
        logs = dispensings_by_patient(load.dispensings)
        sample = sorted(logs)[: args.reference]
        t = time.perf_counter()
        reference = {p: days_covered(logs[p], period) for p in sample}
        ref_time = time.perf_counter() - t
        got = dict(cover.filter(pl.col("patient_id").is_in(sample)).select("patient_id", "days_covered").iter_rows())
        same = all(got.get(p, 0) == n for p, n in reference.items())
        t = time.perf_counter()
        coverage_table(load.dispensings, period)
        took_cover = time.perf_counter() - t
        vec_per = took_cover / max(1, len(logs)) * 1e6
        print(f"days covered, per-patient reference: {ref_time / max(1, len(sample)) * 1e6:.1f} µs/patient "
              f"({len(sample):,} patients); vectorised: {vec_per:.2f} µs/patient ({len(logs):,}); equal: {same}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
