"""Suspected cases (疑似患者) and their path to diagnosis: case finding (发现报告).

The township work plans (shared reference, work-plans 000 and 001: 乡镇严重精神障碍患者管理工作计划,
"加强患者登记报告" and "患者报告") have village and residents' committees, township hospitals,
police stations, civil affairs offices and the disabled persons' federation find and report
suspected patients; a suspected patient is screened, referred to a specialist institution,
diagnosed there, and then either enrolled as a patient (纳入管理, a row of ``patients.csv``) or
excluded. Someone whose behaviour endangers others' lives or public order is reported to the
police at once (110) and taken to a specialist institution for a diagnosis (work plans 000
and 001, "对危险疑似精神病患者管理"; 精神卫生法 art. 28).

The national forms have no code list for the source or the exclusion reason: the codes here are
smi_care's own, documented in docs/registry-format.md.

>>> import datetime as dt
>>> case = SuspectedCase("S1", dt.date(2025, 7, 3), SuspectSource.POLICE, AreaCode("360102001001"),
...                      diagnosed_on=dt.date(2025, 7, 20), disorder=Disorder.SCHIZOPHRENIA,
...                      patient_id="P9", enrolled_on=dt.date(2025, 7, 25))
>>> case.outcome.label, case.source.label
('纳入管理', '派出所（公安机关）')
>>> SuspectedCase("S2", dt.date(2025, 7, 3), SuspectSource.SCHOOL, AreaCode("360102001001"),
...               patient_id="P9", enrolled_on=dt.date(2025, 7, 9), excluded_on=dt.date(2025, 7, 9),
...               exclusion_reason=ExclusionReason.NOT_SEVERE_DISORDER)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
smi_care.domain.errors.DomainError: SuspectedCase (record S2, ...): ... never both (it was enrolled as patient P9)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from smi_care.domain.checks import is_date, is_type, opt_date, opt_type
from smi_care.domain.codes import CodedEnum, Disorder, titled
from smi_care.domain.errors import DomainError
from smi_care.domain.identity import AreaCode, ResidentId


@titled("疑似患者报告来源")
class SuspectSource(CodedEnum):
    """Who reported the suspected case (smi_care codes; work plans 000/001 name these units)."""

    VILLAGE_COMMITTEE = (1, "村（居）民委员会")
    TOWNSHIP_HOSPITAL = (2, "乡镇卫生院（社区卫生服务中心）")
    POLICE = (3, "派出所（公安机关）")
    CIVIL_AFFAIRS = (4, "民政部门")
    DISABLED_FEDERATION = (5, "残联")
    SCHOOL = (6, "学校")
    FAMILY = (7, "家属")
    OTHER = (9, "其他")


@titled("疑似患者排除原因")
class ExclusionReason(CodedEnum):
    """Why a suspected case was closed without enrolment (smi_care codes)."""

    NOT_SEVERE_DISORDER = (1, "诊断不属于六类严重精神障碍")
    NO_MENTAL_DISORDER = (2, "未诊断为精神障碍")
    REFUSED = (3, "拒绝就诊或诊断")
    NOT_RESIDENT = (4, "非本地常住居民或已迁出")
    DIED = (5, "死亡")
    DUPLICATE = (6, "重复报告")
    OTHER = (9, "其他")


@titled("疑似患者结局")
class SuspectOutcome(CodedEnum):
    """Where a suspected case's path ends (or stands) as recorded."""

    OPEN = (0, "待诊断")
    DIAGNOSED = (1, "已诊断待纳入")
    ENROLLED = (2, "纳入管理")
    EXCLUDED = (3, "排除")


def _fail(case: Any, field: str, value: Any, rule: str) -> DomainError:
    record = getattr(case, "case_id", None)
    day = getattr(case, "reported_on", None)
    return DomainError(type(case).__name__, field, value, rule, record if isinstance(record, str) else None,
                       day.isoformat() if isinstance(day, dt.date) else None)


#: The steps of the path in order: (field, Chinese name). Each date, when given, is on or after
#: every earlier one.
PATH = (("reported_on", "报告日期"), ("screened_on", "筛查日期"), ("referred_on", "转诊日期"),
        ("diagnosed_on", "诊断日期"), ("enrolled_on", "纳入管理日期"))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@attrs.frozen
