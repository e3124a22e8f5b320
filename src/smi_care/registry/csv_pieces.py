"""A large plain CSV file read piece by piece, so its text is never whole in memory.

A province's ``followups.csv`` (850 MB at 500,000 patients) held as bytes while polars parsed it,
and then as one table of text, set the peak of a report (3.1 GB). Read here, the file is first
looked through once, a block at a time (no quote anywhere, valid UTF-8), and then handed out in
pieces of about :data:`BLOCK_BYTES`, each cut at a line end and parsed by polars as the whole
file would be (:func:`~smi_care.registry.csv_text.plain_frame`); the loader types and checks one
piece and lets its text go before the next (:meth:`~smi_care.registry.file_state.FileState.chunks`).

Every piece gives what the whole file gives for its lines: the same cells, line numbers and
row numbers. A piece polars refuses (a row with more cells than the header) is read by the
general path (:func:`~smi_care.registry.csv_text.read_csv_text`), which reports that row at its
line; without a quote no cell spans two lines, so a piece is read on its own. A file with a
quote, a byte that is not UTF-8, CR-only line ends or nothing after its header is not read here
(:func:`plain_pieces` gives None) but whole, as before.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "followups.csv"
>>> _ = path.write_bytes(b"patient_id,form\\nP1,1\\n\\nP2,2,9\\nP3, 3 \\n")
>>> pieces = plain_pieces("followups.csv", path, block=8)
>>> [(p.data.rows(), [(q.line, q.kind) for q in p.problems]) for p in pieces]
[([(0, 2, 'P1', '1')], []), ([], [(4, 'bad_row')]), ([(2, 5, 'P3', '3')], [])]
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import polars as pl

from smi_care.registry.csv_text import BOM, SAMPLE_BYTES, plain_frame, read_csv_text, utf8_sample
from smi_care.registry.raw import RawFile, check_header, finish_file, reading

#: The bytes of a file read and parsed at a time (about 200,000 follow-up lines).
BLOCK_BYTES = 16 << 20


@attrs.frozen
class PlainPieces:
    """A plain CSV file's rows, piece by piece (iterate as often as needed: each pass reads the
    file again). Each piece is a :class:`RawFile` whose ``row`` and ``line`` are the file's."""

    file: str
    path: Path
    start: int  # the first byte after the header line
    head: bytes  # the header line, with its line end, without a BOM
    names: tuple[str, ...]
    header: tuple[str, ...]  # the file's (checked) header
    columns: frozenset[str] | None
    compact: bool
    encoding: str
    block: int = BLOCK_BYTES

    @property
    def read_header(self) -> tuple[str, ...]:
        """The columns read (``columns`` of the header, in the file's order)."""
        return tuple(h for h in self.header if self.columns is None or h in self.columns)

    def empty(self) -> pl.DataFrame:
        """No rows, with the columns a piece has."""
        return pl.DataFrame({"row": pl.Series([], dtype=pl.UInt32), "line": pl.Series([], dtype=pl.UInt32),
                             **{h: pl.Series([], dtype=pl.Utf8) for h in self.read_header}})

    def __iter__(self) -> Iterator[RawFile]:
        line, row = 2, 0
        for piece in _cut(self.path, self.start, self.block):
            lines = piece.count(b"\n") + (0 if piece.endswith(b"\n") else 1)
            with reading(self.file, line - 2):
                raw = self._piece(piece, lines)
            data = raw.data.with_columns(row=pl.col("row") + row, line=pl.col("line") + (line - 2))
            problems = tuple(attrs.evolve(p, line=p.line + line - 2) for p in raw.problems)
            yield RawFile(self.file, raw.header, data, problems, raw.unreadable, self.encoding)
            line += lines
            row += data.height + raw.unreadable

    def _piece(self, piece: bytes, lines: int) -> RawFile:
        """One piece, numbered as if it were the whole file (first line 2, first row 0)."""
        spaced = any(piece.find(c) >= 0 for c in (b" ", b"\t", b"\r"))
        source = self.head + piece
        parsed = plain_frame(self.file, source, list(self.names), self.header, self.columns, self.compact, spaced)
        if parsed is not None and parsed[0] == lines:
            return finish_file(self.file, parsed[1], parsed[2], [], self.encoding)
        _, data, problems = read_csv_text(self.file, source.decode("utf-8"))
        header = self.read_header
        return finish_file(self.file, header, data.select("line", *header), problems, self.encoding)


#: A file's last bytes are read with the piece before them when fewer than ``block`` divided by this:
#: every piece pays a fixed cost to be typed and checked, which a tail of a few thousand lines
#: would pay for little (a registry of 10,000 patients: a 16 MB piece and a 1 MB one).
TAIL_SHARE = 4


def _cut(path: Path, start: int, block: int) -> Iterator[bytes]:
    """The file from ``start``, in pieces of about ``block`` bytes, each ending at a line end
    (the last one at the end of the file); a tail shorter than ``block // TAIL_SHARE`` is read
    with the piece before it.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "f.csv"
    >>> _ = path.write_bytes(b"a\\n" * 9)
    >>> [len(p) for p in _cut(path, 0, 8)], [len(p) for p in _cut(path, 0, 16)]
    ([8, 8, 2], [18])
    """
    rest = b""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        fh.seek(start)
        while True:
            got = fh.read(block)
            if got and size - fh.tell() < block // TAIL_SHARE:
                got += fh.read()
            if not got:
                if rest:
                    yield rest
                return
            data = rest + got
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            if cut:
                yield data[:cut]


def plain_pieces(file: str, path: Path, compact: bool = False, columns: frozenset[str] | None = None,
                 block: int = BLOCK_BYTES) -> PlainPieces | None:
    """The file as :class:`PlainPieces`, or None when it must be read whole (a quote, a byte
    that is not UTF-8, no line end in its first :data:`~smi_care.registry.csv_text.SAMPLE_BYTES`,
    nothing after the header). The look through the file is one read, a block at a time: a
    quote is a ``memchr`` and an ASCII block is passed by ``bytes.isascii`` (both in C); only a
    block with other bytes is decoded, and dropped."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
        skip = 3 if sample.startswith(BOM) else 0
        nl = sample.find(b"\n", skip)
        if nl < 0 or not utf8_sample(sample[skip:]):
            return None
        fh.seek(nl + 1)
        decoder = codecs.getincrementaldecoder("utf-8")()
        empty = True
        while True:
            got = fh.read(BLOCK_BYTES)
            if not got:
                break
            empty = False
            if got.find(b'"') >= 0:
                return None
            try:
                if not got.isascii() or decoder.getstate()[0]:  # a character may be cut at a block's end
                    decoder.decode(got)
            except UnicodeDecodeError:
                return None
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    if empty:
        return None
    head = sample[skip:nl + 1]
    names = next(csv.reader([head.decode("utf-8").rstrip("\r\n")]), [])
    header = check_header(file, [h.strip() for h in names])
    encoding = "utf-8-sig" if skip else "utf-8"
    return PlainPieces(file, path, nl + 1, head, tuple(names), header, columns, compact, encoding, block)
