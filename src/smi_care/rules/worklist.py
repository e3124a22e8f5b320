"""The day's worklist and alerts for a registry (
严重精神障碍管理治疗工作规范（2018年版） (WS2018), 随访管理 and 应急处置 (tell the police at once;
emergency record within 24 hours);
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 分类干预;
严重精神障碍发病报告管理办法（试行），2013 (REPORT2013)).

"Today" is a parameter: :func:`worklist` answers for any day ``on``, looking ``within`` days
ahead. Items are ordered by urgency: alerts first, then overdue follow-ups with unstable and
high-risk patients first, then everything else (overdue health checks and report deadlines
before what falls due later), what falls due soonest first. A health check never done shows as
one item whose ``detail`` says "no health check on record".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum

import attrs

from smi_care.domain.arguments import checked
from smi_care.domain.codes import Classification, EventKind, LossReason
from smi_care.domain.named import short_repr
from smi_care.domain.records import PatientRecord
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import DueReason, SchedulePolicy, health_check_due, next_due, report_deadline
from smi_care.rules.status import NATIONAL as NATIONAL_STATUS
from smi_care.rules.status import Covers, StatusPolicy, covers_nothing, is_registered, last_completed, lost_since
from smi_care.rules.workdays import OFFICIAL, WorkdayCalendar


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

    @property
    def is_alert(self) -> bool:
        return self.value.startswith("alert_")


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


@short_repr
@attrs.frozen
class WorklistPolicy:
    """``alert_risk_min`` **[3]**: a patient whose last risk level is at least this (or whose
    last class is unstable) triggers a police alert on leaving, going missing or being lost
    (§5). ``alert_lookback_days``: how far back a departure still raises the alert.
    ``emergency_record_hours`` (24): the emergency record is due this long after the event;
    an emergency event with no category recorded is taken as its record missing."""

    alert_risk_min: int = 3
    alert_lookback_days: int = 30
    emergency_record_hours: int = 24


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


def _high_risk(record: PatientRecord, on: dt.date, policy: WorklistPolicy, classes: ClassificationPolicy
               ) -> tuple[bool, Classification | None, int | None]:
    last = last_completed(record, on)
    if last is None:
        return False, None, None
    cls = effective_class(last, classes)
    risk = last.risk_level
    return (cls is Classification.UNSTABLE or (risk is not None and risk >= policy.alert_risk_min)), cls, risk


@checked
def patient_items(record: PatientRecord, on: dt.date, within: int = 14, covers: Covers = covers_nothing,
                  policy: WorklistPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                  status: StatusPolicy = NATIONAL_STATUS, classes: ClassificationPolicy = NATIONAL_CLASSES,
                  calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """Work items and alerts for one patient on day ``on``."""
    p = record.patient
    pid = p.patient_id
    horizon = on + dt.timedelta(days=within)
    items: list[WorkItem] = []
    high, cls, risk = _high_risk(record, on, policy, classes)
    lookback = on - dt.timedelta(days=policy.alert_lookback_days)
    lost = lost_since(record, on, status)
    registered = is_registered(record, on, covers)

    if high:
        for e in record.events:
            if e.kind is EventKind.TRANSFER_OUT and lookback <= e.date <= on:
                items.append(WorkItem(ItemKind.ALERT_NOTIFY_POLICE, pid, e.date, (on - e.date).days, cls, risk,
                                      TRANSFER_OUT_ALERT))
        if lost is not None and lost.visit_date >= lookback and registered:
            items.append(WorkItem(ItemKind.ALERT_NOTIFY_POLICE, pid, lost.visit_date, (on - lost.visit_date).days,
                                  cls, risk, lost_alert_detail(lost.loss_reason)))

    for e in record.events:
        if e.kind is EventKind.EMERGENCY and e.emergency is None and e.date <= on:
            record_due = emergency_record_due(e.date, policy)
            if (on - e.date).days <= policy.alert_lookback_days:
                items.append(WorkItem(ItemKind.ALERT_EMERGENCY_RECORD_MISSING, pid, record_due,
                                      (on - record_due).days, cls, risk,
                                      emergency_record_missing(policy)))

    if not p.consented and any(f.completed and f.visit_date <= on for f in record.followups):
        last = last_completed(record, on)
        assert last is not None
        items.append(WorkItem(ItemKind.ALERT_VISITED_WITHOUT_CONSENT, pid, last.visit_date, 0, cls, risk,
                              NO_CONSENT))

    if p.diagnosis_date <= on < p.registered_on:
        deadline = report_deadline(p.diagnosis_date, schedule, calendar)
        if deadline.date <= horizon:
            items.append(WorkItem(ItemKind.REPORT_DEADLINE, pid, deadline.date, (on - deadline.date).days,
                                  detail=PROVISIONAL_CALENDAR if deadline.provisional else ""))

    if not registered or lost is not None:
        return items
    due = next_due(record, on, schedule, classes)
    if due is not None and due.date <= horizon:
        late = (on - due.date).days
        items.append(WorkItem(followup_kind(late, due.reason), pid, due.date, late, due.last_class, due.last_risk,
                              due.reason.value))
    check = health_check_due(record, on, schedule)
    if check is not None and check <= horizon:
        never = not any(e.kind is EventKind.HEALTH_CHECK and e.date <= on for e in record.events)
        items.append(WorkItem(ItemKind.HEALTH_CHECK_DUE, pid, check, (on - check).days, cls, risk,
                              NO_HEALTH_CHECK if never else ""))
    return items


@checked
def worklist(records: Iterable[PatientRecord], on: dt.date, within: int = 14, covers: Covers = covers_nothing,
             policy: WorklistPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
             status: StatusPolicy = NATIONAL_STATUS, classes: ClassificationPolicy = NATIONAL_CLASSES,
             calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """Every work item for the registry on ``on``, most urgent first."""
    return by_urgency([i for r in records
                       for i in patient_items(r, on, within, covers, policy, schedule, status, classes, calendar)])


def by_urgency(items: Iterable[WorkItem]) -> list[WorkItem]:
    """Items most urgent first (:attr:`WorkItem.urgency`, then patient); a patient's items that
    are equally urgent keep the order they came in."""
    return sorted(items, key=lambda i: (i.urgency, i.patient_id))
