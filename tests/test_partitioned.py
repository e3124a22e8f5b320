"""A registry partitioned by county (``convert --to parquet --partition county``): each partition a
whole registry folder, the top folder read as one registry equal to the unpartitioned one (the
same tables, indicators township by township, problems counted), reading only the columns asked for."""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from smi_care.cli.main import main
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import Registry
from smi_care.indicators import Period
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.columns_needed import columns_needed
from smi_care.registry import read_tables, write_registry
from smi_care.registry.partitioned import coverage_of_partitions, is_partitioned, partition_folders
from smi_care.registry.writer import write_partitioned
from smi_care.synth.dirty import write_dirty
from smi_care.synth.province import ProvinceShape, write_province
from tests.test_engines_equal import periods, registries

SOME = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BYS = [None, AreaLevel.COUNTY, AreaLevel.TOWNSHIP]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three counties (360102-360104), CSV."""
    return write_province(tmp_path_factory.mktemp("province"), patients=900,
                          shape=ProvinceShape(patients_per_county=300, townships=4, villages_per_township=3))


@pytest.fixture(scope="module")
def partitioned(province: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partitioned")
    assert main(["convert", str(province), str(out), "--to", "parquet", "--partition", "county"]) == 0
    return out


def by_patient(df: pl.DataFrame) -> pl.DataFrame:
    """Rows in patient order, each patient's rows in file order; the positions left out."""
    return df.sort("patient_id", "row", maintain_order=True).drop([c for c in ("row", "line") if c in df.columns])


