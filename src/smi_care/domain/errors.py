"""Errors raised by the domain model.

Every error names the class, the field, the value and the rule it broke. Values of
identifying fields (name, identity number, phone, address) are never put in a message:
the field is named and the value is replaced by ``<hidden>`` (national-rules §10).
"""

from __future__ import annotations

from typing import Any

#: Fields whose values identify a person and are never shown (national-rules §10).
PII_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "resident_id",
        "guardian_name",
        "guardian_phone",
        "guardian_address",
        "phone",
        "address",
        "village_contact",
        "village_phone",
        "doctor",
    }
)

HIDDEN = "<hidden>"

#: The longest text of a value a message quotes whole; a longer one is cut, with its size.
LONGEST_QUOTED = 60


def cut(text: str, limit: int = LONGEST_QUOTED) -> str:
    """A text as a message may quote it: whole when it is short, else its first ``limit``
    characters and its size, so a 100 KB cell or payload does not fill the screen.

    >>> cut("abc")
    'abc'
    >>> cut("x" * 100_000)
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (100,000 characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: object) -> str:
    """Any value as a message may quote it (every message that quotes a value goes through
    here): text in quotes, other values as Python writes them, cut by :func:`cut`. An integer
    too long to write (Python refuses to write more than 4,300 digits) is given by its size.

    >>> quoted("1a"), quoted(7), quoted(None)
    ("'1a'", '7', 'None')
    >>> quoted(10 ** 5000)
    '<an integer of 5,001 digits>'
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4000:
        return f"<an integer of {_digits(value):,} digits>"
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except ValueError:  # an object whose text Python refuses to write
        return f"<{type(value).__name__}>"
    return cut(text)


def _digits(value: int) -> int:
    """The number of decimal digits of a (large) integer, without writing it in decimal."""
    n = abs(value)
    guess = int(n.bit_length() * 0.30102999566398120) + 1
    return guess if n >= 10 ** (guess - 1) else guess - 1


def shown(field: str, value: Any) -> str:
    """Return the value as it may appear in a message: hidden for identifying fields, cut
    when long (:func:`quoted`).

    >>> shown("name", "张三")
    '<hidden>'
    >>> shown("risk_level", 7)
    '7'
    """
    if field in PII_FIELDS:
        return HIDDEN
    return quoted(value)


class SmiCareError(Exception):
    """Base class of every error this library raises on purpose."""


class CodeError(SmiCareError, ValueError):
    """A code that is not in its official code list.

    >>> from smi_care.domain.codes import Insight
    >>> Insight.from_code(7)
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.CodeError: Insight (自知力) has no code 7; expected one of 1 完全, 2 不全, 3 缺失
    """

    def __init__(self, enum_name: str, value: object, expected: str) -> None:
        self.enum_name = enum_name
        self.value = value
        self.expected = expected
        # a text code arrives already quoted by CodedEnum.from_code
        super().__init__(f"{enum_name} has no code {cut(value) if isinstance(value, str) else quoted(value)}; "
                         f"expected one of {expected}")


class DomainError(SmiCareError, ValueError):
    """A value that breaks an invariant of a domain class.

    Attributes name the class, the field, the (possibly hidden) value and the rule.
    """

    def __init__(self, cls: str, field: str, value: Any, rule: str, record: str | None = None,
                 dated: str | None = None) -> None:
        self.cls = cls
        self.field = field
        self.value_shown = shown(field, value)
        self.rule = rule
        self.record = record
        #: Which of the record's follow-ups or events: its visit date or event date (ISO), when known.
        self.dated = dated
        where = f" (record {record}" + (f", dated {dated}" if dated else "") + ")" if record else (
            f" (dated {dated})" if dated else "")
        super().__init__(f"{cls}{where}: field {field} = {self.value_shown}: {rule}")


class IdentityError(SmiCareError, ValueError):
    """An identity number that fails validation. The number itself is never shown."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"resident_id {reason}")


class AreaCodeError(SmiCareError, ValueError):
    """An area code that is not 6, 9 or 12 digits."""


class CalendarError(SmiCareError, LookupError):
    """A working-day question about a year the official calendar does not yet cover.

    ``argument`` names the argument whose date fell outside the known years (e.g.
    ``report_deadline(diagnosis=...)``), so the caller knows which value to look at.
    """

    def __init__(self, year: int, known: str, argument: str | None = None) -> None:
        self.year = year
        self.argument = argument
        about = f" (from {argument})" if argument else ""
        super().__init__(
            f"the official working-day calendar for {year}{about} is not known "
            f"(known years: {known}); pass calendar=PROVISIONAL (smi_care.rules.PROVISIONAL) for a provisional "
            "answer that skips the statutory holidays known by date and by the lunar calendar, without make-up days"
        )


class ArgumentTypeError(SmiCareError, TypeError):
    """A public function called with a value of the wrong type (docs/decisions.md, "Arguments of
    the public functions"). Names the function, the parameter, the type given, the type expected
    and how to convert; the value itself is shown only when it is a short scalar and the parameter
    is not an identifying field.

    >>> print(ArgumentTypeError("next_visit_date", "classification", 1, "Classification",
    ...                         "convert with Classification.from_code(1)"))
    next_visit_date(classification=1): got int, expected Classification; convert with Classification.from_code(1)
    """

    def __init__(self, function: str, parameter: str, value: object, expected: str, advice: str = "") -> None:
        self.function = function
        self.parameter = parameter
        self.given = type(value).__name__
        self.expected = expected
        self.advice = advice
        super().__init__(f"{function}({parameter}={brief(parameter, value)}): got {self.given}, expected {expected}"
                         + (f"; {advice}" if advice else ""))


class ArgumentValueError(SmiCareError, ValueError):
    """A public function called with a value of the right type outside its range (a negative
    number of days, a year before 1). Names the function, the parameter, the value and the range.

    >>> print(ArgumentValueError("add_working_days", "days", -1, "0 or more"))
    add_working_days(days=-1): expected 0 or more
    """

    def __init__(self, function: str, parameter: str, value: object, expected: str) -> None:
        self.function = function
        self.parameter = parameter
        self.expected = expected
        super().__init__(f"{function}({parameter}={brief(parameter, value)}): expected {expected}")


def brief(field: str, value: object) -> str:
    """A value as an argument error may show it: short scalars as they are, identifying fields
    hidden, anything else (dicts, records, lists) by its type only.

    >>> brief("classification", 1), brief("name", "张三"), brief("f", {"risk_level": 0})
    ('1', '<hidden>', '<dict>')
    """
    if field in PII_FIELDS:
        return HIDDEN
    if value is None or isinstance(value, bool | int | float):
        return quoted(value) if isinstance(value, int) and not isinstance(value, bool) else repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 30 else repr(value[:27] + "...") + f" ({len(value):,} characters)"
    return f"<{type(value).__name__}>"


class TextCodeError(SmiCareError, AttributeError):
    """``.code`` asked of a code list whose codes are words (``Action.NOTIFY_POLICE.code``):
    those members have ``.text_code`` instead."""

    def __init__(self, member: str, text_code: object) -> None:
        super().__init__(f"{member} has a text code, not a numeric one: use .text_code ({text_code!r})")
