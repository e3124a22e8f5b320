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


def test_count_keeps_one_memo_of_groups_per_breakdown() -> None:
    """``count``'s ``known``: one memo per breakdown, in the order of ``bys``, read (an answer
    already there is the group) and filled (each area or age met, with its group); a list of
    memos of another length than ``bys`` is refused, not cut short."""
    from smi_care.domain import AreaLevel
    from smi_care.indicators.columnar import count
    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.indicators.evaluate import Dimension
    from smi_care.indicators.facts_table import facts_table
    from smi_care.indicators.partial import DEFAULT_POLICY as P

    t = read_tables(_folder()).tables
    facts = facts_table(t.patients, t.followups, t.events, Period.parse("2025"), t.covers, P.standard, P.status,
                        P.classes)
    bys = [AreaLevel.TOWNSHIP, AreaLevel.COUNTY, Dimension.AGE]
    plain = count(facts, STANDARD_INDICATORS, bys)
    memos: list[dict[Any, str]] = [{}, {}, {}]
    assert count(facts, STANDARD_INDICATORS, bys, P, memos) == plain
    areas = set(facts.get_column("area").drop_nulls())
    assert set(memos[0]) == set(memos[1]) == areas
    assert {v[:9] for v in memos[0].values()} == set(memos[0].values())  # townships
    assert {len(v) for v in memos[1].values()} == {6}  # counties
    assert set(memos[2]) == set(facts.get_column("age").drop_nulls())
    area = sorted(areas)[0]
    renamed = count(facts, STANDARD_INDICATORS, bys, P, [{area: "X"}, {}, {}])
    assert any(group == "X" for _, group in renamed[0]) and renamed[1:] == plain[1:]
    with pytest.raises(ValueError, match="zip"):
        count(facts, STANDARD_INDICATORS, bys, P, [{}, {}])
