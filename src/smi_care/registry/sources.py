"""Getting the raw cells of a registry file: CSV in UTF-8 (with or without BOM) or GB18030,
Parquet, or a sheet of ``registry.xlsx``.

Every source gives the same thing: a :class:`RawFile` whose ``data`` has one text column per
header column (stripped, ``""`` when empty), the row's position ``row`` among the data rows and
its true ``line`` in the file. Asked to be compact, a CSV read on the fast path keeps its cells
as ``Categorical`` (a 4-byte index per cell instead of a 16-byte string view: a province's
follow-ups take a third of the memory); :func:`plain_text` turns them into ``Utf8`` where a step
needs plain text.
A row that cannot be read (a bad byte, more cells than the header) is left out of ``data`` and
reported with its line number; the rest of the file still reads.
"""

from __future__ import annotations

from pathlib import Path

from smi_care.registry.csv_pieces import plain_pieces
from smi_care.registry.csv_text import BOM, SAMPLE_BYTES, read_csv_text, read_plain_bytes
from smi_care.registry.decoding import MIXED_SHARE, decode
from smi_care.registry.frames import EXCEL_EPOCH, as_text, is_date_column, read_frame, read_parquet_file, read_xlsx_sheets
from smi_care.registry.problems import Problem, RegistryReadError
from smi_care.registry.raw import ENCODING, RawFile, finish_file, plain_text, reading


def read_csv_file(path: Path, file: str, encoding: str | None = None, compact: bool = False,
                  columns: frozenset[str] | None = None) -> RawFile:
    """A CSV file of the registry format, in UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030
    (or ``encoding``); CRLF, LF or CR-only line ends.
    ``compact=True`` keeps the cells of a file read whole as ``Categorical`` (see the module's text);
    a plain such file is read piece by piece, as plain text (:mod:`smi_care.registry.csv_pieces`: the ``RawFile`` then
    has ``pieces``, see :meth:`~smi_care.registry.file_state.FileState.chunks`).
    ``columns``: read only these (the header keeps the file's order; None reads every column).
    Any failure is a :class:`RegistryReadError` naming the file."""
    with reading(file):
        return _read_csv_file(path, file, encoding, compact, columns)


def _read_csv_file(path: Path, file: str, encoding: str | None, compact: bool, columns: frozenset[str] | None
                   ) -> RawFile:
    utf8 = encoding is None or encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig")
    if compact and utf8:  # a large table, read piece by piece when it is plain (csv_pieces)
        pieces = plain_pieces(file, path, columns=columns)  # plain text: a piece lives only while it is typed
        if pieces is not None:
            return RawFile(file, pieces.read_header, pieces.empty(), (), 0, pieces.encoding, pieces=pieces)
    raw = path.read_bytes()
    sample = raw[:SAMPLE_BYTES]
    if b"\r" in sample and b"\n" not in sample and b"\n" not in raw:
        raw = raw.replace(b"\r", b"\n")  # CR-only line ends (old Mac Excel): each CR ends a line
    if utf8:
        fast = read_plain_bytes(file, raw, compact, columns)
        if fast is not None:
            header, data = fast
            return finish_file(file, header, data, [], "utf-8-sig" if raw.startswith(BOM) else "utf-8")
    text, used, bad, notices = decode(file, raw, encoding)
    header, data, problems = read_csv_text(file, text)
    if columns is not None:
        header = tuple(h for h in header if h in columns)
        data = data.select("line", *header)
    for line, reason in bad:
        if line == 1:
            raise RegistryReadError(Problem(file, 1, "", "", f"the header {reason}", "bad_file"))
        problems.append(Problem(file, line, "", "", reason, "bad_row"))
    return finish_file(file, header, data, problems, used, tuple(notices))



__all__ = ["ENCODING", "EXCEL_EPOCH", "MIXED_SHARE", "SAMPLE_BYTES", "RawFile", "as_text", "is_date_column", "plain_text",
           "read_csv_file", "read_csv_text", "read_frame", "read_parquet_file", "read_xlsx_sheets", "reading"]
