"""The area data of the social-psychological service pilot (社会心理服务体系建设试点): the units a
pilot county counts (villages, schools, hospitals, employers, townships), the service facilities
they open and close, awareness surveys, counselling of special groups and psychological aid after
emergencies (registry folder ``pilot/``, docs/registry-format.md).

The pilot plans of the shared reference (work plans 004) judge a county by shares of these units:
"以村（社区）为单位，心理咨询室或社会工作室建成率达80%以上", "中小学100%设立心理辅导室",
"100%精神专科医院设立心理门诊", "城市、农村普通人群心理健康核心知识知晓率达到50%以上",
"特殊人群个性化心理疏导覆盖率达到60%以上", "突发事件心理援助服务响应及时率100%". The plans
name the kinds of unit, facility, population group and special group but give them no codes: the
codes here are ours, the Chinese labels the plans' words.

>>> import datetime as dt
>>> UnitKind.VILLAGE.code, UnitKind.VILLAGE.label
(1, '村（社区）')
>>> f = Facility("F1", "U1", FacilityKind.COUNSELLING_ROOM, dt.date(2020, 3, 1), dt.date(2021, 6, 30))
>>> f.kind.label
'心理咨询室'
>>> Survey("S1", AreaCode("360102001"), dt.date(2021, 5, 1), PopulationGroup.RURAL, 200, 230)
Traceback (most recent call last):
...
smi_care.domain.errors.DomainError: Survey (dated 2021-05-01): field aware = 230: must not exceed respondents (200)
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import fail, int_between, is_date, is_type, not_before, opt_date
from smi_care.domain.codes import CodedEnum, titled
from smi_care.domain.identity import AreaCode

#: The largest count a pilot file accepts in one cell (respondents, people identified or served).
MAX_COUNT = 10_000_000


@titled("试点统计单位类别")
class UnitKind(CodedEnum):
    """What a unit of the pilot's denominators is (work plans 004; codes ours)."""

    VILLAGE = (1, "村（社区）")
    SCHOOL = (2, "学校")
    HOSPITAL = (3, "医疗机构")
    EMPLOYER = (4, "机关企事业单位")
    TOWNSHIP = (5, "乡镇（街道）")


@titled("学校类别")
class SchoolLevel(CodedEnum):
    """School levels: 1–4 are 中小学 (the plans: "中等院校依据中小学标准建立"), 5 高等院校."""

    PRIMARY = (1, "小学")
    JUNIOR = (2, "初中")
    SENIOR = (3, "普通高中")
    VOCATIONAL = (4, "中等职业学校")
    HIGHER = (5, "高等院校")

    @property
    def primary_or_secondary(self) -> bool:
        """中小学 (primary and secondary schools, vocational included)."""
        return self is not SchoolLevel.HIGHER


@titled("医疗机构类别")
class HospitalKind(CodedEnum):
    PSYCHIATRIC = (1, "精神专科医院")
    GENERAL = (2, "综合医院")
    OTHER = (3, "其他医疗机构")


@titled("医院等级")
class HospitalLevel(CodedEnum):
    UNRATED = (0, "未定级")
    LEVEL_1 = (1, "一级")
    LEVEL_2 = (2, "二级")
    LEVEL_3 = (3, "三级")


@titled("心理服务设施类别")
class FacilityKind(CodedEnum):
    """The service facilities the plans count, and the unit kind each belongs to."""

    COUNSELLING_ROOM = (1, "心理咨询室")
    SOCIAL_WORK_ROOM = (2, "社会工作室（站）")
    SCHOOL_ROOM = (3, "心理辅导室")
    UNIVERSITY_CENTRE = (4, "心理健康教育与咨询中心（室）")
    CLINIC = (5, "心理门诊")
    EMPLOYER_ROOM = (6, "职工心理健康辅导室")
    REHABILITATION = (7, "社区康复机构")

    @property
    def unit_kind(self) -> UnitKind:
        """The kind of unit a facility of this kind belongs to."""
        return _UNIT_OF[self.code]


_UNIT_OF = {1: UnitKind.VILLAGE, 2: UnitKind.VILLAGE, 3: UnitKind.SCHOOL, 4: UnitKind.SCHOOL, 5: UnitKind.HOSPITAL,
            6: UnitKind.EMPLOYER, 7: UnitKind.TOWNSHIP}


@titled("调查人群")
class PopulationGroup(CodedEnum):
    """The population groups of the awareness surveys (心理健康核心知识知晓率)."""

    URBAN = (1, "城市居民")
    RURAL = (2, "农村居民")
    STAFF = (3, "机关企事业单位干部职工")
    STUDENTS = (4, "在校学生")


