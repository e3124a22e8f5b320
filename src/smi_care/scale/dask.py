"""The same evaluation on a Dask cluster (``pip install 'smi-care[dask]'``).

One task per partition (a county): each task evaluates its partition and returns partial
counts, which are merged on the client. On a real cluster a task should read its own
partition's files where they lie (:func:`evaluate_folder`), so that only counts travel.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smi_care.domain.records import Coverage
from smi_care.indicators.columnar import Tables
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.periods import Period
from smi_care.scale.partition import TableSet, evaluate_partition, merge_all


def evaluate_on_dask(client: Any, parts: Sequence[Tables], period: Period, by: Sequence[By] = (None,),
                     indicators: Sequence[Indicator] = STANDARD_INDICATORS,
                     policy: EvaluationPolicy = DEFAULT_POLICY) -> list[Partial]:
    """Evaluate each partition as a task on ``client`` (a ``dask.distributed.Client``) and
    merge: one partial per breakdown, equal to one whole evaluation."""
    bys, inds = list(by), tuple(indicators)
    futures = client.map(evaluate_partition, list(parts), period=period, by=bys, indicators=inds, policy=policy,
                         pure=False)
    results: list[list[Partial]] = client.gather(futures)
    return [merge_all(r[i] for r in results) for i in range(len(bys))]


def evaluate_folder(folder: str | Path, period: Period, by: Sequence[By] = (None,),
                    indicators: Sequence[Indicator] = STANDARD_INDICATORS,
                    policy: EvaluationPolicy = DEFAULT_POLICY, coverage: Coverage | None = None) -> list[Partial]:
    """Read one partition's registry folder (CSV or Parquet; only the columns the indicators
    name) and evaluate it: the task a
    worker runs next to its data. ``coverage``: the areas of the *whole* registry the
    partition belongs to (a transfer to another county of the province keeps the patient
    registered); by default, the partition's own."""
    from smi_care.indicators.columns_needed import columns_needed
    from smi_care.registry import read_tables

    columns = columns_needed(tuple(indicators), tuple(by), policy)  # only what the indicators read
    tables = TableSet.of(read_tables(Path(folder), columns=columns).tables, coverage)
    return evaluate_partition(tables, period, by, indicators, policy)


def evaluate_folders_on_dask(client: Any, folders: Sequence[str | Path], period: Period,
                             by: Sequence[By] = (None,), indicators: Sequence[Indicator] = STANDARD_INDICATORS,
                             policy: EvaluationPolicy = DEFAULT_POLICY,
                             coverage: Coverage | None = None) -> list[Partial]:
    """One task per partition folder, each reading its own files; merged on the client."""
    bys, inds = list(by), tuple(indicators)
    futures = client.map(evaluate_folder, [str(f) for f in folders], period=period, by=bys, indicators=inds,
                         policy=policy, coverage=coverage, pure=False)
    results: list[list[Partial]] = client.gather(futures)
    return [merge_all(r[i] for r in results) for i in range(len(bys))]
