"""Mutants of :mod:`smi_care.indicators.facts_table` that the fast selection let survive in the
sixth session's re-run (docs/testing.md, "Mutation testing"): :func:`registration`, the public
call for who is registered on D, in which home area, since when (national-rules §5, §6; the
status events of WS2018 登记管理), was reached by no test.
"""

from __future__ import annotations

from smi_care.domain import EventKind
from smi_care.domain.codes import DeathCause
from smi_care.indicators import Period
from smi_care.indicators.facts_table import registration
from smi_care.rules.history import registration_at
from smi_care.rules.record_tables import record_tables
from tests.helpers import D, event, patient, record, visit


def test_registration_on_the_period_s_last_day() -> None:
    """Alive on D: registered; died on D: not; died the day after D: still registered on D."""
    period = Period.parse("2025")
    recs = [record(visit(D(2025, 3, 1), "A"), p=patient("A")),
            record(event(D(2025, 12, 31), EventKind.DEATH, "B", death_cause=DeathCause.ACCIDENT), p=patient("B")),
            record(event(D(2026, 1, 1), EventKind.DEATH, "C", death_cause=DeathCause.ACCIDENT), p=patient("C"))]
    t = record_tables(recs)
    got = registration(t.patients, t.events, period, lambda _a: True)
    assert got.columns == ["patient_id", "registered", "area", "registration_start"]
    assert got.sort("patient_id").select("patient_id", "registered").rows() == [("A", True), ("B", False), ("C", True)]
    whole = registration_at(t.patients, t.events, period.end, lambda _a: True)
    assert got.equals(whole.select(got.columns))
