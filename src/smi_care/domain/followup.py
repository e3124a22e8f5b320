"""The follow-up record (随访服务记录表, national-rules §7.2) as a frozen value.

A follow-up is one *attempt*: it reached the patient or an informant, or it reached nobody
(未访到). What makes it *completed* — the test every indicator uses (§6) — is defined here
once, in :attr:`FollowUp.completed`.

>>> import datetime as dt
>>> f = FollowUp(patient_id="P1", visit_date=dt.date(2025, 3, 1), form=FollowUpForm.HOME,
...              seen=frozenset({SeenPerson.PATIENT}), risk_level=0, insight=Insight.COMPLETE,
...              social=SocialFunction.all_good(), hospitalisation=Hospitalisation.NOT_ADMITTED,
...              adherence=Adherence.REGULAR, adr=AdverseReaction.NONE)
>>> f.reached, f.completed, f.face_to_face
(True, True, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from smi_care.domain.checks import (
    amount,
    fail,
    int_between,
    is_date,
    is_type,
    members_of,
    opt_date,
    opt_type,
    to_frozenset,
)
from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    DangerousAct,
    FollowUpForm,
    Hospitalisation,
    Insight,
    LabTests,
    Lockup,
    LossReason,
    PhysicalIllness,
    Rating,
    Referral,
    Rehabilitation,
    SeenPerson,
    Symptom,
    SymptomSeverity,
    TreatmentEffect,
    WorkRating,
)

Extras = tuple[tuple[str, str], ...]


def to_extras(pairs: Iterable[tuple[str, str]]) -> Extras:
    """Local (extra) columns of a row as ``(column, value)`` pairs."""
    return tuple(pairs)


@attrs.frozen
class ActCount:
    """One kind of dangerous behaviour and how many times it happened (§7.1 codes)."""

    act: DangerousAct = attrs.field(validator=is_type(DangerousAct, "a DangerousAct code"))
    count: int = attrs.field(validator=int_between(0, 10_000))


def acts_from(pairs: Iterable[tuple[DangerousAct, int]] | None = None) -> tuple[ActCount, ...]:
    """Normalise ``(act, count)`` pairs: code 7 无 and zero counts dropped, sorted by code."""
    merged: dict[DangerousAct, int] = {}
    for act, count in pairs or ():
        if act is DangerousAct.NONE:
            continue
        merged[act] = merged.get(act, 0) + count
    return tuple(ActCount(a, c) for a, c in sorted(merged.items(), key=lambda kv: kv[0].code))


def check_acts(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator of a record's dangerous acts: ActCounts, each act once, sorted by code, no 7 无
    (the form :func:`acts_from` gives)."""
    if not isinstance(value, tuple) or not all(isinstance(v, ActCount) for v in value):
        raise fail(instance, attribute.name, value, "expected a tuple of ActCount")
    codes = [v.act.code for v in value]
    if codes != sorted(set(codes)) or DangerousAct.NONE.code in codes:
        raise fail(instance, attribute.name, codes, "expected each act once, sorted by code, without 7 无 (use acts_from)")


@attrs.frozen
class SocialFunction:
    """The five social-function items (社会功能情况, §7.2), each 1 良好 2 一般 3 较差."""

    self_care: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    housework: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    work: WorkRating | None = attrs.field(default=None, validator=opt_type(WorkRating, "a WorkRating"))
    learning: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    social: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))

    @classmethod
    def all_good(cls) -> SocialFunction:
        g = Rating.GOOD
        return cls(g, g, WorkRating.GOOD, g, g)

    def items(self) -> tuple[tuple[str, Rating | WorkRating | None], ...]:
        return (
            ("sf_self_care", self.self_care),
            ("sf_housework", self.housework),
            ("sf_work", self.work),
            ("sf_learning", self.learning),
            ("sf_social", self.social),
        )

    def missing(self) -> tuple[str, ...]:
        return tuple(name for name, v in self.items() if v is None)

    def codes(self) -> tuple[int, ...]:
        """Recorded item codes, with ``sf_work`` 9 不适用 left out (§4)."""
        return tuple(v.code for _, v in self.items() if v is not None and v is not WorkRating.NOT_APPLICABLE)

    @property
    def poor(self) -> bool:
        """At least one item is 3 较差 (§4)."""
        return 3 in self.codes()

    @property
    def fair_or_good(self) -> bool:
        """Every recorded item is 1 or 2, and all but a not-applicable work item are recorded."""
        return not self.missing() and all(c in (1, 2) for c in self.codes())


