"""One patient's answer, for an app: the facts of one period, the status on one day and the
worklist items of one day, from the one engine (the columnar code run on that patient's rows),
and the batch calls for many patients.

Run:  .venv/bin/python benchmarks/one_patient.py [--patients 200] [--repeat 5]

Prints, in milliseconds per patient (the median of ``--repeat`` rounds over the same patients):
one patient's facts (``patient_facts``), one patient's status on a day (``status_on``), one
patient's worklist items on a day (``worklist_table.record_items``), and the batch calls
(``patients_facts``, ``statuses_on``, ``worklist_table.records_worklist``) divided by the number
of patients. The issue's
bound is 5 ms for one patient (docs/architecture.md, "One patient").
"""

from __future__ import annotations

import argparse
import datetime as dt
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
                batch: bool) -> float:
    """Median milliseconds per patient over ``rounds`` rounds."""
    out: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        if batch:
            call(records)
        else:
            for r in records:
                call([r])
        out.append((time.perf_counter() - start) * 1000 / len(records))
    return statistics.median(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patients", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    records = list(generate(patients=args.patients))
    steps: dict[str, tuple[Callable[[list[PatientRecord]], object], bool]] = {
        "facts, one patient per call (patient_facts)": (
            lambda rs: patient_facts(rs[0], PERIOD, covers_nothing, FOUR_FOLLOWUPS, STATUS, CLASSES), False),
        "status on a day, one patient per call (status_on)": (lambda rs: status_on(rs[0], DAY), False),
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
        print(f"  {name:<55} {per_patient(args.repeat, records, call, batch):7.3f} ms/patient")
    return 0


if __name__ == "__main__":
    sys.exit(main())
