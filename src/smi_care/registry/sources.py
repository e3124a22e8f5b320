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

import contextlib
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import polars as pl

from smi_care.registry.problems import Problem, RegistryReadError, shown

#: File-level problem kinds (they concern a whole file, not a row).
ENCODING = "encoding"


@attrs.frozen
class RawFile:
    """The cells of one file as text, with the rows that could not be read reported."""

    file: str
    header: tuple[str, ...]
    data: pl.DataFrame
    problems: tuple[Problem, ...]
    unreadable: int
    encoding: str
    notices: tuple[Problem, ...] = ()


def _check_header(file: str, header: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    for h in header:
        if h in seen or not h:
            raise RegistryReadError(Problem(file, 1, h, "", "the header repeats a column or has an empty name",
                                            "bad_header"))
        seen.add(h)
    return tuple(header)


def _decode(file: str, data: bytes, encoding: str | None) -> tuple[str, str, list[tuple[int, str]], list[Problem]]:
    """The text of a file, the encoding used, the lines that could not be decoded (line number,
    reason) and any notice. Lines that cannot be decoded are replaced by empty lines, so every
    other line keeps its number."""
    notices: list[Problem] = []
    if encoding is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text" and some exports: the BOM says so
    if encoding is None:
        try:
            text = data.decode("utf-8")
            if text.startswith("\ufeff"):
                return text[1:], "utf-8-sig", [], notices
            return text, "utf-8", [], notices
        except UnicodeDecodeError:
            pass
        mixed = _mostly_utf8(data)
        if mixed is not None:
            return mixed
        try:
            text = data.decode("gb18030")
            notices.append(Problem(file, 0, "", "", "is not valid UTF-8; it was read as GB18030 (GBK), "
                                   "the encoding Excel uses on a Chinese Windows machine", ENCODING, rejected=False))
            return text, "gb18030", [], notices
        except UnicodeDecodeError:
            pass
    else:
        try:
            text = data.decode(encoding)
            if text.startswith("\ufeff"):
                text = text[1:]
            return text, encoding, [], notices
        except UnicodeDecodeError:
            pass
        except LookupError:
            raise RegistryReadError(Problem(file, 0, "", encoding, "is not an encoding Python knows",
                                            "bad_file")) from None
    # Some lines are not valid in any encoding tried: decode line by line (a newline byte never
    # occurs inside a UTF-8 or GB18030 character) and give up only the lines that fail.
    raw_lines = data.split(b"\n")
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    best: tuple[int, str] | None = None
    for enc in candidates:
        failures = 0
        for b in raw_lines:
            try:
                b.decode(enc)
            except UnicodeDecodeError:
                failures += 1
        if best is None or failures < best[0]:
            best = (failures, enc)
    assert best is not None
    chosen = best[1]
    bad: list[tuple[int, str]] = []
    out: list[str] = []
    for i, b in enumerate(raw_lines):
        try:
            out.append(b.decode(chosen))
        except UnicodeDecodeError as exc:
            bad.append((i + 1, f"has a byte that is not valid {chosen.upper()} (byte {exc.start + 1} of the line); "
                               "this row was not loaded"))
            out.append("")
    text = "\n".join(out)
    if text.startswith("\ufeff"):
        text = text[1:]
        chosen = "utf-8-sig" if chosen == "utf-8" else chosen
    if chosen == "gb18030" and encoding is None:
        notices.append(Problem(file, 0, "", "", "is not valid UTF-8; it was read as GB18030 (GBK), "
                               "the encoding Excel uses on a Chinese Windows machine", ENCODING, rejected=False))
    return text, chosen, bad, notices


#: A file whose lines are valid UTF-8 but for at most this share is UTF-8 with a few bad rows
#: (rejected one by one); more, and it is read as GB18030 (an Excel-saved file).
MIXED_SHARE = 0.05


def _mostly_utf8(data: bytes) -> tuple[str, str, list[tuple[int, str]], list[Problem]] | None:
    """A UTF-8 file with a few rows in another encoding (one GBK row pasted into a UTF-8 file):
    the text with those lines emptied (so every line keeps its number) and each bad line with its
    reason; None when the header is not UTF-8 or more than :data:`MIXED_SHARE` of the lines are
    not (the whole file is then another encoding). One decoding pass: bad bytes become lone
    surrogates, and the lines holding one are found by a regular expression."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad_at = [m.start() for m in _SURROGATE.finditer(text)]
    first_nl = text.find("\n")
    if not bad_at or (first_nl >= 0 and bad_at[0] < first_nl) or first_nl < 0:
        return None
    limit = max(1, int(MIXED_SHARE * (text.count("\n") + 1)))
    bad_lines = _bad_line_numbers(text, bad_at, limit)
    if bad_lines is None:
        return None
    lines = text.split("\n")
    bad: list[tuple[int, str]] = []
    for number in bad_lines:
        raw_line = lines[number - 1].encode("utf-8", errors="surrogateescape")
        try:
            raw_line.decode("gb18030")
            also = "; it reads as GB18030 (GBK), so it was probably pasted from a file saved by Excel"
        except UnicodeDecodeError:
            also = ""
        bad.append((number, f"has bytes that are not valid UTF-8, the encoding of the rest of the file{also}; "
                            "this row was not loaded (re-save the file as CSV UTF-8)"))
        lines[number - 1] = ""
    out = "\n".join(lines)
    if out.startswith("\ufeff"):
        return out[1:], "utf-8-sig", bad, []
    return out, "utf-8", bad, []


_SURROGATE = re.compile("[\udc80-\udcff]")


def _bad_line_numbers(text: str, positions: list[int], limit: int) -> list[int] | None:
    """The numbers of the lines holding ``positions`` (sorted), in one walk; None past ``limit``."""
    out: list[int] = []
    line, pos, end = 1, 0, -1
    for at in positions:
        if at <= end:
            continue
        line += text.count("\n", pos, at)
        pos = at
        out.append(line)
        if len(out) > limit:
            return None
        nl = text.find("\n", at)
        end = len(text) if nl < 0 else nl
    return out


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
    header = _check_header(file, [h.strip() for h in next(csv.reader([head_text.rstrip("\r")]), [])])
    width = len(header)
    body = "" if first_nl < 0 else text[first_nl + 1:]
    if '"' in body and _quoted_newline(body):
        return header, *_read_with_csv(file, header, body)
    fast = _read_plain(header, text, body)
    if fast is not None:
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
            row = next(csv.reader([t]))
            if len(row) > width:
                problems.append(_too_many(file, line, row, header))
                continue
            if all(not c.strip() for c in row):
                continue
            records.append((line, row))
        if records:
            cells = pl.concat([cells, _frame(header, records)]).sort("line")
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


_BOM = b"\xef\xbb\xbf"


def _read_plain_bytes(file: str, raw: bytes, compact: bool = False, columns: frozenset[str] | None = None
                      ) -> tuple[tuple[str, ...], pl.DataFrame] | None:
    """:func:`_read_plain` on the file's bytes, without decoding them in Python (polars checks
    they are UTF-8). None when the file needs the general path."""
    start = 3 if raw.startswith(_BOM) else 0
    nl = raw.find(b"\n", start)
    if nl < 0 or raw.find(b'"', nl) >= 0 or raw.find(b"\n\n", nl) >= 0 or raw.find(b"\n\r\n", nl) >= 0:
        return None
    if raw.count(b"\r", nl) != raw.count(b"\r\n", nl) or nl + 1 >= len(raw):
        return None
    try:
        head = raw[start:nl].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    names = next(csv.reader([head]), [])
    header = _check_header(file, [h.strip() for h in names])
    expected = raw.count(b"\n", nl + 1) + (0 if raw.endswith(b"\n") else 1)
    source = raw[start:] if start else raw
    picked = [(n, h) for n, h in zip(names, header, strict=True) if columns is None or h in columns]
    text = {n: pl.Categorical if compact else pl.Utf8 for n, _ in picked}
    header = tuple(h for _, h in picked)
    try:
        df = pl.read_csv(source, has_header=True, infer_schema=False, quote_char=None, columns=list(text),
                         schema_overrides=text, raise_if_empty=False, empty_string_is_null=False)
    except Exception:  # not UTF-8, ragged: the general path reports it row by row
        return None
    if df.height != expected or df.width != len(header):
        return None
    df.columns = list(header)
    spaced = raw.find(b" ", nl) >= 0 or raw.find(b"\t", nl) >= 0 or raw.find(b"\r", nl) >= 0
    if spaced:  # rare: cells to strip are plain text
        df = plain_text(df)
    nulls = {h for h, n in zip(header, df.null_count().row(0), strict=True) if n}
    df = df.select(pl.int_range(2, pl.len() + 2, dtype=pl.UInt32).alias("line"),
                   *[(pl.col(h).fill_null("") if h in nulls else pl.col(h)).pipe(
                       lambda e: e.str.strip_chars() if spaced else e) for h in header])
    if raw.find(b"\n,", nl) >= 0 or spaced:  # a line of nothing but commas starts with one
        df = df.filter(pl.any_horizontal(*(pl.col(h) != "" for h in header)))
    return header, df


def plain_text(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with its categorical text columns as plain ``Utf8`` (other columns unchanged)."""
    cats = [name for name, dtype in df.schema.items() if dtype == pl.Categorical]
    return df.with_columns(pl.col(cats).cast(pl.Utf8)) if cats else df


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
        raise RegistryReadError(Problem(file, line, "", "", f"cannot be read as CSV: {exc}", "bad_file")) from None
    return _frame(header, records), problems


