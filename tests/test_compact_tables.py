"""Compact registry tables (issue 19, memory): ``read_tables(..., compact=True)`` holds the text
columns as ``Categorical`` and changes nothing else — the same rows, problems, lines and counts
as the plain read, on dirty registries read in pieces or whole, with or without the report's
projection — and the columnar engine counts compact tables exactly as plain ones, for any
chunk of patients (a chunk boundary cuts compact and plain tables alike)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smi_care.registry.compact_when as compact_when_module
import smi_care.registry.sources as sources_module
import smi_care.registry.tables as tables_module
from smi_care.cli.main import main
from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period, report
from smi_care.indicators.columnar import evaluate_tables, plain_columns
from smi_care.indicators.columns_needed import columns_needed
from smi_care.indicators.evaluate import Dimension
from smi_care.registry import read_tables, write_registry
from smi_care.registry.compact import SMALL_CODES, compact_columns, small_codes
from smi_care.registry.compact_when import COMPACT_WHEN, CompactWhen, followup_rows
from smi_care.registry.csv_pieces import plain_pieces
from smi_care.registry.projection import projections
from smi_care.registry.registry_tables import RegistryTables
from smi_care.registry.writer import write_partitioned
from smi_care.synth import generate
from smi_care.synth.dirty import write_dirty
from smi_care.synth.province import ProvinceShape, write_province

TABLES = ("patients", "followups", "events", "population")
BYS = [None, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, Dimension.AGE, Dimension.DISORDER]
WHOLE = 10**9


def _dirty(folder: Path, seed: int) -> Path:
    """A dirty registry without quotes (its follow-ups read in pieces), a row wider than its header."""
    write_dirty(folder, patients=120, seed=seed)
    fu = folder / "followups.csv"
    rows = fu.read_text(encoding="utf-8").replace('"', "").split("\n")
    rows.insert(7, rows[6] + ",extra")
    fu.write_text("\n".join(rows), encoding="utf-8")
    return folder


def _same_load(plain: object, compact: object, read: frozenset[str] | None = None) -> None:
    assert compact.problems == plain.problems  # type: ignore[attr-defined]
    assert compact.counts == plain.counts  # type: ignore[attr-defined]
    for name in TABLES:
        a, b = getattr(plain.tables, name), getattr(compact.tables, name)  # type: ignore[attr-defined]
        left_out = [c for c in a.columns if c not in b.columns]
        assert plain_columns(b).equals(a.drop(left_out)), name
        assert [c for c in a.columns if c in b.columns] == b.columns, name  # in the same order
        if left_out:  # only follow-up columns not read, all null in the plain read
            assert name == "followups" and read is not None, name
            assert not set(left_out) & read, name
            assert a.select(left_out).null_count().sum_horizontal().item() == a.height * len(left_out), name
        if name != "population":  # small: left as it is
            assert pl.String not in b.dtypes, name  # every text column is compact


@pytest.mark.parametrize("seed", [2, 7])
@pytest.mark.parametrize("block", [4096, None])  # small pieces, or the file read whole
@pytest.mark.parametrize("projected", [False, True])
def test_compact_read_keeps_rows_problems_and_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int,
                                                    block: int | None, projected: bool) -> None:
    folder = _dirty(tmp_path / "reg", seed)
    if block is None:
        monkeypatch.setattr(sources_module, "plain_pieces", lambda *a, **k: None)
    else:
        monkeypatch.setattr(sources_module, "plain_pieces",
                            lambda file, path, compact=False, columns=None: plain_pieces(file, path, compact, columns,
                                                                                       block))
    cols = columns_needed(bys=(AreaLevel.TOWNSHIP,)) if projected else None
    plain = read_tables(folder, columns=cols)
    assert any(p.file == "followups.csv" for p in plain.problems)  # rows rejected: the check can fail
    assert projected or any(p.kind == "bad_row" for p in plain.problems)
    assert projected or any(p.file == "patients.csv" for p in plain.problems)
    read = projections(cols, ["followups.csv"])["followups.csv"]
    _same_load(plain, read_tables(folder, columns=cols, compact=True), read)
    if projected:  # the columns not read are left out of compact follow-ups
        assert "next_visit_date" in plain.tables.followups.columns
        assert "next_visit_date" not in read_tables(folder, columns=cols, compact=True).tables.followups.columns


def test_compact_partitioned_read(tmp_path: Path) -> None:
    source = write_registry(generate(patients=60, seed=4), tmp_path / "csv")
    top = tmp_path / "parts"
    write_partitioned(read_tables(source).tables, top)
    _same_load(read_tables(top), read_tables(top, compact=True))


def test_compact_partitions_with_different_codes(tmp_path: Path) -> None:
    """Partitions read compact on their own give code lists different ``Enum`` types (here one
    county records no symptom at all); put together they are one ``Enum`` again, the same text."""
    source = write_province(tmp_path / "csv", patients=120, shape=ProvinceShape(patients_per_county=60))
    tables = read_tables(source).tables
    county = tables.patients.get_column("patient_id").min()[:6]
    quiet = pl.col("patient_id").str.starts_with(county)
    tables = attrs.evolve(tables, followups=tables.followups.with_columns(
        pl.when(quiet).then(None).otherwise(pl.col("symptoms")).alias("symptoms")))
    top = tmp_path / "parts"
    write_partitioned(tables, top)
    kinds = {read_tables(part, compact=True).tables.followups.schema["symptoms"] for part in sorted(top.glob("county=*"))}
    assert len(kinds) > 1  # the partitions' codes differ
    _same_load(read_tables(top), read_tables(top, compact=True))


def _both(seed: int) -> tuple[RegistryTables, RegistryTables]:
    folder = write_registry(generate(patients=90, seed=seed), tempfile.mkdtemp())
    return read_tables(folder).tables, read_tables(folder, compact=True).tables


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 5_000), chunk=st.integers(1, 40), period=st.sampled_from(["2024", "2025", "2025Q2"]))
def test_compact_tables_count_as_plain_ones(seed: int, chunk: int, period: str) -> None:
    plain, compact = _both(seed)
    one = evaluate_tables(plain, Period.parse(period), BYS, chunk_patients=WHOLE)
    assert evaluate_tables(compact, Period.parse(period), BYS, chunk_patients=chunk) == one
    assert evaluate_tables(compact, Period.parse(period), BYS, chunk_patients=WHOLE) == one


def test_mixed_tables_are_cut_alike() -> None:
    """Plain patients with compact follow-ups and events: each patient's rows still fall in one
    chunk (the ids are hashed as the same codes), so the counts are those of one pass; hashed as
    text in one table and as codes in another they would not be."""
    plain, compact = _both(11)
    mixed = RegistryTables(plain.patients, compact.followups, compact.events, plain.population)
    period = Period.parse("2025")
    one = evaluate_tables(plain, period, BYS, chunk_patients=WHOLE)
    assert evaluate_tables(mixed, period, BYS, chunk_patients=7) == one
    text = plain.followups.select(pl.col("patient_id").hash(seed=19) % 5).to_series()
    codes = compact.followups.select(pl.col("patient_id").hash(seed=19) % 5).to_series()
    assert not text.equals(codes)  # why the engine must not mix the two keys


def test_report_from_compact_tables() -> None:
    plain, compact = _both(5)
    period = Period.parse("2025")
    assert report(compact, period, AreaLevel.TOWNSHIP) == report(plain, period, AreaLevel.TOWNSHIP)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 5_000), chunk=st.integers(1, 40), period=st.sampled_from(["2024", "2025", "2025Q2"]))
def test_projected_compact_tables_count_as_plain_ones(seed: int, chunk: int, period: str) -> None:
    """The report's read: its columns only, the code lists as one-byte codes, unread follow-up
    columns left out; every indicator's counts are those of the plain read, chunk or no chunk."""
    folder = write_registry(generate(patients=90, seed=seed), tempfile.mkdtemp())
    cols = columns_needed(bys=BYS)
    plain = read_tables(folder, columns=cols).tables
    compact = read_tables(folder, columns=cols, compact=True).tables
    assert isinstance(compact.followups.schema["seen"], pl.Enum)
    assert compact.followups.width < plain.followups.width
    one = evaluate_tables(plain, Period.parse(period), BYS, chunk_patients=WHOLE)
    assert evaluate_tables(compact, Period.parse(period), BYS, chunk_patients=chunk) == one


