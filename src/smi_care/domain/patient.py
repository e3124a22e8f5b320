"""The patient and the personal information supplement (个人信息补充表, national-rules §7.1).

Identifying fields (name, resident_id, guardian name, phone and address) never appear in a
repr (§10):

>>> import datetime as dt
>>> p = Patient(patient_id="P1", name="张三", sex=Sex.MALE, birth_date=dt.date(1980, 1, 2),
...             area_code=AreaCode("110105001002"), disorder=Disorder.SCHIZOPHRENIA,
...             diagnosis_date=dt.date(2020, 5, 1), registered_on=dt.date(2020, 5, 8),
...             consent=Consent.AGREED, consent_date=dt.date(2020, 5, 8))
>>> "张三" in repr(p)
False
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import (
    fail,
    int_between,
    is_date,
    is_type,
    members_of,
    not_before,
    opt_date,
    opt_type,
    to_frozenset,
)
from smi_care.domain.codes import (
    Consent,
    DangerousAct,
    Disorder,
    EconomicStatus,
    Employment,
    HouseholdType,
    LastTreatmentEffect,
    Lockup,
    OutpatientHistory,
    Sex,
    Symptom,
)
from smi_care.domain.followup import ActCount, Extras, check_acts, to_extras
from smi_care.domain.identity import AreaCode, ResidentId


@attrs.frozen
class Guardian:
    """The guardian (监护人). Name, phone and address are identifying and hidden."""

    name: str | None = attrs.field(default=None, repr=False)
    phone: str | None = attrs.field(default=None, repr=False)
    address: str | None = attrs.field(default=None, repr=False)
    relation: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.name or self.phone or self.address or self.relation)


@attrs.frozen
class Patient:
    """A registered patient with the fields of the personal information supplement.

    Checked at construction: dates in order (diagnosis and registration not before birth),
    consent 1 needs a consent date, and a resident_id must agree with sex and birth date.
    """

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    sex: Sex = attrs.field(validator=is_type(Sex, "a Sex code"))
    birth_date: dt.date = attrs.field(validator=is_date)
    area_code: AreaCode = attrs.field(validator=is_type(AreaCode, "an AreaCode"))
    disorder: Disorder = attrs.field(validator=is_type(Disorder, "a Disorder code"))
    diagnosis_date: dt.date = attrs.field(validator=is_date)
    registered_on: dt.date = attrs.field(validator=is_date)
    consent: Consent = attrs.field(validator=is_type(Consent, "a Consent code"))
    consent_date: dt.date | None = attrs.field(default=None, validator=opt_date)
    name: str | None = attrs.field(default=None, repr=False)
    resident_id: ResidentId | None = attrs.field(default=None, repr=False,
                                                 validator=opt_type(ResidentId, "a ResidentId"))
    household_type: HouseholdType | None = attrs.field(default=None, validator=opt_type(HouseholdType, "a code"))
    employment: Employment | None = attrs.field(default=None, validator=opt_type(Employment, "a code"))
    economic_status: EconomicStatus | None = attrs.field(default=None, validator=opt_type(EconomicStatus, "a code"))
    guardian: Guardian = attrs.field(factory=Guardian, validator=is_type(Guardian, "a Guardian"))
    past_lockup: Lockup | None = attrs.field(default=None, validator=opt_type(Lockup, "a Lockup"))
    first_onset_date: dt.date | None = attrs.field(default=None, validator=opt_date)
    past_symptoms: frozenset[Symptom] = attrs.field(factory=frozenset, converter=to_frozenset,
                                                    validator=members_of(Symptom, "Symptom"))
    past_outpatient: OutpatientHistory | None = attrs.field(default=None, validator=opt_type(OutpatientHistory, "a code"))
    first_antipsychotic_date: dt.date | None = attrs.field(default=None, validator=opt_date)
    past_admissions: int | None = attrs.field(default=None, validator=int_between(0, 1000))
    last_treatment_effect: LastTreatmentEffect | None = attrs.field(
        default=None, validator=opt_type(LastTreatmentEffect, "a code"))
    past_acts: tuple[ActCount, ...] = attrs.field(default=(), validator=check_acts)
    diagnosing_hospital: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    specialist_opinion: str | None = attrs.field(default=None, validator=opt_type(str, "text"))
    village_contact: str | None = attrs.field(default=None, repr=False, validator=opt_type(str, "text"))
    village_phone: str | None = attrs.field(default=None, repr=False, validator=opt_type(str, "text"))
    extras: Extras = attrs.field(default=(), converter=to_extras)

    def __attrs_post_init__(self) -> None:
        not_before(self, "diagnosis_date", self.diagnosis_date, "birth_date", self.birth_date)
        not_before(self, "registered_on", self.registered_on, "birth_date", self.birth_date)
        not_before(self, "first_onset_date", self.first_onset_date, "birth_date", self.birth_date)
        not_before(self, "consent_date", self.consent_date, "birth_date", self.birth_date)
        if self.consent is Consent.AGREED and self.consent_date is None:
            raise fail(self, "consent_date", None, "is required when consent is 1 同意参加管理")
        if self.resident_id is not None:
            for reason in self.resident_id.disagreements(self.sex, self.birth_date):
                raise fail(self, "resident_id", "<hidden>", reason)

    @property
    def consented(self) -> bool:
        return self.consent is Consent.AGREED

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def act_count(self, act: DangerousAct) -> int:
        return sum(a.count for a in self.past_acts if a.act is act)