@contextlib.contextmanager
def reading(file: str) -> Iterator[None]:
    """The error boundary of reading one file: whatever goes wrong inside becomes a
    :class:`RegistryReadError` naming the file and the cause, never a traceback."""
    try:
        yield
    except (RegistryReadError, KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError, RecursionError):
        raise
    except BaseException as exc:  # the boundary: any failure of a file (even an engine's panic) is the file's
        cause = shown(" ".join(str(exc).split()) or type(exc).__name__)
        raise RegistryReadError(Problem(file, 0, "", "", f"cannot be read ({type(exc).__name__}): {cause}",
                                        "bad_file")) from None


#: How much of a file is looked at to tell its line ends (the rest is left to the engine).
SAMPLE_BYTES = 1 << 16


def read_csv_file(path: Path, file: str, encoding: str | None = None, compact: bool = False,
                  columns: frozenset[str] | None = None) -> RawFile:
    """A CSV file of the registry format, in UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030
    (or ``encoding``); CRLF, LF or CR-only line ends.
    ``compact=True`` keeps the cells of a plain file as ``Categorical`` (see the module's text).
    ``columns``: read only these (the header keeps the file's order; None reads every column).
    Any failure is a :class:`RegistryReadError` naming the file."""
    with reading(file):
        return _read_csv_file(path, file, encoding, compact, columns)


