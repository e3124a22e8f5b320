"""One patient's answer, for an app: the facts of one period, the status on one day and the
worklist items of one day, from the one engine (the columnar code run on that patient's rows),
and the batch calls for many patients.

Run:  .venv/bin/python benchmarks/one_patient.py [--patients 200] [--repeat 5]

Prints, in milliseconds per patient (the median of ``--repeat`` rounds over the same patients),
wall time and the process's CPU time (all its threads; on a loaded machine the wall time
waits for a core, the CPU time does not): one patient's facts (``patient_facts``), one
patient's status on a day (``status_on``), the same on a day not asked before (the rules'
expressions are built once per day and policy, so the first call of a day builds them), one
patient's worklist items on a day (``worklist_table.record_items``), and the batch calls
(``patients_facts``, ``statuses_on``, ``worklist_table.records_worklist``) divided by the number
of patients. The issue's bound is 5 ms for one patient (docs/architecture.md, "One patient,
and many").
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable

from smi_care.domain.records import PatientRecord
from smi_care.indicators.facts import patient_facts, patients_facts
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import FOUR_FOLLOWUPS
from smi_care.indicators.worklist_table import record_items, records_worklist
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.status import NATIONAL as STATUS
from smi_care.rules.status import covers_nothing, status_on, statuses_on
from smi_care.synth import generate

PERIOD = Period.parse("2025")
DAY = dt.date(2025, 12, 1)


def per_patient(rounds: int, records: list[PatientRecord], call: Callable[[list[PatientRecord]], object],
                batch: bool) -> tuple[float, float]:
    """Median milliseconds per patient over ``rounds`` rounds: wall time and CPU time."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        if batch:
            call(records)
        else:
            for r in records:
                call([r])
        wall.append((time.perf_counter() - start) * 1000 / len(records))
        cpu.append((time.process_time() - start_cpu) * 1000 / len(records))
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patients", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    records = list(generate(patients=args.patients))
    new_days = itertools.count(1)  # a day never asked before at each call (past the caches' days)
    steps: dict[str, tuple[Callable[[list[PatientRecord]], object], bool]] = {
        "facts, one patient per call (patient_facts)": (
            lambda rs: patient_facts(rs[0], PERIOD, covers_nothing, FOUR_FOLLOWUPS, STATUS, CLASSES), False),
        "status on a day, one patient per call (status_on)": (lambda rs: status_on(rs[0], DAY), False),
        "status on a new day, one patient per call (status_on)": (
            lambda rs: status_on(rs[0], DAY - dt.timedelta(days=next(new_days))), False),
        "worklist items, one patient per call (record_items)": (lambda rs: record_items(rs[0], DAY), False),
        f"facts, batch of {len(records)} (patients_facts)": (
            lambda rs: patients_facts(rs, PERIOD, covers_nothing, FOUR_FOLLOWUPS, STATUS, CLASSES), True),
        f"status on a day, batch of {len(records)} (statuses_on)": (lambda rs: statuses_on(rs, DAY), True),
        f"worklist items, batch of {len(records)} (records_worklist)": (lambda rs: records_worklist(rs, DAY), True),
    }
    per_patient(1, records[:5], steps["status on a day, one patient per call (status_on)"][0], False)  # warm up
    load = os.getloadavg()
    print(f"{len(records)} synthetic patients (smi_care.synth.generate), period {PERIOD}, day {DAY}; "
          f"median of {args.repeat} rounds; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for name, (call, batch) in steps.items():
        wall, cpu = per_patient(args.repeat, records, call, batch)
        print(f"  {name:<58} {wall:7.3f} ms/patient (cpu {cpu:7.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
