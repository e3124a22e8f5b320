"""Everything the indicators need to know about one patient in one period, computed once.

:func:`patient_facts` applies the §5 status rules and the §6 indicator details; every
indicator's numerator and denominator is then a plain test on these facts.
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.codes import (
    Adherence,
    Classification,
    DangerousAct,
    Disorder,
    EventKind,
    Hospitalisation,
    Lockup,
    Sex,
)
from smi_care.domain.followup import FollowUp
from smi_care.domain.identity import AreaCode
from smi_care.domain.records import PatientRecord
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.schedule import add_months
from smi_care.rules.status import (
    Covers,
    StatusPolicy,
    admitted_on,
    in_hospital,
    is_lost,
    last_lockup,
    registration_on,
)


@attrs.frozen
class PatientFacts:
    """One patient in one period. "Last follow-up" is the last completed follow-up in P."""

    patient_id: str
    period: Period
    registered: bool
    area: AreaCode
    sex: Sex
    age: int
    disorder: Disorder
    consented: bool
    registration_start: dt.date
    completed: tuple[dt.date, ...]
    attempts: int
    last: FollowUp | None
    last_class: Classification | None
    face_to_face: bool
    in_hospital: bool
    hospital_for_medication: bool
    lost: bool
    health_check: bool
    rehabilitation: bool
    counselling: bool
    contract: bool
    incident: bool
    lockup: Lockup | None
    required_followups: int
    standard: bool

    @property
    def under_management(self) -> bool:
        return self.registered and bool(self.completed)

    @property
    def at_home(self) -> bool:
        return self.registered and not self.in_hospital

    @property
    def on_medication(self) -> bool:
        """Last follow-up adherence regular or intermittent, or in hospital (§6). "In hospital"
        here never rests on a follow-up before P (§6 "Only follow-ups dated inside P count"):
        see :func:`in_hospital_for_period`."""
        if self.hospital_for_medication:
            return True
        return self.last is not None and self.last.adherence in (Adherence.REGULAR, Adherence.INTERMITTENT)

    @property
    def regular_medication(self) -> bool:
        return self.last is not None and self.last.adherence is Adherence.REGULAR


def blocks_between(start: dt.date, end: dt.date, months: int = 3) -> int:
    """Started ``months``-month blocks from ``start`` to ``end`` (a started block counts whole).

    >>> blocks_between(dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    2
    >>> blocks_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    4
    """
    if end < start:
        return 0
    k = 1
    while add_months(start, months * k) <= end:
        k += 1
    return k


def required_followups(period: Period, registration_start: dt.date, per_year: int = 4) -> int:
    """Completed follow-ups needed for standard management in ``period`` (§6 pro-rating):
    a patient registered during P needs one per started 3-month block from registration to D;
    one registered before P needs 4 in a year and one per started quarter in a shorter period."""
    start = registration_start if registration_start > period.start else period.start
    months = 12 // per_year
    return blocks_between(start, period.end, months)


def registration_start(record: PatientRecord, day: dt.date) -> dt.date:
    """When the patient's current registration here began: the registration date, or a later
    transfer in on or before ``day``."""
    start = record.patient.registered_on
    for e in record.events:
        if e.kind is EventKind.TRANSFER_IN and start < e.date <= day:
            start = e.date
    return start


def in_hospital_for_period(record: PatientRecord, period: Period, last: FollowUp | None) -> bool:
    """In hospital for the medication numerator: an admission on or before D without a later
    discharge on or before D, or else the last completed follow-up *in P* records "in hospital
    now". §6 defines "in hospital on D" with the last completed follow-up on or before D
    (used for "at home"), but also says a follow-up before P never puts a patient on
    medication in P; this reading honours both."""
    if admitted_on(record, period.end):
        return True
    return last is not None and last.hospitalisation is Hospitalisation.IN_HOSPITAL_NOW


def patient_facts(record: PatientRecord, period: Period, covers: Covers, standard: StandardPolicy,
                  status: StatusPolicy, classes: ClassificationPolicy) -> PatientFacts:
    p = record.patient
    start, end = period.start, period.end
    reg = registration_on(record, end, covers)
    in_p = [f for f in record.followups if start <= f.visit_date <= end]
    done = [f for f in in_p if f.completed]
    last = done[-1] if done else None
    events_in_p = [e for e in record.events if start <= e.date <= end]
    kinds_in_p = {e.kind for e in events_in_p}
    contract = any(e.kind is EventKind.FAMILY_DOCTOR_CONTRACT and e.date <= end
                   and (e.contract_end is None or e.contract_end >= end) for e in record.events)
    incident = any(f.act_count(DangerousAct.TROUBLE) or f.act_count(DangerousAct.DISASTER) for f in in_p)
    reg_start = registration_start(record, end)
    required = required_followups(period, reg_start, standard.per_year)
    completed_dates = tuple(f.visit_date for f in done)
    health_check = EventKind.HEALTH_CHECK in kinds_in_p
    facts = PatientFacts(
        patient_id=p.patient_id, period=period, registered=reg.registered, area=reg.area, sex=p.sex,
        age=p.age_on(end), disorder=p.disorder, consented=p.consented, registration_start=reg_start,
        completed=completed_dates, attempts=len(in_p), last=last,
        last_class=effective_class(last, classes) if last else None,
        face_to_face=any(f.face_to_face for f in done), in_hospital=reg.registered and in_hospital(record, end),
        hospital_for_medication=reg.registered and in_hospital_for_period(record, period, last),
        lost=reg.registered and is_lost(record, end, status), health_check=health_check,
        rehabilitation=EventKind.COMMUNITY_REHABILITATION in kinds_in_p,
        counselling=EventKind.COUNSELLING in kinds_in_p or any(f.counselling for f in in_p),
        contract=contract, incident=incident, lockup=last_lockup(record, end), required_followups=required,
        standard=False,
    )
    return attrs.evolve(facts, standard=standard.met(facts))
