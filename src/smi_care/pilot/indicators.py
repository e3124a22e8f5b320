"""The pilot's area indicators in the definition form of §6: numerator and denominator made of
named conditions (:class:`~smi_care.indicators.definitions.Condition`, one home each) over the
facts of one table of :mod:`smi_care.pilot.facts` — units, surveys, special-group counts or
emergencies. A unit indicator counts units; the survey, special-group and emergency ones add up
a column of the rows that meet the conditions (respondents and answers meeting the standard,
people identified and served), so a county's figure is the sum of its townships'.

Sources: the pilot plans of the shared reference (work plans 004), target by target in
:mod:`smi_care.pilot.plans` and docs/pilot.md.

>>> print(by_id("village_room_rate").indicator.describe())
numerator: room_or_social_work AND village
denominator: village
>>> by_id("awareness_rural").denominator_sum
'respondents'
>>> [p.id for p in PATIENT_INDICATORS][:3]
['standard_management_rate', 'treatment_rate', 'schizophrenia_treatment_rate']
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from smi_care.domain.errors import SmiCareError
from smi_care.domain.named import Named
from smi_care.domain.pilot import FacilityKind, HospitalKind, HospitalLevel, PopulationGroup, SchoolLevel, UnitKind
from smi_care.indicators.definitions import STANDARD_INDICATORS, Condition, Indicator
from smi_care.indicators.definitions import by_id as standard_by_id
from smi_care.indicators.expr import fact
from smi_care.pilot.facts import facility_column

TABLES = ("units", "surveys", "special_groups", "emergencies")


class UnknownPilotIndicatorError(SmiCareError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown pilot indicator"


def _table(instance: object, attribute: object, value: str) -> None:
    if value not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, not {value!r}")


@attrs.frozen
class AreaIndicator:
    """An area indicator: its §6-form definition, the facts table it counts, and the columns it
    adds up (None: each row meeting the conditions counts 1)."""

    indicator: Indicator
    table: str = attrs.field(validator=_table)
    numerator_sum: str | None = None
    denominator_sum: str | None = None

    @property
    def id(self) -> str:
        return self.indicator.id


VILLAGE = Condition("village", "a village or community (村（社区）)", fact("unit_kind") == UnitKind.VILLAGE)
PRIMARY_SECONDARY = Condition("primary_or_secondary_school", "a primary or secondary school (中小学, 中职 included)",
                              (fact("unit_kind") == UnitKind.SCHOOL) & fact("school_level").is_in(
                                  [s for s in SchoolLevel if s.primary_or_secondary]))
UNIVERSITY = Condition("university", "an institution of higher education (高等院校)",
                       (fact("unit_kind") == UnitKind.SCHOOL) & (fact("school_level") == SchoolLevel.HIGHER))
PSYCHIATRIC = Condition("psychiatric_hospital", "a psychiatric hospital (精神专科医院)",
                        (fact("unit_kind") == UnitKind.HOSPITAL) & (fact("hospital_kind") == HospitalKind.PSYCHIATRIC))
GENERAL_2 = Condition("general_hospital_level_2", "a general hospital of level 2 or above (二级以上综合医院)",
                      (fact("unit_kind") == UnitKind.HOSPITAL) & (fact("hospital_kind") == HospitalKind.GENERAL)
                      & fact("hospital_level").is_in((HospitalLevel.LEVEL_2, HospitalLevel.LEVEL_3)))
EMPLOYER = Condition("employer", "a government body, enterprise or institution (机关企事业单位)",
                     fact("unit_kind") == UnitKind.EMPLOYER)
TOWNSHIP = Condition("township", "a township or street (乡镇（街道）)", fact("unit_kind") == UnitKind.TOWNSHIP)

ROOM = Condition("room_or_social_work", "a counselling room or social-work room open on D (心理咨询室或社会工作室)",
                 fact(facility_column(FacilityKind.COUNSELLING_ROOM)) | fact(facility_column(FacilityKind.SOCIAL_WORK_ROOM)))
SCHOOL_ROOM = Condition("school_room", "a school counselling room open on D (心理辅导室)",
                        fact(facility_column(FacilityKind.SCHOOL_ROOM)))
CENTRE = Condition("university_centre", "a mental-health education and counselling centre open on D",
                   fact(facility_column(FacilityKind.UNIVERSITY_CENTRE)))
CLINIC = Condition("clinic", "a psychological clinic open on D (心理门诊)", fact(facility_column(FacilityKind.CLINIC)))
EMPLOYER_ROOM = Condition("employer_room", "a staff counselling room open on D (心理健康辅导室)",
                          fact(facility_column(FacilityKind.EMPLOYER_ROOM)))
REHABILITATION = Condition("rehabilitation_institution", "a community rehabilitation institution open on D",
                           fact(facility_column(FacilityKind.REHABILITATION)))

SURVEYED = Condition("surveyed_in_period", "a survey dated in P", fact("in_period"))
COUNTED = Condition("last_count_in_period", "the last count in P of its area and special group", fact("counted"))
EVENT = Condition("event_in_period", "an emergency dated in P", fact("in_period"))
TIMELY = Condition("timely", "psychological aid within the policy's days of the event", fact("timely"))


def _group(*groups: PopulationGroup) -> Condition:
    name = "_".join(g.name.lower() for g in groups)
    return Condition(f"group_{name}", "population group " + " or ".join(f"{g.code} {g.label}" for g in groups),
                     fact("group").is_in(groups))


def _units(id: str, zh: str, en: str, has: Condition, unit: Condition) -> AreaIndicator:
    return AreaIndicator(Indicator(id, zh, en, "%", (has,), (unit,), section="pilot"), "units")


def _aware(id: str, zh: str, en: str, *groups: PopulationGroup) -> AreaIndicator:
    cond = _group(*groups)
    return AreaIndicator(Indicator(id, zh, en, "%", (SURVEYED, cond), (SURVEYED, cond), section="pilot"), "surveys",
                         "aware", "respondents")


AREA_INDICATORS: tuple[AreaIndicator, ...] = Named("AREA_INDICATORS", (
    _units("village_room_rate", "村（社区）心理咨询室或社会工作室建成率", "village counselling-room rate", ROOM, VILLAGE),
    _units("school_room_rate", "中小学心理辅导室建成率", "school counselling-room rate", SCHOOL_ROOM, PRIMARY_SECONDARY),
    _units("university_centre_rate", "高等院校心理健康教育与咨询中心设立率", "university counselling-centre rate",
           CENTRE, UNIVERSITY),
    _units("psychiatric_clinic_rate", "精神专科医院心理门诊开设率", "psychiatric-hospital clinic rate", CLINIC,
           PSYCHIATRIC),
    _units("general_hospital_clinic_rate", "二级以上综合医院心理门诊开设率", "general-hospital clinic rate", CLINIC,
           GENERAL_2),
    _units("employer_room_rate", "机关企事业单位心理辅导室配备率", "employer counselling-room rate", EMPLOYER_ROOM,
           EMPLOYER),
    _units("rehabilitation_township_rate", "乡镇（街道）社区康复机构覆盖率", "township rehabilitation coverage",
           REHABILITATION, TOWNSHIP),
    _aware("awareness_general", "普通人群心理健康核心知识知晓率", "awareness, general population",
           PopulationGroup.URBAN, PopulationGroup.RURAL),
    _aware("awareness_urban", "城市居民心理健康核心知识知晓率", "awareness, urban residents", PopulationGroup.URBAN),
    _aware("awareness_rural", "农村居民心理健康核心知识知晓率", "awareness, rural residents", PopulationGroup.RURAL),
    _aware("awareness_staff", "机关企事业单位干部职工心理健康核心知识知晓率", "awareness, staff", PopulationGroup.STAFF),
    _aware("awareness_students", "在校学生心理健康核心知识知晓率", "awareness, students", PopulationGroup.STUDENTS),
    AreaIndicator(Indicator("special_group_counselling_rate", "特殊人群个性化心理疏导覆盖率",
                            "special-group counselling coverage", "%", (COUNTED,), (COUNTED,), section="pilot"),
                  "special_groups", "served", "identified"),
    AreaIndicator(Indicator("emergency_response_rate", "突发事件心理援助服务响应及时率", "timely emergency aid", "%",
                            (TIMELY,), (EVENT,), section="pilot"), "emergencies"),
))

#: The patient indicators of the pilot plans, as §6 defines and smi_care evaluates them.
PATIENT_INDICATORS: tuple[Indicator, ...] = Named("PILOT_PATIENT_INDICATORS", tuple(
    standard_by_id(i, STANDARD_INDICATORS) for i in ("standard_management_rate", "treatment_rate",
                                                     "schizophrenia_treatment_rate", "community_rehabilitation_rate",
                                                     "counselling_rate")))

#: The awareness indicators (a period with no survey leaves them without a denominator).
AWARENESS = tuple(a.id for a in AREA_INDICATORS if a.table == "surveys")


def by_id(indicator_id: str, indicators: Iterable[AreaIndicator] = AREA_INDICATORS) -> AreaIndicator:
    """The area indicator with this identifier or Chinese name."""
    indicators = tuple(indicators)
    for a in indicators:
        if indicator_id in (a.id, a.indicator.zh):
            return a
    raise UnknownPilotIndicatorError(f"no pilot indicator {indicator_id!r}; known: "
                                     f"{', '.join(a.id for a in indicators)}")


__all__ = ["AREA_INDICATORS", "AWARENESS", "PATIENT_INDICATORS", "TABLES", "AreaIndicator",
           "UnknownPilotIndicatorError", "by_id"]
