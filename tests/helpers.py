"""Builders shared by the tests: short, explicit patients and follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smi_care.domain import (
    Adherence,
    AdverseReaction,
    AreaCode,
    Consent,
    Disorder,
    Event,
    EventKind,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Insight,
    LossReason,
    Patient,
    PatientRecord,
    SeenPerson,
    Sex,
    SocialFunction,
)

D = dt.date


def patient(pid: str = "P1", **kw: Any) -> Patient:
    base: dict[str, Any] = dict(
        patient_id=pid, sex=Sex.MALE, birth_date=D(1980, 1, 2), area_code=AreaCode("110105001002"),
        disorder=Disorder.SCHIZOPHRENIA, diagnosis_date=D(2020, 5, 1), registered_on=D(2020, 5, 8),
        consent=Consent.AGREED, consent_date=D(2020, 5, 8))
    base.update(kw)
    if base["consent"] is Consent.REFUSED and "consent_date" not in kw:
        base["consent_date"] = None
    return Patient(**base)


def visit(day: dt.date, pid: str = "P1", **kw: Any) -> FollowUp:
    """A reached, completed, stable-looking home visit unless overridden."""
    base: dict[str, Any] = dict(
        patient_id=pid, visit_date=day, form=FollowUpForm.HOME, seen={SeenPerson.PATIENT}, risk_level=0,
        insight=Insight.COMPLETE, social=SocialFunction.all_good(), hospitalisation=Hospitalisation.NOT_ADMITTED,
        adherence=Adherence.REGULAR, adr=AdverseReaction.NONE)
    base.update(kw)
    return FollowUp(**base)


def miss(day: dt.date, pid: str = "P1", reason: LossReason | None = None) -> FollowUp:
    return FollowUp(pid, day, FollowUpForm.HOME, loss_reason=reason)


def event(day: dt.date, kind: EventKind, pid: str = "P1", **kw: Any) -> Event:
    return Event(pid, day, kind, **kw)


def record(*items: FollowUp | Event, p: Patient | None = None) -> PatientRecord:
    p = p or patient()
    return PatientRecord(p, tuple(i for i in items if isinstance(i, FollowUp)),
                         tuple(i for i in items if isinstance(i, Event)))
