"""Mutants of :mod:`smi_care.indicators.facts_table` that the fast selection let survive in the
sixth session's re-run (docs/testing.md, "Mutation testing"): :func:`registration`, the public
call for who is registered on D, in which home area, since when (national-rules §5, §6; the
status events of WS2018 登记管理), was reached by no test; and the one-patient shortcut
(:func:`~smi_care.rules.history.one_patient`) must be decided on all three tables, the patients
included.
"""

from __future__ import annotations

import pytest

from smi_care.domain import AreaCode, EventKind
from smi_care.domain.codes import DeathCause
from smi_care.indicators import Period
from smi_care.indicators.facts_table import registration
from smi_care.rules.history import registration_at
from smi_care.rules.record_tables import record_tables
from tests.helpers import D, event, patient, record, visit


@pytest.mark.parametrize("covered", [True, False])
def test_registration_on_the_period_s_last_day(covered: bool) -> None:
    """Alive on D: registered; died on D: not; died the day after D: still registered on D; moved
    out in P to another village: registered there if the caller's coverage holds it, else gone."""
    period = Period.parse("2025")
    there = AreaCode("110105001003")
    recs = [record(visit(D(2025, 3, 1), "A"), p=patient("A")),
            record(event(D(2025, 12, 31), EventKind.DEATH, "B", death_cause=DeathCause.ACCIDENT), p=patient("B")),
            record(event(D(2026, 1, 1), EventKind.DEATH, "C", death_cause=DeathCause.ACCIDENT), p=patient("C")),
            record(event(D(2025, 6, 1), EventKind.TRANSFER_OUT, "D", other_area=there), p=patient("D"))]
    t = record_tables(recs)

    def covers(area: AreaCode) -> bool:
        return covered

    got = registration(t.patients, t.events, period, covers)
    assert got.columns == ["patient_id", "registered", "area", "registration_start"]
    assert got.sort("patient_id").select("patient_id", "registered").rows() == [
        ("A", True), ("B", False), ("C", True), ("D", covered)]
    if covered:
        assert got.filter(got.get_column("patient_id") == "D").item(0, "area") == there.code
    whole = registration_at(t.patients, t.events, period.end, covers)
    assert got.equals(whole.select(got.columns))


def test_one_patient_s_follow_up_among_two_patients_is_not_read_as_one_patient_s_tables() -> None:
    """Two patients, one follow-up row in all (the second patient's), listed first the one without
    it: each patient's facts equal the facts of their own tables. The one-patient shortcut is taken
    only when the patients table holds one patient; taken here it would pair rows by position."""
    from smi_care.indicators.facts_table import facts_table
    from smi_care.indicators.standard import FOUR_FOLLOWUPS as STANDARD
    from smi_care.rules.classification import NATIONAL as CLASSES
    from smi_care.rules.status import NATIONAL as STATUS

    policies = (STANDARD, STATUS, CLASSES)
    period = Period.parse("2025")
    bare = record(p=patient("P2"))
    seen = record(visit(D(2025, 3, 3), risk_level=3), p=patient("P1"))
    t = record_tables([bare, seen])
    assert t.followups.height == 1
    got = facts_table(t.patients, t.followups, t.events, period, lambda _a: True, *policies)
    assert got.get_column("patient_id").sort().to_list() == ["P1", "P2"]
    for rec in (bare, seen):
        alone = record_tables([rec])
        want = facts_table(alone.patients, alone.followups, alone.events, period, lambda _a: True, *policies)
        pid = rec.patient.patient_id
        assert got.filter(got.get_column("patient_id") == pid).equals(want), pid
