"""The oracle of the facts: one patient's facts computed by a plain loop over the domain objects.

Not product code. The library computes the facts once, in the columnar engine
(:mod:`smi_care.indicators.facts_table`); this independent implementation, written the way
national-rules §5 and §6 read, is what the property tests (tests/test_engines_equal.py) compare
the engine against, fact by fact. The scalar rule it needs, ``required_followups`` (a date and a
period to a count), is the library's own pure function, which the engine also applies once per
distinct date; its boundary table is in tests/test_indicator_policies.py.
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.codes import (
    DangerousAct,
    EventKind,
    Hospitalisation,
)
from smi_care.domain.followup import FollowUp
from smi_care.domain.records import PatientRecord
from smi_care.indicators.expr import holds
from smi_care.indicators.facts import PatientFacts
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy, required_followups
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.schedule import add_months
from smi_care.rules.status import Covers, StatusPolicy
from tests.oracle.status import admitted_on, in_hospital, is_lost, last_lockup, registration_on


def gaps_within(completed: tuple[dt.date, ...], anchor: dt.date, end: dt.date, months: int) -> bool:
    """No step over ``months`` calendar months in the chain anchor, completed dates, end."""
    for day in (*completed, end):
        if day > add_months(anchor, months):
            return False
        anchor = max(anchor, day)
    return True


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
        gaps_within_limit=gaps_within(completed_dates, max(start, reg_start), end, standard.gap_months),
        standard=False,
    )
    return attrs.evolve(facts, standard=holds(standard.expression(), facts.row()))
