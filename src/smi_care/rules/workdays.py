"""Working days on the official Chinese calendar (严重精神障碍发病报告管理办法（试行），2013 (REPORT2013);
working days and 调休 from the State Council's yearly holiday notices, 国务院办公厅关于放假安排的通知).

Holidays and adjusted working weekends (调休) come from the ``chinese_calendar`` package,
which carries the State Council's notices. A date in a year it does not know raises
:class:`~smi_care.domain.errors.CalendarError` — unless the caller opts in to the
provisional policy, which counts Monday–Friday and marks the result provisional.

>>> import datetime as dt
>>> add_working_days(dt.date(2026, 2, 10), 5).date   # over the 2026 Spring Festival
datetime.date(2026, 2, 24)
"""

from __future__ import annotations

import datetime as dt

import attrs
import chinese_calendar

from smi_care.domain.errors import CalendarError


@attrs.frozen
class WorkdayCalendar:
    """Which calendar counts working days. ``provisional_outside_known_years``: when True,
    a year the official calendar does not know is counted Monday–Friday and the result is
    marked provisional; when False (the default) such a year raises CalendarError."""

    provisional_outside_known_years: bool = False


OFFICIAL = WorkdayCalendar()
PROVISIONAL = WorkdayCalendar(provisional_outside_known_years=True)


def known_years() -> range:
    """The years the official calendar covers."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


@attrs.frozen
class WorkdayAnswer:
    date: dt.date
    provisional: bool = False


def is_working_day(day: dt.date, calendar: WorkdayCalendar = OFFICIAL) -> bool:
    """Whether ``day`` is a working day on the official calendar (provisional: Monday-Friday
    outside the known years); raises
    CalendarError for an unknown year unless the calendar is provisional."""
    return _is_working(day, calendar)[0]


def _is_working(day: dt.date, calendar: WorkdayCalendar) -> tuple[bool, bool]:
    years = known_years()
    if day.year not in years:
        if not calendar.provisional_outside_known_years:
            raise CalendarError(day.year, f"{years.start}-{years.stop - 1}")
        return day.weekday() < 5, True
    return bool(chinese_calendar.is_workday(day)), False


def add_working_days(start: dt.date, days: int, calendar: WorkdayCalendar = OFFICIAL) -> WorkdayAnswer:
    """The ``days``-th working day after ``start`` (``start`` itself not counted): the
    deadline for "within N working days of" ``start``."""
    if days < 0:
        raise ValueError(f"days must not be negative, not {days}")
    day = start
    provisional = False
    left = days
    while left:
        day += dt.timedelta(days=1)
        working, guessed = _is_working(day, calendar)
        provisional = provisional or guessed
        if working:
            left -= 1
    return WorkdayAnswer(day, provisional)


def working_days_between(start: dt.date, end: dt.date, calendar: WorkdayCalendar = OFFICIAL) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, calendar)[0]:
            count += 1
    return count
