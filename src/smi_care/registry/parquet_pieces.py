"""A large Parquet table read a slice of rows at a time, so its text is never whole in memory.

The follow-ups of a province (10.5 million rows at 500,000 patients) read from Parquet were one
table of text while they were checked: the report's peak (2.4 GB from Parquet). Read here, the
file's rows come in slices of :data:`PIECE_ROWS`, each read by the same query as the whole file
(:func:`~smi_care.registry.frames.read_frame`: the columns asked for, text as the CSV reader
gives it, blank rows left out) and numbered as in the whole file (``line`` is the row's line
as if it were the CSV file, ``row`` its place among the rows read); the loader types and checks
one slice and lets its text go before the next, as for a CSV file read in pieces
(:mod:`smi_care.registry.csv_pieces`).

>>> import tempfile, pathlib
>>> import polars as pl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "followups.parquet"
>>> pl.DataFrame({"patient_id": ["P1", "", "P3"], "form": ["1", "", "3"]}).write_parquet(path)
>>> raw = parquet_pieces(path, "followups.csv", rows=2)
>>> raw.header, raw.data.height
(('patient_id', 'form'), 0)
>>> [p.data.rows() for p in raw.pieces]
[[(0, 2, 'P1', '1')], [(1, 4, 'P3', '3')]]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import polars as pl

from smi_care.registry.frames import read_frame
from smi_care.registry.raw import RawFile, reading

#: The rows of a Parquet table read and checked at a time.
PIECE_ROWS = 250_000


@attrs.frozen
class ParquetPieces:
    """A Parquet table's rows, slice by slice (iterate as often as needed: each pass reads the
    file again). Each piece is a :class:`RawFile` whose ``row`` and ``line`` are the file's."""

    file: str
    path: Path
    names: tuple[str, ...] | None  # the file's columns read (None: all)
    columns: frozenset[str] | None
    height: int
    rows: int = PIECE_ROWS

    def __iter__(self) -> Iterator[RawFile]:
        row = 0
        for start in range(0, self.height, self.rows):
            with reading(self.file, start):
                raw = self._slice(start)
            data = raw.data.with_columns(row=pl.col("row") + row, line=pl.col("line") + start)
            yield attrs.evolve(raw, data=data)
            row += data.height

    def _slice(self, start: int) -> RawFile:
        scan = pl.scan_parquet(self.path)
        if self.names is not None:
            scan = scan.select(self.names)
        return read_frame(self.file, scan.slice(start, self.rows), "parquet", self.columns)


def parquet_pieces(path: Path, file: str, columns: frozenset[str] | None = None, rows: int = PIECE_ROWS) -> RawFile:
    """The Parquet table at ``path`` as a :class:`RawFile` with ``pieces`` (its ``data`` empty, with
    the columns and types a piece has). The file's schema and columns are checked here, as a
    whole read checks them; its cells, piece by piece."""
    with reading(file):
        names = None if columns is None else tuple(n for n in pl.read_parquet_schema(path) if n.strip() in columns)
        scan = pl.scan_parquet(path)
        if names is not None:
            scan = scan.select(names)
        head = read_frame(file, scan.head(0), "parquet", columns)
        height = int(pl.scan_parquet(path).select(pl.len()).collect().item())
    return attrs.evolve(head, pieces=ParquetPieces(file, path, names, columns, height, rows))


__all__ = ["PIECE_ROWS", "ParquetPieces", "parquet_pieces"]
