"""Follow-up scheduling.

Source: 严重精神障碍管理治疗工作规范（2018年版） (WS2018), 随访管理
(first follow-up within 14 days of enrolment or discharge);
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 分类干预
(14 days, 3 months) and 健康体检;
严重精神障碍发病报告管理办法（试行），2013 (REPORT2013) (10 and 5 working days).

Unstable and basically stable: visit + 14 days; stable: visit + 3 calendar months, the last
day of the month when that day does not exist (11-30 → 02-28/29, 08-31 → 11-30). First
follow-up after enrolment or a discharge: within 14 days. A not-reached attempt: next attempt
within 14 days, the schedule of the last completed follow-up still standing.

>>> import datetime as dt
>>> from smi_care.domain import Classification
>>> next_visit_date(dt.date(2025, 11, 30), Classification.STABLE)
datetime.date(2026, 2, 28)
>>> next_visit_date(dt.date(2025, 8, 31), Classification.STABLE)
datetime.date(2025, 11, 30)
>>> next_visit_date(dt.date(2025, 3, 1), Classification.UNSTABLE)
datetime.date(2025, 3, 15)
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import attrs
from dateutil.relativedelta import relativedelta

from smi_care.domain.arguments import checked, checked_with
from smi_care.domain.checks import whole_at_least
from smi_care.domain.codes import Classification
from smi_care.domain.errors import ArgumentValueError
from smi_care.domain.followup import FollowUp
from smi_care.domain.named import short_repr
from smi_care.domain.records import PatientRecord
from smi_care.rules.workdays import OFFICIAL, WorkdayAnswer, WorkdayCalendar, counted_working_days


@short_repr
@attrs.frozen
class SchedulePolicy:
    """Intervals of §2 and §4 **[defaults]**, replaceable by a caller.

    ``annual_minimum`` (4) is the *calendar-year minimum* of the service specification
    (BPHS2017, 随访评估: at least 4 follow-ups a year), checked by :func:`meets_annual_minimum`
    on whole calendar years. It is not the standard-management count of the indicators:
    ``StandardPolicy.per_year`` (also 4) is pro-rated over any reporting period (one per started
    3-month block). Both are meant; they answer different questions and can be set apart."""

    unstable_days: int = attrs.field(default=14, validator=whole_at_least(0))
    basically_stable_days: int = attrs.field(default=14, validator=whole_at_least(0))
    stable_months: int = attrs.field(default=3, validator=whole_at_least(1))
    first_followup_days: int = attrs.field(default=14, validator=whole_at_least(0))
    after_discharge_days: int = attrs.field(default=14, validator=whole_at_least(0))
    not_reached_retry_days: int = attrs.field(default=14, validator=whole_at_least(0))
    annual_minimum: int = attrs.field(default=4, validator=whole_at_least(1))
    health_check_months: int = attrs.field(default=12, validator=whole_at_least(1))
    report_working_days: int = attrs.field(default=10, validator=whole_at_least(0))
    paper_entry_working_days: int = attrs.field(default=5, validator=whole_at_least(0))


NATIONAL = SchedulePolicy()


RANGE = f"{dt.date.min.isoformat()}..{dt.date.max.isoformat()}"


def _out_of_range(function: str, parameter: str, day: dt.date, latest: dt.date | None) -> ArgumentValueError:
    """The error for a date whose answer would fall outside the calendar Python can write."""
    if latest is None:  # an interval so long (or negative) that no day has an answer in range
        return ArgumentValueError(function, parameter, day.isoformat(), f"a date whose answer stays within {RANGE}")
    return ArgumentValueError(function, parameter, day.isoformat(),
                              f"a date from {dt.date.min.isoformat()} to {latest.isoformat()} (the answer must stay "
                              f"within {RANGE})")


def days_later(function: str, parameter: str, day: dt.date, days: int) -> dt.date:
    """``day`` + ``days``; a day too late for the answer to exist is refused with an
    :class:`ArgumentValueError` naming ``function``'s ``parameter`` and the dates it may take.

    >>> days_later("retry_date", "attempt", dt.date.max, 14)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: retry_date(attempt='9999-12-31'): expected a date from
    0001-01-01 to 9999-12-17 (the answer must stay within 0001-01-01..9999-12-31)
    """
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        latest = dt.date.max - dt.timedelta(days=days) if 0 <= days < (dt.date.max - dt.date.min).days else None
        raise _out_of_range(function, parameter, day, latest) from None


def months_later(function: str, parameter: str, day: dt.date, months: int) -> dt.date:
    """``day`` + ``months`` calendar months (clamped to the month's last day), refused like
    :func:`days_later` when the answer would be after 9999-12-31."""
    try:
        result: dt.date = day + relativedelta(months=months)
    except (OverflowError, ValueError):
        latest = None
        if 0 <= months < 12 * dt.MAXYEAR:
            # the first month (as year * 12 + month - 1) whose days would land after December 9999
            year, month = divmod(dt.MAXYEAR * 12 + 12 - months, 12)
            latest = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        raise _out_of_range(function, parameter, day, latest) from None
    return result


@checked
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's last day (relativedelta semantics).
    A result after 9999-12-31 (or before 0001-01-01) is refused with an
    :class:`~smi_care.domain.errors.ArgumentValueError` naming ``day`` and its valid range."""
    return months_later("add_months", "day", day, months)


@checked_with(if_none={"classification": "a follow-up without a class (reached nobody, or in hospital and "
                                       "unassessed) has no class interval: use retry_date(visit) (+14 days) or "
                                       "followup_next_date(followup, None)"})
def next_visit_date(visit: dt.date, classification: Classification, policy: SchedulePolicy = NATIONAL) -> dt.date:
    """The latest date the next follow-up is due after a classified follow-up (§4).

    Only a :class:`Classification` is taken: a code from a form is converted first
    (``Classification.from_code(1)``), and None (no class) is refused, not read as stable."""
    if classification is Classification.UNSTABLE:
        return days_later("next_visit_date", "visit", visit, policy.unstable_days)
    if classification is Classification.BASICALLY_STABLE:
        return days_later("next_visit_date", "visit", visit, policy.basically_stable_days)
    return months_later("next_visit_date", "visit", visit, policy.stable_months)


@checked
def retry_date(attempt: dt.date, policy: SchedulePolicy = NATIONAL) -> dt.date:
    """The latest date of the next attempt after a follow-up that reached nobody (未访到):
    ``not_reached_retry_days`` (14) later (严重精神障碍管理治疗工作规范（2018年版） (WS2018), 随访管理).

    >>> retry_date(dt.date(2025, 12, 25))
    datetime.date(2026, 1, 8)
    """
    return days_later("retry_date", "attempt", attempt, policy.not_reached_retry_days)


@checked
def after_discharge_date(day: dt.date, policy: SchedulePolicy = NATIONAL) -> dt.date:
    """The latest date of the first follow-up after a discharge, or after a follow-up that found
    the patient in hospital (to check on discharge): ``after_discharge_days`` (14) later
    (WS2018, 随访管理: 出院后 2 周内随访)."""
    return days_later("after_discharge_date", "day", day, policy.after_discharge_days)


@checked
def followup_next_date(f: FollowUp, classification: Classification | None,
                       policy: SchedulePolicy = NATIONAL) -> dt.date:
    """The latest date of the next follow-up judged from one follow-up alone: by its class when
    it has one (:func:`next_visit_date`), 14 days after an in-hospital follow-up without a class,
    and the retry date after one that reached nobody.

    >>> from smi_care.domain import FollowUp, FollowUpForm
    >>> followup_next_date(FollowUp("P1", dt.date(2025, 3, 1), FollowUpForm.HOME), None)
    datetime.date(2025, 3, 15)
    """
    if classification is not None:
        return next_visit_date(f.visit_date, classification, policy)
    if f.completed:
        return after_discharge_date(f.visit_date, policy)
    return retry_date(f.visit_date, policy)


class DueReason(Enum):
    """Why a follow-up is due."""

    FIRST_AFTER_ENROLMENT = "first_after_enrolment"
    AFTER_DISCHARGE = "after_discharge"
    RETRY_NOT_REACHED = "retry_not_reached"
    SCHEDULED = "scheduled"
    IN_HOSPITAL = "in_hospital"


@attrs.frozen
class NextDue:
    """When the next follow-up is due, why, and the class of the last completed follow-up."""

    date: dt.date
    reason: DueReason
    last_class: Classification | None
    last_risk: int | None


@checked
def meets_annual_minimum(record: PatientRecord, year: int, policy: SchedulePolicy = NATIONAL) -> bool:
    """At least ``annual_minimum`` (4) completed follow-ups in the calendar year (§4)."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ArgumentValueError("meets_annual_minimum", "year", year, f"a year from {dt.MINYEAR} to {dt.MAXYEAR}")
    from smi_care.rules.status import completed_in  # a history rule: the columnar engine, loaded when asked

    return len(completed_in(record, dt.date(year, 1, 1), dt.date(year, 12, 31))) >= policy.annual_minimum


class ReportRoute(Enum):
    """How a confirmed case reaches the information system (``REPORT2013``)."""

    NETWORK = "network"  # the reporting unit enters it within 10 working days of diagnosis
    PAPER = "paper"  # a unit without network access: paper in 10 days, county enters in 5 of receipt


@checked
def report_deadline(diagnosis: dt.date, policy: SchedulePolicy = NATIONAL,
                    calendar: WorkdayCalendar = OFFICIAL) -> WorkdayAnswer:
    """The last day to enter a case diagnosed on ``diagnosis`` (10 working days, §2)."""
    return counted_working_days(diagnosis, policy.report_working_days, calendar,
                                f"report_deadline(diagnosis={diagnosis.isoformat()})")


@checked
def paper_entry_deadline(received: dt.date, policy: SchedulePolicy = NATIONAL,
                         calendar: WorkdayCalendar = OFFICIAL) -> WorkdayAnswer:
    """The last day for the county agency to enter a paper report received on ``received`` (5 working days)."""
    return counted_working_days(received, policy.paper_entry_working_days, calendar,
                                f"paper_entry_deadline(received={received.isoformat()})")
