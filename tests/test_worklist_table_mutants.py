"""What the worklist over the tables (:mod:`smi_care.indicators.worklist_table`) promises, in
small worked cases that each take milliseconds: written for the mutants of the module that the
fast selection let survive (docs/testing.md, "Score of the columnar engine (issue 25)").

The class an item carries is the one recorded on the last completed follow-up; only where none
is recorded does the §4 rule give it (national-rules §6 "Class"; 严重精神障碍管理治疗工作规范
（2018年版） (WS2018), 随访管理).
"""

from __future__ import annotations

import datetime as dt

from smi_care.domain.codes import Classification, Hospitalisation
from smi_care.indicators.worklist_table import records_worklist
from smi_care.rules.schedule import SchedulePolicy
from smi_care.rules.worklist import ItemKind, WorkItem
from tests.helpers import D, patient, record, visit

ON = D(2025, 6, 1)
FOLLOWUP_KINDS = (ItemKind.FOLLOWUP_DUE, ItemKind.FOLLOWUP_OVERDUE)


def _followup_item(items: list[WorkItem], pid: str) -> WorkItem:
    [item] = [i for i in items if i.patient_id == pid and i.kind in FOLLOWUP_KINDS]
    return item


def test_a_recorded_class_wins_over_the_rule_when_another_patient_has_none_recorded() -> None:
    # A's form records "stable" although the risk level alone would make A unstable; B's form
    # records no class, so the engine asks the §4 rule for B (and only for B).
    a = record(visit(D(2025, 5, 1), "A", risk_level=4, classification=Classification.STABLE), p=patient("A"))
    b = record(visit(D(2025, 5, 1), "B", risk_level=4), p=patient("B"))
    items = records_worklist([a, b], ON, within=120)
    assert _followup_item(items, "A").last_class is Classification.STABLE
    assert _followup_item(items, "B").last_class is Classification.UNSTABLE


def test_first_followup_and_health_check_count_from_registration_when_consent_came_first() -> None:
    # Consent signed before registration: the patient enters the schedule on the registration
    # day, the later of the two (BPHS2017 患者管理: the first follow-up after enrolment), so the
    # first follow-up falls due 14 days after registration and the health check, never done,
    # is due from registration.
    p = patient(registered_on=D(2025, 6, 1), consent_date=D(2025, 5, 20))
    items = records_worklist([record(p=p)], D(2025, 6, 3))
    due = {i.kind: i.due for i in items}
    assert due[ItemKind.FIRST_FOLLOWUP_DUE] == D(2025, 6, 15)
    assert due[ItemKind.HEALTH_CHECK_DUE] == D(2025, 6, 1)


def test_a_follow_up_that_found_the_patient_in_hospital_is_followed_after_the_policys_days() -> None:
    # The last completed follow-up found the patient in hospital (no class): the next one is
    # due the schedule policy's after-discharge days later (WS2018 随访管理: 出院后 2 周内随访),
    # the policy given, not the national 14 days.
    seen = visit(D(2025, 5, 20), hospitalisation=Hospitalisation.IN_HOSPITAL_NOW, risk_level=None)
    for days in (7, 14, 21):
        items = records_worklist([record(seen)], D(2025, 6, 1), within=30,
                                 schedule=SchedulePolicy(after_discharge_days=days))
        [item] = [i for i in items if i.patient_id == "P1" and i.kind in FOLLOWUP_KINDS]
        assert (item.due, item.last_class) == (D(2025, 5, 20) + dt.timedelta(days=days), None)


def test_the_history_has_one_schema_with_and_without_a_registration() -> None:
    """``patient_history`` without a registration (what ``due_frame`` asks) leaves ``_registered``
    null but typed as with one (Boolean), for one patient's tables and for several: callers that
    concatenate or compare histories get one schema."""
    import polars as pl

    from smi_care.indicators.worklist_table import patient_history
    from smi_care.rules.classification import ClassificationPolicy
    from smi_care.rules.history import one_patient
    from smi_care.rules.record_tables import record_tables

    recs = [record(visit(D(2025, 5, 1), pid), p=patient(pid)) for pid in ("A", "B")]
    for chosen in (recs[:1], recs):
        t = record_tables(chosen)
        one = one_patient(t.patients, t.followups, t.events)
        assert one is (len(chosen) == 1)
        reg = t.patients.lazy().select("patient_id", _registered=pl.lit(True))
        given = patient_history(t.patients, t.followups, reg, ON, None, ClassificationPolicy(), one)
        none = patient_history(t.patients, t.followups, None, ON, None, ClassificationPolicy(), one)
        assert none.schema == given.schema
        assert none.schema["_registered"] == pl.Boolean
        assert none.get_column("_registered").null_count() == len(chosen)
        assert given.drop("_registered").equals(none.drop("_registered"))