@attrs.frozen
class DoseTimes:
    """A ``BPHS2017`` dose: ``times`` per day (or per month) at ``mg`` per dose."""

    times: int = attrs.field(validator=int_between(1, 100))
    per: str = attrs.field(validator=attrs.validators.in_(("day", "month")))
    mg: float = attrs.field(validator=amount("a number of mg"))


@attrs.frozen
class DoseSchedule:
    """A ``WS2018`` oral dose: mg in the morning, at noon and in the evening."""

    morning_mg: float = attrs.field(default=0.0, validator=amount("a number of mg"))
    noon_mg: float = attrs.field(default=0.0, validator=amount("a number of mg"))
    evening_mg: float = attrs.field(default=0.0, validator=amount("a number of mg"))


@attrs.frozen
class LongActingInjection:
    """A ``WS2018`` long-acting injection (长效针剂): every ``every_weeks`` weeks at ``mg``."""

    every_weeks: int = attrs.field(validator=int_between(1, 52))
    mg: float = attrs.field(validator=amount("a number of mg"))


Dose = DoseTimes | DoseSchedule | LongActingInjection


@attrs.frozen
class Medication:
    """One medication line of the follow-up form (用药情况 / 用药指导)."""

    name: str = attrs.field(validator=is_type(str, "a drug name"))
    dose: Dose = attrs.field(validator=is_type((DoseTimes, DoseSchedule, LongActingInjection), "a dose shape"))


def _medications(values: Iterable[Medication]) -> tuple[Medication, ...]:
    return tuple(values)


#: Assessments a follow-up that reached someone must record, unless the patient is in
#: hospital now (registry format: "when reached"; national-rules §4 last bullet).
REQUIRED_WHEN_REACHED = ("risk_level", "insight", "sf_self_care", "sf_housework", "sf_work", "sf_learning",
                         "sf_social", "hospitalisation", "adherence", "adr")


