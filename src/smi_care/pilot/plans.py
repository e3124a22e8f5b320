"""The pilot plans and their targets, as data: each target carries its plan, its year and the
sentence of the plan that sets it (shared reference, work plans 004, file
``004_9577393944194a9c.txt``; sentences quoted as the file has them, in traditional characters,
without the file's pinyin annotations; characters the file garbles are restored in 〔〕).

Several plans set several figures for several years. A caller picks the plans with a
:class:`PlanChoice` — an ordered list of plan ids; the first chosen plan that sets a target for
an indicator gives it, the latest year not after the period's year. The default,
:data:`DEFAULT_PLANS`, is the national pilot plan where the seeds state it (the pilot targets of
:data:`~smi_care.indicators.targets.NATIONAL_TARGETS`, national-rules §8) and, for the area
indicators the seeds do not cover, the Yinchuan city plan (篇三), written "根據…《全國社會心理服務
體系建設試點工作方案》文件精神" and the one plan of the collection that sets a figure for every area
indicator.

>>> t = target_for("village_room_rate", 2021)
>>> (t.threshold, t.year, t.plan)
(80.0, 2021, 'yinchuan')
>>> target_for("general_hospital_clinic_rate", 2020, PlanChoice(("wuhan",))).threshold
20.0
>>> target_for("general_hospital_clinic_rate", 2021, PlanChoice(("wuhan",))).threshold
40.0
>>> target_for("standard_management_rate", 2021, PlanChoice(("wuzhong",))).threshold
90.0
>>> target_for("village_room_rate", 2019) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from smi_care.domain.errors import SmiCareError
from smi_care.domain.named import Named
from smi_care.indicators.targets import NATIONAL_TARGETS

#: The file of the shared reference that holds the plans.
PLAN_FILE = "004_9577393944194a9c.txt"


class UnknownPlanError(SmiCareError, KeyError):
    """A plan id that is not among the plans; names the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown plan"


@attrs.frozen
class PilotPlan:
    """A pilot plan: its id, place, the section of the collection that holds it, and its first line."""

    id: str
    place: str
    section: str
    line: int | None
    note: str = ""

    @property
    def title(self) -> str:
        return f"{self.place}（{self.section}）" if self.section else self.place


@attrs.frozen
class PilotTarget:
    """A threshold (in %) an indicator should reach by the end of ``year``, set by ``plan`` in
    ``sentence`` (line ``line`` of :data:`PLAN_FILE`; for the national seeds, which have no line,
    the sentence is the document and year national-rules §8 cites)."""

    indicator: str
    threshold: float
    year: int
    plan: str
    sentence: str
    line: int | None = None

    def met(self, value: float | None) -> bool | None:
        return None if value is None else value >= self.threshold


NATIONAL = PilotPlan("national", "全国社会心理服务体系建设试点", "national-rules §8", None,
                     "the pilot targets the library seeds (NATIONAL_TARGETS)")
PLANS: tuple[PilotPlan, ...] = Named("PLANS", (
    NATIONAL,
    PilotPlan("wuzhong", "蘇州市吳中區", "篇一", 6),
    PilotPlan("horinger", "和林格爾縣", "篇二", 45, "篇八 (line 299) repeats it"),
    PilotPlan("yinchuan", "銀川市", "篇三", 101),
    PilotPlan("helan", "賀蘭縣", "篇四", 151),
    PilotPlan("wuhan", "武漢市", "篇五", 207),
))

_W11 = "到2021年,全區普通人群心理健康核心知識知曉率至少達到60%。"
_W14 = ("依托區、鎮(街道)、村(社區)三級綜治中心等城鄉社區綜合服務場所,規范設置心理咨詢室或社會工作室,統一標識、統一流程,"
        "2021年底三級建成率均達到100%。")
_W15 = ("到2021年,實現100%的鎮(街道)開展社區康復服務,100%覆蓋有社區康復需求的居家患者,至少有50%居家患者及家屬享受到"
        "基層醫療衛生機構提供的心理疏導服務。")
