"""The fast CSV path (polars' parser, line checks in the engine) gives exactly what the general
path gives (the text decoded and split line by line): the same cells and the same line numbers,
for files with blank lines, blanks around cells, short rows, CRLF and stray CR characters."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from smi_care.registry.csv_text import read_csv_text, read_plain_bytes
from smi_care.registry.raw import plain_text
from tests.csv_lines import HEADER, csv_lines


def _general(text: str) -> pl.DataFrame:
    _, data, problems = read_csv_text("f.csv", text)
    assert problems == []
    return data


@settings(max_examples=120, deadline=None)
@given(csv_lines(), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_fast_path_equals_general_path(body: list[str], eol: str, final_eol: bool, bom: bool) -> None:
    text = ",".join(HEADER) + eol + eol.join(body) + (eol if final_eol else "")
    raw = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    fast = read_plain_bytes("f.csv", raw, compact=True)
    general = _general(text)
    if fast is None:  # only a file with nothing after its header may need the general path
        assert not text.split(eol, 1)[1].strip()
        return
    header, data = fast
    assert header == HEADER
    assert plain_text(data).rows() == general.select("line", *HEADER).rows()


def test_blank_lines_keep_line_numbers() -> None:
    raw = b"patient_id,form\n\nP1,1\n \n,\nP2, 2 \r\n"
    fast = read_plain_bytes("f.csv", raw)
    assert fast is not None
    assert fast[1].rows() == [(3, "P1", "1"), (6, "P2", "2")]


def test_quote_or_bad_sample_takes_the_general_path() -> None:
    assert read_plain_bytes("f.csv", b'patient_id,form\nP1,"1"\n') is None
    assert read_plain_bytes("f.csv", "patient_id,form\nP1,中\n".encode("gb18030")) is None
