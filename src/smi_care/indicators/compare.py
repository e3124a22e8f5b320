"""What each reading of an indicator would report: every area under every policy or definition.

Provinces read "standard management" their own way (national-rules §6: 4 follow-ups, the
default; 4 and a health check; no gap over 3 months), and published figures differ in the
denominator (registered patients, the §6 default, or followed-up ones) and in whether a patient
in hospital counts as on medication. :func:`compare` counts one period under each
:class:`Variant` — an :class:`~smi_care.indicators.evaluate.EvaluationPolicy` and a list of
indicator definitions — on the columnar engine, side by side per area, with the difference from
the first variant in points and the patients who flip, each with the part of the definition that
flips them (:mod:`smi_care.indicators.flips`: the same reading as an explanation over time).

>>> [v.name for v in standard_variants(["four_followups", "no_gap_over_3_months"])]
['four_followups', 'no_gap_over_3_months']
>>> over_followed_up(by_id("medication_rate")).describe().splitlines()[1]
'denominator: registered AND under_management'
>>> print(without_admissions(by_id("medication_rate")).describe().splitlines()[0])
numerator: on_medication AND registered
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
import polars as pl

from smi_care.domain.arguments import checked_with
from smi_care.domain.codes import Adherence
from smi_care.domain.errors import ArgumentTypeError, SmiCareError
from smi_care.indicators.columnar import Tables, group_keys
from smi_care.indicators.definitions import (
    ON_MEDICATION,
    REGISTERED,
    STANDARD_INDICATORS,
    UNDER_MANAGEMENT,
    Condition,
    Indicator,
    by_id,
)
from smi_care.indicators.evaluate import DEFAULT_POLICY, TEXT_FORMS, By, EvaluationPolicy, Report
from smi_care.indicators.explain import Entry, facts_of, report_of
from smi_care.indicators.explain import entries_of as _entries_of
from smi_care.indicators.expr import fact
from smi_care.indicators.flips import Part, flips
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardRule
from smi_care.indicators.targets import NATIONAL_TARGETS, Target


class CompareError(SmiCareError, ValueError):
    """Variants that cannot be compared (none, a name twice, different indicators)."""


def _indicators(values: Iterable[Indicator]) -> tuple[Indicator, ...]:
    return tuple(values)


@attrs.frozen
class Variant:
    """One reading: a name, the evaluation policy and the indicator definitions."""

    name: str
    policy: EvaluationPolicy = DEFAULT_POLICY
    indicators: tuple[Indicator, ...] = attrs.field(default=STANDARD_INDICATORS, converter=_indicators)


def standard_variants(names: Iterable[str], base: Variant = Variant("national")) -> list[Variant]:
    """One variant per standard-management rule (``four_followups``,
    ``followups_and_health_check``, ``no_gap_over_3_months``), the rest as ``base``."""
    out = []
    for name in names:
        try:
            rule = StandardRule(name.strip())
        except ValueError:
            raise CompareError(f"no standard-management rule {name!r}; known: "
                               f"{', '.join(r.value for r in StandardRule)}") from None
        standard = attrs.evolve(base.policy.standard, rule=rule)
        out.append(attrs.evolve(base, name=rule.value, policy=attrs.evolve(base.policy, standard=standard)))
    return out


def over_followed_up(ind: Indicator) -> Indicator:
    """The indicator over the patients followed up in the period (registered and under
    management) instead of every registered patient: the denominator some published figures use
    (the national default, §6, keeps everyone registered on D). A rate over the population, or
    already over managed patients, is unchanged."""
    if ind.population_denominator or UNDER_MANAGEMENT in ind.denominator or REGISTERED not in ind.denominator:
        return ind
    return attrs.evolve(ind, denominator=(*ind.denominator, UNDER_MANAGEMENT))


#: On medication without counting a stay in hospital: the last completed follow-up's adherence
#: only (national-rules §6 counts "or in hospital" [default]).
ON_MEDICATION_AT_HOME = Condition(ON_MEDICATION.id, "last follow-up adherence regular or intermittent "
                                  "(a stay in hospital not counted)",
                                  fact("last_adherence").is_in((Adherence.REGULAR, Adherence.INTERMITTENT)))


def without_admissions(ind: Indicator) -> Indicator:
    """The indicator with a stay in hospital no longer counted as on medication."""
    if ON_MEDICATION not in ind.numerator:
        return ind
    return attrs.evolve(ind, numerator=tuple(ON_MEDICATION_AT_HOME if c == ON_MEDICATION else c for c in ind.numerator))


DENOMINATORS = {"registered": lambda i: i, "followed_up": over_followed_up}
MEDICATION = {"with_admissions": lambda i: i, "without_admissions": without_admissions}


def definition_variants(names: Iterable[str], base: Variant = Variant("national")) -> list[Variant]:
    """Variants by name: a denominator (``registered``, ``followed_up``) or a medication reading
    (``with_admissions``, ``without_admissions``) applied to ``base``'s indicators."""
    known = {**DENOMINATORS, **MEDICATION}
    out = []
    for name in names:
        n = name.strip()
        if n not in known:
            raise CompareError(f"no definition variant {name!r}; known: {', '.join(known)}")
        out.append(attrs.evolve(base, name=n, indicators=tuple(known[n](i) for i in base.indicators)))
    return out