@settings(max_examples=30, deadline=None)
@given(pieces=st.lists(st.lists(st.one_of(st.none(), st.text("0123,", min_size=1, max_size=6)), max_size=20),
                       min_size=1, max_size=4),
       many=st.booleans())
def test_small_codes_keep_every_text(pieces: list[list[str | None]], many: bool) -> None:
    """Pieces of a column turned to one ``Enum`` give back the same texts, in order, and still
    concatenate; a column with more than SMALL_CODES texts (and the patient id) stays as it is."""
    if many:
        pieces = [*pieces, [str(i) for i in range(SMALL_CODES + 1)]]
    frames = [pl.DataFrame({"patient_id": p, "acts": p}, schema={"patient_id": pl.String, "acts": pl.String})
              for p in pieces]
    small = pl.concat(small_codes([compact_columns(f) for f in frames]))
    assert plain_columns(small).equals(pl.concat(frames))
    assert small.schema["patient_id"] == pl.Categorical
    assert isinstance(small.schema["acts"], pl.Enum) is not many
    if not many:
        assert small["acts"].to_physical().dtype == pl.UInt8  # one byte a cell


def _report_with(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                 when: CompactWhen, folder: Path) -> tuple[str, list[bool]]:
    asked: list[bool] = []

    def spy(folder: Path, **kwargs: object) -> object:
        asked.append(bool(kwargs.get("compact")))
        return read_tables(folder, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compact_when_module, "COMPACT_WHEN", when)
    monkeypatch.setattr(tables_module, "read_tables", spy)
    out = tmp_path / f"report-{len(tmp_path.name)}-{when.followup_rows}.json"
    assert main(["report", str(folder), "--period", "2025", "--by", "township,village", "--format", "json",
                 "--output", str(out)]) == 0
    capsys.readouterr()
    return out.read_text(encoding="utf-8"), asked


