"""Names in Chinese and English for what the outputs show: indicators, column headings,
breakdown groups and work-item kinds.

The Chinese names of the indicators are those of 严重精神障碍管理治疗工作规范（2018年版）
(WS2018) and of the national work plans as national-rules §6 gives them; the labels of coded
values are the official ones each code list in :mod:`smi_care.domain.codes` carries.

>>> indicator_name("standard_management_rate", "zh")
'在册患者规范管理率'
>>> indicator_name("standard_management_rate", "both")
'在册患者规范管理率 / standard management rate'
>>> find_indicator("规范管理率").id
'standard_management_rate'
>>> group_label("sex", "1", lang="zh"), group_label("sex", "2", lang="en")
('男', 'female')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal

from smi_care.domain.codes import Disorder, Sex
from smi_care.domain.identity import AreaLevel
from smi_care.registry.areas import NO_NAMES, AreaNames

if TYPE_CHECKING:
    from smi_care.indicators.definitions import Indicator

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def _indicators() -> tuple[Indicator, ...]:
    from smi_care.indicators.definitions import STANDARD_INDICATORS

    return STANDARD_INDICATORS


def _lookup(indicator_id: str, indicators: Iterable[Indicator] | None = None) -> Indicator | None:
    return next((i for i in (indicators or _indicators()) if i.id == indicator_id), None)


def indicator_name(indicator_id: str, lang: Lang | Literal["both"] = "both",
                   indicators: Iterable[Indicator] | None = None) -> str:
    """The indicator's name in ``zh``, ``en`` or ``both`` ("中文 / English"); the id when unknown."""
    ind = _lookup(indicator_id, indicators)
    if ind is None:
        return indicator_id
    if lang == "zh":
        return ind.zh
    if lang == "en":
        return ind.en
    return f"{ind.zh} / {ind.en}"


#: The register prefix the official names share (在册患者…率), left out when matching short names.
_PREFIX = "在册患者"


def find_indicator(text: str, indicators: Iterable[Indicator] | None = None) -> Indicator:
    """The indicator named by its id, its Chinese name (with or without 在册患者) or its
    English name. An unknown or ambiguous name raises ``KeyError`` listing the known ones."""
    inds = tuple(indicators or _indicators())
    t = text.strip()
    keys: tuple[Callable[[Indicator], str], ...] = (
        lambda i: i.id, lambda i: i.zh, lambda i: i.en.lower(), lambda i: i.zh.removeprefix(_PREFIX))
    for key in keys:
        found = [i for i in inds if key(i) in (t, t.lower())]
        if len(found) == 1:
            return found[0]
    found = [i for i in inds if t and t in i.zh]
    if len(found) == 1:
        return found[0]
    known = "; ".join(f"{i.id} {i.zh}" for i in inds)
    what = "is ambiguous" if found else "is not an indicator"
    raise KeyError(f"{text!r} {what}; known: {known}")


#: Column headings: key → (Chinese, English).
HEADERS: dict[str, tuple[str, str]] = {
    "indicator": ("指标", "indicator"), "indicator_id": ("指标代码", "indicator id"), "group": ("分组", "group"),
    "area": ("地区", "area"), "area_code": ("地区代码", "area code"), "area_name": ("地区名称", "area name"),
    "numerator": ("分子", "numerator"), "denominator": ("分母", "denominator"), "value": ("值", "value"),
    "unit": ("单位", "unit"), "target": ("目标值", "target"), "target_year": ("目标年份", "target year"),
    "target_source": ("目标来源", "target source"), "met": ("是否达标", "met"), "total": ("合计", "total"),
    "period": ("时期", "period"), "kind": ("事项", "item"), "patient_id": ("患者编号", "patient id"),
    "kind_name": ("事项", "item"), "last_class_name": ("上次分类", "last class"),
    "due": ("应随访日期", "due"), "visit_date": ("随访日期", "visit date"), "status": ("状态", "status"),
    "next_action": ("下一步", "next action"),
    "last_class": ("上次分类", "last class"), "last_risk": ("上次危险性", "last risk"),
    "township": ("乡镇（街道）", "township"), "village": ("村（居）", "village"), "file": ("文件", "file"),
    "line": ("行", "line"), "column": ("列", "column"), "reason": ("原因", "reason"), "read": ("读入", "read"),
    "accepted": ("接受", "accepted"), "rejected": ("拒收", "rejected"), "problem_kind": ("问题类型", "problem"),
    "field": ("字段", "field"), "recorded": ("记录值", "recorded"), "expected": ("应为", "expected"),
    "below_target": ("低于目标值", "below target"), "yes": ("是", "yes"), "no": ("否", "no"),
}


def header(key: str, lang: Lang = "zh") -> str:
    """A column heading in the language; the key itself when there is none."""
    pair = HEADERS.get(key)
    return key if pair is None else pair[0 if lang == "zh" else 1]


