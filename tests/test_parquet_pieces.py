"""A Parquet follow-ups table is read a slice of rows at a time (issue 19, memory): every slice
size gives what the whole table gives — the same rows, row and line numbers, problems and
counts — on dirty registries (bad cells, unknown patients, blank rows), typed or text Parquet,
with or without the report's projection."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smi_care.registry.file_state as file_state
from smi_care.domain.identity import AreaLevel
from smi_care.indicators.columns_needed import columns_needed
from smi_care.registry import read_tables, write_tables
from smi_care.registry.cell_size import MAX_CELL
from smi_care.registry.frames import read_parquet_file
from smi_care.registry.parquet_pieces import parquet_pieces
from smi_care.registry.problems import RegistryReadError
from smi_care.synth.dirty import write_dirty

TABLES = ("patients", "followups", "events", "population")


def _text_parquet(folder: Path, seed: int) -> Path:
    """A dirty registry as Parquet of text (each CSV file's cells as strings), blank follow-up
    rows included."""
    write_dirty(folder / "csv", patients=100, seed=seed)
    out = folder / "pq"
    out.mkdir()
    for name in TABLES:
        df = pl.read_csv(folder / "csv" / f"{name}.csv", infer_schema=False, truncate_ragged_lines=True)
        if name == "followups":
            blank = pl.DataFrame({c: [""] for c in df.columns})
            df = pl.concat([df.head(3), blank, df.slice(3, 40), blank, blank, df.slice(43)])
        df.write_parquet(out / f"{name}.parquet")
    return out


def _read(folder: Path, monkeypatch: pytest.MonkeyPatch, rows: int | None, columns: object) -> object:
    if rows is None:
        monkeypatch.setattr(file_state, "parquet_pieces", read_parquet_file)  # the table read whole
    else:
        monkeypatch.setattr(file_state, "parquet_pieces",
                            lambda path, file, cols=None: parquet_pieces(path, file, cols, rows))
    return read_tables(folder, columns=columns)  # type: ignore[arg-type]


def _same(a: object, b: object) -> None:
    assert a.problems == b.problems and a.counts == b.counts  # type: ignore[attr-defined]
    for name in TABLES:
        assert getattr(a.tables, name).equals(getattr(b.tables, name)), name  # type: ignore[attr-defined]


@settings(max_examples=4, deadline=None)
@given(seed=st.sampled_from([2, 7]), rows=st.integers(200, 900), projected=st.booleans())
def test_slices_equal_the_whole_table(tmp_path_factory: pytest.TempPathFactory, seed: int, rows: int,
                                      projected: bool) -> None:
    folder = _text_parquet(tmp_path_factory.mktemp("reg"), seed)
    columns = columns_needed(bys=(AreaLevel.TOWNSHIP,)) if projected else None
    with pytest.MonkeyPatch.context() as mp:
        whole = _read(folder, mp, None, columns)
    with pytest.MonkeyPatch.context() as mp:
        sliced = _read(folder, mp, rows, columns)
    assert any(p.file == "followups.csv" for p in whole.problems)  # type: ignore[attr-defined]
    _same(sliced, whole)


def test_typed_parquet_in_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _text_parquet(tmp_path, 3)
    typed = tmp_path / "typed"
    write_tables(read_tables(folder).tables, typed, format="parquet")
    whole = _read(typed, monkeypatch, None, None)
    sliced = _read(typed, monkeypatch, 50, None)
    _same(sliced, whole)
    assert whole.tables.followups.height > 100  # type: ignore[attr-defined]


def test_the_reader_reads_followups_in_slices(tmp_path: Path) -> None:
    folder = _text_parquet(tmp_path, 2)
    raw = file_state.read_sources(folder, None, dict.fromkeys(
        ("patients.csv", "followups.csv", "events.csv", "population.csv")))[0]["followups.csv"]
    assert raw.pieces is not None and raw.data.height == 0
    assert sum(p.data.height for p in raw.pieces) > 0


@pytest.mark.parametrize("rows", [3, 4, 100])
def test_a_refused_cell_is_named_at_its_line_in_the_file(tmp_path: Path, rows: int) -> None:
    """A cell over the format's limit in a later slice is named at its line in the file (row
    position + 2), as the whole table names it, not at its line within the slice."""
    path = tmp_path / "followups.parquet"
    doctor = ["Li"] * 10
    doctor[7] = "x" * (MAX_CELL + 1)
    pl.DataFrame({"patient_id": [f"P{i}" for i in range(10)], "visit_date": ["2025-01-01"] * 10,
                  "doctor": doctor}).write_parquet(path)
    raw = parquet_pieces(path, "followups.parquet", rows=rows)
    with pytest.raises(RegistryReadError) as refused:
        for _ in raw.pieces or ():
            pass
    assert (refused.value.problem.line, refused.value.problem.column) == (9, "doctor")
