"""A deterministic synthetic county registry, following the rules (national-rules §2–§5).

``generate(seed=7)`` makes about 3,000 patients in 15 townships and 200 villages, the six
disorders in realistic proportions (schizophrenia the majority), three years of follow-up
history on the §4 schedule with realistic misses, losses, deaths, transfers,
hospitalisations, consent refusals, health checks, rehabilitation and counselling, and the
population file. The same seed gives the same registry; ``patients`` scales it up to a
province for benchmarks.

Every recorded class and next date is the rule's, and every attempt comes no later than the
rule allows, so the clean registry has no data-quality finding: the dirty variant
(:mod:`smi_care.synth.dirty`) plants them.

>>> reg = generate(patients=40, seed=1)
>>> len(reg), len(generate(patients=40, seed=1).records) == len(reg)
(40, True)
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
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
    Lockup,
    LossReason,
    Rating,
    Referral,
    Rehabilitation,
    SeenPerson,
    Sex,
    Symptom,
    SymptomSeverity,
    WorkRating,
)
from smi_care.domain.events import Event
from smi_care.domain.followup import ActCount, FollowUp, SocialFunction, acts_from
from smi_care.domain.identity import AreaCode, ResidentId, check_character
from smi_care.domain.patient import Guardian, Patient
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry
from smi_care.rules.classification import classify
from smi_care.rules.schedule import next_visit_date

#: Share of each disorder among registered patients (schizophrenia the majority).
DISORDER_MIX = ((Disorder.SCHIZOPHRENIA, 0.70), (Disorder.BIPOLAR, 0.10),
                (Disorder.INTELLECTUAL_DISABILITY_MENTAL_DISORDER, 0.08), (Disorder.EPILEPSY_MENTAL_DISORDER, 0.05),
                (Disorder.PARANOID_PSYCHOSIS, 0.04), (Disorder.SCHIZOAFFECTIVE, 0.03))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
#: Reported prevalence the population is sized for (about 4.5‰, §8).
PREVALENCE = 0.0045
OUTSIDE = AreaCode("440303001001")  # a transfer destination the county does not cover


@attrs.frozen
class CountyShape:
    """Size and place of a synthetic county."""

    county: str = "360102"
    townships: int = 15
    villages: int = 200
    patients: int = 3000
    first_year: int = 2023
    last_year: int = 2025


def village_codes(shape: CountyShape) -> list[str]:
    """Villages spread over the townships, 12-digit statistical codes."""
    out = []
    for i in range(shape.villages):
        township = i % shape.townships + 1
        village = i // shape.townships + 1
        out.append(f"{shape.county}{township:03d}{village:03d}")
    return out


def _weighted(rng: random.Random, pairs: tuple[tuple[Disorder, float], ...]) -> Disorder:
    x = rng.random()
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[0][0]


def _resident_id(rng: random.Random, county: str, birth: dt.date, sex: Sex) -> ResidentId:
    seq = rng.randrange(0, 500) * 2 + (1 if sex is Sex.MALE else 0)
    first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
    return ResidentId(first17 + check_character(first17))


def _date_between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randrange(0, max(1, (hi - lo).days + 1)))


def _assessed(rng: random.Random, pid: str, day: dt.date, form: FollowUpForm, wellness: float) -> FollowUp:
    """A reached follow-up whose class and next date are the rule's."""
    r = rng.random()
    good = r < wellness
    risk = 0 if good else rng.choices([0, 1, 2, 3, 4, 5], [30, 30, 20, 12, 6, 2])[0]
    symptoms = frozenset() if good else frozenset(rng.sample(list(Symptom), rng.randint(1, 3)))
    severity = SymptomSeverity.BASICALLY_GONE if not symptoms else rng.choice(
        [SymptomSeverity.PRESENT, SymptomSeverity.PRESENT, SymptomSeverity.MARKED])
    insight = Insight.COMPLETE if good else rng.choice(list(Insight))
    choices = [Rating.GOOD, Rating.FAIR] if good else list(Rating)

    def rate() -> Rating:
        return rng.choice(choices)

    work = WorkRating.NOT_APPLICABLE if rng.random() < 0.2 else WorkRating.from_code(rate().code)
    social = SocialFunction(rate(), rate(), work, rate(), rate())
    adherence = rng.choices(list(Adherence), [70, 18, 9, 3])[0]
    adr = rng.choices([AdverseReaction.NONE, AdverseReaction.PRESENT], [88, 12])[0]
    serious = adr is AdverseReaction.PRESENT and rng.random() < 0.1
    acts: tuple[ActCount, ...] = ()
    if risk >= 3 and rng.random() < 0.3:
        acts = acts_from([(rng.choice([DangerousAct.MINOR_TROUBLE, DangerousAct.TROUBLE, DangerousAct.DISASTER,
                                       DangerousAct.SELF_HARM]), 1)])
    draft = FollowUp(
        patient_id=pid, visit_date=day, form=form,
        seen=frozenset({SeenPerson.PATIENT} if form is not FollowUpForm.PHONE or rng.random() < 0.5
                       else {SeenPerson.FAMILY}),
        risk_level=risk, symptoms=symptoms, symptom_severity=severity, insight=insight, sleep=rate(), diet=rate(),
        social=social, acts=acts, hospitalisation=Hospitalisation.NOT_ADMITTED, adherence=adherence, adr=adr,
        adr_serious=serious if adr is AdverseReaction.PRESENT else None,
        referral=Referral.YES if risk >= 3 else Referral.NO,
        rehabilitation=frozenset(rng.sample(list(Rehabilitation), rng.randint(0, 2))),
        counselling=rng.random() < 0.15,
    )
    cls = classify(draft).classification
    assert cls is not None
    return attrs.evolve(draft, classification=cls, next_visit_date=next_visit_date(day, cls))


