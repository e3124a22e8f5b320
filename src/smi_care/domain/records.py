"""A patient's whole record and a registry of records.

:class:`PatientRecord` is the unit every rule and indicator works on: one patient with their
follow-ups and events, checked for order (no follow-up before birth or diagnosis; no
discharge before its admission) and kept in date order, rows of one date in file order
(national-rules §6 "Order").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from smi_care.domain.checks import fail, is_type
from smi_care.domain.codes import EventKind
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp, to_extras
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.patient import Patient


def _sorted_followups(values: Iterable[FollowUp]) -> tuple[FollowUp, ...]:
    return tuple(sorted(values, key=lambda f: f.visit_date))


def _sorted_events(values: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(sorted(values, key=lambda e: e.date))


@attrs.frozen
class PatientRecord:
    """One patient with their follow-ups and events, in date order (stable for ties)."""

    patient: Patient = attrs.field(validator=is_type(Patient, "a Patient"))
    followups: tuple[FollowUp, ...] = attrs.field(default=(), converter=_sorted_followups)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_sorted_events)

    def __attrs_post_init__(self) -> None:
        pid = self.patient.patient_id
        for f in self.followups:
            problem = followup_conflict(self.patient, f)
            if problem:
                raise fail(f, *problem)
        for e in self.events:
            problem = event_conflict(self.patient, e)
            if problem:
                raise fail(e, *problem)
        if any(f.patient_id != pid for f in self.followups) or any(e.patient_id != pid for e in self.events):
            raise fail(self.patient, "patient_id", pid, "every follow-up and event must belong to this patient")
        for e in discharge_conflicts(self.events):
            raise fail(e, "date", e.date.isoformat(), "a discharge must not be before its admission")

    @property
    def patient_id(self) -> str:
        return self.patient.patient_id


def followup_conflict(patient: Patient, f: FollowUp) -> tuple[str, Any, str] | None:
    """Why a follow-up cannot belong to this patient (field, value, rule), or None."""
    if f.visit_date < patient.birth_date:
        return ("visit_date", f.visit_date.isoformat(), "a follow-up cannot be before the patient's birth_date")
    if f.visit_date < patient.diagnosis_date:
        return ("visit_date", f.visit_date.isoformat(),
                f"a follow-up cannot be before the diagnosis_date ({patient.diagnosis_date.isoformat()})")
    return None


def event_conflict(patient: Patient, e: Event) -> tuple[str, Any, str] | None:
    """Why an event cannot belong to this patient (field, value, rule), or None."""
    if e.date < patient.birth_date:
        return ("date", e.date.isoformat(), "an event cannot be before the patient's birth_date")
    return None


def discharge_conflicts(events: Iterable[Event]) -> list[Event]:
    """Discharges dated before the patient's first admission (events in date order).

    A discharge with no admission recorded at all is accepted: the admission may predate
    the registry.
    """
    ordered = _sorted_events(events)
    admissions = [e.date for e in ordered if e.kind is EventKind.ADMISSION]
    if not admissions:
        return []
    return [e for e in ordered if e.kind is EventKind.DISCHARGE and e.date < admissions[0]]


@attrs.frozen
class PopulationEntry:
    """Resident population (常住人口) of an area in a year; a code counts everything below it."""

    area_code: AreaCode
    year: int
    population: int
    extras: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=to_extras)

    def __attrs_post_init__(self) -> None:
        if self.population < 0:
            raise fail(self, "population", self.population, "must not be negative")


def _county_or_above(area: AreaCode) -> AreaCode:
    return area.at(AreaLevel.COUNTY) if area.level.value >= AreaLevel.COUNTY.value else area


def _key(area: AreaCode, level: AreaLevel) -> tuple[AreaLevel, str]:
    """The area at ``level`` that contains ``area``, as (level, significant digits)."""
    return level, area.at(level).prefix


@attrs.frozen
class Coverage:
    """The areas a registry covers (national-rules §6 "Area": a code covers every code below
    it): a transfer out to one of them keeps the patient registered. Callable as a ``Covers``.

    >>> c = Coverage.of((), [AreaCode("110105001002")])
    >>> c(AreaCode("110105003001")), c(AreaCode("110106001001"))
    (True, False)
    """

    areas: tuple[AreaCode, ...]
    _keys: frozenset[tuple[AreaLevel, str]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_keys", frozenset(_key(a, a.level) for a in self.areas))

    @classmethod
    def of(cls, population_areas: Iterable[AreaCode], patient_areas: Iterable[AreaCode]) -> Coverage:
        """The population file's areas; without them, the counties of the patients' homes."""
        # sorted by code text: AreaCode's own order (its one field), without attrs comparisons
        areas = tuple(sorted(set(population_areas), key=str))
        if not areas:
            areas = tuple(sorted({_county_or_above(a) for a in patient_areas}, key=str))
        return cls(areas)

    def __call__(self, area: AreaCode) -> bool:
        """True when ``area`` is one of the covered areas or lies inside one: ``area`` and its
        few ancestors are looked up in a set, whatever the number of covered areas."""
        return any(_key(area, level) in self._keys for level in AreaLevel if level.value <= area.level.value)


def _populations(values: Iterable[PopulationEntry]) -> tuple[PopulationEntry, ...]:
    return tuple(values)


@attrs.frozen
class Registry:
    """A registry: patient records by patient_id, population figures and the form edition."""

    records: Mapping[str, PatientRecord] = attrs.field(factory=dict)
    population: tuple[PopulationEntry, ...] = attrs.field(default=(), converter=_populations)

    @classmethod
    def of(cls, records: Iterable[PatientRecord], population: Iterable[PopulationEntry] = ()) -> Registry:
        out: dict[str, PatientRecord] = {}
        for r in records:
            if r.patient_id in out:
                raise fail(r.patient, "patient_id", r.patient_id, "is a duplicate in this registry")
            out[r.patient_id] = r
        return cls(out, tuple(population))

    def __iter__(self) -> Iterator[PatientRecord]:
        return iter(self.records.values())

    def __len__(self) -> int:
        return len(self.records)

    def covered_areas(self) -> tuple[AreaCode, ...]:
        """The areas of the population file (national-rules §6 "Area")."""
        return tuple(sorted({p.area_code for p in self.population}))

    def covers(self, area: AreaCode) -> bool:
        """True when ``area`` lies in an area of the population file; a registry without a
        population file covers the areas of its own patients."""
        return self.coverage()(area)

    def coverage(self) -> Coverage:
        """The areas this registry covers, as a value that can travel to another process."""
        return Coverage.of(self.covered_areas(), (r.patient.area_code for r in self))

    def population_of(self, area: AreaCode | None, year: int) -> int | None:
        """Resident population of ``area`` (None: every area) in ``year``: see :func:`population_of`."""
        return population_of(self.population, area, year)


def _ancestries(areas: Iterable[AreaCode]) -> dict[AreaCode, tuple[tuple[AreaLevel, str], ...]]:
    """The keys (:func:`_key`) of each area at every level from the province down to its own
    (last). An area's keys above its parent's level are its parent's (the same leading digits),
    so each parent's are worked out once for all the areas it holds."""
    out: dict[AreaCode, tuple[tuple[AreaLevel, str], ...]] = {}

    def of(area: AreaCode) -> tuple[tuple[AreaLevel, str], ...]:
        if area not in out:
            parent = area.parent
            above, start = (of(parent), parent.level.value) if parent is not None else ((), 0)
            out[area] = above + tuple(_key(area, level) for level in AreaLevel
                                      if start < level.value <= area.level.value)
        return out[area]

    for area in areas:
        of(area)
    return out