_W16 = "到2021年,制訂個性化疏導方案,特殊人群個性化心理疏導覆蓋率達到60%。"
_W19 = "依法開展案(事)件處置,在冊患者規范管理率達到90%,在冊患者治療率與精神分裂癥治療率均達到80%。"
_ROOM80 = "以村(社區)為單位,心理咨詢室或社會工作室建成率達80%以上。"
_H52 = "制訂個性化疏導方案,特殊人群個性化心理疏導的覆蓋率達到60%以上。"
_H58 = "城市、農村普通人群心理健康核心知識知曉率達到50%以上。"
_H59 = "依法開展案(事)件處置,使在冊患者規范管理率、在冊患者治療率、精神分裂癥治療率均達到80%以上。"
_H59R = "開辦多種形式的社區康復機構,使居家患者在社區參與康復率達到60%以上。"
_H59C = "〔基層醫〕療衛生機構要對50%以上居家患者及家屬提供心理疏導服務。"
_Y105U = "(二)高等院校100%設立心理健康教育與咨詢中心(室),健全心理健康教育教師隊伍。"
_Y105S = "中小學100%設立心理輔導室,并配備專職或兼職教師,有條件的學校創建心理健康教育特色學校。"
_Y107 = "100%精神〔專科醫〕院設立心理門診,60%二級以上綜合醫院設置心理咨詢中心或開設心理門診。"
_Y111 = "(八)嚴重精神障礙在冊患者規范管理率、在冊患者治療率、精神分裂癥治療率達到80%以上。"
_Y113 = "每個縣(市)區以鄉鎮(街道)為單位,按照覆蓋率30%的要求,開辦多種形式的社區康復機構"
_Y113R = "使居家患者在社區參與康復率達到60%以上。"
_Y113C = "〔基層醫〕療衛生機構對50%以上居家患者及家屬提供心理疏導服務。"
_SPECIAL60 = "特殊人群個性化心理疏導覆蓋率達到60%以上。"
_Y115 = "全市機關企事業單位干部職工、在校學生、城市居民、農村普通人群心理健康核心知識知曉率分別達到85%、85%、70%、50%。"
_EMERGENCY = "突發事件心理援助服務響應及時率100%。"
_HL156 = ("(二)中小學100%設立心理輔導室,并配備專職或兼職教師,有條件的學校創建心理健康教育特色學校"
          "(中等院校依據中小學標準建立)。")
_HL163 = "以鄉鎮(街道)為單位,按照覆蓋率30%的要求,開辦多種形式的社區康復機構"
_HL163C = "基層醫療衛生機構對50%以上居家患者及家屬提供心理疏導服務。"
_HL165 = ("全市機關企事業單位干部職工、在校學生、城市居民、農村普通人群心理健康核心知識知曉率分別達到85%、85%、70%、50%"
          "以上。")
_WH212 = ("普遍設立社區(村)社會工作服務站(心理咨詢室),2020年底之前社區社會工作服務站(心理咨詢室)建成率達到50%以上,"
          "2021年底之前達到80%以上。")
_WH212A = "城市、農村人群心理健康核心知識知曉率達到50%以上。"
_WH213 = "中小學校建立心理輔導室,配備專(兼)職教師,2020年底之前配備率達到70%以上,2021年底之前達到90%以上。"
_WH214 = ("3.黨政機關和企事業單位通過設立心理健康輔導室或者以購買服務等形式,為單位職工提供方便可及的心理健康服務,"
          "2020年底之前配備率達到50%以上,2021年底之前達到80%以上。")
_WH215P = "4.精神衛生〔專科醫〕院開設心理門診實現100%全覆蓋;"
_WH215G = "二級以上綜合醫院開設心理門診,2020年底之前開設率達到20%以上,2021年底之前達到40%以上。"
_WH236 = "確保居家患者社區康復參與率達到60%以上、基層醫療衛生機構對居家患者及家屬提供心理疏導服務率達到50%以上。"

