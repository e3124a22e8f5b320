"""Partial results as JSON: what a county sends so that a city or province adds it up.

A :class:`~smi_care.indicators.evaluate.Partial` holds counts, not patients, so it can leave
the county: it is written with its period, breakdown, evaluation policy, the full
definitions of its indicators (expressions as data), the number of follow-ups in the period and
its sources (counties and a fingerprint of the patient ids, never the ids), and read back equal.

>>> from smi_care.indicators import Period, evaluate
>>> p = evaluate([], Period.parse("2025Q3"))
>>> loads(dumps(p)) == p
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from smi_care.domain.errors import SmiCareError
from smi_care.domain.identity import AreaCode
from smi_care.domain.records import PopulationEntry
from smi_care.indicators.definitions import Indicator
from smi_care.indicators.evaluate import EvaluationPolicy, Partial, Source, by_name, parse_by
from smi_care.indicators.periods import Period

FORMAT = "smi_care.partial/1"


class PartialFormatError(SmiCareError, ValueError):
    """A file that is not a partial result this version can read."""


def _policy_converter() -> cattrs.Converter:
    c = cattrs.Converter(forbid_extra_keys=True)
    c.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    c.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))
    return c


_POLICY = _policy_converter()


def _field(name: str, value: Any) -> Any:
    if name == "period":
        return str(value)
    if name == "by":
        return by_name(value)
    if name == "indicators":
        return [i.to_data() for i in value]
    if name == "policy":
        return _POLICY.unstructure(value)
    if name == "counts":
        return [[ind, group, n, d] for (ind, group), (n, d) in sorted(value.items())]
    if name == "population":
        return [[p.area_code.code, p.year, p.population] for p in sorted(value, key=lambda p: (p.area_code, p.year))]
    if name == "sources":
        return [[x.id, x.fingerprint, x.patients] for x in sorted(value)]
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def _value(name: str, data: Any, kind: Any) -> Any:
    if name == "period":
        return Period.parse(data)
    if name == "by":
        return parse_by(data)
    if name == "indicators":
        return tuple(Indicator.from_data(i) for i in data)
    if name == "policy":
        return _POLICY.structure(data, EvaluationPolicy)
    if name == "counts":
        return {(str(i), str(g)): (int(n), int(d)) for i, g, n, d in data}
    if name == "population":
        return frozenset(PopulationEntry(AreaCode(a), int(y), int(n)) for a, y, n in data)
    if name == "sources":
        return frozenset(Source(str(i), str(f), int(n)) for i, f, n in data)
    if name == "followups_in_period":
        return None if data is None else int(data)
    if isinstance(data, list):
        return frozenset(data)
    return data


def to_data(partial: Partial) -> dict[str, Any]:
    """The partial as JSON-ready data."""
    out: dict[str, Any] = {"format": FORMAT}
    for f in attrs.fields(Partial):
        out[f.name] = _field(f.name, getattr(partial, f.name))
    return out


def from_data(data: Mapping[str, Any], source: str = "the data") -> Partial:
    """The partial that :func:`to_data` wrote; a clear error names what is wrong."""
    if data.get("format") != FORMAT:
        raise PartialFormatError(f"{source} is not a smi_care partial result (format {data.get('format')!r}, "
                                 f"expected {FORMAT!r})")
    names = {f.name for f in attrs.fields(Partial)}
    unknown = sorted(set(data) - names - {"format"})
    if unknown:
        raise PartialFormatError(f"{source} has unknown field(s) {', '.join(unknown)}")
    kw: dict[str, Any] = {}
    for f in attrs.fields(Partial):
        if f.name in data:
            try:
                kw[f.name] = _value(f.name, data[f.name], f.type)
            except (ValueError, KeyError, TypeError, cattrs.BaseValidationError) as exc:
                raise PartialFormatError(f"{source}: field {f.name} cannot be read: {exc}") from None
    return Partial(**kw)


def dumps(partial: Partial) -> str:
    return json.dumps(to_data(partial), ensure_ascii=False)


def loads(text: str, source: str = "the text") -> Partial:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PartialFormatError(f"{source} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PartialFormatError(f"{source} is not a smi_care partial result")
    return from_data(data, source)


def save(partial: Partial, path: str | Path) -> None:
    Path(path).write_text(dumps(partial), encoding="utf-8")


def load(path: str | Path) -> Partial:
    p = Path(path)
    return loads(p.read_text(encoding="utf-8"), p.name)
