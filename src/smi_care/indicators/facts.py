"""Everything the indicators need to know about one patient in one period, computed once.

The facts are the contract between the two engines: :func:`patient_facts` computes them for one
patient from the domain objects (apps, audit, and the reference in the tests), and
:func:`smi_care.indicators.facts_table.facts_table` computes the same names with the same
meaning for every patient at once, as columns. Every indicator's numerator and denominator is
an expression over these names (:data:`FACTS`), so it runs on either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from smi_care.indicators.expr import holds
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy, gaps_within
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.schedule import add_months
from smi_care.rules.status import (
    Covers,
    StatusPolicy,
    admitted_on,
    in_hospital,
    is_lost,
    last_lockup,
    managed,
    registration_on,
)

#: The facts of one patient in one period: name → (kind, meaning). ``kind`` is the column type
#: of the facts table (``code`` columns hold the official code, null when not recorded).
FACTS: dict[str, tuple[str, str]] = {
    "patient_id": ("text", "the registry's patient identifier"),
    "registered": ("bool", "registered (在册) on D, the period's last day (§5)"),
    "area": ("text", "home area code on D (§6 Area: transfers within the registry move it)"),
    "sex": ("code", "sex code (GB/T 2261.1)"),
    "age": ("int", "age in whole years on D"),
    "disorder": ("code", "diagnosis code (§1)"),
    "consented": ("bool", "consent to community management given (知情同意)"),
    "registration_start": ("date", "when the current registration began: registration date or a later transfer in"),
    "completed_count": ("int", "completed follow-ups dated in P"),
    "attempts": ("int", "follow-up attempts dated in P"),
    "last_date": ("date", "date of the last completed follow-up in P (ties: later row)"),
    "last_adherence": ("code", "medication adherence at the last completed follow-up in P"),
    "last_hospitalisation": ("code", "hospitalisation at the last completed follow-up in P"),
    "last_class": ("code", "class of the last completed follow-up in P: recorded, else the §4 rule's"),
    "face_to_face": ("bool", "a completed clinic or home follow-up in P"),
    "in_hospital": ("bool", "registered and in hospital on D (admission rule, else the last completed "
                    "follow-up on or before D)"),
    "hospital_for_medication": ("bool", "registered and in hospital for the medication numerator (admission "
                                "rule, else the last completed follow-up in P)"),
    "lost": ("bool", "registered and lost to follow-up on D"),
    "health_check": ("bool", "a health check event in P"),
    "rehabilitation": ("bool", "a community rehabilitation event in P"),
    "counselling": ("bool", "a counselling event in P or a follow-up in P that records counselling"),
    "contract": ("bool", "a family-doctor contract in force on D"),
    "incident": ("bool", "a follow-up in P records 肇事 or 肇祸"),
    "lockup": ("code", "the last lock-up status recorded on or before D, else past_lockup"),
    "required_followups": ("int", "completed follow-ups needed in P (pro-rated, §6)"),
    "gaps_within_limit": ("bool", "no gap over the standard policy's gap_months from the registration or "
                          "period start, through the completed follow-ups in P, to D"),
    "standard": ("bool", "managed to standard under the evaluation's standard policy (its expression over the facts above)"),
}


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
    gaps_within_limit: bool
    standard: bool

    @property
    def completed_count(self) -> int:
        return len(self.completed)

    @property
    def under_management(self) -> bool:
        """Under management (在管) in P: :func:`smi_care.rules.status.managed`, the one rule."""
        return managed(self.registered, self.completed)

    @property
    def at_home(self) -> bool:
        return self.registered and not self.in_hospital

    @property
    def last_adherence(self) -> Adherence | None:
        return self.last.adherence if self.last is not None else None

    @property
    def on_medication(self) -> bool:
        """Last follow-up adherence regular or intermittent, or in hospital (§6). "In hospital"
        here never rests on a follow-up before P (§6 "Only follow-ups dated inside P count"):
        see :func:`in_hospital_for_period`."""
        return self.hospital_for_medication or self.last_adherence in (Adherence.REGULAR, Adherence.INTERMITTENT)

    @property
    def regular_medication(self) -> bool:
        return self.last_adherence is Adherence.REGULAR

    def row(self) -> dict[str, Any]:
        """The facts by their :data:`FACTS` names, codes as official codes: what an expression
        reads, and one row of the facts table."""
        last = self.last

        def code(v: Any) -> int | None:
            return None if v is None else int(v.code)

        return {
            "patient_id": self.patient_id, "registered": self.registered, "area": self.area.code,
            "sex": self.sex.code, "age": self.age, "disorder": self.disorder.code, "consented": self.consented,
            "registration_start": self.registration_start, "completed_count": len(self.completed),
            "attempts": self.attempts, "last_date": last.visit_date if last else None,
            "last_adherence": code(last.adherence) if last else None,
            "last_hospitalisation": code(last.hospitalisation) if last else None,
            "last_class": code(self.last_class), "face_to_face": self.face_to_face, "in_hospital": self.in_hospital,
            "hospital_for_medication": self.hospital_for_medication, "lost": self.lost,
            "health_check": self.health_check, "rehabilitation": self.rehabilitation, "counselling": self.counselling,
            "contract": self.contract, "incident": self.incident, "lockup": code(self.lockup),
            "required_followups": self.required_followups, "gaps_within_limit": self.gaps_within_limit,
            "standard": self.standard,
        }


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
        gaps_within_limit=gaps_within(completed_dates, max(start, reg_start), end, standard.gap_months),
        standard=False,
    )
    return attrs.evolve(facts, standard=holds(standard.expression(), facts.row()))
