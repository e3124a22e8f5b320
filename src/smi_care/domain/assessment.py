"""Assessments: the comprehensive assessment at enrolment and the quarterly condition assessment.

Township work plans (shared reference, work-plans 000 and 001, "病情评估"): "重性精神疾病患者在纳入管理的时候,
由县级及以上专业医疗机构进行一次全面评估" — at enrolment a county-level or higher specialist
institution assesses the patient once, in full: family history of mental illness, first onset,
prior diagnosis and treatment, past main symptoms, living and work ability, current symptoms,
medication adherence, insight, social function, mental state and physical illness, with a risk
level; and "每季度对管理的患者进行1次评估" — every managed patient's condition is assessed once a
quarter. Codes are those of the national forms (national-rules §7); the kind and the
institution level are smi_care's codes.

>>> import datetime as dt
>>> a = Assessment("P1", dt.date(2025, 7, 2), AssessmentKind.QUARTERLY, risk_level=1)
>>> a.kind.label
'每季度病情评估'
>>> Assessment("P1", dt.date(2025, 7, 2), AssessmentKind.COMPREHENSIVE, risk_level=0,
...            institution_level=InstitutionLevel.TOWNSHIP)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
smi_care.domain.errors.DomainError: Assessment (record P1, ...): field institution_level = 1: ... not 乡镇（社区）
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import fail, int_between, is_date, is_type, members_of, not_before, opt_date, opt_type
from smi_care.domain.codes import (
    Adherence,
    Classification,
    CodedEnum,
    Insight,
    OutpatientHistory,
    PhysicalIllness,
    Rating,
    Symptom,
    SymptomSeverity,
    WorkRating,
    titled,
)


@titled("评估类别")
class AssessmentKind(CodedEnum):
    """Which assessment (smi_care codes)."""

    COMPREHENSIVE = (1, "纳入管理时全面评估")
    QUARTERLY = (2, "每季度病情评估")


@titled("评估机构级别")
class InstitutionLevel(CodedEnum):
    """The level of the institution that made the assessment (smi_care codes)."""

    TOWNSHIP = (1, "乡镇（社区）")
    COUNTY = (2, "县级")
    CITY = (3, "地市级")
    PROVINCE = (4, "省级及以上")

    @property
    def county_or_higher(self) -> bool:
        return self.code >= InstitutionLevel.COUNTY.code


@attrs.frozen
class Assessment:
    """One assessment of ``assessments.csv``. Every assessment records a risk level (0–5,
    national-rules §3); a comprehensive one also names its institution, which must be county
    level or higher."""

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    date: dt.date = attrs.field(validator=is_date)
    kind: AssessmentKind = attrs.field(validator=is_type(AssessmentKind, "an AssessmentKind"))
    risk_level: int = attrs.field(validator=[is_type(int, "a risk level 0 to 5"), int_between(0, 5)])
    institution_level: InstitutionLevel | None = attrs.field(
        default=None, validator=opt_type(InstitutionLevel, "an InstitutionLevel"))
    symptoms: frozenset[Symptom] = attrs.field(default=frozenset(), validator=members_of(Symptom, "Symptom codes"))
    symptom_severity: SymptomSeverity | None = attrs.field(
        default=None, validator=opt_type(SymptomSeverity, "a SymptomSeverity"))
    insight: Insight | None = attrs.field(default=None, validator=opt_type(Insight, "an Insight"))
    physical_illness: PhysicalIllness | None = attrs.field(
        default=None, validator=opt_type(PhysicalIllness, "a PhysicalIllness"))
    adherence: Adherence | None = attrs.field(default=None, validator=opt_type(Adherence, "an Adherence"))
    social_function: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    living_ability: Rating | None = attrs.field(default=None, validator=opt_type(Rating, "a Rating"))
    work_ability: WorkRating | None = attrs.field(default=None, validator=opt_type(WorkRating, "a WorkRating"))
    family_history: bool | None = attrs.field(default=None, validator=opt_type(bool, "True or False"))
    first_onset_date: dt.date | None = attrs.field(default=None, validator=opt_date)
    prior_treatment: OutpatientHistory | None = attrs.field(
        default=None, validator=opt_type(OutpatientHistory, "an OutpatientHistory"))
    past_symptoms: frozenset[Symptom] = attrs.field(default=frozenset(),
                                                    validator=members_of(Symptom, "Symptom codes"))
    classification: Classification | None = attrs.field(
        default=None, validator=opt_type(Classification, "a Classification"))

    def __attrs_post_init__(self) -> None:
        if self.kind is AssessmentKind.COMPREHENSIVE:
            level = self.institution_level
            if level is None:
                raise fail(self, "institution_level", None, "a comprehensive assessment names the level of the "
                           "institution that made it")
            if not level.county_or_higher:
                raise fail(self, "institution_level", level.code, "the comprehensive assessment at enrolment is "
                           "made by a county-level or higher specialist institution (县级及以上专业医疗机构), "
                           f"not {level.label}")
        if self.first_onset_date is not None:
            not_before(self, "date", self.date, "first_onset_date", self.first_onset_date)
