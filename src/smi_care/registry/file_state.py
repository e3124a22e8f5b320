"""The files of a registry folder found and opened: which source holds each table, the unknown
files, and the state of one file while its rows are checked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from smi_care.registry.columns import (
    EVENTS,
    FOLLOWUPS,
    PATIENTS,
    POPULATION,
    PROGRAMME_FILE_NAMES,
    REQUIRED,
    SUPPORT_FILES,
    described,
)
from smi_care.registry.frames import read_frame, read_parquet_file, read_xlsx_sheets
from smi_care.registry.parquet_pieces import parquet_pieces
from smi_care.registry.problems import Problem, RegistryReadError
from smi_care.registry.raw import RawFile, plain_text, whole
from smi_care.registry.row_parsers import Collector, Row
from smi_care.registry.screen import DTYPES, Kind
from smi_care.registry.sources import read_csv_file

#: The tables of a registry and their CSV files.
TABLE_FILES = {"patients": PATIENTS, "followups": FOLLOWUPS, "events": EVENTS, "population": POPULATION}
WORKBOOK = "registry.xlsx"


def sheet_name(table: str) -> str:
    """How a problem names a sheet of :data:`WORKBOOK`: as Excel names it in a reference to
    another workbook, ``[registry.xlsx]followups`` (the line is then the sheet's row number)."""
    return f"[{WORKBOOK}]{table}"

#: Files a registry folder may hold besides the tables (``areas.csv``: area names, registry-format.md).
OTHER_FILES = frozenset({"registry.toml", "registry.json", WORKBOOK, "areas.csv", "areas.parquet"}) | PROGRAMME_FILE_NAMES
#: The optional programme files (read by :mod:`smi_care.registry.support_files`), as CSV or Parquet.
SUPPORT_FILE_NAMES = frozenset(SUPPORT_FILES) | {f.replace(".csv", ".parquet") for f in SUPPORT_FILES}

# --- reading ------------------------------------------------------------------------------------

def collector() -> Any:
    return Collector(False)


def row_of(raw: RawFile, values: Mapping[str, Any], extra: tuple[str, ...]) -> Row:
    cells_ = {h: values[h] for h in raw.header}
    return Row(raw.file, int(values["line"]), cells_, tuple((h, cells_[h]) for h in extra if cells_[h]))


def read_sources(folder: Path, encoding: str | None, wanted: Mapping[str, frozenset[str] | None]
             ) -> tuple[dict[str, RawFile], list[Problem]]:
    """The raw files of a folder (CSV, Parquet or the sheets of ``registry.xlsx``), each with
    the ``wanted`` columns only (None: all), and the unknown files found there."""
    found: dict[str, RawFile] = {}
    notices: list[Problem] = []
    sheets: dict[str, pl.DataFrame] | None = None
    if (folder / WORKBOOK).is_file():
        sheets = read_xlsx_sheets(folder / WORKBOOK)
    for table, file in TABLE_FILES.items():
        csv_path, pq_path = folder / file, folder / f"{table}.parquet"
        try:
            if csv_path.is_file():
                found[file] = read_csv_file(csv_path, file, encoding, compact=file == FOLLOWUPS, columns=wanted[file])
            elif pq_path.is_file():
                read = parquet_pieces if file == FOLLOWUPS else read_parquet_file  # follow-ups: slice by slice
                found[file] = read(pq_path, file, wanted[file])
            elif sheets is not None and table in sheets:
                found[file] = read_frame(sheet_name(table), sheets[table], "xlsx", wanted[file])
        except RegistryReadError:
            refuse_pieces_first(found.values())
            raise
    known = OTHER_FILES | set(TABLE_FILES.values()) | {f"{t}.parquet" for t in TABLE_FILES} | SUPPORT_FILE_NAMES
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name not in known:
            notices.append(Problem(path.name, 0, "", "", "is not a file of the registry format and was not read "
                                   "(expected patients, followups, events and population as .csv or .parquet, "
                                   "registry.xlsx, registry.toml, areas.csv)", "unknown_file", rejected=False))
    if sheets is not None:
        for name in sheets:
            if name not in TABLE_FILES:
                notices.append(Problem(WORKBOOK, 0, name, "", f"sheet {name!r} is not a table of the registry "
                                       "format and was not read", "unknown_file", rejected=False))
    return found, notices


def refuse_pieces_first(earlier: Iterable[RawFile]) -> None:
    """Before a file's refusal is raised: the refusal of an earlier file read in pieces, if it has
    one. Such a file's pieces are only read when its rows are typed, after the later files; the
    error a caller sees first must not depend on that (the format's file order, as when every
    file is read whole). Only on the way to an error: the pieces are read and let go."""
    for raw in earlier:
        for _ in raw.pieces or ():
            pass


@attrs.define
class FileState:
    """The state of one file while it is read."""

    raw: RawFile
    extra: tuple[str, ...]
    data: pl.DataFrame  # readable rows with a usable header, as text
    problems: list[Problem]
    read: int

    @property
    def file(self) -> str:
        return self.raw.file

    def chunks(self, size: int) -> Iterator[pl.DataFrame]:
        """The readable rows, a chunk at a time: slices of ``size`` rows of ``data``, or, for a
        file read in pieces, its pieces as they are read (each piece's unreadable rows are then
        added to the problems and every row to ``read``). A chunk's text can be let go before
        the next is read."""
        if self.raw.pieces is None:
            for start in range(0, self.data.height, size):
                yield self.data.slice(start, size)
            return
        for piece in self.raw.pieces:
            self.problems.extend(piece.problems)
            self.read += piece.data.height + piece.unreadable
            if piece.data.height:
                yield piece.data


def let_go(f: FileState) -> None:
    """Let the text of a loaded file go (its rows are typed tables now): ``data`` and the raw
    cells emptied; the counts, problems, header and extra columns stay."""
    f.data = f.data.clear()
    f.raw = attrs.evolve(f.raw, data=f.raw.data.clear())


def open_file(raw: RawFile | None, file: str, known: tuple[str, ...], file_notes: list[Problem]) -> FileState:
    if raw is None:
        empty = RawFile(file, (), pl.DataFrame({"row": pl.Series([], dtype=pl.UInt32),
                                               "line": pl.Series([], dtype=pl.UInt32)}), (), 0, "")
        return FileState(empty, (), empty.data, [], 0)
    file_notes.extend(raw.notices)
    if raw.pieces is not None and any(c not in raw.header for c in REQUIRED[file]):
        raw = whole(raw)  # every row is reported: read them now
    shown_as = raw.file  # the file, or the workbook's sheet (sheet_name), as problems name it
    problems = list(raw.problems)
    read = raw.data.height + raw.unreadable
    extra = tuple(h for h in raw.header if h not in known)
    data = raw.data if file == FOLLOWUPS else plain_text(raw.data)  # follow-ups: by chunks (load_followups)
    if not raw.header:
        file_notes.append(Problem(shown_as, 0, "", "", "is empty (not even a header line)", "empty_file", rejected=False))
    missing = [c for c in REQUIRED[file] if c not in raw.header]
    if missing and raw.header:
        names = ", ".join(described(c) for c in missing)
        file_notes.append(Problem(shown_as, 1, missing[0], "", f"the file has no column {names}, which is required: "
                                  f"none of its {data.height} row(s) were loaded", "missing_column",
                                  rejected=data.height > 0))
        col = missing[0]
        reason = f"the file has no column {described(col)}, which is required"
        pids = data.get_column("patient_id").to_list() if "patient_id" in data.columns else [""] * data.height
        for line, pid in zip(data.get_column("line").to_list(), pids, strict=True):
            problems.append(Problem(shown_as, line, col, "", reason, "missing_required", pid or None))
        data = data.clear()
    return FileState(raw, extra, data, problems, read)


def unknown_patients(f: FileState, accepted: pl.Series, all_ids: pl.Series, data: pl.DataFrame | None = None
                     ) -> pl.DataFrame:
    """Report rows (of ``data``, else the whole file) whose patient is not accepted; return the others."""
    data = f.data if data is None else data
    pid = pl.col("patient_id")
    unknown = (pid != "") & ~pid.is_in(accepted.implode())
    bad = data.filter(unknown)
    if bad.height:
        rejected = set(bad.filter(pid.is_in(all_ids.implode())).get_column("patient_id").to_list())
        for line, p in bad.select("line", "patient_id").iter_rows():
            why = "its row in patients.csv was rejected" if p in rejected else "there is no such patient in patients.csv"
            f.problems.append(Problem(f.file, line, "patient_id", p, f"patient_id (患者编号) is unknown: {why}",
                                      "unknown_patient", p))
    return data.filter(~unknown)


def final_table(df: pl.DataFrame, specs: list[tuple[str, Callable[[str], Any], Kind]], f: FileState,
           empty: bool = False) -> pl.DataFrame:
    """The table as published: row, line, the header's columns (typed, or text with null when
    empty), then the typed columns the file lacks (null)."""
    typed = {s[0]: DTYPES[s[2]] for s in specs}
    cols: list[pl.Expr] = [pl.col("row").cast(pl.UInt32), pl.col("line").cast(pl.UInt32)]
    names = [h for h in f.raw.header if h in df.columns] + [c for c in ("patient_id",) if c not in f.raw.header]
    names += [s[0] for s in specs if s[0] not in names]
    for h in names:
        if h in typed and not empty:
            cols.append(pl.col(h))
        elif h in typed:
            cols.append(pl.lit(None, dtype=typed[h]).alias(h))
        else:
            cols.append(pl.when(pl.col(h) == "").then(None).otherwise(pl.col(h)).alias(h))
    return df.select(cols)
