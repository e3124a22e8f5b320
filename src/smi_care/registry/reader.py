"""Reader of the registry interchange format v1 (registry-format.md).

Bad input never stops the load and is never dropped silently: every rejected row becomes a
:class:`~smi_care.registry.problems.Problem` (file, line, column, value, reason), the good
rows still load, and per-file counts show ``read == accepted + rejected``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "patients.csv").write_text(
...     "patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date\\n"
...     "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08\\n"
...     "P2,1,1980-01-02,110105001002,8,2020-05-01,2020-05-08,0,\\n", encoding="utf-8")
>>> result = read_registry_by_rows(d)
>>> len(result.registry), [(p.line, p.column, p.kind) for p in result.problems]
(1, [(3, 'disorder', 'bad_code')])
>>> print(result.problems[0].reason.split(";")[0])
disorder (目前诊断) is not a code of Disorder (严重精神障碍诊断)
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

import attrs

from smi_care.domain.codes import (
    FormEdition,
)
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp
from smi_care.domain.identity import AreaCode
from smi_care.domain.patient import Patient
from smi_care.domain.records import (
    PatientRecord,
    PopulationEntry,
    Registry,
    discharge_conflicts,
    event_conflict,
    followup_conflict,
)
from smi_care.registry.columns import (
    EVENTS,
    FOLLOWUPS,
    PATIENTS,
    POPULATION,
    REQUIRED,
    described,
)
from smi_care.registry.csv_text import csv_error
from smi_care.registry.metadata import read_edition
from smi_care.registry.problems import FileCounts, Problem, RegistryReadError, counts_for
from smi_care.registry.raw import check_header
from smi_care.registry.row_parsers import (
    FIELD_COLUMN,
    KNOWN,
    Collector,
    Row,
    RowParser,
    code_parser,
    codes_parser,
    parse_area,
    parse_event,
    parse_followup,
    parse_patient,
    parse_population,
)


@attrs.frozen
class LoadResult:
    """What a load gives: the registry of good rows, every problem, and the counts."""

    registry: Registry
    problems: tuple[Problem, ...]
    counts: tuple[FileCounts, ...]
    edition: FormEdition = FormEdition.WS2018
    extra_columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts_for(self, file: str) -> FileCounts:
        return counts_for(self.counts, file)


def _read_rows(path: Path, file: str, out: Collector) -> tuple[list[Row], tuple[str, ...], int]:
    """Rows of a CSV file (BOM, CRLF and surrounding blanks accepted); rows with too many
    cells are reported. Returns rows, extra columns and the count of rows that were rejected here."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return [], (), 0
        except (csv.Error, UnicodeDecodeError) as exc:
            raise RegistryReadError(Problem(file, 1, "", "", f"cannot be read as UTF-8 CSV: {exc}", "bad_file")) from None
        names = check_header(file, header)
        extra = tuple(h for h in names if h not in KNOWN[file])
        missing = [c for c in REQUIRED[file] if c not in names]
        rows: list[Row] = []
        rejected = 0
        line = 1
        try:
            for raw in reader:
                start = line + 1
                line = reader.line_num
                if not raw or all(not c.strip() for c in raw):
                    continue
                values = [c.strip() for c in raw]
                row = Row(file, start, dict(zip(header, values, strict=False)), ())
                if len(values) > len(header):
                    out.row(row, "", "bad_row", f"has {len(values)} cells but the header has {len(header)} columns")
                    rejected += 1
                    continue
                if missing:
                    out.row(row, missing[0], "missing_required",
                            f"the file has no column {described(missing[0])}, which is required")
                    rejected += 1
                    continue
                row_extras = tuple((h, row.cells.get(h, "")) for h in extra if row.cells.get(h, ""))
                rows.append(attrs.evolve(row, extras=row_extras))
        except csv.Error as exc:
            text = "\n".join(path.read_text(encoding="utf-8-sig").split("\n")[line:])
            raise csv_error(file, line + 1, text, tuple(header), exc) from None
        except UnicodeDecodeError as exc:
            raise RegistryReadError(Problem(file, line, "", "", f"cannot be read as UTF-8 CSV: {exc}",
                                            "bad_file")) from None
    return rows, extra, rejected


def read_followup_rows(path: Path, *, strict: bool = False, edition: FormEdition = FormEdition.WS2018
                       ) -> tuple[list[tuple[int, FollowUp]], list[Problem], FileCounts]:
    """Read a ``followups.csv`` on its own (for the ``classify`` command): the follow-ups with
    their line numbers, the problems and the counts. Patients are not checked."""
    out = Collector(strict)
    rows, _, pre = _read_rows(path, FOLLOWUPS, out)
    good = [(r.line, f) for r in rows if (f := parse_followup(r, out, edition)) is not None]
    read = len(rows) + pre
    return good, out.problems, FileCounts(FOLLOWUPS, read, len(good), read - len(good))


