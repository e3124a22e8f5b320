"""The columnar engine's chunks (:func:`smi_care.indicators.columnar.counted_partials`, issue 19,
memory), in cases that take about a second: the survivors of its sixth-session mutation run
(docs/testing.md, "Mutation testing"), which only the slow properties of
``tests/test_columnar_chunks.py`` reached.

More than ``chunk_patients`` patients are cut into ``ceil(patients / chunk_patients)`` chunks; each
chunk's facts are made on their own (so memory grows with a chunk, not the registry), every
patient in exactly one chunk with all of their follow-ups and events, plain text or compact; and
the counts equal one pass's.
"""

from __future__ import annotations

import functools
import tempfile
from typing import Any

import polars as pl
import pytest

from smi_care.indicators import Period, columnar
from smi_care.indicators.columnar import evaluate_tables
from smi_care.registry import read_tables, write_registry
from smi_care.synth import generate

WHOLE = 10**9


@functools.cache
def _folder() -> str:
    """A synthetic county of 24 patients, written once for the tests of this file."""
    return str(write_registry(generate(patients=24, seed=5), tempfile.mkdtemp()))


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("chunk", [1, 5, 12, 24])
def test_each_chunk_holds_whole_patients_and_the_counts_are_one_pass_s(
        monkeypatch: pytest.MonkeyPatch, compact: bool, chunk: int) -> None:
    t = read_tables(_folder(), compact=compact).tables
    period = Period.parse("2025")
    one = evaluate_tables(t, period, [None], chunk_patients=WHOLE)
    seen: list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = []
    facts_table = columnar.facts_table

    def recording(p: pl.DataFrame, f: pl.DataFrame, e: pl.DataFrame, *args: Any) -> pl.DataFrame:
        seen.append((p, f, e))
        return facts_table(p, f, e, *args)

    monkeypatch.setattr(columnar, "facts_table", recording)
    got = evaluate_tables(t, period, [None], chunk_patients=chunk)
    assert got == one and one[0].counts
    assert len(seen) == -(-t.patients.height // chunk)
    for p, f, e in seen:  # plain text, and a chunk's follow-ups and events are its patients'
        assert all(frame.schema["patient_id"] == pl.String for frame in (p, f, e))
        ids = set(p.get_column("patient_id"))
        assert set(f.get_column("patient_id")) <= ids and set(e.get_column("patient_id")) <= ids
    for i, table in enumerate(("patients", "followups", "events")):
        whole = getattr(t, table).with_columns(pl.col("patient_id").cast(pl.String))
        assert sum(s[i].height for s in seen) == whole.height
        rows = pl.concat([s[i] for s in seen]).sort(["patient_id", "row"])
        assert rows.equals(whole.sort(["patient_id", "row"]))
    assert sum(1 for s in seen if s[0].height) > (chunk < 24)
