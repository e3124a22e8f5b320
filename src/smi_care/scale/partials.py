"""Partial results as JSON: what a county sends so that a city or province adds it up.

A :class:`~smi_care.indicators.evaluate.Partial` holds counts, not patients, so it can leave
the county: it is written with its period, breakdown, evaluation policy, the full
definitions of its indicators (expressions as data), the number of follow-ups in the period,
its sources (counties and a fingerprint of the patient ids, never the ids) and a checksum of
all of that, and read back equal.

>>> from smi_care.indicators import Period, evaluate
>>> p = evaluate([], Period.parse("2025Q3"))
>>> loads(dumps(p)) == p
True

A partial that cannot be merged wrongly (docs/decisions.md, "Partial results that cannot be
merged wrongly"): reading refuses counts that are not integers with 0 <= numerator <=
denominator, counts of an indicator the partial does not define, groups of another breakdown,
and a file whose content no longer matches its checksum (edited by hand); :func:`merge_partials`
refuses the same county twice (by area, not by the patients' fingerprint, so a re-run with one
patient fewer is caught) and breakdowns that do not cover the same counties. Every refusal is a
:class:`PartialFormatError` or a :class:`~smi_care.indicators.evaluate.PartialMergeError`
naming the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import cattrs
from cattrs.v import format_exception

from smi_care.domain.errors import SmiCareError, cut, quoted
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.json_types import JsonTypeError, strict_types
from smi_care.domain.records import PopulationEntry
from smi_care.indicators.definitions import Indicator
from smi_care.indicators.evaluate import (
    EvaluationPolicy,
    Partial,
    PartialMergeError,
    Source,
    by_name,
    parse_by,
)
from smi_care.indicators.periods import Period

#: The format written: version 2 carries a checksum of its content.
FORMAT = "smi_care.partial/2"
#: Version 1 (no checksum), written before the checksum existed: still read, its counts checked
#: like any other's; only an edit cannot be detected (docs/decisions.md).
FORMAT_V1 = "smi_care.partial/1"
FORMATS = (FORMAT_V1, FORMAT)
#: The fields a partial cannot do without (the others have defaults).
REQUIRED = ("period", "by", "indicators", "policy", "counts")


class PartialFormatError(SmiCareError, ValueError):
    """A file that is not a partial result this version can read (the message names the file
    and what is wrong)."""


class PartialEditedError(PartialFormatError):
    """A partial whose content does not match its checksum: it was changed after it was written."""


def _policy_converter() -> cattrs.Converter:
    c = cattrs.Converter(forbid_extra_keys=True)
    strict_types(c)
    c.register_unstructure_hook(dt.date, lambda d: d.isoformat())
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


def _count(value: Any, what: str) -> int:
    """A whole number of 0 or more (not a bool, not a float, not a string)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise JsonTypeError(f"{what}: a whole number", value)
    if value < 0:
        raise ValueError(f"{what} {quoted(value)} is negative; expected a whole number, 0 or more")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise JsonTypeError(f"{what}: a string", value)
    return value


def _rows(data: Any, width: int) -> list[list[Any]]:
    if not isinstance(data, list):
        raise JsonTypeError("a list", data)
    for i, row in enumerate(data):
        if not isinstance(row, list) or len(row) != width:
            raise ValueError(f"row {i} is {cut(json.dumps(row, ensure_ascii=False))}; expected a list of {width} values")
    return data


def _counts(data: Any) -> dict[tuple[str, str], tuple[int, int]]:
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for i, (ind, group, n, d) in enumerate(_rows(data, 4)):
        key = (_text(ind, f"row {i}: the indicator"), _text(group, f"row {i}: the group"))
        if key in out:
            raise ValueError(f"row {i} counts {cut(key[0])} in group {quoted(key[1])} a second time")
        out[key] = (_count(n, f"row {i} ({cut(key[0])}): the numerator"),
                    _count(d, f"row {i} ({cut(key[0])}): the denominator"))
    return out


def _value(name: str, data: Any) -> Any:
    if name == "period":
        return Period.parse(_text(data, "a period"))
    if name == "by":
        return parse_by(None if data is None else _text(data, "a breakdown or null"))
    if name == "indicators":
        if not isinstance(data, list) or not all(isinstance(i, Mapping) for i in data):
            raise JsonTypeError("a list of indicator definitions", data)
        return tuple(Indicator.from_data(i) for i in data)
    if name == "policy":
        return _POLICY.structure(data, EvaluationPolicy)
    if name == "counts":
        return _counts(data)
    if name == "population":
        return frozenset(PopulationEntry(AreaCode(_text(a, "an area code")), _count(y, "the year"),
                                         _count(n, "the population")) for a, y, n in _rows(data, 3))
    if name == "sources":
        return frozenset(Source(_text(i, "the source id"), _text(f, "the fingerprint"), _count(n, "the patients"))
                         for i, f, n in _rows(data, 3))
    if name == "patients":
        return _count(data, "the patients")
    if name == "followups_in_period":
        return None if data is None else _count(data, "the follow-ups in the period")
    raise ValueError(f"field {name} is not read")  # pragma: no cover - every field of Partial is listed above


