"""The three functions the read of a registry in pieces changed in the eighth session, at their
boundaries (under a few seconds, no synthetic registry): ``csv_pieces._cut`` (a file cut into pieces
at line ends, a short tail read with the piece before it), ``cell_size.check_cell_sizes`` (a text
column screened on its bytes before its characters are counted) and the last lines of
``csv_text.plain_frame`` (the rows without any cell left out, the frame not copied when there is
none). Written for that session's mutation run (docs/testing.md, "Mutation testing")."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from smi_care.registry.cell_size import MAX_CELL, check_cell_sizes
from smi_care.registry.csv_pieces import TAIL_SHARE, _cut
from smi_care.registry.csv_text import plain_frame
from smi_care.registry.problems import RegistryReadError


def _pieces(tmp_path: Path, content: bytes, block: int, start: int = 0) -> list[bytes]:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    pieces = list(_cut(path, start, block))
    assert b"".join(pieces) == content[start:]
    return pieces


@pytest.mark.parametrize(("content", "block", "start", "sizes"), [
    (b"a\n" * 9, 16, 0, [18]),  # 2 bytes left after 16: under 16 // 4, read with the piece before them
    (b"a\n" * 10, 16, 0, [16, 4]),  # 4 bytes left: a quarter of 16, not under it, read alone
    (b"a\n" * 6, 10, 0, [10, 2]),  # 2 bytes left: not under 10 // 4 = 2 (though under 10 / 4)
    (b"a\n" * 5 + b"a", 10, 0, [10, 1]),  # 1 byte left joins the read, but a piece still ends at a line end
    (b"a\n" * 9, 8, 0, [8, 8, 2]),
    (b"abc\nde\nfghij\nk\n", 6, 0, [4, 3, 8]),  # lines across the blocks: each piece ends at its last line end
    (b"abc\nde\nfghij\nk", 6, 0, [4, 3, 6, 1]),  # the last piece ends at the end of the file
    (b"abc\nde\nfghij\nk\n", 6, 3, [4, 8]),  # from a position in the file
    (b"abcdefgh\nij\n", 4, 0, [12]),  # no line end in the first blocks: the piece waits for one
    (b"", 8, 0, []),
])
def test_the_pieces_end_at_line_ends_and_a_short_tail_joins_the_one_before(
        tmp_path: Path, content: bytes, block: int, start: int, sizes: list[int]) -> None:
    assert TAIL_SHARE == 4
    assert [len(p) for p in _pieces(tmp_path, content, block, start)] == sizes


def _refused(df: pl.DataFrame, file: str = "followups.csv") -> tuple[str, int | None, str | None, str, str]:
    with pytest.raises(RegistryReadError) as err:
        check_cell_sizes(file, df)
    p = err.value.problem
    return p.file, p.line, p.column, p.value, p.reason


OVER = MAX_CELL + 1


def test_a_cell_over_the_limit_is_named_by_file_line_column_and_size() -> None:
    df = pl.DataFrame({"line": pl.Series([2, 3, 4], dtype=pl.UInt32), "doctor": ["Li", "y" * OVER, "Wu"]})
    file, line, column, value, reason = _refused(df)
    assert (file, line, column) == ("followups.csv", 3, "doctor")
    assert value == "y" * 60 + f"… ({OVER:,} characters in all)"
    assert reason.startswith(f"doctor has a cell of {OVER:,} characters;")


def test_the_first_line_over_the_limit_is_named_whichever_column_holds_it() -> None:
    df = pl.DataFrame({"line": pl.Series([2, 3, 4, 5], dtype=pl.UInt32),
                       "a": ["", "", "a" * MAX_CELL, "b" * (OVER + 1)],  # exactly the limit, then over it
                       "b": ["", "c" * OVER, "d" * (OVER + 2), ""],
                       "c": ["", "", "", "e" * (OVER + 3)]})
    assert _refused(df)[1:3] == (3, "b")
    later = df.with_columns(pl.Series("b", ["", "", "", ""]))
    _, line, column, value, _ = _refused(later)
    assert (line, column) == (5, "a")  # line 4 holds exactly MAX_CELL characters: not over
    assert value.endswith(f"({OVER + 1:,} characters in all)")


def test_two_cells_over_the_limit_in_one_column_name_the_first() -> None:
    df = pl.DataFrame({"line": pl.Series([2, 3, 4], dtype=pl.UInt32), "a": ["x", "y" * (OVER + 5), "z" * OVER]})
    assert _refused(df)[1:4] == (3, "a", "y" * 60 + f"… ({OVER + 5:,} characters in all)")


@pytest.mark.parametrize("extra", [0, 1])
def test_characters_not_bytes_are_measured(extra: int) -> None:
    """A cell of more than MAX_CELL bytes but at most MAX_CELL characters passes the screen on
    bytes and is within the limit; one character more refuses it."""
    cell = "é" + "x" * (MAX_CELL - 1 + extra)  # MAX_CELL (+ extra) characters, one byte more
    df = pl.DataFrame({"line": pl.Series([2, 3], dtype=pl.UInt32), "name": ["Li", cell],
                       "note": ["é" * (MAX_CELL // 2 + 1), "é" * (MAX_CELL // 2 + 1)]})  # over in bytes only
    if extra:
        assert _refused(df)[1:3] == (3, "name")
    else:
        check_cell_sizes("patients.csv", df)


def test_a_categorical_column_is_measured_on_its_categories() -> None:
    df = pl.DataFrame({"line": pl.Series([2, 3, 4], dtype=pl.UInt32),
                       "area": pl.Series(["a", "é" * OVER, "a"], dtype=pl.Categorical),
                       "ok": pl.Series(["é" * MAX_CELL] * 3, dtype=pl.Categorical)})
    file, line, column, value, _ = _refused(df, "patients.csv")
    assert (file, line, column, value) == ("patients.csv", 3, "area", "é" * 60 + f"… ({OVER:,} characters in all)")
    check_cell_sizes("patients.csv", df.drop("area"))


def test_columns_that_are_not_text_and_the_row_and_line_columns_are_not_measured() -> None:
    df = pl.DataFrame({"line": ["x" * OVER], "row": ["y" * OVER], "n": [OVER], "d": [1.5],
                       "blank": pl.Series([None], dtype=pl.Utf8), "name": ["Li"]})
    check_cell_sizes("patients.csv", df)
    check_cell_sizes("patients.csv", df.select("line", "n"))  # no text column at all
    check_cell_sizes("patients.csv", df.select("line", "blank"))  # a text column without a value


def _frame(source: bytes, *, compact: bool = False, spaced: bool = False,
           columns: frozenset[str] | None = None) -> tuple[int, tuple[str, ...], pl.DataFrame]:
    names = source.split(b"\n", 1)[0].decode().split(",")
    parsed = plain_frame("followups.csv", source, names, tuple(names), columns, compact, spaced)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize("compact", [False, True])
def test_the_rows_without_any_cell_are_left_out_and_the_others_keep_their_lines(compact: bool) -> None:
    rows, header, df = _frame(b"id,doctor\nP1,Li\n\n,\nP2,\n,Wu\n", compact=compact)
    assert (rows, header) == (5, ("id", "doctor"))
    assert df.select("line", pl.col("id", "doctor").cast(pl.Utf8)).rows() == [
        (2, "P1", "Li"), (5, "P2", ""), (6, "", "Wu")]


def test_cells_of_blanks_only_are_empty_once_stripped() -> None:
    rows, _, df = _frame(b"id,doctor\nP1, Li\n \t, \nP2,\n", spaced=True)
    assert rows == 3
    assert df.rows() == [(2, "P1", "Li"), (4, "P2", "")]


@pytest.mark.parametrize("compact", [False, True])
def test_a_frame_without_an_empty_row_is_returned_whole(compact: bool) -> None:
    rows, _, df = _frame(b"id,doctor\nP1,Li\nP2,\n,Wu\n", compact=compact)
    assert rows == 3
    assert df.select("line", pl.col("id", "doctor").cast(pl.Utf8)).rows() == [(2, "P1", "Li"), (3, "P2", ""), (4, "", "Wu")]


def test_only_the_columns_read_count_for_an_empty_row() -> None:
    rows, header, df = _frame(b"id,doctor,note\nP1,Li,\nP2,,x\n,,y\n", columns=frozenset({"id", "doctor"}))
    assert (rows, header, df.columns) == (3, ("id", "doctor"), ["line", "id", "doctor"])
    assert df.rows() == [(2, "P1", "Li"), (3, "P2", "")]


def test_a_cell_over_the_limit_in_a_parsed_piece_names_the_file() -> None:
    with pytest.raises(RegistryReadError) as err:
        _frame(b"id,doctor\nP1,Li\nP2," + b"x" * OVER + b"\n")
    p = err.value.problem
    assert (p.file, p.line, p.column) == ("followups.csv", 3, "doctor")
