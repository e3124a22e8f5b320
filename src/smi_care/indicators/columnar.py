"""Indicator evaluation over registry tables, at province scale.

The registry's tables become one facts table (:func:`~smi_care.indicators.facts_table.facts_table`),
every indicator's numerator and denominator are compiled from their definitions to boolean
columns (:func:`~smi_care.indicators.expr.as_column`), and a ``group_by`` sums them per group —
for several breakdowns in one pass over the facts. The result is the same mergeable
:class:`~smi_care.indicators.evaluate.Partial` the per-patient engine gives, count for count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import polars as pl

from smi_care.domain.arguments import checked_with
from smi_care.domain.errors import ArgumentTypeError
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import PopulationEntry
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.expr import as_column
from smi_care.indicators.facts_table import facts_table, map_unique
from smi_care.indicators.partial import (
    DEFAULT_POLICY,
    TEXT_FORMS,
    By,
    Counts,
    Dimension,
    EvaluationPolicy,
    Partial,
    area_group,
    source_of,
)
from smi_care.indicators.periods import Period
from smi_care.rules.status import Covers

__all__ = ["Tables", "count", "counted_partials", "evaluate_tables", "group_keys", "population_entries"]


@runtime_checkable
class Tables(Protocol):
    """What the columnar engine reads: the registry's accepted rows as polars tables."""

    @property
    def patients(self) -> pl.DataFrame: ...

    @property
    def followups(self) -> pl.DataFrame: ...

    @property
    def events(self) -> pl.DataFrame: ...

    @property
    def population(self) -> pl.DataFrame: ...

    def covers(self, area: AreaCode) -> bool: ...


def population_entries(population: pl.DataFrame) -> frozenset[PopulationEntry]:
    """The population table as the entries a :class:`Partial` carries."""
    return frozenset(PopulationEntry(AreaCode(a), int(y), int(n)) for a, y, n in
                     population.select("area_code", "year", "population").iter_rows())


def group_keys(facts: pl.DataFrame, by: By, policy: EvaluationPolicy = DEFAULT_POLICY) -> pl.Series:
    """The group key of every patient for a breakdown (the same keys as
    :func:`~smi_care.indicators.evaluate.group_of`)."""
    if by is None:
        return pl.Series("group", [""] * facts.height, dtype=pl.String)
    if by is Dimension.SEX:
        return facts["sex"].cast(pl.String).alias("group")
    if by is Dimension.DISORDER:
        return facts["disorder"].cast(pl.String).alias("group")
    if by is Dimension.AGE:
        return map_unique(facts["age"], policy.age_bands.band, pl.String).alias("group")
    assert isinstance(by, AreaLevel)
    level = by
    return map_unique(facts["area"], lambda code: area_group(AreaCode(code), level), pl.String).alias("group")


def count(facts: pl.DataFrame, indicators: Sequence[Indicator], bys: Sequence[By],
          policy: EvaluationPolicy = DEFAULT_POLICY) -> list[Counts]:
    """Numerator and denominator counts per indicator and group, one mapping per breakdown."""
    flags = facts.select(
        *(as_column(ind.numerator_expr).alias(f"n{i}") for i, ind in enumerate(indicators)),
        *((pl.lit(False) if ind.population_denominator else as_column(ind.denominator_expr)).alias(f"d{i}")
          for i, ind in enumerate(indicators)),
    )
    out: list[Counts] = []
    for by in bys:
        sums = (flags.with_columns(group_keys(facts, by, policy))
                .group_by("group").agg(pl.all().sum()))
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for row in sums.iter_rows(named=True):
            for i, ind in enumerate(indicators):
                n, d = int(row[f"n{i}"]), int(row[f"d{i}"])
                if n or d:
                    counts[(ind.id, row["group"])] = (n, d)
        out.append(counts)
    return out


def counted_partials(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, period: Period,
                     bys: Sequence[By], indicators: tuple[Indicator, ...], policy: EvaluationPolicy, covers: Covers,
                     population: frozenset[PopulationEntry]) -> list[Partial]:
    """One :class:`Partial` per breakdown in ``bys``, from one facts table of these tables."""
    facts = facts_table(patients, followups, events, period, covers, policy.standard, policy.status, policy.classes)
    visits = followups.get_column("visit_date")
    seen = int(((visits >= period.start) & (visits <= period.end)).sum())
    sources = frozenset({source_of(patients.get_column("patient_id").to_list(),
                                   patients.get_column("area_code").to_list())})
    return [Partial(period, b, indicators, policy, counts, population, facts.height, seen, sources)
            for b, counts in zip(bys, count(facts, indicators, bys, policy), strict=True)]


@checked_with(skip=("tables",), advice=TEXT_FORMS)
def evaluate_tables(tables: Tables, period: Period, by: By | Sequence[By] = None,
                    indicators: Iterable[Indicator] = STANDARD_INDICATORS,
                    policy: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None) -> list[Partial]:
    """One :class:`Partial` per breakdown in ``by`` (a breakdown or a sequence of them), from
    one facts table."""
    if not isinstance(tables, Tables):
        raise ArgumentTypeError("evaluate_tables", "tables", tables, "registry tables (smi_care.registry.read_tables)")
    bys: list[By] = list(by) if isinstance(by, list | tuple) else [by]  # type: ignore[list-item]
    return counted_partials(tables.patients, tables.followups, tables.events, period, bys, tuple(indicators), policy,
                            covers or tables.covers, population_entries(tables.population))