def _patient(rng: random.Random, i: int, shape: CountyShape, villages: list[str], start: dt.date,
             end: dt.date) -> Patient:
    pid = f"{shape.county}-{i:07d}"
    sex = rng.choice([Sex.MALE, Sex.FEMALE])
    birth = _date_between(rng, dt.date(1945, 1, 1), dt.date(2005, 12, 31))
    if rng.random() < 0.8:
        diagnosis = _date_between(rng, max(birth + dt.timedelta(days=15 * 365), dt.date(2005, 1, 1)),
                                  start - dt.timedelta(days=30))
    else:
        diagnosis = _date_between(rng, start, end - dt.timedelta(days=30))
    registered = diagnosis + dt.timedelta(days=rng.randint(1, 12))
    consent = Consent.AGREED if rng.random() < 0.92 else Consent.REFUSED
    surname, given = rng.choice(SURNAMES), "".join(rng.sample(GIVEN, rng.randint(1, 2)))
    return Patient(
        patient_id=pid, sex=sex, birth_date=birth, area_code=AreaCode(rng.choice(villages)),
        disorder=_weighted(rng, DISORDER_MIX), diagnosis_date=diagnosis, registered_on=registered, consent=consent,
        consent_date=registered if consent is Consent.AGREED else None, name=surname + given,
        resident_id=_resident_id(rng, shape.county, birth, sex),
        household_type=rng.choice(list(HouseholdType)), employment=rng.choice(list(Employment)),
        economic_status=rng.choices(list(EconomicStatus), [25, 65, 10])[0],
        guardian=Guardian(rng.choice(SURNAMES) + rng.choice(GIVEN), f"13{rng.randrange(10**8, 10**9)}",
                          f"{rng.randint(1, 99)}号", rng.choice(["父亲", "母亲", "配偶", "子女", "兄弟姐妹"])),
        past_lockup=rng.choices(list(Lockup), [92, 5, 3])[0],
    )


def _history(rng: random.Random, p: Patient, start: dt.date, end: dt.date) -> PatientRecord:
    """Follow-ups and events of one patient between ``start`` and ``end`` on the §4 schedule."""
    pid = p.patient_id
    if not p.consented:
        return PatientRecord(p)
    wellness = rng.choice([0.35, 0.6, 0.8, 0.9, 0.95])
    fus: list[FollowUp] = []
    evs: list[Event] = []
    begin = max(start, p.registered_on)
    due = begin + dt.timedelta(days=14 if p.registered_on >= start else rng.randint(1, 90))
    failures = 0
    ended = False
    hospital_until: dt.date | None = None
    year_events: set[tuple[int, EventKind]] = set()
    while due <= end and not ended:
        day = due - dt.timedelta(days=rng.randint(0, 6))
        day = max(day, (fus[-1].visit_date + dt.timedelta(days=1)) if fus else begin)
        if day > end:
            break
        # yearly services
        if (day.year, EventKind.HEALTH_CHECK) not in year_events and rng.random() < 0.3:
            year_events.add((day.year, EventKind.HEALTH_CHECK))
            if rng.random() < 0.75:
                evs.append(Event(pid, day, EventKind.HEALTH_CHECK))
            for kind, share in ((EventKind.COMMUNITY_REHABILITATION, 0.55), (EventKind.COUNSELLING, 0.3)):
                if rng.random() < share:
                    evs.append(Event(pid, day, kind))
            if rng.random() < 0.45:
                evs.append(Event(pid, day, EventKind.FAMILY_DOCTOR_CONTRACT,
                                 contract_end=dt.date(day.year + 1, day.month, 1) - dt.timedelta(days=1)))
        # status-ending events
        roll = rng.random()
        if roll < 0.003:
            cause = rng.choice(list(DeathCause))
            evs.append(Event(pid, day, EventKind.DEATH, death_cause=cause))
            break
        if roll < 0.005:
            evs.append(Event(pid, day, EventKind.TRANSFER_OUT, other_area=OUTSIDE))
            break
        if roll < 0.0055:
            evs.append(Event(pid, day, EventKind.DIAGNOSIS_WITHDRAWN))
            break
        if hospital_until is not None and day < hospital_until:
            fus.append(FollowUp(pid, day, FollowUpForm.PHONE, seen=frozenset({SeenPerson.FAMILY}),
                                hospitalisation=Hospitalisation.IN_HOSPITAL_NOW))
            due = hospital_until + dt.timedelta(days=rng.randint(3, 14))
            continue
        if hospital_until is not None:
            hospital_until = None
        if roll < 0.02 and fus:
            admitted = day
            hospital_until = admitted + dt.timedelta(days=rng.randint(15, 70))
            evs.append(Event(pid, admitted, EventKind.ADMISSION))
            if hospital_until <= end:
                evs.append(Event(pid, hospital_until, EventKind.DISCHARGE))
            if rng.random() < 0.3:
                evs.append(Event(pid, admitted, EventKind.EMERGENCY, emergency=rng.choice(list(EmergencyCategory))))
            fus.append(FollowUp(pid, day, FollowUpForm.PHONE, seen=frozenset({SeenPerson.FAMILY}),
                                hospitalisation=Hospitalisation.IN_HOSPITAL_NOW))
            due = min(hospital_until, day + dt.timedelta(days=30))
            continue
        if rng.random() < 0.06:
            failures += 1
            reason = None
            if rng.random() < 0.05:
                reason = rng.choice([LossReason.WORKING_AWAY, LossReason.MOVED, LossReason.MISSING, LossReason.OTHER])
            elif failures >= 3:
                reason = LossReason.THREE_ATTEMPTS_FAILED
            fus.append(FollowUp(pid, day, rng.choice([FollowUpForm.HOME, FollowUpForm.PHONE]), loss_reason=reason))
            if reason is not None:
                ended = True
            due = day + dt.timedelta(days=rng.randint(7, 14))
            continue
        failures = 0
        form = rng.choices(list(FollowUpForm), [25, 50, 25])[0]
        f = _assessed(rng, pid, day, form, wellness)
        fus.append(f)
        assert f.next_visit_date is not None
        due = f.next_visit_date
    return PatientRecord(p, tuple(fus), tuple(evs))