@titled("特殊人群类别")
class SpecialGroup(CodedEnum):
    """The special groups (特殊人群) of the plans' personalised counselling."""

    ELDERLY = (1, "空巢、丧偶、失独、留守老年人")
    WOMEN = (2, "孕产期、更年期和遭受意外伤害妇女")
    CHILDREN = (3, "流动、留守和困境儿童、孤儿")
    DISABLED = (4, "残疾人及其家属")
    CORRECTIONS = (5, "社区矫正、刑满释放、戒毒人员")
    OTHER = (9, "其他特殊人群")


@attrs.frozen
class Unit:
    """A unit counted in a denominator. A school carries its level; a hospital its kind and level."""

    unit_id: str = attrs.field(validator=is_type(str, "a unit_id"))
    kind: UnitKind = attrs.field(validator=is_type(UnitKind, "a UnitKind"))
    area_code: AreaCode = attrs.field(validator=is_type(AreaCode, "an AreaCode"))
    school_level: SchoolLevel | None = None
    hospital_kind: HospitalKind | None = None
    hospital_level: HospitalLevel | None = None

    def __attrs_post_init__(self) -> None:
        if (self.kind is UnitKind.SCHOOL) != (self.school_level is not None):
            raise fail(self, "school_level", self.school_level,
                       f"a school, and only a school, carries its level (unit {self.unit_id} is of kind "
                       f"{self.kind.code} {self.kind.label})")
        if (self.kind is UnitKind.HOSPITAL) != (self.hospital_kind is not None and self.hospital_level is not None):
            raise fail(self, "hospital_kind", self.hospital_kind,
                       f"a hospital, and only a hospital, carries its kind and level (unit "
                       f"{self.unit_id} is of kind {self.kind.code} {self.kind.label})")


@attrs.frozen
class Facility:
    """A service facility of a unit, open from ``opened_on``; ``closed_on`` is its first day closed."""

    facility_id: str = attrs.field(validator=is_type(str, "a facility_id"))
    unit_id: str = attrs.field(validator=is_type(str, "a unit_id"))
    kind: FacilityKind = attrs.field(validator=is_type(FacilityKind, "a FacilityKind"))
    opened_on: dt.date = attrs.field(validator=is_date)
    closed_on: dt.date | None = attrs.field(default=None, validator=opt_date)

    def __attrs_post_init__(self) -> None:
        not_before(self, "closed_on", self.closed_on, "opened_on", self.opened_on)


@attrs.frozen
class Survey:
    """An awareness survey of one population group in one area: ``aware`` of ``respondents``
    answered to the awareness standard."""

    survey_id: str = attrs.field(validator=is_type(str, "a survey_id"))
    area_code: AreaCode = attrs.field(validator=is_type(AreaCode, "an AreaCode"))
    date: dt.date = attrs.field(validator=is_date)
    group: PopulationGroup = attrs.field(validator=is_type(PopulationGroup, "a PopulationGroup"))
    respondents: int = attrs.field(validator=int_between(1, MAX_COUNT))
    aware: int = attrs.field(validator=int_between(0, MAX_COUNT))

    def __attrs_post_init__(self) -> None:
        if self.aware > self.respondents:
            raise fail(self, "aware", self.aware, f"must not exceed respondents ({self.respondents})")


@attrs.frozen
class SpecialGroupCount:
    """The people of a special group identified in an area, and those given personalised
    counselling, as counted on ``date``."""

    area_code: AreaCode = attrs.field(validator=is_type(AreaCode, "an AreaCode"))
    date: dt.date = attrs.field(validator=is_date)
    group: SpecialGroup = attrs.field(validator=is_type(SpecialGroup, "a SpecialGroup"))
    identified: int = attrs.field(validator=int_between(0, MAX_COUNT))
    served: int = attrs.field(validator=int_between(0, MAX_COUNT))

    def __attrs_post_init__(self) -> None:
        if self.served > self.identified:
            raise fail(self, "served", self.served, f"must not exceed identified ({self.identified})")


@attrs.frozen
class Emergency:
    """A public emergency (突发事件) in an area and the day psychological aid reached it (None: not yet)."""

    event_id: str = attrs.field(validator=is_type(str, "an event_id"))
    area_code: AreaCode = attrs.field(validator=is_type(AreaCode, "an AreaCode"))
    event_date: dt.date = attrs.field(validator=is_date)
    response_date: dt.date | None = attrs.field(default=None, validator=opt_date)

    def __attrs_post_init__(self) -> None:
        not_before(self, "response_date", self.response_date, "event_date", self.event_date)


__all__ = ["MAX_COUNT", "Emergency", "Facility", "FacilityKind", "HospitalKind", "HospitalLevel", "PopulationGroup",
           "SchoolLevel", "SpecialGroup", "SpecialGroupCount", "Survey", "Unit", "UnitKind"]