def checksum(data: Mapping[str, Any]) -> str:
    """The SHA-256 of a partial's JSON content (every field but ``checksum``, keys sorted).

    >>> checksum({"format": "smi_care.partial/2", "counts": []})[:15]
    'sha256:f00fc431'
    """
    content = {k: v for k, v in data.items() if k != "checksum"}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_data(partial: Partial) -> dict[str, Any]:
    """The partial as JSON-ready data, with its checksum."""
    out: dict[str, Any] = {"format": FORMAT}
    for f in attrs.fields(Partial):
        out[f.name] = _field(f.name, getattr(partial, f.name))
    out["checksum"] = checksum(out)
    return out


def check_counts(partial: Partial, source: str = "the partial") -> Partial:
    """The partial itself when its counts can be true counts; else :class:`PartialFormatError`
    naming the first row that cannot: an indicator the partial does not define, a numerator
    above its denominator (a rate over patients), a denominator on a rate over the resident
    population (those carry the numerator only), a group of another breakdown."""
    defined = {i.id: i for i in partial.indicators}
    if len(defined) != len(partial.indicators):
        raise PartialFormatError(f"{source}: field indicators defines the same indicator twice")
    for (ind, group), (n, d) in sorted(partial.counts.items()):
        where = f"{source}: counts of {cut(ind)} in group {cut(repr(group))}"
        indicator = defined.get(ind)
        if indicator is None:
            raise PartialFormatError(f"{where}: the partial does not define this indicator (it defines "
                                     f"{', '.join(defined) or 'none'})")
        if indicator.population_denominator:
            if d != 0:
                raise PartialFormatError(f"{where}: a denominator of {d} on a rate over the resident population "
                                         "(its denominator comes from the population file); expected 0")
        elif n > d:
            raise PartialFormatError(f"{where}: numerator {n} over denominator {d}; expected integers with "
                                     "0 <= numerator <= denominator")
        if not _group_fits(group, partial.by):
            raise PartialFormatError(f"{where}: not a group of the breakdown {by_name(partial.by) or 'total'}")
    return partial


def _group_fits(group: str, by: Any) -> bool:
    if group == "":
        return True
    if by is None:
        return False
    if isinstance(by, AreaLevel):
        if group == "unknown":
            return True
        try:
            area = AreaCode(group)
            return area.level is by and area.at(by).code == group
        except SmiCareError:
            return False
    return True  # sex, disorder and age groups are checked by the report that shows them


def from_data(data: Mapping[str, Any], source: str = "the data") -> Partial:
    """The partial that :func:`to_data` wrote; a clear error names what is wrong."""
    form = data.get("format")
    if form not in FORMATS:
        raise PartialFormatError(f"{source} is not a smi_care partial result (format {quoted(form)}, "
                                 f"expected {FORMAT!r})")
    names = [f.name for f in attrs.fields(Partial)]
    unknown = sorted(set(data) - set(names) - {"format", "checksum"})
    if unknown:
        raise PartialFormatError(f"{source} has unknown field(s) {cut(', '.join(unknown))}")
    if form == FORMAT:
        if not isinstance(data.get("checksum"), str):
            raise PartialEditedError(f"{source} has no checksum (a partial of format {FORMAT} carries one): it was "
                                     "edited after it was written; re-run 'smi-care report --save-partial'")
        if data["checksum"] != checksum(data):
            raise PartialEditedError(f"{source} was edited after it was written: its content does not match its "
                                     "checksum; re-run 'smi-care report --save-partial' for this part instead of "
                                     "editing the file")
    elif "checksum" in data:
        raise PartialFormatError(f"{source}: a partial of format {FORMAT_V1} has no checksum field")
    missing = [n for n in REQUIRED if n not in data]
    if missing:
        raise PartialFormatError(f"{source} has no field {', '.join(missing)}: it is not a whole partial result")
    kw: dict[str, Any] = {}
    for name in names:
        if name in data:
            try:
                kw[name] = _value(name, data[name])
            except (SmiCareError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
                    cattrs.BaseValidationError) as exc:
                raise PartialFormatError(f"{source}: field {name} cannot be read: {_reason(exc)}") from None
    return check_counts(Partial(**kw), source)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        lines = (line.rpartition(" @ ") for line in cattrs.transform_error(exc, "policy", _explain))
        return cut("; ".join(f"{where}: {what}" if at else what for what, at, where in lines), 300)
    if isinstance(exc, KeyError):
        return f"{quoted(exc.args[0] if exc.args else '')} is missing"
    return cut(str(exc), 300)


