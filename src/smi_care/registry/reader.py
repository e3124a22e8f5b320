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
import datetime as dt
import json
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    CodedEnum,
    Consent,
    DeathCause,
    Disorder,
    EconomicStatus,
    EmergencyCategory,
    Employment,
    EventKind,
    FollowUpForm,
    FormEdition,
    Hospitalisation,
    HouseholdType,
    Insight,
    LabTests,
    LastTreatmentEffect,
    Lockup,
    LossReason,
    OutpatientHistory,
    PhysicalDeathCause,
    PhysicalIllness,
    Rating,
    Referral,
    Rehabilitation,
    SeenPerson,
    Sex,
    Symptom,
    SymptomSeverity,
    TreatmentEffect,
    WorkRating,
)
from smi_care.domain.errors import AreaCodeError, DomainError, IdentityError, SmiCareError
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp, SocialFunction
from smi_care.domain.identity import AreaCode, ResidentId
from smi_care.domain.legacy import adherence_from_2011, classification_from_2011, treatment_effect_from_2011
from smi_care.domain.patient import Guardian, Patient
from smi_care.domain.records import (
    PatientRecord,
    PopulationEntry,
    Registry,
    discharge_conflicts,
    event_conflict,
    followup_conflict,
)
from smi_care.registry import cells
from smi_care.registry.cells import CellError
from smi_care.registry.columns import (
    EVENT_COLUMNS,
    EVENTS,
    FOLLOWUP_COLUMNS,
    FOLLOWUP_EXTENSIONS,
    FOLLOWUPS,
    PATIENT_COLUMNS,
    PATIENT_EXTENSIONS,
    PATIENTS,
    PII_COLUMNS,
    POPULATION,
    POPULATION_COLUMNS,
    REQUIRED,
    described,
)
from smi_care.registry.problems import FileCounts, Problem, RegistryReadError, counts_for
from smi_care.registry.sources import reading

T = TypeVar("T")
E = TypeVar("E", bound=CodedEnum)

KNOWN = {
    PATIENTS: PATIENT_COLUMNS + PATIENT_EXTENSIONS,
    FOLLOWUPS: FOLLOWUP_COLUMNS + FOLLOWUP_EXTENSIONS,
    EVENTS: EVENT_COLUMNS,
    POPULATION: POPULATION_COLUMNS,
}

#: Domain field name → registry column, where they differ.
FIELD_COLUMN = {
    "self_care": "sf_self_care", "housework": "sf_housework", "work": "sf_work", "learning": "sf_learning",
    "social": "sf_social", "death_cause": "detail", "death_subcause": "detail", "other_area": "detail",
    "contract_end": "detail", "emergency": "detail", "kind": "event",
}


@attrs.frozen
class Row:
    """One data row: its line number, its cells by column, and its local (extra) cells."""

    file: str
    line: int
    cells: Mapping[str, str]
    extras: tuple[tuple[str, str], ...]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


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


