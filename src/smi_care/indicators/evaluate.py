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

import hashlib
from collections.abc import Iterable, Mapping
from enum import Enum

import attrs

from smi_care.domain.arguments import checked_with
from smi_care.domain.errors import ArgumentTypeError, SmiCareError
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.named import short_repr
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry, population_lookup
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.facts import PatientFacts, patient_facts
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import FOUR_FOLLOWUPS, StandardPolicy
from smi_care.indicators.targets import NATIONAL_TARGETS, PERIOD_KINDS, Target, applicable
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


@short_repr
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


@short_repr
@attrs.frozen
class EvaluationPolicy:
    """Every choice evaluation makes, in one value: standard management, status and class
    rules, and age bands."""

    standard: StandardPolicy = FOUR_FOLLOWUPS
    status: StatusPolicy = NATIONAL_STATUS
    classes: ClassificationPolicy = NATIONAL_CLASSES
    age_bands: AgeBands = AgeBands()


DEFAULT_POLICY = EvaluationPolicy()

#: How to convert the text forms of the entry points' arguments (for their argument errors).
TEXT_FORMS = {"period": "convert with Period.parse(text) ('2025', '2025Q3', '2025-07', '2025-01-01..2025-06-30')",
              "by": "convert with parse_by(text) ('township', 'sex', ...)"}
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


class PartialMergeError(SmiCareError, ValueError):
    """Partials that cannot be added up: the same source twice, or a different period,
    breakdown, policy or list of indicators (the message names what differs)."""


@attrs.frozen(order=True)
class Source:
    """Where a partial's patients come from, so that the same patients are never added twice.

    ``id``: the counties of the patients' home areas (their first six digits, comma-separated);
    ``fingerprint``: the first 16 hex digits of the SHA-256 of the sorted patient ids;
    ``patients``: their number.

    >>> source_of(["P2", "P1"], ["360102001", "360102002"])
    Source(id='360102', fingerprint='bff3e6c20ec3ede3', patients=2)
    """

    id: str
    fingerprint: str
    patients: int


def source_of(patient_ids: Iterable[str], areas: Iterable[str]) -> Source:
    """The source of a set of patients (their ids and home area codes)."""
    ids = sorted(patient_ids)
    digest = hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:16]
    return Source(",".join(sorted({a[:6] for a in areas})), digest, len(ids))


def _differences(a: Partial, b: Partial) -> list[str]:
    out: list[str] = []
    if a.period != b.period:
        out.append(f"period {a.period} vs {b.period}")
    if a.by != b.by:
        out.append(f"breakdown {by_name(a.by) or 'total'} vs {by_name(b.by) or 'total'}")
    if a.policy != b.policy:
        fields = [f.name for f in attrs.fields(EvaluationPolicy) if getattr(a.policy, f.name) != getattr(b.policy, f.name)]
        out.append("policy (" + "; ".join(f"{n}: {getattr(a.policy, n)!r} vs {getattr(b.policy, n)!r}"
                                          for n in fields) + ")")
    ia, ib = [i.id for i in a.indicators], [i.id for i in b.indicators]
    if ia != ib:
        only_a, only_b = sorted(set(ia) - set(ib)), sorted(set(ib) - set(ia))
        words = ", ".join(w for w in (f"only in the first: {' '.join(only_a)}" if only_a else "",
                                      f"only in the second: {' '.join(only_b)}" if only_b else "") if w)
        if not words:
            words = "the same indicators, with another definition or order"
        out.append(f"indicators ({words})")
    elif a.indicators != b.indicators:
        changed = [x.id for x, y in zip(a.indicators, b.indicators, strict=True) if x != y]
        out.append(f"indicators (other definitions of {', '.join(changed)})")
    return out