def iter_records(shape: CountyShape = CountyShape(), seed: int = 7) -> Iterator[PatientRecord]:
    """The county's patient records one by one (constant memory for a large shape)."""
    rng = random.Random(seed)
    villages = village_codes(shape)
    start, end = dt.date(shape.first_year, 1, 1), dt.date(shape.last_year, 12, 31)
    for i in range(shape.patients):
        p = _patient(rng, i + 1, shape, villages, start, end)
        yield _history(rng, p, start, end)


def population(shape: CountyShape = CountyShape(), seed: int = 7) -> tuple[PopulationEntry, ...]:
    """Village populations sized for about 4.5‰ prevalence, growing slowly year by year."""
    rng = random.Random(seed + 1)
    villages = village_codes(shape)
    base = shape.patients / PREVALENCE / len(villages)
    sizes = [int(base * rng.uniform(0.6, 1.4)) for _ in villages]
    return tuple(PopulationEntry(AreaCode(v), year, int(n * (1 + 0.004 * (year - shape.first_year))))
                 for year in range(shape.first_year, shape.last_year + 1) for v, n in zip(villages, sizes, strict=True))


def generate(patients: int = 3000, seed: int = 7, shape: CountyShape | None = None) -> Registry:
    """The whole synthetic registry in memory.

    Without ``shape``: the calibrated registry of :func:`smi_care.synth.province.write_province`
    (identifying fields included), read back through the registry reader. With a ``shape``: the
    per-record generator of :func:`iter_records` for that county.
    """
    if shape is not None:
        return Registry.of(iter_records(shape, seed), population(shape, seed))
    from smi_care.registry.tables import read_registry
    from smi_care.synth.province import write_province

    with tempfile.TemporaryDirectory(prefix="smi-care-synth-") as folder:
        return read_registry(write_province(folder, patients=patients, seed=seed, include_identifying=True)).registry


def area_codes(registry: Registry) -> list[str]:
    """Every area of a registry's patients and population, with the areas above each (the
    province, city and county in GB/T 2260's six digits, 36 -> 360000), sorted."""
    found: set[str] = set()
    codes = [r.patient.area_code for r in registry] + [p.area_code for p in registry.population]
    for code in {c.code for c in codes}:
        for n in (2, 4, 6, 9, 12):
            if len(code) >= n:
                found.add(code[:n].ljust(6, "0"))
    return sorted(found)


def write_areas(registry: Registry, folder: str | Path) -> Path:
    """Write ``areas.csv`` beside a synthetic registry written with
    :func:`smi_care.registry.write_registry`: every area of :func:`area_codes` with the made-up
    name and level of :func:`smi_care.synth.area_name` (the names the demo province carries), so
    reports, tables and charts of the registry show township and village names. Returns the file.

    >>> import tempfile
    >>> from smi_care.registry.areas import read_areas
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_areas(generate(patients=30, seed=1), folder)
    >>> read_areas(folder)[0].label("360102001")
    '360102001 东湖街道'
    """
    from smi_care.synth.province import area_name

    path = Path(folder) / "areas.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for code in area_codes(registry):
        short = code.rstrip("0") if len(code) == 6 and code.endswith("00") else code
        short = short if len(short) in (2, 4) else code
        name, level = area_name(short)
        lines.append(f"{code},{name},{level}\n")
    path.write_text("area_code,name,level\n" + "".join(lines), encoding="utf-8")
    return path
