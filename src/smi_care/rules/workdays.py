"""Working days on the official Chinese calendar (严重精神障碍发病报告管理办法（试行），2013 (REPORT2013);
working days and 调休 from the State Council's yearly holiday notices, 国务院办公厅关于放假安排的通知).

Holidays and adjusted working weekends (调休) come from the ``chinese_calendar`` package,
which carries the State Council's notices. A date in a year it does not know raises
:class:`~smi_care.domain.errors.CalendarError` — unless the caller opts in to the
provisional calendar (:data:`PROVISIONAL`), which, for a year after the known ones, counts
Monday–Friday less the statutory holidays that can be known without the year's notice
(:func:`provisional_holidays`), with no make-up working days (those are announced each year), and
marks every answer provisional. Where the official calendar knows the year, it wins.

>>> import datetime as dt
>>> add_working_days(dt.date(2026, 2, 10), 5).date   # over the 2026 Spring Festival
datetime.date(2026, 2, 24)
>>> add_working_days(dt.date(2026, 12, 31), 1, PROVISIONAL)   # 2027-01-01 is New Year's Day
WorkdayAnswer(date=datetime.date(2027, 1, 4), provisional=True)
"""

from __future__ import annotations

import datetime as dt
import functools

import attrs
import chinese_calendar
from lunar_python import Lunar, Solar

from smi_care.domain.arguments import checked
from smi_care.domain.checks import is_type
from smi_care.domain.errors import ArgumentValueError, CalendarError
from smi_care.domain.named import short_repr


@short_repr
@attrs.frozen
class WorkdayCalendar:
    """Which calendar counts working days. ``provisional_outside_known_years``: when True,
    a year after those the official calendar knows is counted Monday–Friday less the statutory
    holidays of :func:`provisional_holidays`, and the result is marked provisional; when False
    (the default) such a year raises CalendarError. A year before the known ones raises in
    both cases (the holiday rules were different then)."""

    provisional_outside_known_years: bool = attrs.field(default=False, validator=is_type(bool, "True or False"))


OFFICIAL = WorkdayCalendar()
PROVISIONAL = WorkdayCalendar(provisional_outside_known_years=True)


def known_years() -> range:
    """The years the official calendar covers."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


@attrs.frozen
class WorkdayAnswer:
    """A date, and whether it rests on the provisional calendar (a year the official one does
    not know yet: check it again once the State Council's notice for that year is out)."""

    date: dt.date
    provisional: bool = False


@functools.cache
def provisional_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays of ``year`` that are known without the year's notice, by
    全国年节及纪念日放假办法 (国务院令第795号, 2024 revision, in force from 2025-01-01), 第二条:
    元旦 1 January; 春节 the lunar New Year's Eve (除夕) and 正月初一 to 初三; 清明 the day of the
    清明 solar term; 劳动节 1–2 May; 端午 the 5th of the 5th lunar month; 中秋 the 15th of the 8th
    lunar month; 国庆 1–3 October. Lunar dates and the solar term come from ``lunar_python``.
    The make-up days for a holiday on a weekend (补休) and the adjusted working weekends (调休)
    are set by each year's notice and are not included.

    >>> sorted(d.isoformat() for d in provisional_holidays(2027) if d.month in (2, 4))
    ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05']
    """
    if isinstance(year, bool) or not isinstance(year, int) or not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ArgumentValueError("provisional_holidays", "year", year, f"a year from {dt.MINYEAR} to {dt.MAXYEAR}")
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    first = dt.date(new_year.getYear(), new_year.getMonth(), new_year.getDay())
    spring = {first + dt.timedelta(days=i) for i in range(-1, 3)}
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    lunar = {_solar(Lunar.fromYmd(year, 5, 5)), _solar(Lunar.fromYmd(year, 8, 15)),
             dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())}
    fixed = {dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2), dt.date(year, 10, 1),
             dt.date(year, 10, 2), dt.date(year, 10, 3)}
    return frozenset({d for d in spring | lunar | fixed if d.year == year})


def _solar(day: Lunar) -> dt.date:
    s = day.getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


@checked
def is_working_day(day: dt.date, calendar: WorkdayCalendar = OFFICIAL) -> bool:
    """Whether ``day`` is a working day on the official calendar (provisional: Monday–Friday
    less :func:`provisional_holidays`, after the known years); raises CalendarError for an
    unknown year unless the calendar is provisional."""
    return _is_working(day, calendar, "is_working_day(day=...)")[0]


def _is_working(day: dt.date, calendar: WorkdayCalendar, argument: str) -> tuple[bool, bool]:
    years = known_years()
    if day.year not in years:
        if not calendar.provisional_outside_known_years or day.year < years.start:
            raise CalendarError(day.year, f"{years.start}-{years.stop - 1}", argument)
        return day.weekday() < 5 and day not in provisional_holidays(day.year), True
    return bool(chinese_calendar.is_workday(day)), False


@checked
def add_working_days(start: dt.date, days: int, calendar: WorkdayCalendar = OFFICIAL) -> WorkdayAnswer:
    """The ``days``-th working day after ``start`` (``start`` itself not counted): the
    deadline for "within N working days of" ``start``."""
    return counted_working_days(start, days, calendar, f"add_working_days(start={start.isoformat()}, days={days})")


def counted_working_days(start: dt.date, days: int, calendar: WorkdayCalendar, argument: str) -> WorkdayAnswer:
    """:func:`add_working_days`, with the call a CalendarError should name (``argument``)."""
    if days < 0:
        raise ArgumentValueError(argument.split("(")[0], "days", days, "0 or more working days")
    if days > (dt.date.max - start).days:  # more working days than calendar days left before 9999-12-31
        raise ArgumentValueError(argument.split("(")[0], "days", days,
                                 f"at most {(dt.date.max - start).days:,} (the days left until 9999-12-31)")
    day = start
    provisional = False
    left = days
    while left:
        if day == dt.date.max:
            raise ArgumentValueError(argument.split("(")[0], "start", start.isoformat(),
                                     "a date whose deadline falls on or before 9999-12-31")
        day += dt.timedelta(days=1)
        working, guessed = _is_working(day, calendar, argument)
        provisional = provisional or guessed
        if working:
            left -= 1
    return WorkdayAnswer(day, provisional)


@checked
def working_days_between(start: dt.date, end: dt.date, calendar: WorkdayCalendar = OFFICIAL) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    argument = f"working_days_between(start={start.isoformat()}, end={end.isoformat()})"
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, calendar, argument)[0]:
            count += 1
    return count
