"""A plain CSV file read piece by piece (``smi_care.registry.csv_pieces``, issue 19: memory)
gives what the whole file gives: the same cells, line numbers, row numbers and unreadable rows,
wherever the pieces are cut — blank lines, blanks around cells, short rows, rows wider than the
header, CRLF, a BOM and rows that are not UTF-8 included — and ``read_tables`` gives the same
tables and problems as a read of the file whole."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi_care.registry import read_tables
from smi_care.registry import sources as sources_module
from smi_care.registry.cell_size import MAX_CELL
from smi_care.registry.csv_pieces import _cut, plain_pieces
from smi_care.registry.problems import RegistryReadError
from smi_care.registry.raw import RawFile, plain_text, whole
from smi_care.registry.sources import read_csv_file
from smi_care.synth.dirty import write_dirty
from tests.csv_lines import HEADER, csv_lines


def _same(a: RawFile, b: RawFile) -> None:
    assert a.header == b.header
    assert plain_text(a.data).rows() == plain_text(b.data).rows()
    assert [(p.line, p.kind, p.reason) for p in a.problems] == [(p.line, p.kind, p.reason) for p in b.problems]
    assert a.unreadable == b.unreadable and a.encoding == b.encoding


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_lines(max_lines=12, wide=True), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans(),
       st.integers(1, 40), st.sampled_from([None, frozenset({"patient_id", "form"})]))
def test_pieces_equal_the_whole_file(tmp_path: Path, body: list[str], eol: str, final_eol: bool, bom: bool,
                                     block: int, columns: frozenset[str] | None) -> None:
    text = ",".join(HEADER) + eol + eol.join(body) + (eol if final_eol else "")
    path = tmp_path / "followups.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    pieces = plain_pieces("followups.csv", path, compact=True, columns=columns, block=block)
    one = read_csv_file(path, "followups.csv", columns=columns)  # the whole file, as before
    if pieces is None:  # only a file with nothing after its header is read whole
        assert text.split(eol, 1)[1] == ""
        return
    assert sum(1 for _ in pieces) >= 1
    _same(whole(RawFile("followups.csv", pieces.read_header, pieces.empty(), (), 0, pieces.encoding,
                        pieces=pieces)), one)


@pytest.mark.parametrize("content", [b'patient_id,form\nP1,"1"\n', "patient_id,form\nP1,中\n".encode("gb18030"),
                                     b"patient_id,form", b"patient_id,form\n", b"patient_id,form\rP1,1\r"])
def test_files_read_whole(tmp_path: Path, content: bytes) -> None:
    """A quote, a byte that is not UTF-8, no line end, nothing after the header: no pieces."""
    path = tmp_path / "followups.csv"
    path.write_bytes(content)
    assert plain_pieces("followups.csv", path) is None


def test_a_bad_byte_past_the_first_block_reads_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "followups.csv"
    good = b"P1,2025-01-02,1\n" * 5000
    path.write_bytes(b"patient_id,visit_date,form\n" + good + "P2,2025-01-03,中\n".encode("gb18030") + good)
    assert plain_pieces("followups.csv", path) is None  # the sample is UTF-8, a later row is not
    raw = read_csv_file(path, "followups.csv", compact=True)
    assert raw.pieces is None and [(p.line, p.kind) for p in raw.problems] == [(5002, "bad_row")]


@pytest.fixture(params=[4096, 1 << 20])
def small_pieces(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The reader's pieces made ``request.param`` bytes long."""
    block = int(request.param)
    cut = plain_pieces

    def pieces(file: str, path: Path, compact: bool = False, columns: frozenset[str] | None = None,
               block_: int = block) -> object:
        return cut(file, path, compact, columns, block_)

    monkeypatch.setattr(sources_module, "plain_pieces", pieces)
    return block


def _plain_folder(folder: Path, seed: int) -> Path:
    """A dirty registry (bad cells, unknown patients, rows wider than the header, blank lines)
    without quotes, so its follow-ups are read in pieces."""
    write_dirty(folder, patients=150, seed=seed)
    fu = folder / "followups.csv"
    text = fu.read_text(encoding="utf-8").replace('"', "")
    rows = text.split("\n")
    rows.insert(5, "")
    rows.insert(9, rows[8] + ",extra,cells" if len(rows) > 8 else "")
    fu.write_text("\n".join(rows), encoding="utf-8")
    return folder


@pytest.mark.parametrize("seed", [2, 7])
def test_read_tables_in_pieces_equals_whole(tmp_path: Path, small_pieces: int, seed: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _plain_folder(tmp_path / "reg", seed)
    pieced = read_tables(folder)
    assert read_csv_file(folder / "followups.csv", "followups.csv", compact=True).pieces is not None
    monkeypatch.setattr(sources_module, "plain_pieces", lambda *a, **k: None)  # the file read whole
    one = read_tables(folder)
    assert pieced.problems == one.problems and pieced.counts == one.counts
    for name in ("patients", "followups", "events", "population"):
        assert getattr(pieced.tables, name).equals(getattr(one.tables, name)), name
    assert any(p.file == "followups.csv" and p.kind == "bad_row" for p in pieced.problems)
    assert pieced.tables.followups.schema["patient_id"] == pl.Utf8


def _too_long_cell(path: Path, line: int) -> None:
    """``path`` with its last cell on ``line`` made longer than the format takes."""
    rows = path.read_text(encoding="utf-8").split("\n")
    cells = rows[line - 1].split(",")
    cells[-1] = "x" * (MAX_CELL + 10)
    rows[line - 1] = ",".join(cells)
    path.write_text("\n".join(rows), encoding="utf-8")


@pytest.mark.parametrize("broken", [("followups.csv", "events.csv"), ("followups.csv",), ("events.csv",)])
def test_the_first_refused_file_is_named_as_when_read_whole(tmp_path: Path, small_pieces: int,
                                                            broken: tuple[str, ...],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The follow-ups are read in pieces only when their rows are typed, after events.csv; a
    refusal of both still names followups.csv first, the format's order, as a whole read does."""
    folder = _plain_folder(tmp_path / "reg", 2)
    for name in broken:
        _too_long_cell(folder / name, 40)
    assert read_csv_file(folder / "followups.csv", "followups.csv", compact=True).pieces is not None
    with pytest.raises(RegistryReadError) as pieced:
        read_tables(folder)
    monkeypatch.setattr(sources_module, "plain_pieces", lambda *a, **k: None)  # the file read whole
    with pytest.raises(RegistryReadError) as one:
        read_tables(folder)
    assert pieced.value.problem == one.value.problem
    assert (pieced.value.problem.file, pieced.value.problem.line) == (broken[0], 40)


@pytest.mark.parametrize(("lines", "pieces"), [(20, [40]), (24, [48]), (25, [40, 10]), (44, [40, 48]),
                                               (45, [40, 40, 10])])
def test_a_short_tail_is_read_with_the_piece_before_it(tmp_path: Path, lines: int, pieces: list[int]) -> None:
    """Pieces of 40 bytes: a tail under a quarter of that (10 bytes) joins the piece before it."""

    path = tmp_path / "f.csv"
    path.write_bytes(b"a\n" * lines)
    assert [len(p) for p in _cut(path, 0, 40)] == pieces