class Collector:
    """Gathers problems; in strict mode raises on the first."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        if self.strict:
            raise RegistryReadError(problem)
        self.problems.append(problem)

    def row(self, row: Row, column: str, kind: str, reason: str, patient_id: str | None = None) -> None:
        raw = row.get(column)
        value = "<hidden>" if column in PII_COLUMNS and raw else raw
        self.add(Problem(row.file, row.line, column, value, reason, kind, patient_id or row.get("patient_id") or None))


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
        seen: set[str] = set()
        for h in header:
            if h in seen or not h:
                raise RegistryReadError(Problem(file, 1, h, "", "the header repeats a column or has an empty name",
                                                "bad_header"))
            seen.add(h)
        extra = tuple(h for h in header if h not in KNOWN[file])
        missing = [c for c in REQUIRED[file] if c not in seen]
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
        except (csv.Error, UnicodeDecodeError) as exc:
            raise RegistryReadError(Problem(file, line, "", "", f"cannot be read as UTF-8 CSV: {exc}",
                                            "bad_file")) from None
    return rows, extra, rejected


class RowParser:
    """Parses the cells of one row into typed values, recording every bad cell."""

    def __init__(self, row: Row, out: Collector) -> None:
        self.row = row
        self.out = out
        self.bad = False

    def take(self, column: str, parse: Callable[[str], T], required: bool = False, why: str = "") -> T | None:
        """The parsed cell, or None when it is empty or bad (a bad or missing required cell is
        recorded and marks the row bad)."""
        text = self.row.get(column)
        if not text:
            if required:
                self.bad = True
                self.out.row(self.row, column, "missing_required",
                             f"{described(column)} is required{why} but empty")
            return None
        try:
            return parse(text)
        except CellError as exc:
            self.bad = True
            self.out.row(self.row, column, exc.kind, f"{described(column)} {exc.reason}")
        except (IdentityError, AreaCodeError) as exc:
            self.bad = True
            kind = "invalid_identity" if isinstance(exc, IdentityError) else "bad_code"
            self.out.row(self.row, column, kind, str(exc) if column in PII_COLUMNS else f"{described(column)}: {exc}")
        return None

    def domain_error(self, exc: DomainError) -> None:
        column = FIELD_COLUMN.get(exc.field, exc.field)
        kind = "invalid_identity" if column == "resident_id" else (
            "missing_required" if "required" in exc.rule else "rule")
        rule = exc.rule if exc.rule.startswith(column) else f"{described(column)} {exc.rule}"
        self.out.row(self.row, column, kind, rule)


def _known(value: T | None) -> T:
    """A cell taken with ``required=True``, once the row is known not to be bad.

    :meth:`RowParser.take` gives None for a required cell only after marking the row bad (its
    parsers never return None), so None here is a bug of this module, not bad input.
    """
    if value is None:
        raise AssertionError("a required cell is None but the row was not marked bad")
    return value


def code_parser(kind: type[E]) -> Callable[[str], E]:
    return lambda t: cells.parse_code(kind, t)


def codes_parser(kind: type[E]) -> Callable[[str], frozenset[E]]:
    return lambda t: cells.parse_codes(kind, t)


def parse_area(text: str) -> AreaCode:
    try:
        return AreaCode(text)
    except AreaCodeError:
        raise CellError("bad_code", "is not an area code of 6, 9 or 12 digits") from None


def _text(row: Row, column: str) -> str | None:
    return row.get(column) or None


def parse_patient(row: Row, out: Collector) -> Patient | None:
    p = RowParser(row, out)
    # every cell is taken (in column order, so problems keep their order) before any return
    pid = p.take("patient_id", str, required=True)
    sex = p.take("sex", code_parser(Sex), required=True)
    birth_date = p.take("birth_date", cells.parse_date, required=True)
    area_code = p.take("area_code", parse_area, required=True)
    disorder = p.take("disorder", code_parser(Disorder), required=True)
    diagnosis_date = p.take("diagnosis_date", cells.parse_date, required=True)
    registered_on = p.take("registered_on", cells.parse_date, required=True)
    consent = p.take("consent", code_parser(Consent), required=True)
    consent_date = p.take("consent_date", cells.parse_date)
    resident_id = p.take("resident_id", ResidentId.parse)
    household_type = p.take("household_type", code_parser(HouseholdType))
    employment = p.take("employment", code_parser(Employment))
    economic_status = p.take("economic_status", code_parser(EconomicStatus))
    past_lockup = p.take("past_lockup", code_parser(Lockup))
    first_onset_date = p.take("first_onset_date", cells.parse_date)
    past_symptoms = p.take("past_symptoms", codes_parser(Symptom))
    past_outpatient = p.take("past_outpatient", code_parser(OutpatientHistory))
    first_antipsychotic_date = p.take("first_antipsychotic_date", cells.parse_date)
    past_admissions = p.take("past_admissions", lambda t: cells.parse_int(t, 0, 1000))
    last_treatment_effect = p.take("last_treatment_effect", code_parser(LastTreatmentEffect))
    past_acts = p.take("past_acts", cells.parse_acts)
    if p.bad:
        return None
    try:
        return Patient(
            patient_id=_known(pid), sex=_known(sex), birth_date=_known(birth_date), area_code=_known(area_code),
            disorder=_known(disorder), diagnosis_date=_known(diagnosis_date), registered_on=_known(registered_on),
            consent=_known(consent), consent_date=consent_date, name=_text(row, "name"), resident_id=resident_id,
            household_type=household_type, employment=employment, economic_status=economic_status,
            past_lockup=past_lockup, first_onset_date=first_onset_date,
            past_symptoms=past_symptoms if past_symptoms is not None else frozenset(),
            past_outpatient=past_outpatient, first_antipsychotic_date=first_antipsychotic_date,
            past_admissions=past_admissions, last_treatment_effect=last_treatment_effect,
            past_acts=past_acts or (),
            diagnosing_hospital=_text(row, "diagnosing_hospital"), specialist_opinion=_text(row, "specialist_opinion"),
            village_contact=_text(row, "village_contact"), village_phone=_text(row, "village_phone"),
            guardian=Guardian(_text(row, "guardian_name"), _text(row, "guardian_phone"),
                              _text(row, "guardian_address"), _text(row, "guardian_relation")),
            extras=row.extras)
    except DomainError as exc:
        p.domain_error(exc)
        return None


def parse_followup(row: Row, out: Collector, edition: FormEdition) -> FollowUp | None:
    p = RowParser(row, out)
    legacy = edition is FormEdition.BPHS2011
    cls_text = row.get("classification")
    not_reached_2011 = legacy and cls_text == "0"
    classification = (p.take("classification", lambda t: classification_from_2011(cells.parse_int(t, 0, 3)))
                      if legacy else p.take("classification", code_parser(Classification)))
    adherence_of: Callable[[str], Adherence] = (
        (lambda t: adherence_from_2011(cells.parse_int(t, 1, 3))) if legacy else code_parser(Adherence))
    effect_of: Callable[[str], TreatmentEffect] = (
        (lambda t: treatment_effect_from_2011(cells.parse_int(t, 1, 4))) if legacy else code_parser(TreatmentEffect))
    # every cell is taken (in this order, so problems keep their order) before any return
    pid = p.take("patient_id", str, required=True)
    visit_date = p.take("visit_date", cells.parse_date, required=True)
    form = p.take("form", code_parser(FollowUpForm), required=True)
    seen = p.take("seen", codes_parser(SeenPerson))
    loss_reason = p.take("loss_reason", code_parser(LossReason))
    risk_level = p.take("risk_level", lambda t: cells.parse_int(t, 0, 5))
    symptoms = p.take("symptoms", codes_parser(Symptom))
    symptom_severity = p.take("symptom_severity", code_parser(SymptomSeverity))
    insight = p.take("insight", code_parser(Insight))
    sleep = p.take("sleep", code_parser(Rating))
    diet = p.take("diet", code_parser(Rating))
    acts = p.take("acts", cells.parse_acts)
    lockup = p.take("lockup", code_parser(Lockup))
    hospitalisation = p.take("hospitalisation", code_parser(Hospitalisation))
    last_discharge_date = p.take("last_discharge_date", cells.parse_date)
    lab_tests = p.take("lab_tests", code_parser(LabTests))
    adherence = p.take("adherence", adherence_of)
    adr = p.take("adr", code_parser(AdverseReaction))
    adr_serious = p.take("adr_serious", cells.parse_flag)
    physical_illness = p.take("physical_illness", code_parser(PhysicalIllness))
    treatment_effect = p.take("treatment_effect", effect_of)
    referral = p.take("referral", code_parser(Referral))
    medications = p.take("medications", cells.parse_medications)
    medication_guidance = p.take("medication_guidance", cells.parse_medications)
    rehabilitation = p.take("rehabilitation", codes_parser(Rehabilitation))
    next_visit_date = p.take("next_visit_date", cells.parse_date)
    counselling = p.take("counselling", cells.parse_flag)
    social = SocialFunction(
        p.take("sf_self_care", code_parser(Rating)), p.take("sf_housework", code_parser(Rating)),
        p.take("sf_work", code_parser(WorkRating)), p.take("sf_learning", code_parser(Rating)),
        p.take("sf_social", code_parser(Rating)))
    if p.bad:
        return None
    try:
        followup = FollowUp(
            patient_id=_known(pid), visit_date=_known(visit_date), form=_known(form),
            seen=seen or frozenset(), loss_reason=loss_reason, risk_level=risk_level,
            symptoms=symptoms or frozenset(), symptom_severity=symptom_severity, insight=insight, sleep=sleep,
            diet=diet, social=social, acts=acts or (), lockup=lockup, hospitalisation=hospitalisation,
            last_discharge_date=last_discharge_date, lab_tests=lab_tests, adherence=adherence, adr=adr,
            adr_serious=adr_serious, physical_illness=physical_illness, treatment_effect=treatment_effect,
            referral=referral, medications=medications or (), medication_guidance=medication_guidance or (),
            rehabilitation=rehabilitation or frozenset(), classification=classification,
            next_visit_date=next_visit_date, counselling=bool(counselling),
            lab_text=_text(row, "lab_text"), adr_text=_text(row, "adr_text"),
            referral_reason=_text(row, "referral_reason"), referral_institution=_text(row, "referral_institution"),
            referral_department=_text(row, "referral_department"), doctor=_text(row, "doctor"),
            extras=row.extras)
    except DomainError as exc:
        p.domain_error(exc)
        return None
    if not_reached_2011 and followup.reached:
        out.row(row, "classification", "rule",
                "classification (此次随访分类) 0 未访到 (BPHS2011) but the row records who was seen or an assessment")
        return None
    return followup


def parse_event(row: Row, out: Collector) -> Event | None:
    p = RowParser(row, out)
    pid_cell = p.take("patient_id", str, required=True)
    date_cell = p.take("date", cells.parse_date, required=True)
    kind_cell = p.take("event", code_parser(EventKind), required=True)
    if p.bad:
        return None
    pid, date, kind = _known(pid_cell), _known(date_cell), _known(kind_cell)
    detail = row.get("detail")
    death_cause: DeathCause | None = None
    death_subcause: PhysicalDeathCause | None = None
    other_area: AreaCode | None = None
    contract_end: dt.date | None = None
    emergency: EmergencyCategory | None = None
    if detail:
        if kind is EventKind.DEATH:
            cause, _, sub = detail.partition(".")
            death_cause = p.take("detail", lambda _t: cells.parse_code(DeathCause, cause))
            if sub:
                death_subcause = p.take("detail", lambda _t: cells.parse_code(PhysicalDeathCause, sub))
        elif kind in (EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN):
            other_area = p.take("detail", parse_area)
        elif kind is EventKind.FAMILY_DOCTOR_CONTRACT:
            contract_end = p.take("detail", cells.parse_date)
        elif kind is EventKind.EMERGENCY:
            emergency = p.take("detail", code_parser(EmergencyCategory))
        else:
            out.row(row, "detail", "bad_detail", f"detail (详情) is not expected for event {kind.text_code}")
            return None
    if p.bad:
        return None
    try:
        return Event(pid, date, kind, death_cause=death_cause, death_subcause=death_subcause, other_area=other_area,
                     contract_end=contract_end, emergency=emergency, extras=row.extras)
    except DomainError as exc:
        p.domain_error(exc)
        return None


def parse_population(row: Row, out: Collector) -> PopulationEntry | None:
    p = RowParser(row, out)
    area = p.take("area_code", parse_area, required=True)
    year = p.take("year", lambda t: cells.parse_int(t, 1900, 2200), required=True)
    population = p.take("population", lambda t: cells.parse_int(t, 0, 2_000_000_000), required=True)
    if p.bad:
        return None
    return PopulationEntry(_known(area), _known(year), _known(population), row.extras)


def read_edition(folder: Path) -> FormEdition:
    """The form edition from ``registry.toml`` or ``registry.json`` (default ``WS2018``)."""
    meta: Any = {}
    toml, js = folder / "registry.toml", folder / "registry.json"
    name = toml.name if toml.exists() else js.name
    with reading(name):
        if toml.exists():
            meta = tomllib.loads(_metadata_text(toml))
        elif js.exists():
            meta = json.loads(_metadata_text(js))
    if not isinstance(meta, dict):
        raise RegistryReadError(Problem(name, 1, "", "", f"must hold a table of settings (format_version, "
                                        f"edition), not {type(meta).__name__}", "bad_file"))
    version = meta.get("format_version", 1)
    if version != 1:
        raise RegistryReadError(Problem("registry.toml", 1, "format_version", str(version),
                                        "only format_version 1 is supported", "bad_file"))
    edition = meta.get("edition", meta.get("form_edition", "WS2018"))
    try:
        return FormEdition.from_code(str(edition))
    except SmiCareError:
        raise RegistryReadError(Problem("registry.toml", 1, "edition", str(edition),
                                        f"edition must be one of {FormEdition.expected()}", "bad_file")) from None


def _metadata_text(path: Path) -> str:
    """The text of ``registry.toml``/``registry.json``: UTF-8 (BOM allowed), else GB18030 as
    for the other files; a byte valid in neither is an error naming the file and the byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RegistryReadError(Problem(path.name, data.count(b"\n", 0, exc.start) + 1, "", "",
                                        f"byte {exc.start + 1} is valid neither as UTF-8 nor as GB18030",
                                        "bad_file")) from None


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

