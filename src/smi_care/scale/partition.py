"""Evaluation by partition: one county at a time, in worker processes, merged exactly.

A province's tables split by the county of each patient's home (:func:`split_by_county`); each
partition keeps the *province's* coverage, so a transfer to another county of the province
keeps the patient registered exactly as in one whole evaluation. Each partition gives
:class:`~smi_care.indicators.evaluate.Partial` counts; partials of disjoint patients add up to
the partial of the whole (:func:`merge_all`), so the result does not depend on how the work
was cut or where it ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import reduce
from multiprocessing import get_context

import attrs
import polars as pl

from smi_care.domain.identity import AreaCode
from smi_care.domain.records import Coverage
from smi_care.indicators.columnar import Tables, evaluate_tables
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.periods import Period


@attrs.frozen
class TableSet:
    """A registry's tables (or one partition of them) with the areas the whole registry covers."""

    patients: pl.DataFrame
    followups: pl.DataFrame
    events: pl.DataFrame
    population: pl.DataFrame
    coverage: Coverage

    def covers(self, area: AreaCode) -> bool:
        return self.coverage(area)

    @classmethod
    def of(cls, tables: Tables, coverage: Coverage | None = None) -> TableSet:
        """Any registry tables, with their coverage made explicit (so it travels with them)."""
        if coverage is None:
            areas = [AreaCode(a) for a in tables.population["area_code"].unique().to_list()]
            homes = [AreaCode(a) for a in tables.patients["area_code"].unique().to_list()]
            coverage = Coverage.of(areas, homes)
        return cls(tables.patients, tables.followups, tables.events, tables.population, coverage)


def split_by_county(tables: Tables, coverage: Coverage | None = None) -> list[tuple[str, TableSet]]:
    """One partition per county of the patients' home area codes (the first six digits), each
    with the follow-ups and events of its patients. Every partition carries the whole
    population table (a few rows): merged partials hold its entries once."""
    whole = TableSet.of(tables, coverage)
    county = pl.col("area_code").str.slice(0, 6)
    patients = whole.patients.with_columns(_county=county)
    out: list[tuple[str, TableSet]] = []
    for code in sorted(patients["_county"].unique().to_list()):
        ids = patients.filter(pl.col("_county") == code).drop("_county")
        keep = ids.select("patient_id")
        out.append((code, TableSet(ids, whole.followups.join(keep, on="patient_id", how="semi"),
                                   whole.events.join(keep, on="patient_id", how="semi"), whole.population,
                                   whole.coverage)))
    return out


def evaluate_partition(part: Tables, period: Period, by: Sequence[By] = (None,),
                       indicators: Sequence[Indicator] = STANDARD_INDICATORS,
                       policy: EvaluationPolicy = DEFAULT_POLICY) -> list[Partial]:
    """The partials of one partition, one per breakdown (a top-level function: it pickles)."""
    return evaluate_tables(part, period, list(by), indicators, policy)


def merge_all(partials: Iterable[Partial]) -> Partial:
    """The sum of partials of disjoint sets of patients."""
    items = list(partials)
    if not items:
        raise ValueError("there is no partial result to merge")
    return reduce(lambda a, b: a.merge(b), items)


def evaluate_parallel(parts: Sequence[Tables], period: Period, by: Sequence[By] = (None,),
                      indicators: Sequence[Indicator] = STANDARD_INDICATORS,
                      policy: EvaluationPolicy = DEFAULT_POLICY, workers: int | None = None) -> list[Partial]:
    """Evaluate partitions in a pool of ``workers`` processes (default: the machine's cores)
    and merge them: one partial per breakdown, equal to one whole evaluation."""
    workers = workers or os.cpu_count() or 1
    bys = list(by)
    inds = tuple(indicators)
    if workers == 1 or len(parts) == 1:
        results = [evaluate_partition(p, period, bys, inds, policy) for p in parts]
    else:
        # spawned, not forked: a forked child of a process that ran polars' thread pool can deadlock
        with ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=get_context("spawn")) as pool:
            results = list(pool.map(evaluate_partition, parts, *zip(*[(period, bys, inds, policy)] * len(parts),
                                                                       strict=True)))
    return [merge_all(r[i] for r in results) for i in range(len(bys))]