_PATIENT3 = ("standard_management_rate", "treatment_rate", "schizophrenia_treatment_rate")


def _t(plan: str, year: int, line: int, sentence: str, *pairs: tuple[str, float]) -> list[PilotTarget]:
    return [PilotTarget(ind, value, year, plan, sentence, line) for ind, value in pairs]


def _national() -> list[PilotTarget]:
    """The seeds' pilot targets (NATIONAL_TARGETS whose source is a 社会心理服务体系建设试点 document)."""
    return [PilotTarget(t.indicator, t.threshold, t.year, "national", f"{t.source}, {t.year}")
            for t in NATIONAL_TARGETS if "社会心理服务体系建设试点" in t.source]


_AWARE = (("awareness_staff", 85.0), ("awareness_students", 85.0), ("awareness_urban", 70.0),
          ("awareness_rural", 50.0))

PILOT_TARGETS: tuple[PilotTarget, ...] = Named("PILOT_TARGETS", (
    *_national(),
    *_t("wuzhong", 2021, 11, _W11, ("awareness_general", 60.0)),
    *_t("wuzhong", 2021, 14, _W14, ("village_room_rate", 100.0)),
    *_t("wuzhong", 2021, 15, _W15, ("rehabilitation_township_rate", 100.0), ("counselling_rate", 50.0)),
    *_t("wuzhong", 2021, 16, _W16, ("special_group_counselling_rate", 60.0)),
    *_t("wuzhong", 2021, 19, _W19, ("standard_management_rate", 90.0), ("treatment_rate", 80.0),
        ("schizophrenia_treatment_rate", 80.0)),
    *_t("horinger", 2021, 48, _ROOM80, ("village_room_rate", 80.0)),
    *_t("horinger", 2021, 52, _H52, ("special_group_counselling_rate", 60.0)),
    *_t("horinger", 2021, 58, _H58, ("awareness_urban", 50.0), ("awareness_rural", 50.0)),
    *_t("horinger", 2021, 59, _H59, *((i, 80.0) for i in _PATIENT3)),
    *_t("horinger", 2021, 59, _H59R, ("community_rehabilitation_rate", 60.0)),
    *_t("horinger", 2021, 59, _H59C, ("counselling_rate", 50.0)),
    *_t("yinchuan", 2021, 104, _ROOM80, ("village_room_rate", 80.0)),
    *_t("yinchuan", 2021, 105, _Y105U, ("university_centre_rate", 100.0)),
    *_t("yinchuan", 2021, 105, _Y105S, ("school_room_rate", 100.0)),
    *_t("yinchuan", 2021, 107, _Y107, ("psychiatric_clinic_rate", 100.0), ("general_hospital_clinic_rate", 60.0)),
    *_t("yinchuan", 2021, 111, _Y111, *((i, 80.0) for i in _PATIENT3)),
    *_t("yinchuan", 2021, 113, _Y113, ("rehabilitation_township_rate", 30.0)),
    *_t("yinchuan", 2021, 113, _Y113R, ("community_rehabilitation_rate", 60.0)),
    *_t("yinchuan", 2021, 113, _Y113C, ("counselling_rate", 50.0)),
    *_t("yinchuan", 2021, 114, _SPECIAL60, ("special_group_counselling_rate", 60.0)),
    *_t("yinchuan", 2021, 115, _Y115, *_AWARE),
    *_t("yinchuan", 2021, 142, _EMERGENCY, ("emergency_response_rate", 100.0)),
    *_t("helan", 2021, 155, _ROOM80, ("village_room_rate", 80.0)),
    *_t("helan", 2021, 156, _HL156, ("school_room_rate", 100.0)),
    *_t("helan", 2021, 158, _Y107, ("psychiatric_clinic_rate", 100.0), ("general_hospital_clinic_rate", 60.0)),
    *_t("helan", 2021, 161, _Y111, *((i, 80.0) for i in _PATIENT3)),
    *_t("helan", 2021, 163, _HL163, ("rehabilitation_township_rate", 30.0)),
    *_t("helan", 2021, 163, _Y113R, ("community_rehabilitation_rate", 60.0)),
    *_t("helan", 2021, 163, _HL163C, ("counselling_rate", 50.0)),
    *_t("helan", 2021, 164, _SPECIAL60, ("special_group_counselling_rate", 60.0)),
    *_t("helan", 2021, 165, _HL165, *_AWARE),
    *_t("helan", 2021, 196, _EMERGENCY, ("emergency_response_rate", 100.0)),
    *_t("wuhan", 2020, 212, _WH212, ("village_room_rate", 50.0)),
    *_t("wuhan", 2021, 212, _WH212, ("village_room_rate", 80.0)),
    *_t("wuhan", 2021, 212, _WH212A, ("awareness_urban", 50.0), ("awareness_rural", 50.0)),
    *_t("wuhan", 2020, 213, _WH213, ("school_room_rate", 70.0)),
    *_t("wuhan", 2021, 213, _WH213, ("school_room_rate", 90.0)),
    *_t("wuhan", 2020, 214, _WH214, ("employer_room_rate", 50.0)),
    *_t("wuhan", 2021, 214, _WH214, ("employer_room_rate", 80.0)),
    *_t("wuhan", 2021, 215, _WH215P, ("psychiatric_clinic_rate", 100.0)),
    *_t("wuhan", 2020, 215, _WH215G, ("general_hospital_clinic_rate", 20.0)),
    *_t("wuhan", 2021, 215, _WH215G, ("general_hospital_clinic_rate", 40.0)),
    *_t("wuhan", 2021, 236, _WH236, ("community_rehabilitation_rate", 60.0), ("counselling_rate", 50.0)),
))


