"""Everything the indicators need to know about one patient in one period.

:func:`patient_facts` gives one patient's facts (:data:`~smi_care.indicators.fact_names.FACTS`)
as a :class:`PatientFacts` value: it runs the one engine,
:func:`smi_care.indicators.facts_table.fact_columns`, on that patient's rows
(:func:`smi_care.rules.record_tables.record_tables`), so an app's or an audit's answer is the
report's answer for that patient. :func:`patients_facts` does the same for many records in one
pass (the batch call for apps). Every indicator's numerator and denominator is an expression
over the fact names, so it runs on a :class:`PatientFacts` or on the facts table alike.

>>> import datetime as dt
>>> from smi_care.domain import *
>>> from smi_care.indicators import Period
>>> from smi_care.indicators.standard import FOUR_FOLLOWUPS
>>> from smi_care.rules.classification import NATIONAL as CLASSES
>>> from smi_care.rules.status import NATIONAL as STATUS, covers_nothing
>>> p = Patient(patient_id="P1", sex=Sex.MALE, birth_date=dt.date(1980, 1, 2),
...             area_code=AreaCode("110105001002"), disorder=Disorder.SCHIZOPHRENIA,
...             diagnosis_date=dt.date(2020, 5, 1), registered_on=dt.date(2020, 5, 8), consent=Consent.REFUSED)
>>> visit = FollowUp("P1", dt.date(2025, 3, 1), FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
>>> f = patient_facts(PatientRecord(p, (visit,)), Period.parse("2025"), covers_nothing, FOUR_FOLLOWUPS,
...                   STATUS, CLASSES)
>>> f.registered, f.completed, f.last == visit, f.required_followups, f.standard
(True, (datetime.date(2025, 3, 1),), True, 4, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from smi_care.domain.codes import (
    Adherence,
    Classification,
    Disorder,
    Lockup,
    Sex,
)
from smi_care.domain.followup import FollowUp
from smi_care.domain.identity import AreaCode
from smi_care.domain.records import PatientRecord
from smi_care.indicators.fact_names import FACTS
from smi_care.indicators.facts_table import fact_columns
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy, blocks_between, required_followups
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.record_tables import record_tables
from smi_care.rules.status import Covers, StatusPolicy, managed

__all__ = ["FACTS", "PatientFacts", "blocks_between", "patient_facts", "patients_facts", "required_followups"]


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
        an admission on or before D without a later discharge, else the last completed
        follow-up *in P* records "in hospital now" (``hospital_for_medication``). §6 defines "in
        hospital on D" with the last completed follow-up on or before D (used for "at home"),
        but also says a follow-up before P never puts a patient on medication in P; this
        reading honours both."""
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


def _facts_of(record: PatientRecord, period: Period, row: Mapping[str, Any]) -> PatientFacts:
    p = record.patient
    last_row = row["_last_row"]
    cls, lockup = row["last_class"], row["lockup"]
    return PatientFacts(
        patient_id=p.patient_id, period=period, registered=bool(row["registered"]), area=AreaCode(row["area"]),
        sex=p.sex, age=int(row["age"]), disorder=p.disorder, consented=bool(row["consented"]),
        registration_start=row["registration_start"], completed=tuple(row["completed_dates"] or ()),
        attempts=int(row["attempts"]), last=None if last_row is None else record.followups[last_row],
        last_class=None if cls is None else Classification.from_code(cls),
        face_to_face=bool(row["face_to_face"]), in_hospital=bool(row["in_hospital"]),
        hospital_for_medication=bool(row["hospital_for_medication"]), lost=bool(row["lost"]),
        health_check=bool(row["health_check"]), rehabilitation=bool(row["rehabilitation"]),
        counselling=bool(row["counselling"]), contract=bool(row["contract"]), incident=bool(row["incident"]),
        lockup=None if lockup is None else Lockup.from_code(lockup),
        required_followups=int(row["required_followups"]), gaps_within_limit=bool(row["gaps_within_limit"]),
        standard=bool(row["standard"]),
    )


def patients_facts(records: Iterable[PatientRecord], period: Period, covers: Covers, standard: StandardPolicy,
                   status: StatusPolicy, classes: ClassificationPolicy) -> list[PatientFacts]:
    """The facts of many records in one pass of the engine, in the order of ``records`` (the
    batch call: one call for a list of patients is much cheaper than one call each)."""
    recs = list(records)
    t = record_tables(recs)
    table = fact_columns(t.patients, t.followups, t.events, period, covers, standard, status, classes,
                         with_dates=True)
    return [_facts_of(rec, period, row) for rec, row in zip(recs, table.iter_rows(named=True), strict=True)]


def patient_facts(record: PatientRecord, period: Period, covers: Covers, standard: StandardPolicy,
                  status: StatusPolicy, classes: ClassificationPolicy) -> PatientFacts:
    """One patient's facts in ``period``: the facts table on that patient's rows."""
    return patients_facts((record,), period, covers, standard, status, classes)[0]
