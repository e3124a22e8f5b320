"""Evaluation of indicators over many patients, as mergeable partial counts.

:func:`evaluate` turns patient records (or registry tables) and a period into a
:class:`~smi_care.indicators.partial.Partial`, always with the one engine
(:mod:`smi_care.indicators.columnar`: records are first turned into small tables): numerator and
denominator counts per indicator and group. Partials of disjoint sets of patients
:meth:`merge <Partial.merge>` into exactly the partial of their union (counts add), so a
province can evaluate county by county, in parallel or on a cluster. :func:`finalize` turns
a partial into a :class:`Report`: totals (the sum of the parts, by construction), values in
the indicator's unit, and targets.

>>> from smi_care.indicators import Period
>>> report = finalize(evaluate([], Period.parse("2025")))
>>> report.result("management_rate").value is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from smi_care.domain.arguments import checked_with
from smi_care.domain.errors import ArgumentTypeError
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry, population_lookup
from smi_care.indicators.columnar import count, counted_partials, evaluate_tables, group_keys
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.partial import (
    DEFAULT_POLICY,
    TEXT_FORMS,
    UNKNOWN_GROUP,
    AgeBands,
    By,
    Counts,
    Dimension,
    EvaluationPolicy,
    Partial,
    PartialMergeError,
    Source,
    area_group,
    by_name,
    parse_by,
    source_of,
)
from smi_care.indicators.periods import Period
from smi_care.indicators.targets import NATIONAL_TARGETS, PERIOD_KINDS, Target, applicable
from smi_care.rules.record_tables import record_tables
from smi_care.rules.status import Covers, covers_nothing

__all__ = [
    "DEFAULT_POLICY",
    "TEXT_FORMS",
    "UNKNOWN_GROUP",
    "AgeBands",
    "By",
    "Counts",
    "Dimension",
    "EvaluationPolicy",
    "IndicatorResult",
    "Partial",
    "PartialMergeError",
    "Report",
    "Source",
    "area_group",
    "by_name",
    "count",
    "evaluate",
    "finalize",
    "group_keys",
    "parse_by",
    "registry_area",
    "report",
    "source_of",
]


@checked_with(skip=("records",), advice=TEXT_FORMS)
def evaluate(records: Iterable[PatientRecord] | Registry, period: Period, by: By = None,
             indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
             covers: Covers | None = None, population: Iterable[PopulationEntry] = ()) -> Partial:
    """Count every indicator's numerator and denominator per group over ``records``.

    Given a :class:`Registry`, its population file and the areas it covers are used. Given
    registry *tables* (polars, from the columnar reader), the columnar engine counts the same
    definitions (:func:`smi_care.indicators.columnar.evaluate_tables`)."""
    if hasattr(records, "followups") and not isinstance(records, Registry):
        return evaluate_tables(records, period, by, indicators, policy, covers)[0]  # type: ignore[arg-type]
    if not isinstance(records, Registry) and (isinstance(records, str | bytes | Mapping)
                                              or not isinstance(records, Iterable)):
        raise ArgumentTypeError("evaluate", "records", records, "a Registry, registry tables or PatientRecords")
    pop = frozenset(population)
    if isinstance(records, Registry):
        pop = pop | frozenset(records.population)
        covers = covers or records.coverage()
    recs: list[PatientRecord] = []
    for n, record in enumerate(records):
        if not isinstance(record, PatientRecord):
            raise ArgumentTypeError("evaluate", f"records[{n}]", record, "PatientRecord")
        recs.append(record)
    t = record_tables(recs)
    return counted_partials(t.patients, t.followups, t.events, period, [by], tuple(indicators), policy,
                            covers or covers_nothing, pop)[0]


@attrs.frozen
class IndicatorResult:
    """One figure of a report. ``group`` is "" for the total; ``area`` is the area code for an
    area breakdown, else None. ``value`` is in the unit (None when the denominator is 0 or unknown)."""

    indicator: str
    zh: str
    group: str
    area: str | None
    numerator: int
    denominator: int | None
    value: float | None
    unit: str
    target: Target | None
    met: bool | None


@attrs.frozen
class Report:
    """The figures of a period, and ``warnings``: remarks in plain words about what the figures
    cannot say (a period without any follow-up recorded, targets not judged on this kind of
    period), carried into the JSON and table outputs."""

    period: Period
    by: By
    results: tuple[IndicatorResult, ...]
    patients: int = 0
    warnings: tuple[str, ...] = ()

    def result(self, indicator: str, group: str = "") -> IndicatorResult:
        for r in self.results:
            if r.indicator == indicator and r.group == group:
                return r
        raise KeyError(f"no result for indicator {indicator!r} group {group!r}")

    def groups(self) -> list[str]:
        return sorted({r.group for r in self.results if r.group})


def _area_groups(by: By, population: Iterable[PopulationEntry]) -> set[str]:
    if not isinstance(by, AreaLevel):
        return set()
    areas = {p.area_code for p in population}  # a population file has each area once a year
    return {a.at(by).code for a in areas if a.level.value >= by.value}


def registry_area(population: Iterable[PopulationEntry]) -> AreaCode | None:
    """The smallest area that holds every area of the population file: the area the registry's
    total is about (a county's registry: the county), or None without a population file.

    >>> registry_area([PopulationEntry(AreaCode("360102001"), 2025, 10), PopulationEntry(AreaCode("360102004"), 2025, 9)])
    AreaCode(code='360102')
    """
    codes = {p.area_code for p in population}
    if not codes:
        return None
    area: AreaCode | None = min(codes, key=str)  # AreaCode's order (its one field, the code), without comparing objects
    while area is not None and not all(c.within(area) for c in codes):
        area = area.parent
    return area


@checked_with(advice=TEXT_FORMS)
def finalize(partial: Partial, targets: Iterable[Target] = NATIONAL_TARGETS) -> Report:
    """Values, totals, targets and warnings for a partial.

    A target judges a result when it applies to the result's area (the total: the area of the
    registry's population file, :func:`registry_area`, so a county's own target judges the
    county's total) and to the kind of period (:attr:`Target.applies_to`: the national targets
    are annual and do not judge a quarter or a month). The warnings say when no follow-up is
    recorded in the period and which targets were not judged on it."""
    targets = tuple(targets)
    year = partial.period.end.year
    kind = partial.period.kind
    whole = registry_area(partial.population)
    groups = {g for (_, g) in partial.counts} | _area_groups(partial.by, partial.population)
    groups.discard("")
    results: list[IndicatorResult] = []
    population_in = population_lookup(partial.population, year)
    unjudged: dict[str, Target] = {}
    for ind in partial.indicators:
        parts = {g: partial.counts.get((ind.id, g), (0, 0)) for g in groups}
        total = partial.counts.get((ind.id, ""), (0, 0)) if partial.by is None else (
            sum(n for n, _ in parts.values()), sum(d for _, d in parts.values()))
        rows = [("", total), *sorted(parts.items())] if partial.by is not None else [("", total)]
        for g, (num, den) in rows:
            area = AreaCode(g) if isinstance(partial.by, AreaLevel) and g and g != UNKNOWN_GROUP else None
            denom: int | None = den
            if ind.population_denominator:
                denom = population_in(area) if (g == "" or area is not None) else None
            value = None if not denom else num / denom * ind.scale
            target = applicable(targets, ind.id, year, area or whole)
            if target is not None and not target.judges(kind):
                unjudged.setdefault(ind.id, target)
                target = None
            results.append(IndicatorResult(ind.id, ind.zh, g, area.code if area else None, num, denom, value,
                                           ind.unit, target, target.met(value) if target else None))
    return Report(partial.period, partial.by, tuple(results), partial.patients, _warnings(partial, kind, unjudged))


def _warnings(partial: Partial, kind: str, unjudged: Mapping[str, Target]) -> tuple[str, ...]:
    out: list[str] = []
    if partial.patients == 0:
        out.append("no patient is in the data: every figure is empty")
    elif partial.followups_in_period == 0:
        out.append(f"no follow-up is recorded in the period {partial.period} (does the data reach it?): the rates "
                   "that count follow-ups are 0")
    if unjudged:
        kinds = sorted({k for t in unjudged.values() for k in t.applies_to}, key=PERIOD_KINDS.index)
        listed = ", ".join(f"{i} {t.threshold:g} ({t.source}, {t.year})" for i, t in unjudged.items())
        out.append(f"targets not judged on this {kind} ({partial.period}): they are set for a {' or '.join(kinds)}"
                   f" — {listed}")
    return tuple(out)


@checked_with(skip=("registry",), advice=TEXT_FORMS)
def report(registry: Registry | Iterable[PatientRecord], period: Period, by: By = None,
           indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
           targets: Iterable[Target] = NATIONAL_TARGETS) -> Report:
    """Evaluate and finalize in one call."""
    return finalize(evaluate(registry, period, by, indicators, policy), targets)
