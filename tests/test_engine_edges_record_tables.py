"""Records turned into the engine's tables (:func:`smi_care.rules.record_tables.record_tables`, what
one patient's answers, the audit and the object API run the columnar engine on): every cell the
engine reads, and the rows kept as rows when there are as many records as columns — a square
table polars could read either way (docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import polars as pl

from smi_care.domain import Classification, EventKind
from smi_care.domain.codes import DangerousAct, DeathCause
from smi_care.domain.followup import ActCount
from smi_care.rules.record_tables import EVENTS, FOLLOWUPS, PATIENTS, record_tables
from tests.helpers import D, event, patient, record, visit


def test_acts_classification_and_detail_become_cells() -> None:
    acts = (ActCount(DangerousAct.TROUBLE, 1), ActCount(DangerousAct.DISASTER, 2))
    r = record(visit(D(2025, 8, 1), acts=acts, classification=Classification.UNSTABLE), visit(D(2025, 8, 2)),
               event(D(2025, 8, 3), EventKind.DEATH, death_cause=DeathCause.ACCIDENT),
               event(D(2025, 8, 4), EventKind.HEALTH_CHECK))
    t = record_tables([r])
    assert t.followups.select("acts", "classification").rows() == [("2:1;3:2", Classification.UNSTABLE.code),
                                                                     (None, None)]
    assert t.events.select("detail", "row").rows() == [(str(DeathCause.ACCIDENT.code), 0), (None, 1)]


def test_square_tables_keep_one_row_per_record_follow_up_and_event() -> None:
    """As many patients as patient columns, follow-ups as follow-up columns, events as event
    columns: each still one row."""
    n_p, n_f, n_e = len(PATIENTS), len(FOLLOWUPS), len(EVENTS)
    recs = []
    for i in range(n_p):
        pid = f"P{i:02}"
        fus = [visit(D(2025, 1, 1 + j), pid) for j in range(n_f if i == 0 else 0)]
        evs = [event(D(2025, 2, 1 + j), EventKind.HEALTH_CHECK, pid) for j in range(n_e if i == 0 else 0)]
        recs.append(record(*fus, *evs, p=patient(pid)))
    t = record_tables(recs)
    assert (t.patients.shape, t.followups.shape, t.events.shape) == ((n_p, n_p), (n_f, n_f), (n_e, n_e))
    assert t.patients["patient_id"].to_list() == [f"P{i:02}" for i in range(n_p)]
    assert t.followups["visit_date"].to_list() == [D(2025, 1, 1 + j) for j in range(n_f)]
    assert t.events["date"].to_list() == [D(2025, 2, 1 + j) for j in range(n_e)]
    assert t.patients.schema == pl.Schema(PATIENTS)
