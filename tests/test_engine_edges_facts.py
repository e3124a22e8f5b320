"""Edges of the §5/§6 facts, read from the engine that makes every report
(:func:`smi_care.indicators.facts_table.fact_columns` / ``facts_table``, the code under
``smi-care report``, ``worklist`` and ``programme``).

Each case sits on a boundary of a fact — the period's first day and D, a follow-up that counts
only when completed, the recorded class against the §4 rule's, the cells of an ``acts`` text —
chosen so that a changed comparison, a dropped condition or a renamed column turns a test red
(docs/testing.md, "Mutation testing"). Cells the domain objects refuse but a registry file can
hold are set on the tables directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from smi_care.domain import EventKind, FollowUpForm, Hospitalisation, Lockup, PatientRecord
from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Insight,
    PhysicalIllness,
    Rating,
    SeenPerson,
    Symptom,
    SymptomSeverity,
    WorkRating,
)
from smi_care.domain.followup import SocialFunction
from smi_care.indicators import Period
from smi_care.indicators.facts_table import INCIDENT_ACTS, fact_columns, facts_rows, facts_table, followup_of
from smi_care.indicators.standard import FOUR_FOLLOWUPS, NO_GAP_OVER_3_MONTHS, StandardPolicy
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.classification import effective_class
from smi_care.rules.record_tables import record_tables
from smi_care.rules.status import NATIONAL as STATUS
from smi_care.rules.status import StatusPolicy, covers_nothing
from tests.helpers import D, event, miss, patient, record, visit

Q3 = Period(D(2025, 7, 1), D(2025, 9, 30))


def facts(r: PatientRecord, period: Period = Q3, standard: StandardPolicy = FOUR_FOLLOWUPS,
          status: StatusPolicy = STATUS, **cells: Any) -> dict[str, Any]:
    """The facts of one record; ``cells`` set columns of every follow-up row first."""
    t = record_tables([r])
    fu = t.followups.with_columns(**{k: pl.lit(v, dtype=t.followups.schema[k]) for k, v in cells.items()})
    out = fact_columns(t.patients, fu, t.events, period, covers_nothing, standard, status, CLASSES, with_dates=True)
    return out.row(0, named=True)


def test_facts_table_has_the_facts_columns_in_order_and_one_row_per_patient() -> None:
    from smi_care.indicators.fact_names import FACTS

    recs = [record(visit(D(2025, 8, 1), "B"), p=patient("B")), record(p=patient("A"))]
    t = record_tables(recs)
    table = facts_table(t.patients, t.followups, t.events, Q3, covers_nothing, FOUR_FOLLOWUPS, STATUS, CLASSES)
    assert table.columns == list(FACTS)
    assert [r["patient_id"] for r in facts_rows(table)] == ["B", "A"]
    assert table["completed_count"].to_list() == [1, 0]


@pytest.mark.parametrize(("day", "attempts"), [
    (D(2025, 6, 30), 0), (D(2025, 7, 1), 1), (D(2025, 9, 30), 1), (D(2025, 10, 1), 0)])
def test_attempts_count_in_p_up_to_d(day: dt.date, attempts: int) -> None:
    f = facts(record(miss(day)))
    assert (f["attempts"], f["completed_count"], f["completed_dates"] or []) == (attempts, 0, [])


def test_completed_dates_and_the_last_completed_follow_up_in_p() -> None:
    r = record(visit(D(2025, 6, 30), adherence=Adherence.INTERMITTENT), visit(D(2025, 7, 1)), miss(D(2025, 7, 2)),
               visit(D(2025, 8, 1), adherence=Adherence.NOT_TAKING, hospitalisation=Hospitalisation.DISCHARGED),
               miss(D(2025, 8, 2)))
    f = facts(r)
    assert f["completed_dates"] == [D(2025, 7, 1), D(2025, 8, 1)]
    assert (f["completed_count"], f["attempts"], f["last_date"]) == (2, 4, D(2025, 8, 1))
    assert (f["last_adherence"], f["last_hospitalisation"], f["_last_row"]) == (
        Adherence.NOT_TAKING.code, Hospitalisation.DISCHARGED.code, 3)
    before = facts(record(visit(D(2025, 6, 30))))
    assert (before["last_date"], before["last_adherence"], before["last_class"], before["_last_row"]) == (
        None, None, None, None)


@pytest.mark.parametrize(("acts", "incident"), [
    ("2:1", True), ("3:2", True), ("3", True), ("1:2;3", True), ("1:1;2:01", True), (" 2 : 1 ", True),
    ("2:0", False), ("1:1", False), ("4:1;5:2", False), ("12:1", False), ("1:23", False), ("2:1x", False),
    (None, False)])
def test_incident_reads_the_acts_text(acts: str | None, incident: bool) -> None:
    assert facts(record(visit(D(2025, 8, 1))), acts=acts)["incident"] is incident
    assert (pl.Series([acts]).fill_null("").str.contains(INCIDENT_ACTS).item()) is incident


def test_incident_counts_in_p_only_and_on_any_attempt() -> None:
    assert facts(record(visit(D(2025, 6, 30))), acts="2:1")["incident"] is False
    assert facts(record(miss(D(2025, 7, 1))), acts="3:1")["incident"] is True


@pytest.mark.parametrize(("day", "in_p"), [(D(2025, 6, 30), False), (D(2025, 7, 1), True), (D(2025, 9, 30), True)])
def test_counselling_recorded_at_an_attempt_in_p(day: dt.date, in_p: bool) -> None:
    assert facts(record(miss(day)), counselling=True)["counselling"] is in_p
    assert facts(record(miss(day)), counselling=None)["counselling"] is False


def test_face_to_face_needs_a_completed_face_to_face_follow_up_in_p() -> None:
    assert facts(record(visit(D(2025, 8, 1), form=FollowUpForm.CLINIC)))["face_to_face"] is True
    assert facts(record(miss(D(2025, 8, 1))))["face_to_face"] is False
    assert facts(record(visit(D(2025, 6, 30))))["face_to_face"] is False


def test_the_last_class_is_the_recorded_one_else_the_rules() -> None:
    unstable = visit(D(2025, 8, 1), risk_level=3)
    derived = effective_class(unstable, CLASSES)
    assert derived is not None
    assert facts(record(unstable))["last_class"] == derived.code
    for code in (1, 2, 3):
        assert facts(record(unstable), classification=code)["last_class"] == code
    both = record(visit(D(2025, 7, 1), risk_level=0), unstable)
    assert facts(both)["last_class"] == derived.code


def test_followup_of_reads_every_field_the_class_rule_reads() -> None:
    full = visit(D(2025, 8, 1), risk_level=2, symptoms={Symptom.from_code(1), Symptom.from_code(3)},
                 symptom_severity=SymptomSeverity.from_code(2), insight=Insight.PARTIAL,
                 social=SocialFunction(Rating.from_code(1), Rating.from_code(2), WorkRating.from_code(3),
                                       Rating.from_code(2), Rating.from_code(1)),
                 hospitalisation=Hospitalisation.DISCHARGED, adherence=Adherence.INTERMITTENT,
                 adr=AdverseReaction.from_code(2), adr_serious=True, physical_illness=PhysicalIllness.from_code(2),
                 seen={SeenPerson.PATIENT, SeenPerson.from_code(2)}, form=FollowUpForm.CLINIC)
    row = record_tables([record(full)]).followups.row(0, named=True)
    back = followup_of(row)
    for name in ("patient_id", "visit_date", "form", "seen", "loss_reason", "risk_level", "symptoms",
                 "symptom_severity", "insight", "social", "hospitalisation", "adherence", "adr", "adr_serious",
                 "physical_illness"):
        assert getattr(back, name) == getattr(full, name), name
    empty = followup_of(record_tables([record(miss(D(2025, 8, 1)))]).followups.row(0, named=True))
    assert (empty.seen, empty.symptoms, empty.insight, empty.loss_reason) == (frozenset(), frozenset(), None, None)


@pytest.mark.parametrize(("birth", "age"), [
    (D(1980, 9, 29), 45), (D(1980, 9, 30), 45), (D(1980, 10, 1), 44), (D(1980, 8, 31), 45), (D(1980, 10, 15), 44),
    (D(1980, 12, 1), 44), (D(1980, 1, 31), 45)])
def test_age_in_whole_years_on_d(birth: dt.date, age: int) -> None:
    assert facts(record(p=patient(birth_date=birth)))["age"] == age


def test_consent_sex_disorder_and_lockup() -> None:
    from smi_care.domain import Consent

    f = facts(record(p=patient(consent=Consent.REFUSED, past_lockup=Lockup.LOCKED)))
    assert (f["consented"], f["lockup"]) == (False, Lockup.LOCKED.code)
    g = facts(record(visit(D(2025, 8, 1), lockup=Lockup.RELEASED), p=patient(past_lockup=Lockup.LOCKED)))
    assert (g["consented"], g["lockup"], g["sex"], g["disorder"]) == (
        True, Lockup.RELEASED.code, patient().sex.code, patient().disorder.code)
    assert facts(record(p=patient()))["lockup"] is None


def test_hospital_for_medication_reads_the_last_completed_follow_up_in_p() -> None:
    now = visit(D(2025, 8, 1), hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    f = facts(record(now))
    assert (f["in_hospital"], f["hospital_for_medication"]) == (True, True)
    before_p = facts(record(visit(D(2025, 6, 1), hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)))
    assert (before_p["in_hospital"], before_p["hospital_for_medication"]) == (True, False)
    admitted = facts(record(event(D(2025, 5, 1), EventKind.ADMISSION)))
    assert (admitted["in_hospital"], admitted["hospital_for_medication"]) == (True, True)
    not_registered = facts(record(now, event(D(2025, 9, 1), EventKind.DEATH)))
    assert (not_registered["in_hospital"], not_registered["hospital_for_medication"]) == (False, False)


def test_lost_only_while_registered_and_the_policys_failures() -> None:
    r = record(visit(D(2025, 7, 1)), miss(D(2025, 7, 15)), miss(D(2025, 8, 1)))
    assert facts(r)["lost"] is False
    assert facts(r, status=StatusPolicy(consecutive_failures_lost=2))["lost"] is True
    gone = record(miss(D(2025, 7, 15)), miss(D(2025, 8, 1)), event(D(2025, 9, 1), EventKind.DEATH))
    assert facts(gone, status=StatusPolicy(consecutive_failures_lost=1))["lost"] is False


@pytest.mark.parametrize(("registered_on", "required"), [
    (D(2020, 5, 8), 1), (D(2025, 7, 1), 1), (D(2025, 9, 30), 1), (D(2025, 10, 1), 0)])
def test_required_followups_and_the_registration_start(registered_on: dt.date, required: int) -> None:
    p = patient(registered_on=registered_on, consent_date=registered_on)
    f = facts(record(p=p))
    assert f["registration_start"] == registered_on
    year = facts(record(p=p), period=Period(D(2025, 1, 1), D(2025, 12, 31)))
    assert year["required_followups"] == (4 if registered_on < D(2025, 1, 1) else 2 if registered_on.month < 10
                                          else 1)
    assert f["required_followups"] == required


def test_standard_and_gaps_from_the_later_of_p_start_and_the_registration_start() -> None:
    year = Period(D(2025, 1, 1), D(2025, 12, 31))
    four = record(*(visit(D(2025, m, 15)) for m in (3, 6, 9, 12)))
    f = facts(four, period=year, standard=NO_GAP_OVER_3_MONTHS)
    assert (f["gaps_within_limit"], f["standard"]) == (True, True)
    late_first = facts(record(*(visit(D(2025, m, 15)) for m in (4, 6, 9, 12))), period=year,
                       standard=NO_GAP_OVER_3_MONTHS)
    assert (late_first["gaps_within_limit"], late_first["standard"]) == (False, False)
    p = patient(registered_on=D(2025, 4, 10), consent_date=D(2025, 4, 10))
    joined = facts(record(*(visit(D(2025, m, 15)) for m in (4, 6, 9, 12)), p=p), period=year,
                   standard=NO_GAP_OVER_3_MONTHS)
    assert joined["gaps_within_limit"] is True
    assert facts(four, period=year)["standard"] is True
    assert facts(record(*(visit(D(2025, m, 15)) for m in (3, 6, 9))), period=year)["standard"] is False


def test_events_on_d_count_and_after_d_do_not() -> None:
    on_d = facts(record(event(D(2025, 9, 30), EventKind.HEALTH_CHECK),
                        event(D(2025, 9, 30), EventKind.FAMILY_DOCTOR_CONTRACT)))
    assert (on_d["health_check"], on_d["contract"]) == (True, True)
    after = facts(record(event(D(2025, 10, 1), EventKind.HEALTH_CHECK), event(D(2025, 10, 1), EventKind.COUNSELLING),
                         event(D(2025, 10, 1), EventKind.FAMILY_DOCTOR_CONTRACT)))
    assert (after["health_check"], after["counselling"], after["contract"]) == (False, False, False)
    other = facts(record(event(D(2025, 8, 1), EventKind.COUNSELLING)))
    assert (other["health_check"], other["rehabilitation"], other["counselling"], other["contract"]) == (
        False, False, True, False)


def test_the_class_rule_follows_the_callers_policy_and_recorded_classes_stay() -> None:
    """Two patients: one whose last follow-up records a class, one whose class comes from the §4
    rule under the caller's policy (risk 2 is unstable when the policy's threshold is 2)."""
    from smi_care.rules.classification import ClassificationPolicy

    strict = ClassificationPolicy(unstable_risk_min=2)
    recs = [record(visit(D(2025, 8, 1), "A", risk_level=2), p=patient("A")),
            record(visit(D(2025, 8, 1), "B", risk_level=0), p=patient("B"))]
    t = record_tables(recs)
    fu = t.followups.with_columns(classification=pl.when(pl.col("patient_id") == "B").then(pl.lit(2, pl.Int8)))
    for classes in (CLASSES, strict):
        table = facts_table(t.patients, fu, t.events, Q3, covers_nothing, FOUR_FOLLOWUPS, STATUS, classes)
        derived = effective_class(recs[0].followups[0], classes)
        assert derived is not None
        assert table.select("patient_id", "last_class").rows() == [("A", derived.code), ("B", 2)]
    assert effective_class(recs[0].followups[0], strict) != effective_class(recs[0].followups[0], CLASSES)


def test_followup_of_reads_the_loss_reason() -> None:
    from smi_care.domain import LossReason

    row = record_tables([record(miss(D(2025, 8, 1), reason=LossReason.MISSING))]).followups.row(0, named=True)
    assert followup_of(row).loss_reason is LossReason.MISSING


def test_facts_table_reads_the_callers_coverage() -> None:
    from smi_care.domain import AreaCode

    inside = AreaCode("110105001003")
    t = record_tables([record(event(D(2025, 8, 1), EventKind.TRANSFER_OUT, other_area=inside))])
    for covers, registered, area in ((covers_nothing, False, "110105001002"),
                                     (lambda a: a == inside, True, inside.code)):
        row = facts_table(t.patients, t.followups, t.events, Q3, covers, FOUR_FOLLOWUPS, STATUS, CLASSES).row(
            0, named=True)
        assert (row["registered"], row["area"]) == (registered, area)


def test_gaps_count_completed_follow_ups_only() -> None:
    """Failed attempts between two completed follow-ups six months apart do not close the gap."""
    year = Period(D(2025, 1, 1), D(2025, 12, 31))
    r = record(visit(D(2025, 3, 15)), miss(D(2025, 5, 15)), miss(D(2025, 7, 15)), visit(D(2025, 9, 15)),
               visit(D(2025, 12, 15)))
    assert facts(r, period=year, standard=NO_GAP_OVER_3_MONTHS)["gaps_within_limit"] is False
    closed = record(visit(D(2025, 3, 15)), visit(D(2025, 5, 15)), visit(D(2025, 7, 15)), visit(D(2025, 9, 15)),
                    visit(D(2025, 12, 15)))
    assert facts(closed, period=year, standard=NO_GAP_OVER_3_MONTHS)["gaps_within_limit"] is True


def test_required_followups_follow_the_policys_number_a_year() -> None:
    year = Period(D(2025, 1, 1), D(2025, 12, 31))
    assert facts(record(), period=year)["required_followups"] == 4
    assert facts(record(), period=year, standard=StandardPolicy(per_year=12))["required_followups"] == 12
