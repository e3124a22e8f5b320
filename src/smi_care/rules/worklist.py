"""The day's worklist and alerts for a registry (
严重精神障碍管理治疗工作规范（2018年版） (WS2018), 随访管理 and 应急处置 (tell the police at once;
emergency record within 24 hours);
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 分类干预;
严重精神障碍发病报告管理办法（试行），2013 (REPORT2013)).

Here: the kinds of item, their words and the rule each comes from, the item value, the policy,
the scalar rules of one item (its kind, its details, an emergency record's due day) and the
order. The worklist itself, a rule over each patient's history, is written once, in the columnar
engine (:mod:`smi_care.indicators.worklist_table`: ``worklist_frame`` over a registry's tables,
``record_items`` for one patient's record, ``records_worklist`` for many; docs/architecture.md).

"Today" is a parameter: the list answers for any day ``on``, looking ``within`` days ahead.
Items are ordered by urgency: alerts first, then overdue follow-ups with unstable and
high-risk patients first, then everything else (overdue health checks and report deadlines
before what falls due later), what falls due soonest first. A health check never done shows as
one item whose ``detail`` says "no health check on record".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

import attrs

from smi_care.domain.codes import Classification, LossReason
from smi_care.domain.errors import ArgumentValueError
from smi_care.domain.named import short_repr
from smi_care.rules.schedule import DueReason


class ItemKind(Enum):
    """Kinds of work item, with stable identifiers."""

    ALERT_NOTIFY_POLICE = "alert_notify_police"
    ALERT_EMERGENCY_RECORD_MISSING = "alert_emergency_record_missing"
    ALERT_VISITED_WITHOUT_CONSENT = "alert_visited_without_consent"
    FOLLOWUP_OVERDUE = "followup_overdue"
    FIRST_FOLLOWUP_DUE = "first_followup_due"
    FOLLOWUP_DUE = "followup_due"
    HEALTH_CHECK_DUE = "health_check_due"
    REPORT_DEADLINE = "report_deadline"
    # the county programme's dated tasks (work plans 000, 001, 004)
    ALERT_SUSPECTED_110 = "alert_suspected_110"
    SUSPECTED_WAITING = "suspected_waiting"
    ASSESSMENT_DUE = "assessment_due"
    ENROLMENT_ASSESSMENT_MISSING = "enrolment_assessment_missing"
    SUPPLY_RUNNING_OUT = "supply_running_out"
    DISPENSINGS_SHORT = "dispensings_short"
    TEAM_REVIEW_OVERDUE = "team_review_overdue"
    KEY_PATIENT_NO_TEAM = "key_patient_no_team"
    GUARDIAN_REWARD_TO_CONFIRM = "guardian_reward_to_confirm"

    @property
    def is_alert(self) -> bool:
        return self.value.startswith("alert_")

    @property
    def code(self) -> str:
        """The stable code (the value), as CSV, JSON and ``--kind`` give it."""
        return self.value

    @property
    def label(self) -> str:
        """The Chinese name: ``ItemKind.FOLLOWUP_OVERDUE.label == "随访逾期"``."""
        return KIND_TEXT[self].zh

    @property
    def label_en(self) -> str:
        return KIND_TEXT[self].en

    @property
    def rule(self) -> str:
        """The section and document the item comes from."""
        return KIND_TEXT[self].rule


@attrs.frozen
class KindText:
    """The words of one item kind: its name and next action in Chinese and English, and the
    rule it comes from (section and document, as national-rules.md and the work plans give it)."""

    zh: str
    en: str
    action_zh: str
    action_en: str
    rule: str


_WS = "严重精神障碍管理治疗工作规范（2018年版） (WS2018)"
_BPHS = "国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017)"
_PLANS = "乡镇严重精神障碍患者管理工作计划 (work plans 000/001)"
_PILOT = "社会心理服务体系建设试点工作方案 (work plans 004)"

#: Every kind's words and rule (the one table the outputs read).
KIND_TEXT: dict[ItemKind, KindText] = {
    ItemKind.ALERT_NOTIFY_POLICE: KindText(
        "预警：报告公安", "alert: tell the police", "立即报告公安机关并告知精防机构",
        "tell the police at once and inform the mental-health agency", f"national-rules §5 Alert; {_WS}, 应急处置"),
    ItemKind.ALERT_EMERGENCY_RECORD_MISSING: KindText(
        "预警：应急处置记录缺失", "alert: emergency record missing", "24小时内补填应急处置记录",
        "complete the emergency record within 24 hours", f"national-rules §5 Emergencies; {_WS}, 应急处置"),
    ItemKind.ALERT_VISITED_WITHOUT_CONSENT: KindText(
        "预警：未签知情同意书", "alert: visited without consent", "补签知情同意书，未签署前不纳入随访",
        "obtain the signed consent before visiting again", f"national-rules §2 Informed consent; {_BPHS}"),
    ItemKind.FOLLOWUP_OVERDUE: KindText(
        "随访逾期", "follow-up overdue", "尽快随访", "visit as soon as possible",
        f"national-rules §4 Next date; {_BPHS}, 随访评估/分类干预"),
    ItemKind.FIRST_FOLLOWUP_DUE: KindText(
        "首次随访", "first follow-up due", "按期完成首次随访", "make the first visit by the due date",
        f"national-rules §2 First follow-up (14 days); {_WS}, 随访管理"),
    ItemKind.FOLLOWUP_DUE: KindText(
        "随访到期", "follow-up due", "按期随访", "visit by the due date",
        f"national-rules §4 Next date; {_BPHS}, 随访评估/分类干预"),
    ItemKind.HEALTH_CHECK_DUE: KindText(
        "健康体检", "health check due", "安排年度健康体检", "arrange the annual health check",
        f"national-rules §4 Annual health check; {_BPHS}, 健康体检"),
    ItemKind.REPORT_DEADLINE: KindText(
        "报告期限", "report deadline", "期限内录入信息系统", "enter the case in the information system by the deadline",
        "national-rules §2 Case report deadline; 严重精神障碍发病报告管理办法（试行），2013 (REPORT2013)"),
    ItemKind.ALERT_SUSPECTED_110: KindText(
        "预警：疑似患者报警110", "alert: suspected case, call 110", "立即拨打110报警并送专科机构诊断",
        "call 110 at once and bring the case to a specialist institution",
        f"{_PLANS}, 对危险疑似精神病患者管理"),
    ItemKind.SUSPECTED_WAITING: KindText(
        "疑似患者待确诊", "suspected case waiting for diagnosis", "督促到专科机构确诊",
        "see that the case is diagnosed at a specialist institution", f"{_PLANS}, 加强患者登记报告"),
    ItemKind.ASSESSMENT_DUE: KindText(
        "季度病情评估", "quarterly assessment due", "本季度内完成病情评估", "assess the condition this quarter",
        f"{_PLANS}, 病情评估 (每季度对管理的患者进行1次评估)"),
    ItemKind.ENROLMENT_ASSESSMENT_MISSING: KindText(
        "缺建档全面评估", "enrolment assessment missing", "安排县级及以上专业机构全面评估",
        "arrange the comprehensive assessment by a county-level or higher institution",
        f"national-rules §2 Enrolment (one full assessment); {_PLANS}, 病情评估"),
    ItemKind.SUPPLY_RUNNING_OUT: KindText(
        "免费药品将用完", "free-medication supply running out", "用完前发药", "hand out medication before it runs out",
        "乡镇严重精神障碍患者管理工作计划 (work plans 000/001), 免费服药"),
    ItemKind.DISPENSINGS_SHORT: KindText(
        "发药次数不足", "dispensings short of 4 a year", "补足发药次数", "hand out the missing dispensings",
        "乡镇严重精神障碍患者管理工作计划 (work plan 000), 每年至少四次给精神分裂病病人发药"),
    ItemKind.TEAM_REVIEW_OVERDUE: KindText(
        "个案管理评估逾期", "team review overdue", "召开个案管理小组评估", "hold the team's plan review",
        f"{_PILOT}, 个案管理团队; work plan 001, 个案管理"),
    ItemKind.KEY_PATIENT_NO_TEAM: KindText(
        "重点患者无个案管理小组", "key patient without a team", "组建个案管理小组", "form a case-management team",
        f"{_PILOT}, 个案管理团队; work plan 000, 对三级以上的患者重点管理"),
    ItemKind.GUARDIAN_REWARD_TO_CONFIRM: KindText(
        "监护奖励待确认", "guardian reward to confirm", "确认并发放以奖代补", "confirm the guardian's reward",
        f"{_PILOT}, 有奖监护/以奖代补"),
}


@attrs.frozen
class WorkItem:
    """One thing to do for one patient. ``days_overdue`` is positive when late."""

    kind: ItemKind
    patient_id: str
    due: dt.date
    days_overdue: int
    last_class: Classification | None = None
    last_risk: int | None = None
    detail: str = ""

    @property
    def urgency(self) -> tuple[int, int, int, int, dt.date]:
        """Sort key: alerts, then overdue follow-ups, then the rest; within each, overdue first,
        then unstable/high risk, then the earliest due."""
        unstable = self.last_class is Classification.UNSTABLE
        rank = 0 if self.kind.is_alert else 1 if self.kind is ItemKind.FOLLOWUP_OVERDUE else 2
        return (rank, 0 if self.days_overdue > 0 else 1, 0 if unstable else 1, -(self.last_risk or 0), self.due)


def at_least(minimum: int) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    """An attrs validator: a policy field is a whole number of at least ``minimum``; anything
    else is refused at construction, naming the class, the field, what was expected and the value.

    >>> WorklistPolicy(alert_lookback_days=-1)
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: WorklistPolicy(alert_lookback_days=-1): expected a whole number >= 0
    """
    expected = f"a whole number >= {minimum}"

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ArgumentValueError(type(instance).__name__, attribute.name, value, expected)

    return check


def between(low: int, high: int) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    """An attrs validator: a whole number from ``low`` to ``high``."""
    expected = f"a whole number from {low} to {high}"

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ArgumentValueError(type(instance).__name__, attribute.name, value, expected)

    return check


@short_repr
@attrs.frozen
class WorklistPolicy:
    """``alert_risk_min`` **[3]**: a patient whose last risk level is at least this (or whose
    last class is unstable) triggers a police alert on leaving, going missing or being lost
    (§5). ``alert_lookback_days``: how far back a departure still raises the alert.
    ``emergency_record_hours`` (24): the emergency record is due this long after the event;
    an emergency event with no category recorded is taken as its record missing."""

    alert_risk_min: int = attrs.field(default=3, validator=between(0, 5))
    alert_lookback_days: int = attrs.field(default=30, validator=at_least(0))
    emergency_record_hours: int = attrs.field(default=24, validator=at_least(0))


NATIONAL = WorklistPolicy()

#: The ``detail`` of a health-check item for a patient who has never had one.
NO_HEALTH_CHECK = "no health check on record"
#: The ``detail`` of the police alert for a high-risk patient who transferred out (§5).
TRANSFER_OUT_ALERT = "left the area (transfer out): tell the police at once"
#: The ``detail`` of a follow-up recorded for a patient without signed consent.
NO_CONSENT = "followed up without signed consent"
#: The ``detail`` of a report deadline computed on a calendar year not yet published.
PROVISIONAL_CALENDAR = "provisional calendar"


def lost_alert_detail(reason: LossReason | None) -> str:
    """The ``detail`` of the police alert for a high-risk patient who went missing or is lost (§5).

    >>> lost_alert_detail(LossReason.MISSING)
    'went missing: tell the police at once and inform the mental-health agency'
    """
    why = "went missing" if reason is LossReason.MISSING else "is lost to follow-up"
    return f"{why}: tell the police at once and inform the mental-health agency"


def emergency_record_missing(policy: WorklistPolicy = NATIONAL) -> str:
    """The ``detail`` of an emergency whose record (its category) is missing, with the policy's
    own time limit (WS2018, 应急处置: 24 hours).

    >>> emergency_record_missing()
    'emergency without its record (category), due within 24 hours'
    >>> emergency_record_missing(WorklistPolicy(emergency_record_hours=48))
    'emergency without its record (category), due within 48 hours'
    """
    return f"emergency without its record (category), due within {policy.emergency_record_hours} hours"


def emergency_record_due(day: dt.date, policy: WorklistPolicy = NATIONAL) -> dt.date:
    """The day the emergency record of an emergency on ``day`` is due (``emergency_record_hours``
    later, in whole days: WS2018, 应急处置).

    >>> emergency_record_due(dt.date(2025, 12, 31))
    datetime.date(2026, 1, 1)
    """
    return day + dt.timedelta(hours=policy.emergency_record_hours)


def followup_kind(days_late: int, reason: DueReason) -> ItemKind:
    """The kind of a follow-up item: overdue when late, a first follow-up after enrolment or a
    discharge, else an ordinary one due.

    >>> followup_kind(3, DueReason.SCHEDULED).value, followup_kind(0, DueReason.AFTER_DISCHARGE).value
    ('followup_overdue', 'first_followup_due')
    """
    if days_late > 0:
        return ItemKind.FOLLOWUP_OVERDUE
    if reason in (DueReason.FIRST_AFTER_ENROLMENT, DueReason.AFTER_DISCHARGE):
        return ItemKind.FIRST_FOLLOWUP_DUE
    return ItemKind.FOLLOWUP_DUE


#: The last day a worklist can be made for: the list looks a year ahead of it.
LAST_WORKLIST_DAY = dt.date(9998, 12, 31)


def check_worklist_day(function: str, on: dt.date, within: int) -> None:
    """Refuse a day the worklist cannot be made for: ``on`` must leave a year of calendar ahead
    (the list looks up to a health check a year on), ``within`` be 0 days or more. ``function``
    names the caller in the error.

    >>> check_worklist_day("records_worklist", dt.date(9998, 12, 31), 0)
    >>> check_worklist_day("records_worklist", dt.date.max, 14)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: records_worklist(on=<date>): expected a day up to 9998-12-31 ...
    >>> check_worklist_day("record_items", dt.date(2025, 6, 1), -1)
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: record_items(within=-1): expected 0 days or more
    """
    if on > LAST_WORKLIST_DAY:
        raise ArgumentValueError(function, "on", on, f"a day up to {LAST_WORKLIST_DAY} (the list looks a year ahead)")
    if within < 0:
        raise ArgumentValueError(function, "within", within, "0 days or more")


def by_urgency(items: Iterable[WorkItem]) -> list[WorkItem]:
    """Items most urgent first (:attr:`WorkItem.urgency`, then patient); a patient's items that
    are equally urgent keep the order they came in."""
    return sorted(items, key=lambda i: (i.urgency, i.patient_id))
