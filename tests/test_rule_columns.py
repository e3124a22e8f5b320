"""The worklist and the quality findings read only their declared columns (issue 19.2):
run on tables holding nothing else they give the full read's answer (a rule that reads an
undeclared column raises there), a projected read gives the same lists, and the cells read are
judged as a full read judges them (same problems, same lines; rows rejected for a needed cell
still reported)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import attrs
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi_care.indicators.quality_table import quality_table
from smi_care.indicators.rule_columns import QUALITY_COLUMNS, WORKLIST_COLUMNS
from smi_care.indicators.worklist_table import worklist_table
from smi_care.registry import read_tables, write_registry
from smi_care.registry.projection import closed
from smi_care.registry.registry_tables import RegistryTables
from smi_care.registry.row_parsers import KNOWN
from smi_care.synth import generate

DAYS = (dt.date(2024, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 12, 1))


def _only(tables: RegistryTables, columns: Mapping[str, frozenset[str]]) -> RegistryTables:
    """The tables with only ``columns`` of each file, and the columns the reader makes itself
    (``row``, ``line``, ``other_area`` …: not columns of the file)."""

    def keep(frame: pl.DataFrame, file: str) -> pl.DataFrame:
        return frame.select([c for c in frame.columns if c in columns[file] or c not in KNOWN[file]])

    return attrs.evolve(tables, patients=keep(tables.patients, "patients.csv"),
                        followups=keep(tables.followups, "followups.csv"), events=keep(tables.events, "events.csv"))


def _worklist(t: RegistryTables, day: dt.date) -> object:
    return worklist_table(t.patients, t.followups, t.events, day, covers=t.covers)


def _quality(t: RegistryTables) -> object:
    return quality_table(t.patients, t.followups)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_registry(generate(patients=400, seed=21), tmp_path_factory.mktemp("rulecols"))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), day=st.sampled_from(DAYS))
def test_rules_on_only_their_columns_equal_the_full_tables(tmp_path_factory: pytest.TempPathFactory, seed: int,
                                                           day: dt.date) -> None:
    full = read_tables(write_registry(generate(patients=60, seed=seed), tmp_path_factory.mktemp("r"))).tables
    assert _worklist(_only(full, WORKLIST_COLUMNS), day) == _worklist(full, day)
    assert _quality(_only(full, QUALITY_COLUMNS)) == _quality(full)


@pytest.mark.parametrize(("columns", "file", "column"), [
    (WORKLIST_COLUMNS, "followups.csv", "risk_level"), (WORKLIST_COLUMNS, "patients.csv", "consent_date"),
    (WORKLIST_COLUMNS, "events.csv", "event"), (QUALITY_COLUMNS, "followups.csv", "next_visit_date"),
    (QUALITY_COLUMNS, "followups.csv", "sf_work")])
def test_a_column_left_out_of_a_list_is_caught(folder: Path, columns: Mapping[str, frozenset[str]], file: str,
                                               column: str) -> None:
    """The check above can fail: a list without a column its rule reads raises."""
    short = {**columns, file: columns[file] - {column}}
    tables = _only(read_tables(folder).tables, short)
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        if columns is WORKLIST_COLUMNS:
            _worklist(tables, DAYS[1])
        else:
            _quality(tables)


def test_projected_reads_give_the_same_lists_and_read_less(folder: Path) -> None:
    full = read_tables(folder)
    work = read_tables(folder, columns=WORKLIST_COLUMNS)
    qual = read_tables(folder, columns=QUALITY_COLUMNS)
    for day in DAYS:
        assert _worklist(work.tables, day) == _worklist(full.tables, day)
    assert _quality(qual.tables) == _quality(full.tables)
    for part in (work, qual):
        read = closed("followups.csv", (WORKLIST_COLUMNS if part is work else QUALITY_COLUMNS)["followups.csv"])
        assert read is not None and "medications" not in read and "sleep" not in read
        assert part.tables.followups.get_column("sleep").null_count() == part.tables.followups.height


def _spoil(folder: Path, file: str, edits: dict[int, dict[str, str]]) -> None:
    path = folder / file
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for i, cells in edits.items():
        for column, text in cells.items():
            rows[i + 1][header.index(column)] = text
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("columns", [WORKLIST_COLUMNS, QUALITY_COLUMNS], ids=["worklist", "quality"])
def test_problems_of_cells_read_are_the_full_reads(tmp_path: Path, columns: Mapping[str, frozenset[str]]) -> None:
    folder = write_registry(generate(patients=300, seed=23), tmp_path)
    # data row -> cells: needed by both (risk_level, visit_date), by the quality findings only
    # (next_visit_date), by neither (sleep); patients: consent_date (worklist), employment (neither)
    _spoil(folder, "followups.csv", {3: {"risk_level": "9"}, 20: {"next_visit_date": "2001-13-01"},
                                     40: {"sleep": "7"}, 50: {"visit_date": "20250508"}})
    _spoil(folder, "patients.csv", {2: {"employment": "99"}, 5: {"consent_date": "someday"}})
    full, part = read_tables(folder), read_tables(folder, columns=columns)
    read = {f: closed(f, cols) or frozenset() for f, cols in columns.items()}

    def key(p: object) -> tuple[object, ...]:
        return (p.file, p.line, p.column, p.kind, p.reason)  # type: ignore[attr-defined]

    expected = {key(p) for p in full.problems if p.column in read.get(p.file, ())}
    got = {key(p) for p in part.problems}
    assert {k for k in expected if k[3] != "unknown_patient"} <= got
    assert all(k[2] in read.get(str(k[0]), ()) or k[3] == "unknown_patient" for k in got)
    lines = {(p.file, p.line) for p in part.problems}
    assert {("followups.csv", 5), ("followups.csv", 52)} <= lines  # rejected rows of needed cells, reported
    assert ("followups.csv", 42) not in lines and ("patients.csv", 4) not in lines  # cells not read
    assert (("followups.csv", 22) in lines) == ("next_visit_date" in read["followups.csv"])
    assert (("patients.csv", 7) in lines) == ("consent_date" in read["patients.csv"])
    for c in part.counts:
        assert c.read == c.accepted + c.rejected
    # a row rejected for a needed cell is out of the tables, as in the full read
    assert 5 not in part.tables.followups.get_column("line").to_list()
