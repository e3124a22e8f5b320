"""Parsing CSV of the registry format into text cells with each row's true line number:
polars' parser when every line is one row, the csv module for quoted cells that span lines."""

from __future__ import annotations

import codecs
import csv
import io

import polars as pl

from smi_care.registry.cell_size import check_cell_sizes, long_field, too_long
from smi_care.registry.problems import Problem, RegistryReadError
from smi_care.registry.raw import check_header, plain_text


def _frame(header: tuple[str, ...], records: list[tuple[int, list[str]]]) -> pl.DataFrame:
    cols: dict[str, list[str]] = {h: [] for h in header}
    for _, cells in records:
        for i, h in enumerate(header):
            cols[h].append(cells[i].strip() if i < len(cells) else "")
    df = pl.DataFrame({"line": pl.Series([ln for ln, _ in records], dtype=pl.UInt32),
                       **{h: pl.Series(v, dtype=pl.Utf8) for h, v in cols.items()}})
    return df


def _too_many(file: str, line: int, cells: list[str], header: tuple[str, ...]) -> Problem:
    pid = cells[header.index("patient_id")].strip() if "patient_id" in header else ""
    return Problem(file, line, "", "", f"has {len(cells)} cells but the header has {len(header)} columns", "bad_row",
                   pid or None)


def read_csv_text(file: str, text: str) -> tuple[tuple[str, ...], pl.DataFrame, list[Problem]]:
    """Header, cells (with ``line``) and the rows that could not be read, of CSV text."""
    first_nl = text.find("\n")
    head_text = text if first_nl < 0 else text[:first_nl]
    if not head_text.strip() and first_nl < 0:
        return (), pl.DataFrame({"line": pl.Series([], dtype=pl.UInt32)}), []
    header = check_header(file, [h.strip() for h in next(csv.reader([head_text.rstrip("\r")]), [])])
    width = len(header)
    body = "" if first_nl < 0 else text[first_nl + 1:]
    if '"' in body and _quoted_newline(body):
        return header, *_read_with_csv(file, header, body)
    fast = _read_plain(header, text, body)
    if fast is not None:
        check_cell_sizes(file, fast)
        return header, fast, []
    lines = pl.Series("text", [body]).str.split("\n").explode()
    frame = pl.DataFrame({"text": lines}).with_columns(
        line=pl.int_range(2, pl.len() + 2, dtype=pl.UInt32),
        text=pl.col("text").str.strip_suffix("\r"))
    frame = frame.filter(pl.col("text").str.replace_all(r"[\s,]", "") != "")
    quoted = frame.filter(pl.col("text").str.contains('"', literal=True))
    plain = frame.filter(~pl.col("text").str.contains('"', literal=True))
    problems: list[Problem] = []
    plain = plain.with_columns(n=pl.col("text").str.count_matches(",", literal=True) + 1)
    wide = plain.filter(pl.col("n") > width)
    for line, t in wide.select("line", "text").iter_rows():
        problems.append(_too_many(file, line, t.split(","), header))
    plain = plain.filter(pl.col("n") <= width)
    fields = [f"field_{i}" for i in range(width)]
    cells = plain.select("line", pl.col("text").str.splitn(",", width).struct.rename_fields(fields)).unnest("text")
    cells = cells.select("line", *[pl.col(c).fill_null("").str.strip_chars().alias(h) for c, h in zip(fields, header,
                                                                                                      strict=True)])
    if quoted.height:
        records: list[tuple[int, list[str]]] = []
        for line, t in quoted.select("line", "text").iter_rows():
            try:
                row = next(csv.reader([t]))
            except csv.Error as exc:
                raise csv_error(file, line, t, header, exc) from None
            if len(row) > width:
                problems.append(_too_many(file, line, row, header))
                continue
            if all(not c.strip() for c in row):
                continue
            records.append((line, row))
        if records:
            cells = pl.concat([cells, _frame(header, records)]).sort("line")
    check_cell_sizes(file, cells)
    return header, cells, problems


def _read_plain(header: tuple[str, ...], text: str, body: str) -> pl.DataFrame | None:
    """polars' own CSV parser, used when every line is exactly one row: no quotes, no blank
    line, no row wider than the header (then line = position + 2). None when it does not apply."""
    if not body or '"' in body or "\n\n" in body or "\n\r\n" in body or body.startswith(("\n", "\r\n")):
        return None
    if "\r" in body and "\r" in body.replace("\r\n", ""):
        return None
    expected = body.count("\n") + (0 if body.endswith("\n") else 1)
    try:
        df = pl.read_csv(text.encode("utf-8"), has_header=True, infer_schema=False, quote_char=None,
                         new_columns=list(header), raise_if_empty=False)
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError, pl.exceptions.NoDataError):
        return None
    if df.height != expected or df.width != len(header):
        return None
    spaced = " " in body or "\t" in body or "\r" in body
    df = df.select(pl.int_range(2, pl.len() + 2, dtype=pl.UInt32).alias("line"),
                   *[(pl.col(h).fill_null("").str.strip_chars() if spaced else pl.col(h).fill_null("")) for h in header])
    if "\n," in body or body.startswith(",") or spaced:  # a row may have no cell at all: left out, as the csv module does
        df = df.filter(pl.any_horizontal(*(pl.col(h) != "" for h in header)))
    return df


