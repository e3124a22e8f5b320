"""Indicator evaluation over registry tables, at province scale.

The registry's tables become one facts table (:func:`~smi_care.indicators.facts_table.facts_table`),
every indicator's numerator and denominator are compiled from their definitions to boolean
columns (:func:`~smi_care.indicators.expr.as_column`), and a ``group_by`` sums them per group —
for several breakdowns in one pass over the facts. The result is the same mergeable
:class:`~smi_care.indicators.evaluate.Partial` the per-patient engine gives, count for count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

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

__all__ = ["CHUNK_PATIENTS", "Tables", "count", "counted_partials", "evaluate_tables", "group_keys", "plain_columns",
           "population_entries"]


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


def group_keys(facts: pl.DataFrame, by: By, policy: EvaluationPolicy = DEFAULT_POLICY,
               known: dict[Any, str] | None = None) -> pl.Series:
    """The group key of every patient for a breakdown (the same keys as
    :func:`~smi_care.indicators.evaluate.group_of`). ``known``: the groups of the areas or ages
    met so far (:func:`~smi_care.rules.history.map_unique`), for the chunks of one registry."""
    if by is None:
        return pl.Series("group", [""] * facts.height, dtype=pl.String)
    if by is Dimension.SEX:
        return facts["sex"].cast(pl.String).alias("group")
    if by is Dimension.DISORDER:
        return facts["disorder"].cast(pl.String).alias("group")
    if by is Dimension.AGE:
        return map_unique(facts["age"], policy.age_bands.band, pl.String, known).alias("group")
    assert isinstance(by, AreaLevel)
    level = by
    return map_unique(facts["area"], lambda code: area_group(AreaCode(code), level), pl.String, known).alias("group")


def count(facts: pl.DataFrame, indicators: Sequence[Indicator], bys: Sequence[By],
          policy: EvaluationPolicy = DEFAULT_POLICY, known: Sequence[dict[Any, str]] | None = None) -> list[Counts]:
    """Numerator and denominator counts per indicator and group, one mapping per breakdown.
    ``known``: one :func:`group_keys` memo per breakdown, kept over the chunks of a registry."""
    flags = facts.select(
        *(as_column(ind.numerator_expr).alias(f"n{i}") for i, ind in enumerate(indicators)),
        *((pl.lit(False) if ind.population_denominator else as_column(ind.denominator_expr)).alias(f"d{i}")
          for i, ind in enumerate(indicators)),
    )
    out: list[Counts] = []
    memos: Sequence[dict[Any, str] | None] = [None] * len(bys) if known is None else known
    for by, memo in zip(bys, memos, strict=True):
        sums = (flags.with_columns(group_keys(facts, by, policy, memo))
                .group_by("group").agg(pl.all().sum()))
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for row in sums.iter_rows(named=True):
            for i, ind in enumerate(indicators):
                n, d = int(row[f"n{i}"]), int(row[f"d{i}"])
                if n or d:
                    counts[(ind.id, row["group"])] = (n, d)
        out.append(counts)
    return out


#: Patients whose facts are computed at a time (:func:`counted_partials`): the facts of a
#: province are made chunk by chunk and their counts added, so the evaluation's memory grows with
#: a chunk, not with the registry. The result does not depend on it (tests/test_columnar_chunks.py).
CHUNK_PATIENTS = 50_000


def counted_partials(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, period: Period,
                     bys: Sequence[By], indicators: tuple[Indicator, ...], policy: EvaluationPolicy, covers: Covers,
                     population: frozenset[PopulationEntry], chunk_patients: int = CHUNK_PATIENTS) -> list[Partial]:
    """One :class:`Partial` per breakdown in ``bys``, from the facts of these tables.

    More than ``chunk_patients`` patients are cut into about ``patients.height / chunk_patients``
    chunks by a hash of ``patient_id`` (each patient, with all their follow-ups and events, in
    exactly one chunk; ``covers`` is the whole registry's, so a transfer to another area of the
    registry is judged as in one pass): each chunk's facts are counted and let go before the
    next, and the counts added. A patient's facts read only that patient's rows, so the sums
    are the counts of one facts table of all patients.

    Compact tables (text as ``Categorical``: ``read_tables(..., compact=True)``) are cut by the
    same codes and each chunk is turned back to plain text (:func:`plain_columns`) only when its
    facts are made, so the text of the whole registry is never held; the counts are the same."""
    chunks = -(-patients.height // max(chunk_patients, 1))
    visits = followups.get_column("visit_date")
    seen = int(((visits >= period.start) & (visits <= period.end)).sum())
    sources = frozenset({source_of(patients.get_column("patient_id").to_list(),
                                   patients.get_column("area_code").to_list())})
    if chunks <= 1:
        parts: Iterable[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = [
            (plain_columns(patients), plain_columns(followups), plain_columns(events))]
    else:
        parts = _chunks(patients, followups, events, chunks)
    totals: list[dict[tuple[str, str], tuple[int, int]]] = [{} for _ in bys]
    groups: list[dict[Any, str]] = [{} for _ in bys]  # each area's group worked out once, not once a chunk
    height = 0
    for p, f, e in parts:
        facts = facts_table(p, f, e, period, covers, policy.standard, policy.status, policy.classes)
        height += facts.height
        for total, counts in zip(totals, count(facts, indicators, bys, policy, groups), strict=True):
            for key, (n, d) in counts.items():
                n0, d0 = total.get(key, (0, 0))
                total[key] = (n0 + n, d0 + d)
        del facts
    return [Partial(period, b, indicators, policy, counts, population, height, seen, sources)
            for b, counts in zip(bys, totals, strict=True)]


def _chunks(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, chunks: int
            ) -> Iterator[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]:
    """The tables cut into ``chunks`` by a hash of ``patient_id``, one chunk at a time (rows in
    their order within each chunk)."""

    # the same patient must get the same key in the three tables: plain text is hashed as text;
    # when any table is compact, every table's ids as Categorical (one process-wide set of codes)
    ids = pl.col("patient_id")
    if any(f.schema["patient_id"] == pl.Categorical for f in (patients, followups, events)):
        ids = ids.cast(pl.Categorical)

    def key(frame: pl.DataFrame) -> pl.Series:
        return frame.select(ids.hash(seed=19) % chunks).to_series()

    keys = (key(patients), key(followups), key(events))
    for i in range(chunks):
        yield (plain_columns(patients.filter(keys[0] == i)), plain_columns(followups.filter(keys[1] == i)),
               plain_columns(events.filter(keys[2] == i)))


def plain_columns(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every ``Categorical`` or ``Enum`` column as plain ``String`` (other columns
    unchanged): the text the facts are made from, from a compact table (:mod:`smi_care.registry.compact`).

    >>> df = pl.DataFrame({"patient_id": ["P1"], "n": [1]}).with_columns(pl.col("patient_id").cast(pl.Categorical))
    >>> plain_columns(df).schema["patient_id"]
    String
    >>> plain_columns(pl.DataFrame({"seen": ["1"]}, schema={"seen": pl.Enum(["1", "2"])})).schema["seen"]
    String
    """
    cats = [name for name, dtype in df.schema.items() if dtype == pl.Categorical or isinstance(dtype, pl.Enum)]
    return df.with_columns(pl.col(cats).cast(pl.String)) if cats else df


@checked_with(skip=("tables",), advice=TEXT_FORMS)
def evaluate_tables(tables: Tables, period: Period, by: By | Sequence[By] = None,
                    indicators: Iterable[Indicator] = STANDARD_INDICATORS,
                    policy: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None,
                    chunk_patients: int = CHUNK_PATIENTS) -> list[Partial]:
    """One :class:`Partial` per breakdown in ``by`` (a breakdown or a sequence of them), from
    the facts of every patient (made ``chunk_patients`` at a time: :func:`counted_partials`)."""
    if not isinstance(tables, Tables):
        raise ArgumentTypeError("evaluate_tables", "tables", tables, "registry tables (smi_care.registry.read_tables)")
    bys: list[By] = list(by) if isinstance(by, list | tuple) else [by]  # type: ignore[list-item]
    return counted_partials(tables.patients, tables.followups, tables.events, period, bys, tuple(indicators), policy,
                            covers or tables.covers, population_entries(tables.population), chunk_patients)