def _outermost(entries: list[PopulationEntry], keys: Mapping[AreaCode, tuple[tuple[AreaLevel, str], ...]]
               ) -> list[PopulationEntry]:
    """The entries that lie inside no other entry (so nothing is counted twice): an entry is
    left out when another entry has its own area or one of its ancestors. Linear in the entries
    (a set of the areas present, then each entry's few ancestors looked up; ``keys``: every
    entry's keys from :func:`_ancestries`)."""
    present = Counter(keys[p.area_code][-1] for p in entries)
    return [p for p in entries
            if present[keys[p.area_code][-1]] == 1 and not any(k in present for k in keys[p.area_code][:-1])]


def population_lookup(population: Iterable[PopulationEntry], year: int) -> Callable[[AreaCode | None], int | None]:
    """:func:`population_of` for many areas of one year: the entries are indexed once by every
    area that contains them, so each lookup costs what the area holds, not the whole file.

    >>> entries = [PopulationEntry(AreaCode("360102001"), 2024, 30_000),
    ...            PopulationEntry(AreaCode("360102002"), 2024, 20_000)]
    >>> of = population_lookup(entries, 2025)
    >>> of(AreaCode("360102")), of(AreaCode("360102001")), of(None), of(AreaCode("360103"))
    (50000, 30000, 50000, None)
    """
    population = list(population)
    years = [p.year for p in population if p.year <= year]
    latest = max(years) if years else None
    entries = [p for p in population if p.year == latest]
    keys = _ancestries({p.area_code for p in entries})
    exact: dict[AreaCode, int] = {}
    inside: dict[tuple[AreaLevel, str], list[PopulationEntry]] = defaultdict(list)
    for p in entries:
        exact.setdefault(p.area_code, p.population)
        for key in keys[p.area_code]:
            inside[key].append(p)
    whole = sum(p.population for p in _outermost(entries, keys)) if entries else None

    def of(area: AreaCode | None) -> int | None:
        if area is None:
            return whole
        if area in exact:
            return exact[area]
        held = inside.get(_key(area, area.level))
        return sum(p.population for p in _outermost(held, keys)) if held else None

    return of


def population_of(population: Iterable[PopulationEntry], area: AreaCode | None, year: int) -> int | None:
    """Resident population of ``area`` (None: every area) in ``year``, summing the most
    specific entries that lie inside it; None when nothing is known. When there are no
    figures for ``year``, the latest earlier year's are used (population figures are
    published after the year ends). For many areas, :func:`population_lookup` indexes once."""
    return population_lookup(population, year)(area)