@attrs.frozen
class FollowUp:
    """One follow-up attempt (§7.2). Invariants are checked at construction.

    ``reached`` is given by ``seen`` when recorded; otherwise a follow-up that records any
    assessment and no loss reason reached someone. ``loss_reason`` may only be filled on an
    attempt that reached nobody.
    """

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    visit_date: dt.date = attrs.field(validator=is_date)
    form: FollowUpForm = attrs.field(validator=is_type(FollowUpForm, "a FollowUpForm"))
    seen: frozenset[SeenPerson] = attrs.field(factory=frozenset, converter=to_frozenset,
                                              validator=members_of(SeenPerson, "SeenPerson"))
    loss_reason: LossReason | None = attrs.field(default=None, validator=opt_type(LossReason, "a LossReason"))
    risk_level: int | None = attrs.field(default=None, validator=int_between(0, 5))
    symptoms: frozenset[Symptom] = attrs.field(factory=frozenset, converter=to_frozenset,
                                               validator=members_of(Symptom, "Symptom"))
    symptom_severity: SymptomSeverity | None = attrs.field(default=None,
                                                           validator=opt_type(SymptomSeverity, "a SymptomSeverity"))
    insight: Insight | None = attrs.field(default=None, validator=opt_type(Insight, "an Insight"))
    sleep: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    diet: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    social: SocialFunction = attrs.field(factory=SocialFunction, validator=is_type(SocialFunction, "SocialFunction"))
    acts: tuple[ActCount, ...] = attrs.field(default=(), validator=check_acts)
    lockup: Lockup | None = attrs.field(default=None, validator=opt_type(Lockup, "a Lockup"))
    hospitalisation: Hospitalisation | None = attrs.field(default=None,
                                                          validator=opt_type(Hospitalisation, "a Hospitalisation"))
    last_discharge_date: dt.date | None = attrs.field(default=None, validator=opt_date)
    lab_tests: LabTests | None = attrs.field(default=None, validator=opt_type(LabTests, "a LabTests"))
    adherence: Adherence | None = attrs.field(default=None, validator=opt_type(Adherence, "an Adherence"))
    adr: AdverseReaction | None = attrs.field(default=None, validator=opt_type(AdverseReaction, "an AdverseReaction"))
    adr_serious: bool | None = attrs.field(default=None, validator=opt_type(bool, "true or false"))
    physical_illness: PhysicalIllness | None = attrs.field(default=None,
                                                           validator=opt_type(PhysicalIllness, "a PhysicalIllness"))
    treatment_effect: TreatmentEffect | None = attrs.field(default=None,
                                                           validator=opt_type(TreatmentEffect, "a TreatmentEffect"))
    referral: Referral | None = attrs.field(default=None, validator=opt_type(Referral, "a Referral"))
    medications: tuple[Medication, ...] = attrs.field(default=(), converter=_medications)
    medication_guidance: tuple[Medication, ...] = attrs.field(default=(), converter=_medications)
    rehabilitation: frozenset[Rehabilitation] = attrs.field(factory=frozenset, converter=to_frozenset,
                                                            validator=members_of(Rehabilitation, "Rehabilitation"))
    classification: Classification | None = attrs.field(default=None,
                                                         validator=opt_type(Classification, "a Classification"))
    next_visit_date: dt.date | None = attrs.field(default=None, validator=opt_date)
    counselling: bool = attrs.field(default=False, validator=is_type(bool, "true or false"))
    lab_text: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    adr_text: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    referral_reason: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    referral_institution: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    referral_department: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    doctor: str | None = attrs.field(default=None, repr=False, validator=opt_type(str, "text"))
    extras: Extras = attrs.field(default=(), converter=to_extras)

    def __attrs_post_init__(self) -> None:
        if self.seen and self.loss_reason is not None:
            raise fail(self, "loss_reason", self.loss_reason.code,
                       "is filled only when the attempt reached nobody, but seen is recorded")
        if self.reached and self.loss_reason is None and not self.in_hospital_now:
            for name in self.missing_when_reached():
                raise fail(self, name, None, "is required when the follow-up reached the patient or an informant")
        if not self.reached and self.classification is not None:
            raise fail(self, "classification", self.classification.code,
                       "a follow-up that reached nobody has no class")
        if self.next_visit_date is not None and self.next_visit_date <= self.visit_date:
            raise fail(self, "next_visit_date", self.next_visit_date.isoformat(),
                       f"must be after visit_date ({self.visit_date.isoformat()})")
        if self.last_discharge_date is not None and self.last_discharge_date > self.visit_date:
            raise fail(self, "last_discharge_date", self.last_discharge_date.isoformat(),
                       f"must not be after visit_date ({self.visit_date.isoformat()})")

    def missing_when_reached(self) -> tuple[str, ...]:
        """Names of the assessments required when reached that are not recorded."""
        values: dict[str, object] = {
            "risk_level": self.risk_level,
            "insight": self.insight,
            "hospitalisation": self.hospitalisation,
            "adherence": self.adherence,
            "adr": self.adr,
        }
        values.update(dict(self.social.items()))
        return tuple(n for n in REQUIRED_WHEN_REACHED if values[n] is None)

    @property
    def reached(self) -> bool:
        """Reached the patient or an informant (随访到). Without ``seen``, any recorded
        assessment and no loss reason means someone was reached."""
        if self.seen:
            return True
        if self.loss_reason is not None:
            return False
        return any(v is not None for v in (self.risk_level, self.insight, self.hospitalisation, self.adherence))

    @property
    def in_hospital_now(self) -> bool:
        return self.hospitalisation is Hospitalisation.IN_HOSPITAL_NOW

    @property
    def completed(self) -> bool:
        """Completed follow-up (§6): reached someone and recorded a risk level, or recorded
        the patient as currently in hospital."""
        return (self.reached and self.risk_level is not None) or self.in_hospital_now

    @property
    def failed(self) -> bool:
        """An attempt that reached nobody (未访到)."""
        return not self.reached and not self.in_hospital_now

    @property
    def face_to_face(self) -> bool:
        """A completed clinic or home follow-up (§6 face-to-face)."""
        return self.completed and self.form.face_to_face

    @property
    def effective_severity(self) -> SymptomSeverity:
        """Recorded severity, else 0 when no symptom is ticked and 1 when any is (§4)."""
        if self.symptom_severity is not None:
            return self.symptom_severity
        return SymptomSeverity.PRESENT if self.symptoms else SymptomSeverity.BASICALLY_GONE

    def act_count(self, act: DangerousAct) -> int:
        return sum(a.count for a in self.acts if a.act is act)