def _read_csv_file(path: Path, file: str, encoding: str | None, compact: bool, columns: frozenset[str] | None
                   ) -> RawFile:
    raw = path.read_bytes()
    sample = raw[:SAMPLE_BYTES]
    if b"\r" in sample and b"\n" not in sample and b"\n" not in raw:
        raw = raw.replace(b"\r", b"\n")  # CR-only line ends (old Mac Excel): each CR ends a line
    if encoding is None or encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig"):
        fast = _read_plain_bytes(file, raw, compact, columns)
        if fast is not None:
            header, data = fast
            return _finish(file, header, data, [], "utf-8-sig" if raw.startswith(_BOM) else "utf-8")
    text, used, bad, notices = _decode(file, raw, encoding)
    header, data, problems = read_csv_text(file, text)
    if columns is not None:
        header = tuple(h for h in header if h in columns)
        data = data.select("line", *header)
    for line, reason in bad:
        if line == 1:
            raise RegistryReadError(Problem(file, 1, "", "", f"the header {reason}", "bad_file"))
        problems.append(Problem(file, line, "", "", reason, "bad_row"))
    return _finish(file, header, data, problems, used, tuple(notices))


def _finish(file: str, header: tuple[str, ...], data: pl.DataFrame, problems: list[Problem], encoding: str,
            notices: tuple[Problem, ...] = ()) -> RawFile:
    """Number the rows (readable or not) in file order."""
    if not problems and data.width:
        data = data.with_columns(row=pl.int_range(0, pl.len(), dtype=pl.UInt32)).select("row", "line", *header)
        return RawFile(file, header, data, (), 0, encoding, notices)
    bad_lines = pl.Series([p.line for p in problems], dtype=pl.UInt32)
    all_lines = pl.concat([data.get_column("line"), bad_lines]).sort() if data.width else bad_lines.sort()
    position = pl.DataFrame({"line": all_lines, "row": pl.int_range(0, len(all_lines), dtype=pl.UInt32,
                                                                     eager=True)})
    if data.width and data.height:
        data = data.join(position, on="line", how="left").select("row", "line", *header)
    else:
        data = pl.DataFrame({"row": pl.Series([], dtype=pl.UInt32), "line": pl.Series([], dtype=pl.UInt32),
                             **{h: pl.Series([], dtype=pl.Utf8) for h in header}})
    problems.sort(key=lambda p: p.line)
    return RawFile(file, header, data, tuple(problems), len(problems), encoding, notices)