def same_tables(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert sorted(a.columns) == sorted(b.columns)
    columns = sorted(c for c in a.columns if c not in ("row", "line"))
    assert by_patient(a).select(columns).equals(by_patient(b).select(columns))


@SOME
@given(registries(), periods())
def test_merged_partitions_equal_the_unpartitioned_registry(reg: Registry, period: Period) -> None:
    with tempfile.TemporaryDirectory() as d:
        source = write_registry(reg, Path(d) / "csv")
        whole = read_tables(source)
        out = Path(d) / "parts"
        written = write_partitioned(whole.tables, out)
        assert sum(written.values()) == whole.tables.patients.height
        load = read_tables(out)
        for table in ("patients", "followups", "events"):
            same_tables(getattr(whole.tables, table), getattr(load.tables, table))
        assert load.tables.population.sort("area_code", "year").equals(
            whole.tables.population.sort("area_code", "year").select(load.tables.population.columns))
        assert load.tables.coverage() == whole.tables.coverage()
        assert coverage_of_partitions(partition_folders(out)) == whole.tables.coverage()
        assert load.problems == () and [(c.file, c.accepted) for c in load.counts] == \
            [(c.file, c.accepted) for c in whole.counts]
        for a, b in zip(evaluate_tables(whole.tables, period, BYS), evaluate_tables(load.tables, period, BYS),
                        strict=True):
            assert a.counts == b.counts and a.population == b.population


def test_each_partition_is_a_registry_folder_of_one_county(partitioned: Path) -> None:
    parts = partition_folders(partitioned)
    assert [p.name for p in parts] == ["county=360102", "county=360103", "county=360104"]
    for part in parts:
        load = read_tables(part)
        assert load.ok and load.encodings["patients.csv"] == "parquet"
        homes = load.tables.patients.get_column("area_code").str.slice(0, 6).unique().to_list()
        assert homes == [part.name.removeprefix("county=")]
    assert partition_folders(partitioned, within="360103") == (partitioned / "county=360103",)
    assert not is_partitioned(parts[0]) and is_partitioned(partitioned)


def test_parquet_files_carry_statistics(partitioned: Path) -> None:
    path = partitioned / "county=360102" / "followups.parquet"
    rows = duckdb.sql(f"select path_in_schema, stats_min_value, stats_max_value, row_group_num_rows "
                      f"from parquet_metadata('{path}') where path_in_schema = 'visit_date'").fetchall()
    assert rows, "no row group"
    for _, low, high, n in rows:
        assert low is not None and high is not None and low <= high and n > 0


def test_the_report_reads_only_the_columns_it_needs(partitioned: Path, province: Path) -> None:
    wanted = columns_needed(bys=(AreaLevel.TOWNSHIP,))
    load = read_tables(partitioned, columns=wanted)
    full = read_tables(partitioned)
    unread = [c for c in full.tables.followups.columns if c not in wanted["followups.csv"]
              and c not in ("row", "line") and full.tables.followups.get_column(c).is_not_null().any()]
    assert unread, "every column was needed"
    for c in unread:  # not read: absent, or null as when the file lacks it
        assert c not in load.tables.followups.columns or load.tables.followups.get_column(c).is_null().all(), c
    period = Period.parse("2025")
    whole = evaluate_tables(read_tables(province).tables, period, BYS)
    assert [p.counts for p in evaluate_tables(load.tables, period, BYS)] == [p.counts for p in whole]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("command", [["report", "--period", "2025", "--by", "township", "--format", "json"],
                                     ["report", "--period", "2025", "--by", "county", "--format", "json",
                                      "--coverage", "36"],
                                     ["worklist", "--on", "2025-12-01", "--format", "json"],
                                     ["validate", "--format", "json"]])
def test_every_command_reads_the_partitioned_folder(capsys: pytest.CaptureFixture[str], province: Path,
                                                    partitioned: Path, command: list[str]) -> None:
    name, *rest = command
    code_a, a = run(capsys, name, str(province), *rest)
    code_b, b = run(capsys, name, str(partitioned), *rest)
    assert code_a == code_b
    if name == "validate":  # the CSV folder also holds the pilot's files; the registry's own counts agree
        counts = {c["file"]: c for c in json.loads(b)["counts"]}
        for c in json.loads(a)["counts"]:
            if c["file"] in ("patients.csv", "followups.csv", "events.csv", "population.csv"):
                assert counts[c["file"]] == c
        assert json.loads(b)["findings"] == json.loads(a)["findings"]
    else:
        assert json.loads(a) == json.loads(b)


def test_converting_again_leaves_no_stale_county(province: Path, tmp_path: Path) -> None:
    out = tmp_path / "parts"
    write_partitioned(read_tables(province).tables, out)
    (out / "county=369999").mkdir()
    (out / "county=369999" / "patients.csv").write_text("patient_id\n", encoding="utf-8")
    write_partitioned(read_tables(province).tables, out)
    assert [p.name for p in partition_folders(out)] == ["county=360102", "county=360103", "county=360104"]


def split_csv(source: Path, out: Path, parts: int = 3) -> None:
    """The registry's CSV files cut by hand into ``parts`` partition folders, as offices would send
    them (the reader does not ask which county a partition holds): every row of a patient id in
    one partition (chosen by the id), rows of unknown patients and the population in the first."""
    import zlib

    names = [f"county=36010{i}" for i in range(parts)]
    def rows(name: str) -> tuple[list[str], list[list[str]]]:
        with (source / name).open(encoding="utf-8", newline="") as fh:
            header, *body = list(csv.reader(fh))
        return header, body

    ph, patients = rows("patients.csv")
    ids = {r[ph.index("patient_id")].strip() for r in patients if len(r) > ph.index("patient_id")}
    files: dict[str, dict[str, list[list[str]]]] = {n: {} for n in names}
    headers = {}
    for name in ("patients.csv", "followups.csv", "events.csv", "population.csv"):
        header, body = rows(name)
        headers[name] = header
        for r in body:
            pid = r[header.index("patient_id")].strip() if "patient_id" in header and len(r) > 0 else ""
            part = names[zlib.crc32(pid.encode()) % parts] if pid in ids else names[0]
            files[part].setdefault(name, []).append(r)
    for part, content in files.items():
        folder = out / part
        folder.mkdir(parents=True)
        for name, header in headers.items():
            with (folder / name).open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(header)
                w.writerows(content.get(name, []))


def test_problems_are_counted_as_in_the_unpartitioned_registry(tmp_path: Path) -> None:
    source, _ = write_dirty(tmp_path / "dirty", patients=600, seed=3)
    whole = read_tables(source)
    split_csv(source, tmp_path / "parts")
    load = read_tables(tmp_path / "parts")
    assert len(partition_folders(tmp_path / "parts")) > 1
    assert whole.problems, "the dirty registry has problems"
    def kinds(problems: tuple[object, ...]) -> Counter[tuple[str, str, str]]:
        return Counter((p.file.rsplit("/", 1)[-1], p.kind, p.column) for p in problems  # type: ignore[attr-defined]
                       if p.kind not in ("unknown_file",))  # type: ignore[attr-defined]
    assert kinds(load.problems) == kinds(whole.problems)
    assert {c.file: (c.read, c.accepted, c.rejected) for c in load.counts} == \
        {c.file: (c.read, c.accepted, c.rejected) for c in whole.counts}
    assert all(p.file.startswith("county=") for p in load.problems)


# --- a report county by county (issue 19 item 4) -------------------------------------------------

def test_a_report_county_by_county_equals_one_whole_evaluation(province: Path, partitioned: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from smi_care.scale import folders

    events = read_tables(province).tables.events
    between = events.filter((pl.col("event") == "transfer_out") & pl.col("other_area").str.starts_with("36")
                            & (pl.col("date") <= pl.date(2025, 12, 31)))
    assert between.height > 0, "the fixture must move someone between its counties"
    opened: list[Path] = []
    real = folders.read_tables

    def spy(folder: Path, **kwargs: object) -> object:
        opened.append(Path(folder))
        return real(folder, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(folders, "read_tables", spy)
    period = Period.parse("2025")
    wanted = columns_needed(bys=tuple(BYS))
    done = folders.evaluate_partitioned(partitioned, period, BYS, columns=wanted)
    assert opened == list(partition_folders(partitioned))  # one county per read, each once
    whole = evaluate_tables(read_tables(province).tables, period, BYS)
    for a, b in zip(whole, done.partials, strict=True):
        assert a.counts == b.counts and a.population == b.population and a.patients == b.patients
    assert done.problems == () and {c.file: c.accepted for c in done.counts}["patients.csv"] == 900
    # each county alone (its own coverage): the patient who moved to another county leaves the count
    alone = [evaluate_tables(read_tables(p).tables, period, [None])[0] for p in partition_folders(partitioned)]
    registered = sum(p.counts[("management_rate", "")][1] for p in alone)
    assert registered < whole[0].counts[("management_rate", "")][1]
    opened.clear()
    one = folders.evaluate_partitioned(partitioned, period, [AreaLevel.TOWNSHIP], within="360103")
    assert opened == [partitioned / "county=360103"]
    part = read_tables(partitioned / "county=360103").tables
    assert one.partials[0].counts == evaluate_tables(part, period, [AreaLevel.TOWNSHIP],
                                                     covers=coverage_of_partitions(partition_folders(partitioned)))[0].counts


def test_report_on_the_partitioned_folder_notes_rows_not_loaded(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    source, _ = write_dirty(tmp_path / "dirty", patients=300, seed=5)
    split_csv(source, tmp_path / "parts")
    code, out = run(capsys, "report", str(tmp_path / "parts"), "--period", "2025", "--format", "json")
    _, whole = run(capsys, "report", str(source), "--period", "2025", "--format", "json")
    assert code == 0 and json.loads(out)["results"] == json.loads(whole)["results"]
    main(["report", str(tmp_path / "parts"), "--period", "2025"])
    assert "row(s) not loaded" in capsys.readouterr().err