def read_registry_by_rows(folder: str | Path, *, strict: bool = False) -> LoadResult:
    """The row-by-row reader of UTF-8 CSV folders: the reference the columnar reader is tested
    against (same problems, counts and registry)."""
    folder = Path(folder)
    if not (folder / PATIENTS).is_file():
        raise RegistryReadError(Problem(PATIENTS, 0, "", "", f"there is no {PATIENTS} in {folder.name or folder}",
                                        "bad_file"))
    edition = read_edition(folder)
    out = Collector(strict)
    counts: list[FileCounts] = []
    extra_columns: dict[str, tuple[str, ...]] = {}

    def rows_of(file: str) -> tuple[list[Row], int]:
        path = folder / file
        if not path.is_file():
            return [], 0
        rows, extra, pre = _read_rows(path, file, out)
        if extra:
            extra_columns[file] = extra
        return rows, pre

    # population
    pop_rows, pre = rows_of(POPULATION)
    population: list[PopulationEntry] = []
    seen_pop: set[tuple[AreaCode, int]] = set()
    for r in pop_rows:
        entry = parse_population(r, out)
        if entry is None:
            continue
        if (entry.area_code, entry.year) in seen_pop:
            out.row(r, "area_code", "duplicate_population", "the same area_code and year appear on an earlier line")
            continue
        seen_pop.add((entry.area_code, entry.year))
        population.append(entry)
    counts.append(_counts(POPULATION, len(pop_rows) + pre, len(population)))

    # patients
    patient_rows, pre = rows_of(PATIENTS)
    patients: dict[str, Patient] = {}
    all_ids: set[str] = set()
    for r in patient_rows:
        pid = r.get("patient_id")
        if pid and pid in all_ids:
            out.row(r, "patient_id", "duplicate_patient_id", "patient_id (患者编号) appears on an earlier line; "
                    "this row was not loaded")
            continue
        if pid:
            all_ids.add(pid)
        patient = parse_patient(r, out)
        if patient is not None:
            patients[patient.patient_id] = patient
    counts.append(_counts(PATIENTS, len(patient_rows) + pre, len(patients)))

    def unknown(r: Row, file: str) -> bool:
        pid = r.get("patient_id")
        if pid and pid not in patients:
            why = ("its row in patients.csv was rejected" if pid in all_ids
                   else "there is no such patient in patients.csv")
            out.row(r, "patient_id", "unknown_patient", f"patient_id (患者编号) is unknown: {why}")
            return True
        return False

    # follow-ups
    fu_rows, pre = rows_of(FOLLOWUPS)
    followups: dict[str, list[FollowUp]] = {}
    accepted = 0
    for r in fu_rows:
        if unknown(r, FOLLOWUPS):
            continue
        f = parse_followup(r, out, edition)
        if f is None:
            continue
        conflict = followup_conflict(patients[f.patient_id], f)
        if conflict:
            out.row(r, conflict[0], "rule", f"{described(conflict[0])}: {conflict[2]}")
            continue
        followups.setdefault(f.patient_id, []).append(f)
        accepted += 1
    counts.append(_counts(FOLLOWUPS, len(fu_rows) + pre, accepted))

    # events
    ev_rows, pre = rows_of(EVENTS)
    events: dict[str, list[tuple[Row, Event]]] = {}
    for r in ev_rows:
        if unknown(r, EVENTS):
            continue
        e = parse_event(r, out)
        if e is None:
            continue
        conflict = event_conflict(patients[e.patient_id], e)
        if conflict:
            out.row(r, conflict[0], "rule", f"{described(conflict[0])}: {conflict[2]}")
            continue
        events.setdefault(e.patient_id, []).append((r, e))
    accepted = 0
    kept_events: dict[str, list[Event]] = {}
    for pid, pairs in events.items():
        bad = {id(e) for e in discharge_conflicts(e for _, e in pairs)}
        for r, e in pairs:
            if id(e) in bad:
                out.row(r, "date", "rule", "date (日期): a discharge must not be before the patient's first admission")
                continue
            kept_events.setdefault(pid, []).append(e)
            accepted += 1
    counts.append(_counts(EVENTS, len(ev_rows) + pre, accepted))

    records = {pid: PatientRecord(p, tuple(followups.get(pid, ())), tuple(kept_events.get(pid, ())))
               for pid, p in patients.items()}
    order = {f: i for i, f in enumerate((POPULATION, PATIENTS, FOLLOWUPS, EVENTS))}
    problems = sorted(out.problems, key=lambda q: (order.get(q.file, 9), q.line))
    return LoadResult(Registry(records, tuple(population)), tuple(problems), tuple(counts), edition, extra_columns)


def _counts(file: str, read: int, accepted: int) -> FileCounts:
    return FileCounts(file, read, accepted, read - accepted)


__all__ = ["FIELD_COLUMN", "KNOWN", "Collector", "LoadResult", "Row", "RowParser", "code_parser", "codes_parser",
           "parse_area", "parse_event", "parse_followup", "parse_patient", "parse_population", "read_edition",
           "read_followup_rows", "read_registry_by_rows"]