def as_text(df: pl.DataFrame) -> pl.DataFrame:
    """Every column as the registry format writes it: codes and numbers as digits, dates
    ``YYYY-MM-DD``, flags ``1``/``0``, empty for null."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            expr = pl.when(col).then(pl.lit("1")).when(~col).then(pl.lit("0")).otherwise(pl.lit(""))
        elif dtype in (pl.Date, pl.Datetime):
            expr = col.dt.strftime("%Y-%m-%d")
        elif dtype.is_float():
            expr = pl.when(col == col.round(0)).then(col.cast(pl.Int64).cast(pl.Utf8)).otherwise(col.cast(pl.Utf8))
        else:
            expr = col.cast(pl.Utf8)
        out.append(expr.fill_null("").str.strip_chars().alias(name))
    return df.select(out)


def read_frame(file: str, df: pl.DataFrame, encoding: str, columns: frozenset[str] | None = None) -> RawFile:
    """A table read from Parquet or a workbook sheet: ``line`` is the row's line as if it were
    the CSV file (header on line 1). ``columns``: keep only these."""
    df = df.drop([c for c in ("row", "line") if c in df.columns])
    _check_dtypes(file, df)
    header = _check_header(file, [str(c).strip() for c in df.columns])
    df.columns = list(header)
    if columns is not None:
        header = tuple(h for h in header if h in columns)
        df = df.select(header)
    # text columns as the CSV reader gives them; typed columns (Parquet written by write_tables)
    # stay typed and are checked value by value in the screen
    text = [h for h in header if df.schema[h] in (pl.Utf8, pl.Null) or not _typed_ok(df.schema[h])]
    df = df.with_columns(as_text(df.select(text))) if text else df
    data = df.with_columns(line=pl.int_range(2, pl.len() + 2, dtype=pl.UInt32))
    if header:
        blank = pl.all_horizontal((pl.col(h) == "") if data.schema[h] == pl.Utf8 else pl.col(h).is_null()
                                  for h in header)
        data = data.filter(~blank)
    return _finish(file, header, data.select("line", *header), [], encoding)


def _check_dtypes(file: str, df: pl.DataFrame) -> None:
    """Columns the format can hold: text, numbers, dates, flags. A list, struct, duration or
    binary column is refused by name."""
    for name, dtype in df.schema.items():
        if not (dtype in (pl.Utf8, pl.Null, pl.Boolean, pl.Date, pl.Datetime, pl.Categorical)
                or dtype.is_integer() or dtype.is_float() or isinstance(dtype, pl.Datetime)):
            raise RegistryReadError(Problem(file, 1, str(name), "", f"column {name} holds {dtype}, which the registry "
                                            "format cannot hold (text, whole numbers, dates or flags)", "bad_file"))


def _typed_ok(dtype: pl.DataType) -> bool:
    """Dtypes the screen checks without a text round trip."""
    return dtype in (pl.Int8, pl.Date, pl.Boolean)


def read_parquet_file(path: Path, file: str, columns: frozenset[str] | None = None) -> RawFile:
    """A Parquet table; with ``columns``, only those columns are read from the file. Any failure
    (a truncated file, a column of lists) is a :class:`RegistryReadError` naming the file."""
    with reading(file):
        return _read_parquet_file(path, file, columns)


def _read_parquet_file(path: Path, file: str, columns: frozenset[str] | None) -> RawFile:
    if columns is not None:
        names = [n for n in pl.read_parquet_schema(path) if n.strip() in columns]
        return read_frame(file, pl.read_parquet(path, columns=names), "parquet", columns)
    return read_frame(file, pl.read_parquet(path), "parquet")


#: Excel's day 0 for serial dates (1900 date system, with its phantom 1900-02-29).
EXCEL_EPOCH = "1899-12-30"


def is_date_column(name: str) -> bool:
    """A column the format writes as a date: ``date``, ``since`` or a name ending ``_date`` or ``_on``."""
    return name in ("date", "since") or name.endswith(("_date", "_on"))


def _excel_dates(path: Path, sheet: str, df: pl.DataFrame) -> pl.DataFrame:
    """A sheet's date cells as the format's text: a real date cell (read as ``YYYY-MM-DD
    00:00:00``) becomes ``YYYY-MM-DD`` in any column; a serial number (``32073``) in a date
    column becomes its date. Anything else is left for the cell parser to judge."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype != pl.Utf8:
            out.append(col)
            continue
        text = col.str.strip_chars()
        expr = (pl.when(text.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]00:00:00(\.0+)?$"))
                .then(text.str.slice(0, 10)).otherwise(col))
        if is_date_column(str(name).strip()):
            serial = text.str.extract(r"^([0-9]{1,7})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
            day = (pl.lit(EXCEL_EPOCH).str.to_date() + pl.duration(days=serial)).dt.strftime("%Y-%m-%d")
            expr = pl.when(serial.is_between(1, 2_958_465)).then(day).otherwise(expr)
        out.append(expr.alias(str(name)))
    return df.select(out)


def read_xlsx_sheets(path: Path) -> dict[str, pl.DataFrame]:
    """Every sheet of a workbook, all cells as text (needs ``fastexcel``)."""
    try:
        import fastexcel  # noqa: F401
    except ImportError:  # pragma: no cover - fastexcel is a dependency
        raise RegistryReadError(Problem(path.name, 0, "", "", "reading .xlsx needs the fastexcel package",
                                        "bad_file")) from None
    with reading(path.name):
        sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0, raise_if_empty=False)
        return {name.strip(): _excel_dates(path, name, df) for name, df in sheets.items()}
