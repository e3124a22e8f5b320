"""Compact registry tables (issue 19, memory): ``read_tables(..., compact=True)`` holds the text
columns as ``Categorical`` and changes nothing else — the same rows, problems, lines and counts
as the plain read, on dirty registries read in pieces or whole, with or without the report's
projection — and the columnar engine counts compact tables exactly as plain ones, for any
chunk of patients (a chunk boundary cuts compact and plain tables alike)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smi_care.registry.sources as sources_module
from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period, report
from smi_care.indicators.columnar import evaluate_tables, plain_columns
from smi_care.indicators.columns_needed import columns_needed
from smi_care.indicators.evaluate import Dimension
from smi_care.registry import read_tables, write_registry
from smi_care.registry.csv_pieces import plain_pieces
from smi_care.registry.registry_tables import RegistryTables
from smi_care.registry.writer import write_partitioned
from smi_care.synth import generate
from smi_care.synth.dirty import write_dirty

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


def _same_load(plain: object, compact: object) -> None:
    assert compact.problems == plain.problems  # type: ignore[attr-defined]
    assert compact.counts == plain.counts  # type: ignore[attr-defined]
    for name in TABLES:
        a, b = getattr(plain.tables, name), getattr(compact.tables, name)  # type: ignore[attr-defined]
        assert plain_columns(b).equals(a), name
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
    _same_load(plain, read_tables(folder, columns=cols, compact=True))


def test_compact_partitioned_read(tmp_path: Path) -> None:
    source = write_registry(generate(patients=60, seed=4), tmp_path / "csv")
    top = tmp_path / "parts"
    write_partitioned(read_tables(source).tables, top)
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
