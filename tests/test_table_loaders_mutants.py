"""How the follow-ups find their patients (``registry.table_loaders``: ``_owners``,
``_chunk_owners``, ``_compact_keep`` and the chunked read of ``load_followups``), in cases that
take seconds: written for the seventh session's mutation run (docs/testing.md, "Mutation
testing"). A chunk's follow-ups are checked against the accepted patients among its own ids,
found by binary search of the ids sorted once; a follow-up of a patient not accepted is rejected
with the reason (no such patient, or the patient's row rejected), one before the patient's
diagnosis is rejected by the rule, and every other row is kept, in the file's order."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smi_care.registry import read_tables, table_loaders
from smi_care.registry.compact import KEY
from smi_care.registry.reader import read_registry_by_rows
from smi_care.registry.tables import FILE_KINDS
from smi_care.synth.dirty import write_dirty

IDS = [f"P{i}" for i in range(8)]


def owners_of(ids: list[str]) -> pl.DataFrame:
    """The owners of these patients (each id once), born on day i and diagnosed on day 10 + i."""
    return table_loaders._owners(pl.DataFrame(
        {KEY: ids, "birth_date": [dt.date(1990, 1, 1 + i) for i in range(len(ids))],
         "diagnosis_date": [dt.date(2020, 1, 11 + i) for i in range(len(ids))], "sex": [1] * len(ids)},
        schema={KEY: pl.String, "birth_date": pl.Date, "diagnosis_date": pl.Date, "sex": pl.Int8}))


def test_owners_are_sorted_by_id_with_the_dates_a_follow_up_is_checked_against() -> None:
    got = owners_of(["P3", "P1", "P2"])
    assert got.columns == [KEY, "__birth", "__diagnosis"]
    assert got.rows() == [("P1", dt.date(1990, 1, 2), dt.date(2020, 1, 12)),
                          ("P2", dt.date(1990, 1, 3), dt.date(2020, 1, 13)),
                          ("P3", dt.date(1990, 1, 1), dt.date(2020, 1, 11))]


@settings(max_examples=60, deadline=None)
@given(accepted=st.sets(st.sampled_from(IDS)),
       ids=st.lists(st.one_of(st.none(), st.just(""), st.sampled_from([*IDS, "P", "P9", "Q"])), max_size=12))
def test_a_chunk_s_owners_are_the_accepted_patients_among_its_ids(accepted: set[str], ids: list[str | None]) -> None:
    """Ids below the first accepted one, above the last, between two, repeated, empty or null:
    the owners found are exactly the accepted patients among the chunk's ids, each once (in any
    order: the caller joins on them), with their own dates."""
    owners = owners_of(sorted(accepted, reverse=True))
    got = table_loaders._chunk_owners(owners, pl.Series(KEY, ids, dtype=pl.String))
    assert got.schema == owners.schema
    assert got.sort(KEY).equals(owners.filter(pl.col(KEY).is_in(ids)))


@pytest.mark.parametrize(("accepted", "ids", "want"), [
    (["P1", "P3"], ["P0"], []),  # below the first: search_sorted gives 0
    (["P1", "P3"], ["P4"], []),  # above the last: search_sorted gives the length, clipped
    (["P1", "P3"], ["P3"], ["P3"]),  # the last one is found (not clipped away)
    (["P1", "P3"], ["P2", "P1"], ["P1"]),  # between two: not the neighbour
    (["P1"], ["P1"], ["P1"]),
    ([], ["P1"], []),
    (["P1"], [None], []),
    (["P1"], [], []),
])
def test_a_chunk_s_owners_at_the_boundaries(accepted: list[str], ids: list[str | None], want: list[str]) -> None:
    owners = owners_of(accepted)
    got = table_loaders._chunk_owners(owners, pl.Series(KEY, ids, dtype=pl.String))
    assert got.schema == owners.schema
    assert sorted(got.get_column(KEY).to_list()) == want
    assert got.sort(KEY).equals(owners.filter(pl.col(KEY).is_in(want)))


def test_a_compact_chunk_keeps_row_line_the_id_and_the_columns_read() -> None:
    df = pl.DataFrame({"row": [0, 1], "line": [2, 3], KEY: ["P1", "P2"], "seen": ["1", None],
                       "visit_date": [dt.date(2025, 1, 1), None], "symptoms": ["1,2", "3"]})
    kept = table_loaders._compact_keep(frozenset({"seen", "visit_date"}))(df)
    assert kept.columns == ["row", "line", KEY, "seen", "visit_date"]
    assert kept.schema[KEY] == pl.Categorical and kept.schema["seen"] == pl.Categorical
    assert kept.with_columns(pl.col(KEY, "seen").cast(pl.String)).equals(df.drop("symptoms"))
    whole = table_loaders._compact_keep(None)(df)  # None: every column
    assert whole.columns == df.columns
    assert whole.with_columns(pl.col(KEY, "seen", "symptoms").cast(pl.String)).equals(df)
    assert table_loaders._compact_keep(frozenset())(df).columns == ["row", "line", KEY]


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small dirty registry, with follow-ups added of a patient not in patients.csv, of a patient
    whose row in patients.csv is rejected (a birth date that does not exist) and of no patient (an
    empty id: checked and reported, not dropped by the join with the owners)."""
    folder, _ = write_dirty(tmp_path_factory.mktemp("loaders") / "reg", patients=80, seed=3)
    ph, prows = _rows(folder / "patients.csv")
    rejected = next(r[0] for r in prows if r[ph.index("birth_date")] == "1980-02-30")
    fh, frows = _rows(folder / "followups.csv")
    extra = [[*frows[0]], [*frows[1]], [*frows[2]], [*frows[3]]]
    extra[0][0], extra[1][0], extra[2][0], extra[3][0] = "X-NOBODY", rejected, "A-NOBODY", ""
    frows[5:5] = [extra[0], extra[1], extra[3]]
    frows.append(extra[2])
    with (folder / "followups.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([fh, *frows])
    return folder


@pytest.mark.parametrize("chunk", [3, 10**9])
@pytest.mark.parametrize("compact", [False, True])
def test_follow_ups_read_in_chunks_keep_the_object_reader_s_verdicts(
        registry: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, compact: bool) -> None:
    old = read_registry_by_rows(registry)
    monkeypatch.setattr(table_loaders, "_CHUNK", chunk)
    new = read_tables(registry, compact=compact)
    problems = [p for p in new.problems if p.kind not in FILE_KINDS]
    assert problems == list(old.problems)
    assert new.counts == old.counts
    followups = new.tables.followups.with_columns(pl.col(pl.Categorical).cast(pl.String))
    assert followups.get_column("row").is_sorted() and followups.get_column("line").is_sorted()
    assert new.tables.to_registry() == old.registry
    unknown = {p.value: p.reason for p in problems if p.kind == "unknown_patient"}
    assert "there is no such patient" in unknown["X-NOBODY"] and "there is no such patient" in unknown["A-NOBODY"]
    assert sum("was rejected" in m for m in unknown.values()) == 1
    assert any(p.file == "followups.csv" and p.kind == "rule" for p in problems)  # before the diagnosis
    assert any(p.file == "followups.csv" and p.column == KEY and p.value == "" for p in problems)  # no id
    ids = set(new.tables.patients.get_column(KEY).cast(pl.String))
    assert set(followups.get_column(KEY)) <= ids
