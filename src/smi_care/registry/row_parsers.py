"""The per-row reader: one row's cells (:class:`Row`) parsed into a patient, a follow-up, an
event or a population entry, every bad cell recorded as a problem (:class:`Collector`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

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
from smi_care.domain.errors import AreaCodeError, DomainError, IdentityError
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp, SocialFunction
from smi_care.domain.identity import AreaCode, ResidentId
from smi_care.domain.legacy import adherence_from_2011, classification_from_2011, treatment_effect_from_2011
from smi_care.domain.patient import Guardian, Patient
from smi_care.domain.records import (
    PopulationEntry,
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
    described,
)
from smi_care.registry.problems import Problem, RegistryReadError

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
