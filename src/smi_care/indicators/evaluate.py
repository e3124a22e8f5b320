"""Evaluation of indicators over many patients, as mergeable partial counts.

:func:`evaluate` turns patient records and a period into a :class:`Partial`: numerator and
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
from enum import Enum

import attrs

from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry, population_lookup
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.facts import PatientFacts, patient_facts
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import FOUR_FOLLOWUPS, StandardPolicy
from smi_care.indicators.targets import NATIONAL_TARGETS, Target, applicable
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.status import NATIONAL as NATIONAL_STATUS
from smi_care.rules.status import Covers, StatusPolicy, covers_nothing


class Dimension(Enum):
    """Breakdowns other than area."""

    SEX = "sex"
    AGE = "age"
    DISORDER = "disorder"


By = AreaLevel | Dimension | None


def parse_by(text: str | None) -> By:
    """``province``, ``city``, ``county``, ``township``, ``village``, ``sex``, ``age``,
    ``disorder`` or None/``total``."""
    if text is None or text.strip().lower() in ("", "total", "none"):
        return None
    t = text.strip().lower()
    for d in Dimension:
        if d.value == t:
            return d
    return AreaLevel.parse(t)


def by_name(by: By) -> str | None:
    if by is None:
        return None
    return by.value if isinstance(by, Dimension) else by.name.lower()


@attrs.frozen
class AgeBands:
    """Age bands at the period end, by their lower bounds **[0, 15, 35, 60]**."""

    bounds: tuple[int, ...] = (0, 15, 35, 60)

    def band(self, age: int) -> str:
        label = ""
        for i, lo in enumerate(self.bounds):
            if age >= lo:
                hi = self.bounds[i + 1] - 1 if i + 1 < len(self.bounds) else None
                label = f"{lo}-{hi}" if hi is not None else f"{lo}+"
        return label or f"<{self.bounds[0]}"


@attrs.frozen
class EvaluationPolicy:
    """Every choice evaluation makes, in one value: standard management, status and class
    rules, and age bands."""

    standard: StandardPolicy = FOUR_FOLLOWUPS
    status: StatusPolicy = NATIONAL_STATUS
    classes: ClassificationPolicy = NATIONAL_CLASSES
    age_bands: AgeBands = AgeBands()


DEFAULT_POLICY = EvaluationPolicy()
UNKNOWN_GROUP = "unknown"


def group_of(facts: PatientFacts, by: By, policy: EvaluationPolicy) -> str:
    """The group key of a patient for a breakdown."""
    if by is None:
        return ""
    if by is Dimension.SEX:
        return str(facts.sex.code)
    if by is Dimension.DISORDER:
        return str(facts.disorder.code)
    if by is Dimension.AGE:
        return policy.age_bands.band(facts.age)
    assert isinstance(by, AreaLevel)
    return area_group(facts.area, by)


def area_group(area: AreaCode, level: AreaLevel) -> str:
    """The group of a home area at ``level``: its ancestor's code, or ``unknown`` when the
    code is less specific than the level."""
    if area.level.value < level.value:
        return UNKNOWN_GROUP
    return area.at(level).code


Counts = Mapping[tuple[str, str], tuple[int, int]]


def _add(a: Counts, b: Counts) -> dict[tuple[str, str], tuple[int, int]]:
    out = dict(a)
    for k, (n, d) in b.items():
        n0, d0 = out.get(k, (0, 0))
        out[k] = (n0 + n, d0 + d)
    return out


@attrs.frozen
class Partial:
    """Mergeable counts: ``counts[(indicator, group)] = (numerator, denominator)``."""

    period: Period
    by: By
    indicators: tuple[Indicator, ...]
    policy: EvaluationPolicy
    counts: Counts
    population: frozenset[PopulationEntry] = frozenset()
    patients: int = 0

    def merge(self, other: Partial) -> Partial:
        """The partial of the union of two disjoint sets of patients."""
        if (self.period, self.by, self.policy) != (other.period, other.by, other.policy) or [
                i.id for i in self.indicators] != [i.id for i in other.indicators]:
            raise ValueError("only partials of the same period, breakdown, policy and indicators can be merged")
        return attrs.evolve(self, counts=_add(self.counts, other.counts), population=self.population | other.population,
                            patients=self.patients + other.patients)


def evaluate(records: Iterable[PatientRecord] | Registry, period: Period, by: By = None,
             indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
             covers: Covers | None = None, population: Iterable[PopulationEntry] = ()) -> Partial:
    """Count every indicator's numerator and denominator per group over ``records``.

    Given a :class:`Registry`, its population file and the areas it covers are used. Given
    registry *tables* (polars, from the columnar reader), the columnar engine counts the same
    definitions (:func:`smi_care.indicators.columnar.evaluate_tables`)."""
    if hasattr(records, "followups") and not isinstance(records, Registry):
        from smi_care.indicators.columnar import evaluate_tables

        return evaluate_tables(records, period, by, indicators, policy, covers)[0]  # type: ignore[arg-type]
    inds = tuple(indicators)
    pop = frozenset(population)
    if isinstance(records, Registry):
        pop = pop | frozenset(records.population)
        covers = covers or records.coverage()
    covers = covers or covers_nothing
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    n = 0
    for record in records:
        n += 1
        facts = patient_facts(record, period, covers, policy.standard, policy.status, policy.classes)
        group = group_of(facts, by, policy)
        for ind in inds:
            num = ind.in_numerator(facts)
            den = not ind.population_denominator and ind.in_denominator(facts)
            if num or den:
                c = counts.get((ind.id, group), (0, 0))
                counts[(ind.id, group)] = (c[0] + num, c[1] + den)
    return Partial(period, by, inds, policy, counts, pop, n)


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
    period: Period
    by: By
    results: tuple[IndicatorResult, ...]
    patients: int = 0

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
    return {p.area_code.at(by).code for p in population if p.area_code.level.value >= by.value}


def finalize(partial: Partial, targets: Iterable[Target] = NATIONAL_TARGETS) -> Report:
    """Values, totals and targets for a partial."""
    targets = tuple(targets)
    year = partial.period.end.year
    groups = {g for (_, g) in partial.counts} | _area_groups(partial.by, partial.population)
    groups.discard("")
    results: list[IndicatorResult] = []
    population_in = population_lookup(partial.population, year)
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
            target = applicable(targets, ind.id, year, area)
            results.append(IndicatorResult(ind.id, ind.zh, g, area.code if area else None, num, denom, value,
                                           ind.unit, target, target.met(value) if target else None))
    return Report(partial.period, partial.by, tuple(results), partial.patients)


def report(registry: Registry | Iterable[PatientRecord], period: Period, by: By = None,
           indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
           targets: Iterable[Target] = NATIONAL_TARGETS) -> Report:
    """Evaluate and finalize in one call."""
    return finalize(evaluate(registry, period, by, indicators, policy), targets)