BOM = b"\xef\xbb\xbf"


def read_plain_bytes(file: str, raw: bytes, compact: bool = False, columns: frozenset[str] | None = None
                     ) -> tuple[tuple[str, ...], pl.DataFrame] | None:
    """:func:`_read_plain` on the file's bytes, without a pass over them in Python: polars parses
    the file (and checks it is UTF-8), and the line checks run in the engine, on the cells read.
    None when the file needs the general path.

    Without a quote, polars' parser gives one row per line, an empty line included, so a row's
    line is its position + 2; a line of blanks and commas is then left out in the engine, as the
    csv module does. Single-byte searches (``memchr`` in C, ~20 ms for 170 MB) look for a quote
    (a quoted cell may hide a line end, even in a column not read) and for blanks to strip: the
    same check in the engine costs a ``unique`` per column, ~1.5 s on a province's follow-ups.
    The multi-byte searches and counts of the old check (blank lines, ``\\r\\n``, the line count:
    ~1.7 s) are gone: polars keeps an empty line as a row, so none of them is needed."""
    start = 3 if raw.startswith(BOM) else 0
    nl = raw.find(b"\n", start)
    if nl < 0 or nl + 1 >= len(raw) or not utf8_sample(raw[start:SAMPLE_BYTES]) or raw.find(b'"', nl) >= 0:
        return None
    try:
        head = raw[start:nl].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    names = next(csv.reader([head]), [])
    header = check_header(file, [h.strip() for h in names])
    source = raw[start:] if start else raw
    spaced = any(raw.find(c, nl) >= 0 for c in (b" ", b"\t", b"\r"))
    parsed = plain_frame(file, source, names, header, columns, compact, spaced)
    return None if parsed is None else (parsed[1], parsed[2])


def plain_frame(file: str, source: bytes, names: list[str], header: tuple[str, ...], columns: frozenset[str] | None,
                compact: bool, spaced: bool) -> tuple[int, tuple[str, ...], pl.DataFrame] | None:
    """polars' parse of ``source`` (a header line, then lines without a quote, no BOM): the rows
    parsed (one per line, an empty line included), the header read (``columns`` of it) and the
    cells with ``line`` (the position + 2), the rows without any cell left out. ``spaced``: some
    cell may have blanks to strip. None when polars refuses the text (not UTF-8, a row wider
    than the header): the general path reports it row by row."""
    picked = [(n, h) for n, h in zip(names, header, strict=True) if columns is None or h in columns]
    text = {n: pl.Categorical if compact else pl.Utf8 for n, _ in picked}
    header = tuple(h for _, h in picked)
    try:
        df = pl.read_csv(source, has_header=True, infer_schema=False, quote_char=None, columns=list(text),
                         schema_overrides=text, raise_if_empty=False, empty_string_is_null=False)
    except Exception:  # not UTF-8, ragged: the general path reports it row by row
        return None
    if df.width != len(header):
        return None
    df.columns = list(header)
    nulls = {h for h, n in zip(header, df.null_count().row(0), strict=True) if n}
    if spaced:  # rare: cells to strip are plain text
        df = plain_text(df)
    df = df.select(pl.int_range(2, pl.len() + 2, dtype=pl.UInt32).alias("line"),
                   *[(pl.col(h).fill_null("") if h in nulls else pl.col(h)).pipe(
                       lambda e: e.str.strip_chars() if spaced else e) for h in header])
    check_cell_sizes(file, df)
    cells = df.select(pl.any_horizontal(*(pl.col(h) != "" for h in header))).to_series()
    return df.height, header, df if cells.all() else df.filter(cells)  # no copy when no row is empty


#: How much of a file is looked at to tell its encoding and line ends (the rest is left to the engine).
SAMPLE_BYTES = 1 << 16


def utf8_sample(sample: bytes) -> bool:
    """Whether the start of a file is UTF-8 (a character cut at the sample's end is allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _quoted_newline(body: str) -> bool:
    """Whether some quoted cell spans lines (an odd number of quotes on a line)."""
    counts = pl.Series([body]).str.split("\n").explode().str.count_matches('"', literal=True)
    return bool((counts % 2 == 1).any())


def _read_with_csv(file: str, header: tuple[str, ...], body: str) -> tuple[pl.DataFrame, list[Problem]]:
    reader = csv.reader(io.StringIO(body, newline=""))
    records: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    line = 1
    try:
        for raw in reader:
            start = line + 1
            line = reader.line_num + 1
            if not raw or all(not c.strip() for c in raw):
                continue
            if len(raw) > len(header):
                problems.append(_too_many(file, start, raw, header))
                continue
            records.append((start, raw))
    except csv.Error as exc:
        raise csv_error(file, line + 1, "\n".join(body.split("\n")[line - 1:]), header, exc) from None
    return _frame(header, records), problems


def csv_error(file: str, line: int, text: str, header: tuple[str, ...], exc: csv.Error) -> RegistryReadError:
    """The error for a record the csv module refused, starting at ``line`` (``text``: the file
    from there): a cell over the format's limit is named with its column and size."""
    found = long_field(text, header) if "field limit" in str(exc) else None
    if found is not None:
        return too_long(file, line, *found)
    return RegistryReadError(Problem(file, line, "", "", f"cannot be read as CSV: {exc}", "bad_file"))
