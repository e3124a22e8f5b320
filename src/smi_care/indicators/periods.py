"""Reporting periods (national-rules §6): a year, a quarter, a month or any date range.

>>> Period.parse("2025Q3")
Period(start=datetime.date(2025, 7, 1), end=datetime.date(2025, 9, 30))
>>> Period.parse("2025-02").end
datetime.date(2025, 2, 28)
>>> str(Period.parse("2025-01-01..2025-06-30"))
'2025-01-01..2025-06-30'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import attrs

from smi_care.domain.errors import SmiCareError


class PeriodError(SmiCareError, ValueError):
    """A period text that cannot be read."""


@attrs.frozen(order=True)
class Period:
    """A closed date range [start, end]; ``end`` is the reporting day D."""

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period end {self.end.isoformat()} is before its start {self.start.isoformat()}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        if not 1 <= q <= 4:
            raise PeriodError(f"quarter must be 1 to 4, not {q}")
        first = 3 * (q - 1) + 1
        return cls(dt.date(year, first, 1), dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1]))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"month must be 1 to 12, not {month}")
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2025``, ``2025Q3``, ``2025-07`` or ``2025-01-01..2025-06-30``."""
        t = text.strip()
        try:
            if re.fullmatch(r"\d{4}", t):
                return cls.year(int(t))
            if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", t):
                return cls.quarter(int(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
                return cls.month(int(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", t):
                return cls(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2]))
        except ValueError as exc:
            raise PeriodError(f"period {text!r} is not valid: {exc}") from None
        raise PeriodError(f"period {text!r} is not a year (2025), quarter (2025Q3), month (2025-07) "
                          f"or date range (2025-01-01..2025-06-30)")

    @property
    def kind(self) -> str:
        """``year``, ``quarter`` or ``month`` for a whole calendar one, else ``range``: which
        targets may judge the period (:attr:`Target.applies_to <smi_care.indicators.targets.Target.applies_to>`).

        >>> [Period.parse(t).kind for t in ("2025", "2025Q3", "2025-07", "2025-01-01..2025-06-30")]
        ['year', 'quarter', 'month', 'range']
        """
        s, e = self.start, self.end
        if s.day != 1 or s.year != e.year or e.day != calendar.monthrange(e.year, e.month)[1]:
            return "range"
        months = e.month - s.month + 1
        if months == 12:
            return "year"
        if months == 3 and s.month in (1, 4, 7, 10):
            return "quarter"
        return "month" if months == 1 else "range"

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end