def _explain(exc: BaseException, kind: type | None) -> str:
    return str(exc) if isinstance(exc, SmiCareError) else format_exception(exc, kind)


def dumps(partial: Partial) -> str:
    return json.dumps(to_data(partial), ensure_ascii=False)


def loads(text: str, source: str = "the text") -> Partial:
    """The partial in a JSON text; :class:`PartialFormatError` names ``source`` and what is wrong."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise PartialFormatError(f"{source} is not JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise PartialFormatError(f"{source} is not a partial result: {cut(str(exc) or type(exc).__name__)}") from None
    if not isinstance(data, dict):
        raise PartialFormatError(f"{source} is not a smi_care partial result (it holds a JSON "
                                 f"{type(data).__name__.replace('NoneType', 'null')}, not an object)")
    return from_data(data, source)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def save(partial: Partial, path: str | Path) -> None:
    Path(path).write_text(dumps(partial), encoding="utf-8")


def load(path: str | Path) -> Partial:
    """The partial saved in a file (UTF-8 JSON); every problem is a :class:`PartialFormatError`
    naming the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PartialFormatError(f"{p} cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        kind = "UTF-16 text" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "not text"
        raise PartialFormatError(f"{p.name} is not a partial result: it is {kind}, not UTF-8 (byte "
                                 f"{raw[exc.start]:#04x} at position {exc.start}); partials are the UTF-8 JSON "
                                 "files 'smi-care report --save-partial' writes") from None
    return loads(text, p.name)


def _counties(partial: Partial) -> set[str]:
    """The counties whose patients a partial holds (its sources' ids)."""
    return {c for s in partial.sources if s.patients for c in s.id.split(",") if c}


def _bare(partial: Partial) -> Partial:
    return attrs.evolve(partial, sources=frozenset())


def _twice(name: str, partial: Partial, county: str, first_name: str, first: Partial) -> str:
    def patients(p: Partial) -> int:
        return sum(s.patients for s in p.sources if county in s.id.split(","))

    if partial.sources == first.sources:
        return (f"{name} holds the same patients as {first_name} (county {county}, {patients(partial)} patients): "
                "each part must be given once")
    return (f"{name} holds county {county}, which {first_name} already holds ({patients(partial)} and "
            f"{patients(first)} patients: a re-run of the same county?): each county must be given once, or its "
            "patients would be counted twice")


def merge_partials(named: Sequence[tuple[str, Partial]]) -> list[Partial]:
    """Add up partials of disjoint parts, one merged partial per breakdown, in the order the
    breakdowns first appear; ``named`` pairs each partial with the file (or name) it came from.

    Refused with :class:`PartialMergeError` naming the files: the same county in two partials of
    one breakdown (the same file twice, or a county re-run, even with other patients: identity is
    the area, not a hash of the ids), breakdowns that do not hold the same counties (a township
    partial of one county with a village partial of another adds up to no report), and what
    :meth:`Partial.merge` refuses (another period, policy or indicator list)."""
    if not named:
        raise PartialMergeError("there is no partial result to merge")
    groups: dict[str | None, list[tuple[str, Partial]]] = {}
    for name, partial in named:
        check_counts(partial, name)
        groups.setdefault(by_name(partial.by), []).append((name, partial))
    covered: dict[str | None, set[str]] = {}
    for by, items in groups.items():
        first_name, first = items[0]
        seen: dict[str, tuple[str, Partial]] = {}
        for name, partial in items:
            if partial is not first:
                try:  # the same period, breakdown, policy and indicators (named by Partial.merge)
                    _bare(first).merge(_bare(partial))
                except PartialMergeError as exc:
                    raise PartialMergeError(f"{name} cannot be merged with {first_name}: {exc}") from None
            for county in sorted(_counties(partial)):
                if county in seen:
                    raise PartialMergeError(_twice(name, partial, county, *seen[county]))
                seen[county] = (name, partial)
        covered[by] = set(seen)
    if len({frozenset(c) for c in covered.values()}) > 1:
        shown = "; ".join(f"{by or 'total'}: {', '.join(sorted(c)) or 'none'}" for by, c in covered.items())
        raise PartialMergeError(f"the breakdowns do not hold the same counties ({shown}): give every county's partial "
                                "of each breakdown, or one breakdown")
    out = []
    for items in groups.values():
        merged = items[0][1]
        for _, partial in items[1:]:
            merged = merged.merge(partial)
        out.append(merged)
    return out
