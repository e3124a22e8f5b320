"""Dict/JSON form of domain values, with cattrs.

Codes become their official codes, dates ISO strings, area codes strings. Identifying
fields (name, resident_id, guardian name/phone/address) are removed unless the caller asks
for them with ``include_identifying=True`` (national-rules §10).

>>> import datetime as dt
>>> from smi_care.domain import Event, EventKind
>>> unstructure(Event("P1", dt.date(2025, 1, 2), EventKind.HEALTH_CHECK))["kind"]
'health_check'

Reading is strict: a key the class does not have is refused (a misspelt ``"risk"`` is not
dropped), and every problem is reported at once, one line each with its path, by cattrs' own
``transform_error``, in a :class:`StructureError`:

>>> structure({"patient_id": "P1", "date": "2025-01-02", "kind": "check", "when": 1}, Event)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
smi_care.serial.StructureError: cannot build Event from the data (2 problems):
  $.kind: EventKind (事件) has no code 'check'; expected one of ...
  $: extra fields found (when)

Types are JSON's, strictly (docs/decisions.md, "Strict JSON types"): a string is not a bool
(``"false"`` is not False), a float is not an integer (90.7 is not 90), a bool is not a number,
null is not a text, and NaN and infinity are not numbers:

>>> from smi_care.domain.medication import Dispensing
>>> structure({"patient_id": "P1", "date": "2025-07-01", "drug": "利培酮", "quantity": 90.7,
...            "days_supplied": 30, "free": "false"}, Dispensing)  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
smi_care.serial.StructureError: cannot build Dispensing from the data (2 problems):
  $.quantity: expected an integer, got a number with a fraction (float)
  $.free: expected true or false, got a string
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception

from smi_care.domain.codes import CodedEnum
from smi_care.domain.errors import SmiCareError, cut
from smi_care.domain.followup import Dose
from smi_care.domain.identity import AreaCode, ResidentId
from smi_care.domain.json_types import from_text, strict_types
from smi_care.domain.records import PatientRecord

T = TypeVar("T")


def _is_coded(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, CodedEnum)


def _is_frozenset(t: Any) -> bool:
    return getattr(t, "__origin__", t) is frozenset


def make_converter() -> cattrs.Converter:
    """A converter for every domain class."""
    c = cattrs.Converter(forbid_extra_keys=True)
    strict_types(c)
    c.register_unstructure_hook_func(_is_coded, lambda v: v._value_)
    c.register_structure_hook_func(_is_coded, lambda v, t: t.from_code(v))
    c.register_unstructure_hook(dt.date, lambda v: v.isoformat())
    c.register_unstructure_hook(AreaCode, lambda v: v.code)
    c.register_structure_hook(AreaCode, from_text(AreaCode))
    c.register_unstructure_hook(ResidentId, lambda v: v.value)
    c.register_structure_hook(ResidentId, from_text(ResidentId.parse))
    c.register_unstructure_hook_func(_is_frozenset, lambda v: sorted(c.unstructure(x) for x in v))
    configure_tagged_union(Dose, c)
    return c


_CONVERTER = make_converter()
IDENTIFYING = ("name", "resident_id", "village_contact", "village_phone")
GUARDIAN_IDENTIFYING = ("name", "phone", "address")
FOLLOWUP_IDENTIFYING = ("doctor",)


def unstructure(value: Any, *, include_identifying: bool = False) -> Any:
    """Plain data (dicts, lists, strings, numbers) for any domain value."""
    data = _CONVERTER.unstructure(value)
    if not include_identifying:
        _strip(data)
    return data


def _strip(data: Any) -> None:
    if isinstance(data, dict):
        if "patient_id" in data and "sex" in data:
            for k in IDENTIFYING:
                if k in data:
                    data[k] = None
        if "relation" in data and "phone" in data:
            for k in GUARDIAN_IDENTIFYING:
                data[k] = None
        if "visit_date" in data and "form" in data:
            for k in FOLLOWUP_IDENTIFYING:
                data[k] = None
        for v in data.values():
            _strip(v)
    elif isinstance(data, list):
        for v in data:
            _strip(v)


#: The longest problem line a StructureError shows whole (a longer one is cut, with its size).
LONGEST_PROBLEM = 300


class StructureError(SmiCareError, ValueError):
    """Plain data that does not make the domain value asked for. ``problems`` holds one line per
    problem: the path in the data (``$.followups[2].risk_level``), then what is wrong, with the
    value and the expectation where the library's own error names them (identifying fields are
    never shown)."""

    def __init__(self, kind: str, problems: list[str]) -> None:
        self.kind = kind
        self.problems = tuple(cut(p, LONGEST_PROBLEM) for p in problems)
        n = len(problems)
        super().__init__(f"cannot build {kind} from the data ({n} problem{'s' if n != 1 else ''}):\n  "
                         + "\n  ".join(self.problems))


def _explain(exc: BaseException, kind: type | None) -> str:
    """One problem in words: our own errors as they are (they name value and expectation)."""
    if isinstance(exc, SmiCareError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ValueError) and kind is dt.date:
        return f"{exc}; expected an ISO date (2025-03-14)"
    if isinstance(exc, ValueError | TypeError) and not isinstance(exc, cattrs.BaseValidationError):
        return f"{format_exception(exc, kind)} ({exc})"
    return format_exception(exc, kind)


def _line(problem: str) -> str:
    """cattrs writes ``what @ $.path``; we put the path first."""
    what, sep, path = problem.rpartition(" @ ")
    return f"{path}: {what}" if sep else problem


def structure(data: Any, kind: type[T]) -> T:
    """Build a domain value of ``kind`` from plain data (validation runs as at construction).

    Unknown keys are refused; every problem is reported at once in a :class:`StructureError`."""
    if attrs.has(kind) and not isinstance(data, Mapping):
        raise StructureError(kind.__name__, [f"$: expected an object (a dict of fields), got {type(data).__name__}"])
    try:
        return _CONVERTER.structure(data, kind)
    except (cattrs.BaseValidationError, cattrs.ForbiddenExtraKeysError) as exc:
        raise StructureError(kind.__name__, [_line(p) for p in cattrs.transform_error(exc, "$", _explain)]) from None
    except (SmiCareError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StructureError(kind.__name__, [f"$: {_explain(exc, kind)}"]) from None


def unstructure_record(record: PatientRecord, *, include_identifying: bool = True) -> dict[str, Any]:
    """A patient record as plain data (identifying fields kept: this is for lossless storage)."""
    out: dict[str, Any] = unstructure(record, include_identifying=include_identifying)
    return out


def structure_record(data: dict[str, Any]) -> PatientRecord:
    return structure(data, PatientRecord)