@attrs.frozen
class Figure:
    """One indicator in one group under one variant."""

    variant: str
    numerator: int
    denominator: int | None
    value: float | None


@attrs.frozen
class Row:
    """One indicator in one group ("" the total) under every variant; ``points``: each variant's
    value minus the first's; ``flips``: the patients counted differently from the first variant,
    by variant, part and reason."""

    indicator: str
    zh: str
    unit: str
    group: str
    area: str | None
    figures: tuple[Figure, ...]
    flips: tuple[tuple[str, Entry], ...]

    @property
    def points(self) -> tuple[float | None, ...]:
        base = self.figures[0].value
        return tuple(None if base is None or f.value is None else f.value - base for f in self.figures)

    def flipped(self, variant: str, part: Part) -> int:
        """The signed count of patients the variant counts differently from the first in one part."""
        return sum(e.change for v, e in self.flips if v == variant and e.part == part)


@attrs.frozen
class Comparison:
    period: Period
    by: By
    variants: tuple[str, ...]
    rows: tuple[Row, ...]
    reports: tuple[Report, ...]

    def row(self, indicator: str, group: str = "") -> Row:
        for r in self.rows:
            if r.indicator == indicator and r.group == group:
                return r
        raise KeyError(f"no row for indicator {indicator!r} group {group!r}")


def _check(variants: Sequence[Variant]) -> None:
    if not variants:
        raise CompareError("compare needs at least one variant")
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise CompareError(f"every variant needs its own name: {', '.join(names)}")
    ids = [i.id for i in variants[0].indicators]
    for v in variants[1:]:
        if [i.id for i in v.indicators] != ids:
            raise CompareError(f"variant {v.name!r} has other indicators than {variants[0].name!r}: "
                               "a variant changes definitions, it keeps their identifiers and order")


@checked_with(skip=("tables", "variants"), advice=TEXT_FORMS)
def compare(tables: Tables, period: Period, variants: Sequence[Variant], by: By = None,
            indicators: Iterable[str] | None = None, targets: Iterable[Target] = NATIONAL_TARGETS) -> Comparison:
    """Every indicator (or those named in ``indicators``) in every group under every variant, for
    one period of registry tables. Each variant's figures are those of :func:`report` with its
    policy and definitions."""
    if not isinstance(tables, Tables):
        raise ArgumentTypeError("compare", "tables", tables, "registry tables (smi_care.registry.read_tables)")
    variants = list(variants)
    _check(variants)
    if indicators is not None:
        chosen = {by_id(name, variants[0].indicators).id for name in indicators}
        variants = [Variant(v.name, v.policy, [ind for ind in v.indicators if ind.id in chosen]) for v in variants]
    tgts = tuple(targets)
    facts: dict[EvaluationPolicy, pl.DataFrame] = {}
    for v in variants:
        if v.policy not in facts:
            facts[v.policy] = facts_of(tables, period, v.policy)
    reports = tuple(report_of(tables, facts[v.policy], period, by, v.indicators, v.policy, tgts) for v in variants)
    base = variants[0]
    fa = facts[base.policy]
    ga = group_keys(fa, by, base.policy)
    flipped: dict[tuple[str, str], list[tuple[str, Entry]]] = {}
    for v in variants[1:]:
        fb = facts[v.policy]
        rows = flips(fa, fb, ga, group_keys(fb, by, v.policy), base.indicators, v.indicators, base.policy, v.policy)
        for r in _entries_of(rows, None, total=by is not None).iter_rows(named=True):
            flipped.setdefault((r["indicator"], r["group"]), []).append(
                (v.name, Entry(r["indicator"], r["group"], r["part"], r["reason"], int(r["change"]),
                               tuple(r["patients"]))))
    results = [{(r.indicator, r.group): r for r in rep.results} for rep in reports]
    out: list[Row] = []
    for ind in base.indicators:
        groups = sorted({g for res in results for (i, g) in res if i == ind.id})
        for g in groups:
            figs = []
            area = None
            for v, res in zip(variants, results, strict=True):
                got = res.get((ind.id, g))
                area = area or (got.area if got else None)
                figs.append(Figure(v.name, got.numerator if got else 0, got.denominator if got else 0,
                                   got.value if got else None))
            out.append(Row(ind.id, ind.zh, ind.unit, g, area, tuple(figs), tuple(flipped.get((ind.id, g), []))))
    return Comparison(period, by, tuple(v.name for v in variants), tuple(out), reports)
