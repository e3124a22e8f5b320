"""Partials travel (pickle, JSON) and add up: partitions by county, a process pool and Dask give
exactly the whole evaluation."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given

from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import Registry
from smi_care.indicators import STANDARD_INDICATORS, Period, evaluate
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.evaluate import Dimension, EvaluationPolicy
from smi_care.scale import dumps, evaluate_parallel, loads, merge_all, split_by_county
from smi_care.scale.partials import PartialFormatError
from tests.test_engines_equal import FAST, periods, policies, registries, tables_of


@FAST
@given(registries(), periods(), policies)
def test_partial_round_trips_through_json_and_pickle(reg: Registry, period: Period, policy: EvaluationPolicy) -> None:
    p = evaluate(reg, period, AreaLevel.TOWNSHIP, policy=policy)
    assert loads(dumps(p)) == p
    assert pickle.loads(pickle.dumps(p)) == p


@FAST
@given(registries(), periods())
def test_partitions_by_county_add_up_to_the_whole(reg: Registry, period: Period) -> None:
    tables = tables_of(reg)
    bys = [None, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, Dimension.SEX]
    whole = evaluate_tables(tables, period, bys)
    parts = [t for _, t in split_by_county(tables, reg.coverage())]
    merged = evaluate_parallel(parts, period, bys, workers=1)
    for a, b in zip(whole, merged, strict=True):
        assert a.counts == b.counts and a.patients == b.patients and a.population == b.population


def test_process_pool_equals_one_process() -> None:
    from smi_care.synth import generate

    reg = generate(patients=300)
    tables = tables_of(reg)
    period = Period.parse("2025")
    parts = [t for _, t in split_by_county(tables, reg.coverage())]
    # one county in the demo: cut it further by township to give the pool several tasks
    import polars as pl

    from smi_care.scale.partition import TableSet

    whole = parts[0]
    town = pl.col("area_code").str.slice(0, 9)
    chunks = []
    for code in whole.patients.select(town.unique()).to_series().to_list():
        pats = whole.patients.filter(town == code)
        keep = pats.select("patient_id")
        chunks.append(TableSet(pats, whole.followups.join(keep, on="patient_id", how="semi"),
                               whole.events.join(keep, on="patient_id", how="semi"), whole.population,
                               whole.coverage))
    pooled = evaluate_parallel(chunks, period, [None, AreaLevel.TOWNSHIP], workers=2)
    one = evaluate(reg, period, AreaLevel.TOWNSHIP)
    assert pooled[1] == one
    assert pooled[0].counts == evaluate(reg, period).counts


def test_dask_two_workers_equal_one_process() -> None:
    distributed = pytest.importorskip("dask.distributed")
    from smi_care.scale.dask import evaluate_on_dask
    from smi_care.synth import generate

    reg = generate(patients=200)
    tables = tables_of(reg)
    period = Period.parse("2025Q3")
    parts = [t for _, t in split_by_county(tables, reg.coverage())]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = evaluate_on_dask(client, parts, period, [None, AreaLevel.TOWNSHIP], STANDARD_INDICATORS)
    assert got[1] == evaluate(reg, period, AreaLevel.TOWNSHIP)
    assert got[0].counts == evaluate(reg, period).counts


def test_a_file_that_is_not_a_partial_is_refused_clearly() -> None:
    with pytest.raises(PartialFormatError, match="not a smi_care partial"):
        loads('{"counts": []}', "county.json")
    with pytest.raises(PartialFormatError, match="not JSON"):
        loads("{", "county.json")


def test_merging_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no partial"):
        merge_all([])