_SEX_EN = {Sex.UNKNOWN: "unknown", Sex.MALE: "male", Sex.FEMALE: "female", Sex.UNSTATED: "unstated"}
_LEVEL_ZH = {AreaLevel.PROVINCE: "省", AreaLevel.CITY: "市", AreaLevel.COUNTY: "县（区）",
             AreaLevel.TOWNSHIP: "乡镇（街道）", AreaLevel.VILLAGE: "村（居）"}


def level_name(level: AreaLevel, lang: Lang = "zh") -> str:
    """``乡镇（街道）`` or ``township``."""
    return _LEVEL_ZH[level] if lang == "zh" else level.name.lower()


def group_label(by: str | None, group: str, areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> str:
    """How a breakdown group is shown: the total, an area with its name, 男/女 for a sex code,
    the disorder's label for a disorder code; anything else (an age band) as it is."""
    if not group:
        return header("total", lang)
    try:
        if by == "sex":
            sex = Sex.from_code(group)
            return sex.label if lang == "zh" else _SEX_EN[sex]
        if by == "disorder":
            d = Disorder.from_code(group)
            return d.label if lang == "zh" else d.english
    except ValueError:
        return group
    if by in ("province", "city", "county", "township", "village"):
        return areas.label(group)
    return group


#: Work-item kinds (national-rules §2, §4, §5): value → (Chinese, English, next action zh, next action en).
ITEM_KINDS: dict[str, tuple[str, str, str, str]] = {
    "alert_notify_police": ("预警：报告公安", "alert: tell the police", "立即报告公安机关并告知精防机构",
                            "tell the police at once and inform the mental-health agency"),
    "alert_emergency_record_missing": ("预警：应急处置记录缺失", "alert: emergency record missing",
                                       "24小时内补填应急处置记录", "complete the emergency record within 24 hours"),
    "alert_visited_without_consent": ("预警：未签知情同意书", "alert: visited without consent",
                                      "补签知情同意书，未签署前不纳入随访",
                                      "obtain the signed consent before visiting again"),
    "followup_overdue": ("随访逾期", "follow-up overdue", "尽快随访", "visit as soon as possible"),
    "first_followup_due": ("首次随访", "first follow-up due", "按期完成首次随访", "make the first visit by the due date"),
    "followup_due": ("随访到期", "follow-up due", "按期随访", "visit by the due date"),
    "health_check_due": ("健康体检", "health check due", "安排年度健康体检", "arrange the annual health check"),
    "report_deadline": ("报告期限", "report deadline", "期限内录入信息系统",
                        "enter the case in the information system by the deadline"),
}

#: Overdue by more than this many days: say since when, not how many days.
LONG_OVERDUE_DAYS = 90


def item_kind(kind: str, lang: Lang = "zh") -> str:
    """The name of a work-item kind (``随访逾期`` / ``follow-up overdue``)."""
    entry = ITEM_KINDS.get(kind)
    return kind if entry is None else entry[0 if lang == "zh" else 1]


def next_action(kind: str, lang: Lang = "zh") -> str:
    """What to do next for a work item of this kind, in words."""
    entry = ITEM_KINDS.get(kind)
    return "" if entry is None else entry[2 if lang == "zh" else 3]


def item_status(kind: str, due: str, days_overdue: int, detail: str = "", lang: Lang = "zh") -> str:
    """When, in words: ``no health check on record``, ``overdue since 2024-03-01`` (long
    overdue), ``12 days late``, ``due today`` or ``due in 5 days``.

    >>> item_status("health_check_due", "2010-05-01", 5622, "no health check on record", "en")
    'no health check on record'
    >>> item_status("followup_overdue", "2024-03-01", 400, lang="en"), item_status("followup_due", "2025-01-09", -3)
    ('overdue since 2024-03-01', '3天后到期')
    """
    zh = lang == "zh"
    if kind == "health_check_due" and detail == "no health check on record":
        return "无体检记录" if zh else detail
    if days_overdue > LONG_OVERDUE_DAYS:
        return f"自{due}起逾期" if zh else f"overdue since {due}"
    if days_overdue > 0:
        return f"逾期{days_overdue}天" if zh else f"{days_overdue} days late"
    if days_overdue == 0:
        return "今天到期" if zh else "due today"
    return f"{-days_overdue}天后到期" if zh else f"due in {-days_overdue} days"


_OTHER_BREAKDOWNS = {"sex": ("性别", "sex"), "age": ("年龄组", "age"), "disorder": ("疾病", "disorder")}


def breakdown_name(by: str | None, lang: Lang = "zh") -> str:
    """The name of a breakdown: ``乡镇（街道）``/``township``, ``性别``/``sex``, ...; the total for None.

    >>> breakdown_name("township"), breakdown_name("sex", "en")
    ('乡镇（街道）', 'sex')
    """
    if by is None:
        return header("total", lang)
    if by in _OTHER_BREAKDOWNS:
        return _OTHER_BREAKDOWNS[by][0 if lang == "zh" else 1]
    return level_name(AreaLevel.parse(by), lang)
