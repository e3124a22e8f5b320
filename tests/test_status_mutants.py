"""What the per-record status functions (:mod:`smi_care.rules.status`, the columnar rules of
:mod:`smi_care.rules.history` run on one record's rows) promise, in small worked cases that each
take milliseconds (docs/testing.md, "Score of the columnar engine (issue 25)").

Lost (失访) on D is read whether or not the patient is registered on D (national-rules §6
"Lost"); the many-records call answers for each record what the one-record call answers
(严重精神障碍管理治疗工作规范（2018年版） (WS2018), 患者管理).
"""

from __future__ import annotations

from smi_care.domain.codes import EventKind, LossReason
from smi_care.domain.identity import AreaCode
from smi_care.rules.status import Status, StatusPolicy, lost_since, status_on, statuses_on
from tests.helpers import D, event, miss, patient, record, visit

DAY = D(2025, 6, 1)
ELSEWHERE = AreaCode("320102001001")


def test_lost_since_is_read_for_a_patient_who_moved_out_of_the_registry() -> None:
    moved = miss(D(2025, 4, 10), reason=LossReason.MOVED)
    r = record(visit(D(2025, 3, 1)), moved, event(D(2025, 5, 1), EventKind.TRANSFER_OUT, other_area=ELSEWHERE))
    assert lost_since(r, DAY) == moved
    assert status_on(r, DAY).status is Status.TRANSFERRED_OUT


def test_statuses_of_many_records_are_each_records_status() -> None:
    home = record(visit(D(2025, 5, 1), "A"), p=patient("A"))
    lost = record(visit(D(2025, 1, 1), "B"), miss(D(2025, 5, 2), "B", reason=LossReason.MOVED), p=patient("B"))
    gone = record(event(D(2025, 5, 3), EventKind.TRANSFER_OUT, "C", other_area=ELSEWHERE), p=patient("C"))
    dead = record(event(D(2025, 5, 4), EventKind.DEATH, "E"), p=patient("E"))
    records = [home, lost, gone, dead]
    many = statuses_on(records, DAY)
    assert many == {r.patient_id: status_on(r, DAY) for r in records}
    assert [many[p].status for p in "ABCE"] == [Status.AT_HOME, Status.LOST, Status.TRANSFERRED_OUT, Status.DEAD]
    assert statuses_on(iter(records), DAY) == many


def test_statuses_of_many_records_follow_the_coverage_and_the_policy_given() -> None:
    moved = record(event(D(2025, 5, 3), EventKind.TRANSFER_OUT, "C", other_area=ELSEWHERE), p=patient("C"))
    once = record(visit(D(2025, 1, 1), "F"), miss(D(2025, 5, 2), "F"), p=patient("F"))
    records = [moved, once]
    national = statuses_on(records, DAY)
    assert [national[p].status for p in "CF"] == [Status.TRANSFERRED_OUT, Status.AT_HOME]
    covered = statuses_on(records, DAY, covers=lambda area: area == ELSEWHERE,
                          policy=StatusPolicy(consecutive_failures_lost=1))
    assert [covered[p].status for p in "CF"] == [Status.AT_HOME, Status.LOST]
    assert (covered["C"].registered, covered["C"].area) == (True, ELSEWHERE)
