"""``history.lost_attempt_at`` (the date and loss reason of the attempt that made a patient
lost, which the worklist's alerts read) names the same attempt as ``history.lost_at``'s
``lost_row``, on one patient's tables (the shortcut) and on many patients' (the group-by).
Both read the conditions of one rule (``_lost_parts``, national-rules §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import LossReason
from smi_care.domain.records import PatientRecord
from smi_care.rules.history import lost_at, lost_attempt_at, ordered_followups
from smi_care.rules.record_tables import record_tables
from tests.helpers import D, miss, patient, record, visit

DAY = D(2025, 9, 30)
REASONS = [None, LossReason.MOVED, LossReason.MISSING, LossReason.WORKING_AWAY]


@st.composite
def histories(draw: st.DrawFn, pid: str) -> PatientRecord:
    """Completed visits and failed attempts (with or without a loss reason), some after DAY."""
    steps = draw(st.lists(st.tuples(st.integers(1, 300), st.booleans(), st.sampled_from(REASONS)), max_size=8))
    items = [visit(D(2025, 1, 1) + dt.timedelta(days=d), pid) if done
             else miss(D(2025, 1, 1) + dt.timedelta(days=d), pid, reason=why) for d, done, why in steps]
    return record(*items, p=patient(pid))


def expected(recs: list[PatientRecord], failures: int) -> dict[str, tuple[Any, Any]]:
    t = record_tables(recs)
    f = ordered_followups(t.followups, DAY)
    rows = {(r["patient_id"], r["row"]): (r["visit_date"], r["loss_reason"]) for r in f.iter_rows(named=True)}
    return {r["patient_id"]: rows.get((r["patient_id"], r["lost_row"]), (None, None))
            for r in lost_at(f, failures).iter_rows(named=True)}


def answered(recs: list[PatientRecord], failures: int, one: bool) -> dict[str, tuple[Any, Any]]:
    f = ordered_followups(record_tables(recs).followups, DAY)
    out = lost_attempt_at(f, failures, one=one)
    return {r["patient_id"]: (r["lost_date"], r["lost_reason"]) for r in out.iter_rows(named=True)}


@given(histories("P1"), st.integers(1, 4))
def test_one_patient_the_same_attempt_as_lost_row(rec: PatientRecord, failures: int) -> None:
    assert answered([rec], failures, one=True) == expected([rec], failures)


@given(st.lists(st.sampled_from(["P1", "P2", "P3"]), min_size=1, max_size=3, unique=True).flatmap(
    lambda ids: st.tuples(*[histories(i) for i in ids])), st.integers(1, 4))
def test_many_patients_the_same_attempt_as_lost_row(recs: tuple[PatientRecord, ...], failures: int) -> None:
    assert answered(list(recs), failures, one=False) == expected(list(recs), failures)


@pytest.mark.parametrize(("failures", "want"), [
    (1, (D(2025, 8, 3), LossReason.MISSING.code)),  # the last reason after the last visit wins over the 1st failure
    (2, (D(2025, 8, 3), LossReason.MISSING.code)),
    (9, (D(2025, 8, 3), LossReason.MISSING.code)),
])
def test_a_loss_reason_after_the_last_visit_decides(failures: int, want: tuple[dt.date, int]) -> None:
    r = record(miss(D(2025, 6, 1), reason=LossReason.MOVED), visit(D(2025, 7, 1)), miss(D(2025, 8, 1)),
               miss(D(2025, 8, 2)), miss(D(2025, 8, 3), reason=LossReason.MISSING), miss(D(2025, 8, 4)))
    assert answered([r], failures, one=True)["P1"] == want


@pytest.mark.parametrize(("failures", "want"), [
    (1, (D(2025, 8, 1), None)), (2, (D(2025, 8, 2), None)), (3, (None, None)),
])
def test_the_nth_failure_without_a_reason(failures: int, want: tuple[Any, Any]) -> None:
    r = record(visit(D(2025, 7, 1)), miss(D(2025, 8, 1)), miss(D(2025, 8, 2)), visit(D(2025, 10, 1)))
    assert answered([r], failures, one=True)["P1"] == want


def test_not_lost_after_a_completed_visit_and_no_row_without_attempts() -> None:
    r = record(miss(D(2025, 6, 1), reason=LossReason.MOVED), visit(D(2025, 7, 1)))
    assert answered([r], 1, one=True) == {"P1": (None, None)}
    assert lost_attempt_at(ordered_followups(record_tables([record()]).followups, DAY), 1, one=True).height == 0
    assert lost_attempt_at(pl.DataFrame(schema=ordered_followups(record_tables([r]).followups, DAY).schema), 2).height == 0
