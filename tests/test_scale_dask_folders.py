"""The nation on Dask, small: a local cluster of 2 workers over 4 county partitions, each task
reading its own partition's folder, equals one process (issue 19 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster

from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period
from smi_care.indicators.columnar import evaluate_tables
from smi_care.registry import read_tables
from smi_care.registry.partitioned import coverage_of_partitions, partition_folders
from smi_care.registry.writer import write_partitioned
from smi_care.scale.dask import evaluate_folders_on_dask
from smi_care.synth.province import ProvinceShape, write_province


@pytest.fixture(scope="module")
def four_counties(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    source = write_province(tmp_path_factory.mktemp("csv"), patients=480,
                            shape=ProvinceShape(patients_per_county=120, townships=3, villages_per_township=2))
    top = tmp_path_factory.mktemp("parts")
    write_partitioned(read_tables(source).tables, top)
    return source, top


def test_two_dask_workers_over_four_county_folders_equal_one_process(four_counties: tuple[Path, Path]) -> None:
    source, top = four_counties
    parts = partition_folders(top)
    assert len(parts) == 4
    period = Period.parse("2025")
    bys = [None, AreaLevel.COUNTY, AreaLevel.TOWNSHIP]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        got = evaluate_folders_on_dask(client, parts, period, bys, coverage=coverage_of_partitions(parts))
        assert len(client.scheduler_info()["workers"]) == 2
    one = evaluate_tables(read_tables(source).tables, period, bys)
    for a, b in zip(one, got, strict=True):
        assert a.counts == b.counts and a.population == b.population and a.patients == b.patients
