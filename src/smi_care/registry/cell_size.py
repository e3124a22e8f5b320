"""The longest cell the registry format takes, checked the same way on every path (CSV read by
polars or by the csv module, Parquet, a sheet of ``registry.xlsx``).

A cell over :data:`MAX_CELL` characters refuses the file with a :class:`RegistryReadError`
naming the file, the line, the column and the cell's size. It is one answer everywhere: the csv
module cannot read such a cell without raising its limit (``csv.field_size_limit``, state of the
whole process, which the project does not change), and no field of the format needs it. A cell
that long is nearly always a quote left open, which swallowed the lines after it: the rows of
the file can then not be trusted one by one.

>>> import polars as pl
>>> df = pl.DataFrame({"line": [2, 3], "doctor": ["Li", "x" * 131_073]})
>>> try:
...     check_cell_sizes("followups.csv", df)
... except RegistryReadError as exc:
...     p = exc.problem
>>> (p.file, p.line, p.column, p.kind)
('followups.csv', 3, 'doctor', 'bad_file')
>>> print(p.reason)
doctor has a cell of 131,073 characters; the registry format takes at most 131,072 (is a quote left open?)
"""

from __future__ import annotations

import polars as pl

from smi_care.registry.problems import Problem, RegistryReadError

#: The most characters a cell may hold: the csv module's default limit.
MAX_CELL = 131_072


def too_long(file: str, line: int, column: str, value: str, size: int) -> RegistryReadError:
    """The error for a cell of ``size`` characters (``value``: its start, or all of it)."""
    return RegistryReadError(Problem(file, line, column, f"{value[:60]}… ({size:,} characters in all)",
                                     f"{column} has a cell of {size:,} characters; the registry format takes at "
                                     f"most {MAX_CELL:,} (is a quote left open?)", "bad_file"))


def check_cell_sizes(file: str, df: pl.DataFrame) -> None:
    """Raise :func:`too_long` for the first cell over :data:`MAX_CELL` (checked in the engine;
    ``df`` has a ``line`` column; a categorical column is measured on its categories).

    A text column's bytes are measured first, which needs no decoding: a cell has at least as
    many bytes as characters, so only a column with a cell over :data:`MAX_CELL` bytes has its
    characters counted."""
    text = [n for n, d in df.schema.items() if n not in ("row", "line") and d in (pl.Utf8, pl.Categorical)]
    if not text:
        return
    size = {n: (pl.col(n).cat.len_chars() if df.schema[n] == pl.Categorical else pl.col(n).str.len_chars())
            for n in text}
    upper = {n: (size[n] if df.schema[n] == pl.Categorical else pl.col(n).str.len_bytes()) for n in text}
    longest = df.select(upper[n].max().alias(n) for n in text).row(0)
    text = [n for n, m in zip(text, longest, strict=True) if m is not None and m > MAX_CELL]
    if not text:
        return
    longest = df.select(size[n].max().alias(n) for n in text).row(0)
    over = [n for n, m in zip(text, longest, strict=True) if m is not None and m > MAX_CELL]
    if not over:
        return
    first = min((df.filter(size[n] > MAX_CELL).get_column("line")[0], n) for n in over)
    line, name = first
    value = str(df.filter(pl.col("line") == line).get_column(name).cast(pl.Utf8)[0])
    raise too_long(file, int(line), name, value, len(value))


def long_field(text: str, header: tuple[str, ...]) -> tuple[str, str, int] | None:
    """In the CSV text of one record (it may run past the record's end), the first cell over
    :data:`MAX_CELL` characters: its column, its start and its size (quotes as the csv module
    reads them). None when the record has none. Used only on a record the csv module refused."""
    quoted = False
    index, size, start, at = 0, 0, 0, 0
    found: tuple[int, int] | None = None
    while at < len(text):
        ch = text[at]
        if quoted and ch == '"' and text[at + 1:at + 2] == '"':
            size += 1
            at += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in ",\n":
            if found is not None:
                break
            if ch == "\n":
                return None
            index, size, start = index + 1, 0, at + 1
        else:
            size += 1
            if size > MAX_CELL and found is None:
                found = (index, start)
        at += 1
    if found is None:
        return None
    column = header[found[0]] if found[0] < len(header) else f"cell {found[0] + 1}"
    return column, text[found[1]:found[1] + 200].lstrip('"'), size
