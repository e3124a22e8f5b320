"""Hypothesis strategies for every domain class, for our tests and for other projects.

>>> from hypothesis import given
>>> @given(followups())
... def test(f):
...     assert f.visit_date >= f.visit_date
>>> test()
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from hypothesis import strategies as st

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    CodedEnum,
    Consent,
    DangerousAct,
    DeathCause,
    Disorder,
    EconomicStatus,
    EmergencyCategory,
    Employment,
    EventKind,
    FollowUpForm,
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
from smi_care.domain.events import Event
from smi_care.domain.followup import (
    ActCount,
    DoseSchedule,
    DoseTimes,
    FollowUp,
    LongActingInjection,
    Medication,
    SocialFunction,
    acts_from,
)
from smi_care.domain.identity import AreaCode, ResidentId, check_character
from smi_care.domain.patient import Guardian, Patient
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry

E = TypeVar("E", bound=CodedEnum)

EPOCH = dt.date(2015, 1, 1)
END = dt.date(2026, 12, 31)

#: A few counties with their townships and villages, enough to exercise breakdowns.
COUNTIES = ("110105", "110106", "320102")


def codes(kind: type[E]) -> st.SearchStrategy[E]:
    """Any member of a code list."""
    return st.sampled_from(list(kind))


def opt(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


def dates(lo: dt.date = EPOCH, hi: dt.date = END) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=lo, max_value=hi)


@st.composite
def area_codes(draw: st.DrawFn, level: int = 12) -> AreaCode:
    """A village-level (12-digit) code by default, in one of a few counties."""
    county = draw(st.sampled_from(COUNTIES))
    township = draw(st.integers(1, 4))
    village = draw(st.integers(1, 5))
    code = f"{county}{township:03d}{village:03d}"
    return AreaCode(code[:level] if level in (6, 9) else code)


@st.composite
def resident_ids(draw: st.DrawFn, sex: Sex | None = None, birth: dt.date | None = None) -> ResidentId:
    """A valid 18-character identity number, agreeing with ``sex`` and ``birth`` when given."""
    area = draw(st.sampled_from(COUNTIES))
    born = birth or draw(st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)))
    want = sex if sex in (Sex.MALE, Sex.FEMALE) else draw(st.sampled_from([Sex.MALE, Sex.FEMALE]))
    seq = draw(st.integers(0, 499)) * 2 + (1 if want is Sex.MALE else 0)
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return ResidentId.parse(first17 + check_character(first17))


names = st.text(alphabet="张王李赵刘陈杨黄周吴明华丽军芳强", min_size=2, max_size=3)
plain_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 -", min_size=1, max_size=12).map(str.strip).filter(
    bool)
phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
guardians = st.builds(Guardian, opt(names), opt(phones), opt(plain_text),
                      opt(st.sampled_from(["父亲", "母亲", "配偶", "子女"])))


@st.composite
def patients(draw: st.DrawFn, patient_id: str | None = None) -> Patient:
    pid = patient_id or draw(st.from_regex(r"P[0-9]{1,6}", fullmatch=True))
    sex = draw(codes(Sex))
    birth = draw(st.dates(dt.date(1930, 1, 1), dt.date(2008, 12, 31)))
    diagnosis = draw(dates(max(birth, EPOCH), dt.date(2025, 6, 30)))
    registered = draw(dates(diagnosis, diagnosis + dt.timedelta(days=400)))
    consent = draw(codes(Consent))
    consent_date = registered if consent is Consent.AGREED else draw(opt(st.just(registered)))
    rid = draw(opt(resident_ids(sex, birth))) if sex in (Sex.MALE, Sex.FEMALE) else None
    return Patient(
        patient_id=pid, sex=sex, birth_date=birth, area_code=draw(area_codes()),
        disorder=draw(codes(Disorder)), diagnosis_date=diagnosis, registered_on=registered, consent=consent,
        consent_date=consent_date, name=draw(opt(names)), resident_id=rid,
        household_type=draw(opt(codes(HouseholdType))), employment=draw(opt(codes(Employment))),
        economic_status=draw(opt(codes(EconomicStatus))),
        guardian=draw(guardians),
        past_lockup=draw(opt(codes(Lockup))), first_onset_date=draw(opt(dates(birth, diagnosis))),
        past_symptoms=draw(st.frozensets(codes(Symptom), max_size=3)),
        past_outpatient=draw(opt(codes(OutpatientHistory))),
        first_antipsychotic_date=draw(opt(dates(birth, registered))),
        past_admissions=draw(opt(st.integers(0, 20))), last_treatment_effect=draw(opt(codes(LastTreatmentEffect))),
        past_acts=acts_from(draw(st.lists(st.tuples(codes(DangerousAct), st.integers(1, 5)), max_size=2))),
        diagnosing_hospital=draw(opt(plain_text)), specialist_opinion=draw(opt(plain_text)),
        village_contact=draw(opt(names)), village_phone=draw(opt(phones)),
    )


social_functions = st.builds(SocialFunction, codes(Rating), codes(Rating), codes(WorkRating), codes(Rating),
                             codes(Rating))

medications = st.builds(
    Medication,
    st.sampled_from(["利培酮", "奥氮平", "氯氮平", "阿立哌唑", "帕利哌酮"]),
    st.one_of(
        st.builds(DoseTimes, st.integers(1, 3), st.sampled_from(["day", "month"]), st.sampled_from([1.0, 2.5, 100.0])),
        st.builds(DoseSchedule, st.sampled_from([0.0, 1.0, 2.0]), st.sampled_from([0.0, 5.0]),
                  st.sampled_from([0.0, 2.0, 10.0])),
        st.builds(LongActingInjection, st.integers(2, 8), st.sampled_from([75.0, 150.0])),
    ),
)


@st.composite
def assessments(draw: st.DrawFn) -> dict[str, Any]:
    """The assessment fields of a reached follow-up, all present."""
    return {
        "risk_level": draw(st.integers(0, 5)),
        "symptoms": draw(st.frozensets(codes(Symptom), max_size=3)),
        "symptom_severity": draw(opt(codes(SymptomSeverity))),
        "insight": draw(codes(Insight)),
        "sleep": draw(opt(codes(Rating))),
        "diet": draw(opt(codes(Rating))),
        "social": draw(social_functions),
        "hospitalisation": draw(codes(Hospitalisation)),
        "adherence": draw(codes(Adherence)),
        "adr": draw(codes(AdverseReaction)),
        "adr_serious": draw(opt(st.booleans())),
        "physical_illness": draw(opt(codes(PhysicalIllness))),
    }


@st.composite
def followups(draw: st.DrawFn, patient_id: str = "P1", lo: dt.date = EPOCH, hi: dt.date = END,
              reached: bool | None = None) -> FollowUp:
    """A follow-up attempt: reached (with its assessments) or not reached."""
    visit = draw(dates(lo, hi))
    is_reached = draw(st.booleans()) if reached is None else reached
    base: dict[str, Any] = {"patient_id": patient_id, "visit_date": visit, "form": draw(codes(FollowUpForm))}
    if not is_reached:
        return FollowUp(loss_reason=draw(opt(codes(LossReason))), **base)
    extra = draw(assessments())
    return FollowUp(
        seen=draw(st.frozensets(codes(SeenPerson), min_size=1)),
        acts=acts_from(draw(st.lists(st.tuples(codes(DangerousAct), st.integers(1, 3)), max_size=2))),
        lockup=draw(opt(codes(Lockup))),
        last_discharge_date=draw(opt(dates(lo, visit))),
        lab_tests=draw(opt(codes(LabTests))),
        treatment_effect=draw(opt(codes(TreatmentEffect))),
        referral=draw(opt(codes(Referral))),
        medications=draw(st.lists(medications, max_size=2)),
        rehabilitation=draw(st.frozensets(codes(Rehabilitation), max_size=2)),
        classification=draw(opt(codes(Classification))),
        next_visit_date=draw(opt(st.integers(1, 92).map(lambda n: visit + dt.timedelta(days=n)))),
        counselling=draw(st.booleans()),
        lab_text=draw(opt(plain_text)), adr_text=draw(opt(plain_text)), referral_reason=draw(opt(plain_text)),
        referral_institution=draw(opt(plain_text)), referral_department=draw(opt(plain_text)),
        doctor=draw(opt(names)),
        **extra, **base,
    )


@st.composite
def events(draw: st.DrawFn, patient_id: str = "P1", lo: dt.date = EPOCH, hi: dt.date = END,
           kinds: tuple[EventKind, ...] = tuple(EventKind)) -> Event:
    day = draw(dates(lo, hi))
    kind = draw(st.sampled_from(kinds))
    kw: dict[str, Any] = {}
    if kind is EventKind.DEATH:
        kw["death_cause"] = draw(opt(codes(DeathCause)))
        if kw["death_cause"] is DeathCause.PHYSICAL_DISEASE:
            kw["death_subcause"] = draw(opt(codes(PhysicalDeathCause)))
    elif kind in (EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN):
        kw["other_area"] = draw(opt(area_codes()))
    elif kind is EventKind.FAMILY_DOCTOR_CONTRACT:
        kw["contract_end"] = draw(opt(dates(day, day + dt.timedelta(days=1100))))
    elif kind is EventKind.EMERGENCY:
        kw["emergency"] = draw(opt(codes(EmergencyCategory)))
    return Event(patient_id, day, kind, **kw)


#: An area no registry built from these strategies covers (transfers out of the coverage).
OUTSIDE = AreaCode("440106001001")


@st.composite
def stays(draw: st.DrawFn, patient_id: str, lo: dt.date, hi: dt.date,
          visit_days: tuple[dt.date, ...] = ()) -> list[Event]:
    """A hospital stay: an admission and, usually, its discharge on the same day or later
    (often on one of ``visit_days``, the boundary the schedule must get right)."""
    admitted = draw(dates(lo, hi))
    out = [Event(patient_id, admitted, EventKind.ADMISSION)]
    if draw(st.integers(0, 3)):
        later = [d for d in visit_days if d >= admitted]
        on_visit = bool(later) and draw(st.booleans())
        discharged = draw(st.sampled_from(later)) if on_visit else draw(
            dates(admitted, min(hi, admitted + dt.timedelta(days=120))))
        out.append(Event(patient_id, discharged, EventKind.DISCHARGE))
    return out


@st.composite
def patient_records(draw: st.DrawFn, patient_id: str | None = None, max_followups: int = 12,
                    max_events: int = 4) -> PatientRecord:
    """A patient's history that reaches every rule: completed, failed and in-hospital
    follow-ups (some on the same day), hospital stays with discharges (some on a visit day),
    at most one death, transfers out to an area inside the strategies' counties or outside
    them, transfers in, withdrawals and the other events; consent agreed or refused (from
    :func:`patients`), registration anywhere from 2015 to 2026."""
    p = draw(patients(patient_id))
    pid = p.patient_id
    lo = max(p.diagnosis_date, p.registered_on)
    fus: list[FollowUp] = draw(st.lists(followups(pid, lo, END), max_size=max_followups))
    same_day: bool = draw(st.booleans())
    if fus and same_day:  # a same-day tie: a second attempt on a visit day
        fus.append(draw(followups(pid, fus[0].visit_date, fus[0].visit_date)))
    others = tuple(k for k in EventKind if k not in (EventKind.DISCHARGE, EventKind.ADMISSION, EventKind.DEATH,
                                                     EventKind.TRANSFER_OUT))
    evs = draw(st.lists(events(pid, lo, END, others), max_size=max_events))
    for _ in range(draw(st.integers(0, 2))):
        evs.extend(draw(stays(pid, lo, END, tuple(f.visit_date for f in fus))))
    if draw(st.integers(0, 3)) == 0:
        where = draw(st.sampled_from([None, OUTSIDE]) | area_codes())
        evs.append(Event(pid, draw(dates(lo, END)), EventKind.TRANSFER_OUT, other_area=where))
    if draw(st.integers(0, 4)) == 0:
        evs.append(draw(events(pid, lo, END, (EventKind.DEATH,))))
    return PatientRecord(p, tuple(fus), tuple(evs))


@st.composite
def registries(draw: st.DrawFn, max_patients: int = 8) -> Registry:
    n = draw(st.integers(0, max_patients))
    records = [draw(patient_records(f"P{i:04d}")) for i in range(n)]
    population = [PopulationEntry(AreaCode(c), y, draw(st.integers(10_000, 900_000)))
                  for c in COUNTIES for y in (2024, 2025)]
    return Registry.of(records, population)

act_counts = st.builds(ActCount, codes(DangerousAct).filter(lambda a: a is not DangerousAct.NONE), st.integers(0, 20))
population_entries = st.builds(PopulationEntry, area_codes(), st.integers(2015, 2026), st.integers(0, 2_000_000))