class SuspectedCase:
    """One suspected case as ``suspected_cases.csv`` records it.

    ``disorder`` is the diagnosis made at the specialist institution when it is one of the six
    severe mental disorders (national-rules §1); a diagnosis outside them closes the case as
    excluded with reason 1. ``name`` and ``resident_id`` identify the person: never shown in a
    repr or an error (national-rules §10). When the case is enrolled, ``patient_id`` names the
    row of ``patients.csv``; the reader checks that both rows name the same person.
    """

    case_id: str = attrs.field(validator=is_type(str, "a case identifier"))
    reported_on: dt.date = attrs.field(validator=is_date)
    source: SuspectSource = attrs.field(validator=is_type(SuspectSource, "a SuspectSource"))
    area_code: AreaCode = attrs.field(validator=is_type(AreaCode, "an AreaCode"))
    endangers_others: bool = attrs.field(default=False, validator=is_type(bool, "True or False"))
    screened_on: dt.date | None = attrs.field(default=None, validator=opt_date)
    referred_on: dt.date | None = attrs.field(default=None, validator=opt_date)
    diagnosed_on: dt.date | None = attrs.field(default=None, validator=opt_date)
    disorder: Disorder | None = attrs.field(default=None, validator=opt_type(Disorder, "a Disorder"))
    patient_id: str | None = attrs.field(default=None, validator=opt_type(str, "a patient_id"))
    enrolled_on: dt.date | None = attrs.field(default=None, validator=opt_date)
    excluded_on: dt.date | None = attrs.field(default=None, validator=opt_date)
    exclusion_reason: ExclusionReason | None = attrs.field(
        default=None, validator=opt_type(ExclusionReason, "an ExclusionReason"))
    resident_id: ResidentId | None = attrs.field(default=None, repr=False,
                                                 validator=opt_type(ResidentId, "a ResidentId"))
    name: str | None = attrs.field(default=None, repr=False, validator=opt_type(str, "a name"))

    def __attrs_post_init__(self) -> None:
        if not self.case_id.strip():
            raise _fail(self, "case_id", self.case_id, "must not be empty")
        earlier: tuple[str, dt.date] | None = None
        for field, _ in PATH:
            day = getattr(self, field)
            if day is None:
                continue
            if earlier is not None and day < earlier[1]:
                raise _fail(self, field, day.isoformat(), f"must not be before {earlier[0]} ({earlier[1].isoformat()})")
            earlier = (field, day)
        if self.excluded_on is not None and self.excluded_on < self.reported_on:
            raise _fail(self, "excluded_on", self.excluded_on.isoformat(),
                        f"must not be before reported_on ({self.reported_on.isoformat()})")
        if self.disorder is not None and self.diagnosed_on is None:
            raise _fail(self, "disorder", self.disorder.code, "a diagnosis needs its date (diagnosed_on)")
        enrolled = self.enrolled_on is not None or self.patient_id is not None
        if enrolled and (self.excluded_on is not None or self.exclusion_reason is not None):
            raise _fail(self, "excluded_on", _iso(self.excluded_on), "a suspected case is either enrolled or "
                        f"excluded, never both (it was enrolled as patient {self.patient_id})")
        if enrolled:
            if self.patient_id is None or not self.patient_id.strip():
                raise _fail(self, "patient_id", self.patient_id, "an enrolled case names its patient (patient_id)")
            if self.enrolled_on is None:
                raise _fail(self, "enrolled_on", None, f"the case is linked to patient {self.patient_id}: "
                            "give the date of enrolment")
            if self.disorder is None:
                raise _fail(self, "disorder", None, "only a case diagnosed with one of the six severe mental "
                            "disorders is enrolled")
        if self.excluded_on is not None or self.exclusion_reason is not None:
            if self.excluded_on is None:
                raise _fail(self, "excluded_on", None, "an exclusion reason needs the date of exclusion")
            if self.exclusion_reason is None:
                raise _fail(self, "exclusion_reason", None, "an excluded case carries its reason")
            if self.exclusion_reason is ExclusionReason.NOT_SEVERE_DISORDER and self.disorder is not None:
                raise _fail(self, "exclusion_reason", self.exclusion_reason.code,
                            f"the case was diagnosed with {self.disorder.label}, one of the six disorders")

    @property
    def outcome(self) -> SuspectOutcome:
        """The end of the path as recorded (for a given day, see
        :func:`smi_care.programme.case_finding.stage_on`)."""
        if self.patient_id is not None:
            return SuspectOutcome.ENROLLED
        if self.excluded_on is not None:
            return SuspectOutcome.EXCLUDED
        if self.diagnosed_on is not None:
            return SuspectOutcome.DIAGNOSED
        return SuspectOutcome.OPEN
