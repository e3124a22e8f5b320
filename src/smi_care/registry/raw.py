"""What every source of a registry file gives: :class:`RawFile` (the cells as text, with the
rows that could not be read), the error boundary of reading one file, and the numbering of rows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import attrs
import polars as pl

from smi_care.registry.problems import Problem, RegistryReadError, shown

#: File-level problem kinds (they concern a whole file, not a row).
ENCODING = "encoding"


@attrs.frozen
class RawFile:
    """The cells of one file as text, with the rows that could not be read reported.

    A large plain CSV file may come in ``pieces`` (:mod:`smi_care.registry.csv_pieces`): ``data``
    is then empty and each piece is a :class:`RawFile` of some of its rows (``row`` and ``line``
    the file's), read when iterated; :func:`whole` puts them together."""

    file: str
    header: tuple[str, ...]
    data: pl.DataFrame
    problems: tuple[Problem, ...]
    unreadable: int
    encoding: str
    notices: tuple[Problem, ...] = ()
    pieces: Iterable[RawFile] | None = None


def whole(raw: RawFile) -> RawFile:
    """``raw`` with its pieces (if any) read and put together: one :class:`RawFile`."""
    if raw.pieces is None:
        return raw
    parts = list(raw.pieces)
    data = pl.concat([raw.data, *(p.data for p in parts)], how="vertical_relaxed") if parts else raw.data
    return RawFile(raw.file, raw.header, data, tuple(q for p in parts for q in p.problems),
                   sum(p.unreadable for p in parts), raw.encoding, raw.notices)


def check_header(file: str, header: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    for h in header:
        if h in seen or not h:
            raise RegistryReadError(Problem(file, 1, h, "", "the header repeats a column or has an empty name",
                                            "bad_header"))
        seen.add(h)
    return tuple(header)

def plain_text(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with its categorical text columns as plain ``Utf8`` (other columns unchanged)."""
    cats = [name for name, dtype in df.schema.items() if dtype == pl.Categorical]
    return df.with_columns(pl.col(cats).cast(pl.Utf8)) if cats else df


@contextlib.contextmanager
def reading(file: str, lines_before: int = 0) -> Iterator[None]:
    """The error boundary of reading one file: whatever goes wrong inside becomes a
    :class:`RegistryReadError` naming the file and the cause, never a traceback. Reading a piece
    of the file whose first row is ``lines_before`` lines after the file's first row: a refusal
    of one of its rows is named at its line in the file, not in the piece."""
    try:
        yield
    except RegistryReadError as exc:
        if lines_before and exc.problem.line >= 2:  # a row's line, not the header's or the file's (0)
            raise RegistryReadError(attrs.evolve(exc.problem, line=exc.problem.line + lines_before)) from None
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError, RecursionError):
        raise
    except BaseException as exc:  # the boundary: any failure of a file (even an engine's panic) is the file's
        cause = shown(" ".join(str(exc).split()) or type(exc).__name__)
        raise RegistryReadError(Problem(file, 0, "", "", f"cannot be read ({type(exc).__name__}): {cause}",
                                        "bad_file")) from None


def finish_file(file: str, header: tuple[str, ...], data: pl.DataFrame, problems: list[Problem], encoding: str,
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
