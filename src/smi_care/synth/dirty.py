"""The "dirty" demo registry: the clean one with known errors planted, and the list of them.

Every kind of problem the reader reports and every kind of finding the quality rules make is
planted once, on rows chosen so that one planted error causes exactly one report (a bad
patient row is planted only on a patient with no follow-ups or events; a bad follow-up row
only on a patient's last follow-up, so no gap appears).

>>> import tempfile
>>> from smi_care.validation import validate
>>> folder, planted = write_dirty(tempfile.mkdtemp(), patients=300, seed=7)
>>> report = validate(folder)
>>> found = {(p.file, p.line, p.kind) for p in report.problems} | {
...     ("quality", f.patient_id, f.kind) for f in report.findings}
>>> found == {p.key for p in planted}
True
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from smi_care.domain.codes import Classification
from smi_care.domain.followup import FollowUp
from smi_care.domain.records import PatientRecord, Registry
from smi_care.registry.columns import EVENTS, FOLLOWUPS, PATIENTS
from smi_care.registry.writer import write_registry
from smi_care.rules.classification import classify
from smi_care.rules.schedule import next_visit_date
from smi_care.synth.county import generate


@attrs.frozen
class Planted:
    """One planted error: where (file and line, or the patient for a quality finding) and its kind."""

    file: str
    where: int | str
    kind: str
    description: str

    @property
    def key(self) -> tuple[str, int | str, str]:
        return (self.file, self.where, self.kind)


def _plant_quality(reg: Registry) -> tuple[Registry, list[Planted]]:
    records = dict(reg.records)
    planted: list[Planted] = []
    used: set[str] = set()

    def pick(test: Callable[[PatientRecord, int, FollowUp], bool]) -> tuple[PatientRecord, int]:
        for pid, r in records.items():
            if pid in used:
                continue
            for i, f in enumerate(r.followups[:-2]):
                if test(r, i, f):
                    used.add(pid)
                    return r, i
        raise LookupError("no follow-up fits this plant")

    def put(r: PatientRecord, i: int, **changes: Any) -> None:
        fus = list(r.followups)
        fus[i] = attrs.evolve(fus[i], **changes)
        records[r.patient_id] = attrs.evolve(r, followups=tuple(fus))

    r, i = pick(lambda r, i, f: f.completed and classify(f).classification is Classification.BASICALLY_STABLE)
    put(r, i, classification=Classification.STABLE)
    planted.append(Planted("quality", r.patient_id, "class_disagrees", "basically stable recorded as stable"))

    r, i = pick(lambda r, i, f: f.completed and f.classification is Classification.STABLE)
    f = r.followups[i]
    put(r, i, next_visit_date=next_visit_date(f.visit_date, Classification.STABLE) + dt.timedelta(days=20))
    planted.append(Planted("quality", r.patient_id, "next_date_too_late", "next date 20 days past the rule"))

    r, i = pick(lambda r, i, f: f.completed and f.classification is not None)
    put(r, i, classification=None)
    planted.append(Planted("quality", r.patient_id, "missing_assessment", "class left empty"))

    r, i = pick(lambda r, i, f: f.completed and f.classification is not None and r.followups[i + 1].completed
                and r.followups[i + 2].completed)
    fus = list(r.followups)
    del fus[i + 1]
    records[r.patient_id] = attrs.evolve(r, followups=tuple(fus))
    planted.append(Planted("quality", r.patient_id, "gap_too_long", "a follow-up removed"))
    return Registry(records, reg.population), planted


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_dirty(folder: str | Path, patients: int = 3000, seed: int = 7) -> tuple[Path, tuple[Planted, ...]]:
    """Write the dirty registry into ``folder``; return it and the list of planted errors."""
    folder = Path(folder)
    reg, planted = _plant_quality(generate(patients=patients, seed=seed))
    quality_pids = {str(p.where) for p in planted}
    write_registry(reg, folder, include_identifying=True)
    ph, prows = _rows(folder / PATIENTS)
    fh, frows = _rows(folder / FOLLOWUPS)
    eh, erows = _rows(folder / EVENTS)
    pcol, fcol, ecol = ({c: i for i, c in enumerate(h)} for h in (ph, fh, eh))
    with_rows = {r[0] for r in frows} | {r[0] for r in erows}
    bare = [i for i, r in enumerate(prows) if r[0] not in with_rows and r[pcol["resident_id"]]]
    if len(bare) < 5:  # a small registry: clear the history of a few more patients to plant on
        keep = quality_pids | {r[0] for r in erows if r[ecol["event"]] in ("death", "admission")}
        more = [i for i, r in enumerate(prows) if r[0] not in keep and i not in bare][-(5 - len(bare)):]
        cleared = {prows[i][0] for i in more}
        frows = [r for r in frows if r[0] not in cleared]
        erows = [r for r in erows if r[0] not in cleared]
        bare = sorted(bare + more)
    last_row: dict[str, int] = {}
    for i, r in enumerate(frows):
        last_row[r[0]] = i
    candidates = [i for pid, i in last_row.items() if pid not in quality_pids]

    def patient_plant(kind: str, column: str, value: str, what: str) -> None:
        i = bare.pop()
        prows[i][pcol[column]] = value
        planted.append(Planted(PATIENTS, i + 2, kind, what))

    patient_plant("bad_date", "birth_date", "1980-02-30", "a birth date that does not exist")
    patient_plant("bad_code", "disorder", "8", "a disorder code outside 1-6")
    rid = prows[bare[-1]][pcol["resident_id"]]
    patient_plant("invalid_identity", "resident_id", rid[:-1] + ("0" if rid[-1] != "0" else "1"),
                  "a wrong check character")
    i = bare.pop()
    prows[i][pcol["sex"]] = "2" if prows[i][pcol["sex"]] == "1" else "1"
    planted.append(Planted(PATIENTS, i + 2, "invalid_identity", "sex disagrees with the identity number"))
    i = bare.pop()
    prows[i][pcol["consent"]] = "1"
    prows[i][pcol["consent_date"]] = ""
    planted.append(Planted(PATIENTS, i + 2, "missing_required", "consent 1 without a consent date"))
    prows.append(list(prows[0]))
    planted.append(Planted(PATIENTS, len(prows) + 1, "duplicate_patient_id", "a patient row repeated"))

    def followup_plant(kind: str, column: str, value: str, what: str, need_reached: bool = False) -> None:
        for j, i in enumerate(candidates):
            row = frows[i]
            if need_reached and not (row[fcol["seen"]] and row[fcol["risk_level"]]):
                continue
            if row[fcol["last_discharge_date"]]:
                continue
            candidates.pop(j)
            row[fcol[column]] = value
            planted.append(Planted(FOLLOWUPS, i + 2, kind, what))
            return
        raise LookupError("no follow-up row fits this plant")

    followup_plant("bad_date", "visit_date", "2025-13-01", "a month 13")
    followup_plant("bad_code", "insight", "7", "insight outside 1-3", need_reached=True)
    followup_plant("missing_required", "risk_level", "", "a reached follow-up without a risk level", need_reached=True)
    followup_plant("rule", "visit_date", "2000-01-01", "a follow-up before the diagnosis")
    i = candidates.pop()
    frows[i] = [*frows[i], "stray"]
    planted.append(Planted(FOLLOWUPS, i + 2, "bad_row", "one cell more than the header"))
    frows.append(["NO-SUCH-PATIENT", "2025-03-01", "2"] + [""] * (len(fh) - 3))
    planted.append(Planted(FOLLOWUPS, len(frows) + 1, "unknown_patient", "a follow-up for an unknown patient"))

    death_rows = [i for i, r in enumerate(erows) if r[ecol["event"]] == "death"]
    i = death_rows[0]
    erows[i][ecol["detail"]] = "9"
    planted.append(Planted(EVENTS, i + 2, "bad_code", "a death cause outside 1-6"))
    admitted = next(r for r in erows if r[ecol["event"]] == "admission")
    erows.append([admitted[0], "2001-01-01" if admitted[1] > "2001-01-01" else admitted[1], "discharge", ""]
                 + [""] * (len(eh) - 4))
    planted.append(Planted(EVENTS, len(erows) + 1, "rule", "a discharge before the first admission"))
    erows.append([admitted[0], "2025-05-05", "moved_away", ""] + [""] * (len(eh) - 4))
    planted.append(Planted(EVENTS, len(erows) + 1, "bad_code", "an unknown event kind"))

    _write(folder / PATIENTS, ph, prows)
    _write(folder / FOLLOWUPS, fh, frows)
    _write(folder / EVENTS, eh, erows)
    return folder, tuple(planted)
