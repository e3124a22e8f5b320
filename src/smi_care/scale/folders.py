"""A report over a registry partitioned by county, one county in memory at a time.

:func:`evaluate_partitioned` reads one partition (:mod:`smi_care.registry.partitioned`: a
``county=NNNNNN`` sub-folder, only the columns asked for), evaluates it, keeps its partial counts
and lets the tables go before the next county is read. The partials of disjoint patients add up
exactly (:func:`~smi_care.scale.partition.merge_all`), so the result equals one evaluation of the
whole registry while the memory peak is that of the largest county, not of the province.

Every partition is evaluated with the coverage of the *whole* registry
(:func:`~smi_care.registry.partitioned.coverage_of_partitions`: its population areas, read
without the patients), so a patient who moved from one of its counties to another stays
registered, as in one whole evaluation (national rules §6 "Area"; docs/quickstart-province.md,
``--coverage``). The patient is counted once, in the partition that holds the record.

>>> import tempfile
>>> from smi_care.domain.identity import AreaLevel
>>> from smi_care.indicators import Period
>>> from smi_care.indicators.columnar import evaluate_tables
>>> from smi_care.registry import read_tables
>>> from smi_care.registry.writer import write_partitioned
>>> from smi_care.synth.province import ProvinceShape, write_province
>>> source = write_province(tempfile.mkdtemp(), patients=90, shape=ProvinceShape(patients_per_county=30))
>>> top = tempfile.mkdtemp()
>>> _ = write_partitioned(read_tables(source).tables, top)
>>> done = evaluate_partitioned(top, Period.parse("2025"), [AreaLevel.TOWNSHIP])
>>> len(done.partitions)
3
>>> done.partials[0].counts == evaluate_tables(read_tables(source).tables, Period.parse("2025"),
...                                            [AreaLevel.TOWNSHIP])[0].counts
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from smi_care.domain.identity import AreaCode
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.periods import Period
from smi_care.registry.partitioned import coverage_of_partitions, partition_folders
from smi_care.registry.problems import FileCounts, Problem
from smi_care.registry.tables import read_tables
from smi_care.scale.partition import merge_all


@attrs.frozen
class PartitionedEvaluation:
    """What :func:`evaluate_partitioned` gives: one merged partial per breakdown, the partitions
    read (in order), every problem (named by its partition's file) and the counts per file added
    up over the partitions (``read == accepted + rejected``)."""

    partials: tuple[Partial, ...]
    partitions: tuple[Path, ...]
    problems: tuple[Problem, ...]
    counts: tuple[FileCounts, ...]


def evaluate_partitioned(folder: str | Path, period: Period, by: Sequence[By] = (None,),
                         indicators: Sequence[Indicator] = STANDARD_INDICATORS,
                         policy: EvaluationPolicy = DEFAULT_POLICY, *,
                         covers: Callable[[AreaCode], bool] | None = None, encoding: str | None = None,
                         columns: Mapping[str, Iterable[str]] | None = None,
                         within: str | None = None) -> PartitionedEvaluation:
    """Evaluate a partitioned registry county by county and merge the counts.

    ``covers``: the areas the whole registry covers (default: the partitions' population areas).
    ``columns``: read only these (``columns_needed(...)``: the report's projection). ``within``:
    only the counties of an area (its leading digits), the other partitions are not opened."""
    parts = partition_folders(folder, within)
    if not parts:
        raise ValueError(f"{Path(folder)} is not a registry partitioned by county (no county=NNNNNN sub-folder)")
    coverage = covers if covers is not None else coverage_of_partitions(partition_folders(folder))
    bys, inds = list(by), tuple(indicators)
    results: list[list[Partial]] = []
    problems: list[Problem] = []
    counts: dict[str, list[int]] = {}
    for part in parts:
        load = read_tables(part, encoding=encoding, columns=columns)
        results.append(evaluate_tables(load.tables, period, bys, inds, policy, covers=coverage))
        problems += [attrs.evolve(p, file=f"{part.name}/{p.file}") for p in load.problems]
        for c in load.counts:
            total = counts.setdefault(c.file, [0, 0, 0])
            total[0], total[1], total[2] = total[0] + c.read, total[1] + c.accepted, total[2] + c.rejected
        del load  # the next county is read only once this one's tables can go
    partials = tuple(merge_all(r[i] for r in results) for i in range(len(bys)))
    return PartitionedEvaluation(partials, parts, tuple(problems),
                                 tuple(FileCounts(file, *t) for file, t in counts.items()))
