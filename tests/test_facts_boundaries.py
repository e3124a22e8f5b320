"""Boundary tables of the §5/§6 facts, run through the engine that makes every report.

Each case builds one record, turns it into the registry's tables (``record_tables``) and reads
the fact from :func:`smi_care.indicators.facts_table.facts_table` — the code ``smi-care report``
runs — and, for the counts, from :func:`smi_care.indicators.columnar.evaluate_tables`. The day
before, on and after each boundary: the period's first day, its last day D, and same-day ties
(national-rules §5, §6; the documents are in docs/references.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import polars as pl
import pytest

from smi_care.domain import EventKind, FollowUpForm, LossReason, PatientRecord
from smi_care.domain.identity import AreaCode
from smi_care.indicators import STANDARD_INDICATORS, Period
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.facts_table import facts_table
from smi_care.indicators.standard import FOUR_FOLLOWUPS
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.record_tables import record_tables
from smi_care.rules.status import NATIONAL as STATUS
from smi_care.rules.status import covers_nothing
from tests.helpers import D, event, miss, patient, record, visit

Q3 = Period(D(2025, 7, 1), D(2025, 9, 30))


def facts(r: PatientRecord, period: Period = Q3) -> dict[str, Any]:
    t = record_tables([r])
    table = facts_table(t.patients, t.followups, t.events, period, covers_nothing, FOUR_FOLLOWUPS, STATUS, CLASSES)
    return table.row(0, named=True)


@attrs.frozen
class Tables:
    patients: pl.DataFrame
    followups: pl.DataFrame
    events: pl.DataFrame
    population: pl.DataFrame

    def covers(self, area: AreaCode) -> bool:
        return False


def counts(r: PatientRecord, indicator: str, period: Period = Q3) -> tuple[int, int]:
    t = record_tables([r])
    pop = pl.DataFrame(schema={"area_code": pl.String, "year": pl.Int32, "population": pl.Int64})
    partial = evaluate_tables(Tables(t.patients, t.followups, t.events, pop), period)[0]
    assert indicator in {i.id for i in STANDARD_INDICATORS}
    return partial.counts.get((indicator, ""), (0, 0))


@pytest.mark.parametrize(("day", "completed"), [
    (D(2025, 6, 30), 0), (D(2025, 7, 1), 1), (D(2025, 9, 30), 1), (D(2025, 10, 1), 0)])
def test_a_completed_followup_counts_from_the_first_day_of_p_to_d(day: dt.date, completed: int) -> None:
    f = facts(record(visit(day)))
    assert f["completed_count"] == completed
    assert counts(record(visit(day)), "management_rate") == (completed, 1)


def test_an_attempt_with_a_loss_reason_and_a_copied_risk_level_is_not_completed() -> None:
    """A failed attempt whose form carries a risk level copied from the last visit: nobody was
    reached (a loss reason, nobody seen), so it is not a completed follow-up (§6), and it counts
    towards lost to follow-up (§5)."""
    attempt = miss(D(2025, 8, 1), reason=LossReason.MOVED)
    copied = attrs.evolve(attempt, risk_level=2)
    for r in (record(attempt), record(copied)):
        f = facts(r)
        assert (f["completed_count"], f["attempts"], f["lost"]) == (0, 1, True)
    assert counts(record(copied), "management_rate") == (0, 1)
    after_a_visit = facts(record(visit(D(2025, 7, 1)), copied))
    assert (after_a_visit["completed_count"], after_a_visit["lost"]) == (1, True)


@pytest.mark.parametrize(("end", "in_force"), [
    (None, True), (D(2025, 9, 29), False), (D(2025, 9, 30), True), (D(2025, 10, 1), True),
    (D(2025, 7, 1), False)])
def test_a_contract_is_in_force_on_d_when_it_ends_on_or_after_d(end: dt.date | None, in_force: bool) -> None:
    """A family-doctor contract signed before P: in force on D when its end is on or after D or
    not recorded; one ending on the first day of P is not in force on D."""
    signed = event(D(2025, 1, 1), EventKind.FAMILY_DOCTOR_CONTRACT, contract_end=end)
    assert facts(record(signed))["contract"] is in_force


@pytest.mark.parametrize(("day", "in_p"), [
    (D(2025, 6, 30), False), (D(2025, 7, 1), True), (D(2025, 9, 30), True)])
def test_events_count_in_p_from_its_first_day(day: dt.date, in_p: bool) -> None:
    f = facts(record(event(day, EventKind.HEALTH_CHECK), event(day, EventKind.COMMUNITY_REHABILITATION),
                     event(day, EventKind.COUNSELLING)))
    assert (f["health_check"], f["rehabilitation"], f["counselling"]) == (in_p, in_p, in_p)


@pytest.mark.parametrize(("registered_on", "registered"), [
    (D(2025, 9, 29), True), (D(2025, 9, 30), True), (D(2025, 10, 1), False)])
def test_registered_on_d(registered_on: dt.date, registered: bool) -> None:
    p = patient(registered_on=registered_on, consent_date=registered_on)
    assert facts(record(p=p))["registered"] is registered


@pytest.mark.parametrize(("died", "registered"), [(D(2025, 9, 29), False), (D(2025, 9, 30), False),
                                                  (D(2025, 10, 1), True)])
def test_death_on_d_ends_the_registration_on_d(died: dt.date, registered: bool) -> None:
    assert facts(record(event(died, EventKind.DEATH)))["registered"] is registered


def test_same_day_attempts_follow_the_row_order() -> None:
    """A completed visit and a failed attempt with a loss reason on D: the later row decides lost."""
    done_then_lost = record(visit(D(2025, 9, 30)), miss(D(2025, 9, 30), reason=LossReason.MOVED))
    lost_then_done = record(miss(D(2025, 9, 30), reason=LossReason.MOVED), visit(D(2025, 9, 30)))
    assert facts(done_then_lost)["lost"] and not facts(lost_then_done)["lost"]
    assert facts(done_then_lost)["completed_count"] == facts(lost_then_done)["completed_count"] == 1


@pytest.mark.parametrize(("day", "in_hospital"), [
    (D(2025, 9, 29), True), (D(2025, 9, 30), True), (D(2025, 10, 1), False)])
def test_admitted_on_d(day: dt.date, in_hospital: bool) -> None:
    assert facts(record(event(day, EventKind.ADMISSION)))["in_hospital"] is in_hospital


@pytest.mark.parametrize(("birth", "age"), [(D(1980, 9, 30), 45), (D(1980, 10, 1), 44)])
def test_age_on_d(birth: dt.date, age: int) -> None:
    assert facts(record(p=patient(birth_date=birth)))["age"] == age


def test_face_to_face_needs_a_completed_clinic_or_home_visit() -> None:
    assert facts(record(visit(D(2025, 8, 1))))["face_to_face"]
    assert not facts(record(visit(D(2025, 8, 1), form=FollowUpForm.PHONE)))["face_to_face"]