@attrs.frozen
class Partial:
    """Mergeable counts: ``counts[(indicator, group)] = (numerator, denominator)``.

    ``followups_in_period``: the follow-ups (completed or not) dated in the period, over all
    patients (None when unknown, e.g. a partial saved by an older version): 0 makes the report
    warn that the data may not reach the period. ``sources``: where the patients come from
    (:class:`Source`); the same source is never merged twice. Sources are provenance, not
    counts: two partials with equal counts compare equal however the patients were cut."""

    period: Period
    by: By
    indicators: tuple[Indicator, ...]
    policy: EvaluationPolicy
    counts: Counts
    population: frozenset[PopulationEntry] = frozenset()
    patients: int = 0
    followups_in_period: int | None = None
    sources: frozenset[Source] = attrs.field(default=frozenset(), eq=False)  # provenance: not part of the counts

    def merge(self, other: Partial) -> Partial:
        """The partial of the union of two disjoint sets of patients.

        Refused (:class:`PartialMergeError`) when a source is in both (naming it), or when the
        period, breakdown, policy or indicators differ (naming what differs)."""
        differs = _differences(self, other)
        if differs:
            raise PartialMergeError("only partials of the same period, breakdown, policy and indicators can be merged; "
                                    "these differ in " + "; ".join(differs))
        mine = {s.fingerprint: s for s in self.sources if s.patients}
        twice = sorted((s for s in other.sources if s.patients and s.fingerprint in mine), key=lambda s: s.id)
        if twice:
            shown = "; ".join(f"source {s.id} ({s.patients} patients, fingerprint {s.fingerprint})" for s in twice)
            raise PartialMergeError(f"the same patients are in both partials ({shown}): merging them would count "
                                    "them twice")
        known = None if self.followups_in_period is None or other.followups_in_period is None else (
            self.followups_in_period + other.followups_in_period)
        return attrs.evolve(self, counts=_add(self.counts, other.counts), population=self.population | other.population,
                            patients=self.patients + other.patients, followups_in_period=known,
                            sources=self.sources | other.sources)


@checked_with(skip=("records",), advice=TEXT_FORMS)
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
    if not isinstance(records, Registry) and (isinstance(records, str | bytes | Mapping)
                                              or not isinstance(records, Iterable)):
        raise ArgumentTypeError("evaluate", "records", records, "a Registry, registry tables or PatientRecords")
    inds = tuple(indicators)
    pop = frozenset(population)
    if isinstance(records, Registry):
        pop = pop | frozenset(records.population)
        covers = covers or records.coverage()
    covers = covers or covers_nothing
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    n = 0
    seen = 0
    ids: list[str] = []
    areas: list[str] = []
    for record in records:
        if not isinstance(record, PatientRecord):
            raise ArgumentTypeError("evaluate", f"records[{n}]", record, "PatientRecord")
        n += 1
        ids.append(record.patient.patient_id)
        areas.append(record.patient.area_code.code)
        seen += sum(1 for f in record.followups if period.start <= f.visit_date <= period.end)
        facts = patient_facts(record, period, covers, policy.standard, policy.status, policy.classes)
        group = group_of(facts, by, policy)
        for ind in inds:
            num = ind.in_numerator(facts)
            den = not ind.population_denominator and ind.in_denominator(facts)
            if num or den:
                c = counts.get((ind.id, group), (0, 0))
                counts[(ind.id, group)] = (c[0] + num, c[1] + den)
    return Partial(period, by, inds, policy, counts, pop, n, seen, frozenset({source_of(ids, areas)}))


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
    return {p.area_code.at(by).code for p in population if p.area_code.level.value >= by.value}


def registry_area(population: Iterable[PopulationEntry]) -> AreaCode | None:
    """The smallest area that holds every area of the population file: the area the registry's
    total is about (a county's registry: the county), or None without a population file.

    >>> registry_area([PopulationEntry(AreaCode("360102001"), 2025, 10), PopulationEntry(AreaCode("360102004"), 2025, 9)])
    AreaCode(code='360102')
    """
    codes = sorted({p.area_code for p in population})
    if not codes:
        return None
    area: AreaCode | None = codes[0]
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