def test_report_compact_only_from_the_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``smi-care report`` reads compact from COMPACT_WHEN's follow-ups on, plain below; the
    report is the same on both sides of the threshold (here just below and at the registry's size)."""
    folder = _dirty(tmp_path / "reg", 3)
    rows = followup_rows(folder)
    assert rows > 100
    below, asked_below = _report_with(tmp_path, capsys, monkeypatch, CompactWhen(rows + 1), folder)
    at, asked_at = _report_with(tmp_path, capsys, monkeypatch, CompactWhen(rows), folder)
    never, asked_never = _report_with(tmp_path, capsys, monkeypatch, CompactWhen(None), folder)
    assert (asked_below, asked_at, asked_never) == ([False], [True], [False])
    assert below == at == never
    assert COMPACT_WHEN.pays(folder) is False  # a small registry: the plain read


def test_followup_rows_estimates_the_rows(tmp_path: Path) -> None:
    folder = write_registry(generate(patients=200, seed=8), tmp_path / "csv")
    lines = (folder / "followups.csv").read_bytes().count(b"\n") - 1
    assert followup_rows(folder) == lines  # a small file is read whole: exact
    pq = tmp_path / "pq"
    pq.mkdir()
    read_tables(folder).tables.followups.drop("row", "line").write_parquet(pq / "followups.parquet")
    assert followup_rows(pq) == read_tables(folder).tables.followups.height
    assert followup_rows(tmp_path) == 0


def test_followup_rows_of_a_partitioned_registry_adds_its_partitions(tmp_path: Path) -> None:
    """Reading a partitioned folder whole reads every partition, so its size is their sum (a folder
    that is neither a registry nor partitioned has none)."""
    folder = write_province(tmp_path / "csv", patients=120, shape=ProvinceShape(patients_per_county=40))
    top = tmp_path / "parts"
    write_partitioned(read_tables(folder).tables, top)
    parts = sorted(p for p in top.iterdir() if p.is_dir())
    assert len(parts) > 1
    rows = read_tables(folder).tables.followups.height
    assert rows > 0
    assert followup_rows(top) == sum(followup_rows(p) for p in parts) == rows
    assert CompactWhen(rows).pays(top) and not CompactWhen(rows + 1).pays(top)
    assert followup_rows(tmp_path) == 0  # holds registries, but is neither one nor partitioned
