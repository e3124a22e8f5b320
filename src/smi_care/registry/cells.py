"""Parsing and formatting of single cells of the registry format.

Each parser takes the stripped cell text and returns a value, or raises :class:`CellError`
with a stable kind and a reason in plain words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from smi_care.domain.codes import CodedEnum, DangerousAct
from smi_care.domain.errors import CodeError
from smi_care.domain.followup import (
    ActCount,
    DoseSchedule,
    DoseTimes,
    LongActingInjection,
    Medication,
    acts_from,
)

E = TypeVar("E", bound=CodedEnum)


class CellError(ValueError):
    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(reason)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` and nothing else (Python's ``fromisoformat`` also reads
    ``20200508`` and ``2020-W19-5``; the format does not).

    >>> parse_date("2020-05-08")
    datetime.date(2020, 5, 8)
    >>> parse_date("2020-W19-5")
    Traceback (most recent call last):
    smi_care.registry.cells.CellError: is not a date in the form YYYY-MM-DD
    """
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError("bad_date", "is not a date in the form YYYY-MM-DD") from None


def parse_code(kind: type[E], text: str) -> E:
    try:
        if len(text) > 64:  # no code is this long (and int() refuses thousands of digits)
            raise ValueError(text)
        return kind.from_code(text)
    except (CodeError, ValueError):
        raise CellError("bad_code", f"is not a code of {kind.title()}; expected one of {kind.expected()}") from None


def parse_codes(kind: type[E], text: str) -> frozenset[E]:
    parts = [p.strip() for p in text.split(";")]
    return frozenset(parse_code(kind, p) for p in parts if p)


def parse_int(text: str, lo: int, hi: int) -> int:
    """A whole number in ``lo..hi`` (ASCII digits; a number of thousands of digits is refused
    as out of range without being converted)."""
    digits = text.lstrip("-")
    if not (digits.isascii() and digits.isdigit()):
        raise CellError("bad_number", f"is not a whole number (expected {lo} to {hi})")
    if len(digits.lstrip("0")) > len(str(max(abs(lo), abs(hi)))):
        raise CellError("bad_code" if hi <= 9 else "bad_number", f"is outside {lo} to {hi}")
    value = int(text)
    if not lo <= value <= hi:
        raise CellError("bad_code" if hi <= 9 else "bad_number", f"is outside {lo} to {hi}")
    return value


def parse_flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise CellError("bad_code", "expected 1 (yes) or 0 (no)")
    return text == "1"


def parse_acts(text: str) -> tuple[ActCount, ...]:
    """``code:count`` pairs separated by ``;``; a code without a count counts once; 7 is none."""
    pairs: list[tuple[DangerousAct, int]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        code, _, count = part.partition(":")
        act = parse_code(DangerousAct, code)
        n = parse_int(count.strip(), 0, 10_000) if count.strip() else 1
        pairs.append((act, n))
    return acts_from(pairs)


def format_acts(acts: Iterable[ActCount]) -> str:
    return ";".join(f"{a.act.code}:{a.count}" for a in acts)


def format_codes(values: Iterable[CodedEnum]) -> str:
    return ";".join(str(v.code) for v in sorted(values, key=lambda v: v.code))


def parse_medications(text: str) -> tuple[Medication, ...]:
    """A JSON list of ``{"name", "times", "per", "mg"}`` (BPHS2017), ``{"name", "morning_mg",
    "noon_mg", "evening_mg"}`` (WS2018 oral) or ``{"name", "every_weeks", "mg"}`` (injection)."""
    try:
        data = json.loads(text)
        if not isinstance(data, list):
            raise ValueError
        return tuple(_medication(item) for item in data)
    except (ValueError, TypeError, KeyError):
        raise CellError("bad_medication", "is not a JSON list of medications in one of the three dose shapes") from None


def _medication(item: Any) -> Medication:
    name = item["name"]
    if "every_weeks" in item:
        return Medication(name, LongActingInjection(int(item["every_weeks"]), item["mg"]))
    if "times" in item:
        return Medication(name, DoseTimes(int(item["times"]), item.get("per", "day"), item["mg"]))
    return Medication(name, DoseSchedule(item.get("morning_mg", 0.0), item.get("noon_mg", 0.0),
                                         item.get("evening_mg", 0.0)))


def format_medications(meds: Iterable[Medication]) -> str:
    out: list[dict[str, Any]] = []
    for m in meds:
        d = m.dose
        if isinstance(d, LongActingInjection):
            out.append({"name": m.name, "every_weeks": d.every_weeks, "mg": d.mg})
        elif isinstance(d, DoseTimes):
            out.append({"name": m.name, "times": d.times, "per": d.per, "mg": d.mg})
        else:
            out.append({"name": m.name, "morning_mg": d.morning_mg, "noon_mg": d.noon_mg, "evening_mg": d.evening_mg})
    return json.dumps(out, ensure_ascii=False) if out else ""