def plan_by_id(plan_id: str) -> PilotPlan:
    """The plan with this id; a clear error lists the known ones."""
    for p in PLANS:
        if p.id == plan_id:
            return p
    raise UnknownPlanError(f"no pilot plan {plan_id!r}; known: {', '.join(p.id for p in PLANS)}")


def _known(plans: tuple[str, ...]) -> tuple[str, ...]:
    plans = tuple(plans)
    for p in plans:
        plan_by_id(p)
    if not plans:
        raise UnknownPlanError("a plan choice needs at least one plan")
    return plans


@attrs.frozen
class PlanChoice:
    """Which plans' targets judge the figures, in order of preference: for each indicator the
    first plan that sets a target for it gives the target (the latest year not after the
    period's year). ``targets``: the targets to choose from (a caller may add local ones)."""

    plans: tuple[str, ...] = attrs.field(converter=_known)
    targets: tuple[PilotTarget, ...] = attrs.field(default=PILOT_TARGETS, converter=tuple, repr=False)

    @classmethod
    def parse(cls, text: str) -> PlanChoice:
        """``yinchuan`` or ``wuhan,national``: plan ids separated by commas."""
        return cls(tuple(p.strip() for p in text.split(",") if p.strip()))


#: The national pilot plan where the seeds state it, else the Yinchuan city plan (module docstring).
DEFAULT_PLANS = PlanChoice(("national", "yinchuan"))


def target_for(indicator: str, year: int, choice: PlanChoice = DEFAULT_PLANS) -> PilotTarget | None:
    """The target of ``indicator`` for a period ending in ``year`` under ``choice``, or None."""
    for plan in choice.plans:
        found = [t for t in choice.targets if t.plan == plan and t.indicator == indicator and t.year <= year]
        if found:
            return max(found, key=lambda t: t.year)
    return None


def targets_of(plan: str, targets: Iterable[PilotTarget] = PILOT_TARGETS) -> tuple[PilotTarget, ...]:
    """Every target one plan sets."""
    plan_by_id(plan)
    return tuple(t for t in targets if t.plan == plan)


__all__ = ["DEFAULT_PLANS", "PILOT_TARGETS", "PLANS", "PLAN_FILE", "PilotPlan", "PilotTarget", "PlanChoice",
           "UnknownPlanError", "plan_by_id", "target_for", "targets_of"]
