"""When a patient's next follow-up and annual health check fall due, written once: the
engine's dates (:func:`~smi_care.indicators.worklist_table.due_columns`, which the worklist lists
within its horizon) for a registry's tables (:func:`due_frame`) and for one record
(:func:`next_due`, :func:`health_check_due`, the record calls apps use).

The sources: 严重精神障碍管理治疗工作规范（2018年版） (WS2018), 随访管理 (the first follow-up within 14 days
of enrolment or a discharge, a new attempt within 14 days of one that reached nobody);
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 分类干预 (by class: 14 days,
3 months) and 健康体检 (once a year); national-rules §2 (no follow-up without consent) and §4.
The independent per-patient loops the tests compare these against are
``tests/oracle/worklist.py:next_due`` and ``health_check_due`` (not product code).

A patient registered on 2025-01-06 who consented that day, never followed up: the first
follow-up is due 14 days on, and the health check at once; after an attempt on 2025-03-01 that
reached nobody, a new attempt within 14 days; a health check on 2025-03-31 puts the next one a
year later.

>>> import datetime as dt
>>> from smi_care.domain import *
>>> p = Patient(patient_id="P1", sex=Sex.MALE, birth_date=dt.date(1980, 1, 2),
...             area_code=AreaCode("110105001002"), disorder=Disorder.SCHIZOPHRENIA,
...             diagnosis_date=dt.date(2025, 1, 2), registered_on=dt.date(2025, 1, 6),
...             consent=Consent.AGREED, consent_date=dt.date(2025, 1, 6))
>>> due = next_due(PatientRecord(p), dt.date(2025, 1, 10))
>>> due.date, due.reason.value, due.last_class
(datetime.date(2025, 1, 20), 'first_after_enrolment', None)
>>> health_check_due(PatientRecord(p), dt.date(2025, 2, 1))
datetime.date(2025, 1, 6)
>>> miss = FollowUp("P1", dt.date(2025, 3, 1), FollowUpForm.HOME)
>>> due = next_due(PatientRecord(p, (miss,)), dt.date(2025, 3, 2))
>>> due.date, due.reason.value, due.last_class
(datetime.date(2025, 3, 15), 'retry_not_reached', None)
>>> checked = PatientRecord(p, (), (Event("P1", dt.date(2025, 3, 31), EventKind.HEALTH_CHECK),))
>>> health_check_due(checked, dt.date(2025, 4, 1)), health_check_due(checked, dt.date(2025, 3, 30))
(datetime.date(2026, 3, 31), datetime.date(2025, 1, 6))
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from smi_care.domain.arguments import checked
from smi_care.domain.codes import Classification
from smi_care.domain.records import PatientRecord
from smi_care.indicators.worklist_table import due_columns, patient_history
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.history import ENGINE, on_or_before, one_patient, optimizations
from smi_care.rules.record_tables import record_tables
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import DueReason, NextDue, SchedulePolicy

#: The columns of :func:`due_frame`, in order.
DUE_COLUMNS = ("patient_id", "next_due", "reason", "last_class", "last_risk", "health_check_due")


def due_frame(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, on: dt.date,
              schedule: SchedulePolicy = NATIONAL_SCHEDULE,
              classes: ClassificationPolicy = NATIONAL_CLASSES) -> pl.DataFrame:
    """When each consented patient's next follow-up and annual health check fall due, judged on
    ``on`` from what is recorded on or before it (:data:`DUE_COLUMNS`: ``reason`` a
    :class:`~smi_care.rules.schedule.DueReason` value, ``last_class`` the code of the last
    completed follow-up's class, recorded or by ``classes``, ``last_risk`` its risk level).
    The worklist's follow-up and health-check items are these dates for the patients
    registered and not lost on ``on``, within its horizon. A patient without consent is not
    followed up (§2): no row.

    The next follow-up (§4; WS2018 随访管理, BPHS2017 分类干预): after a last attempt that reached
    nobody (not before a later discharge), the retry date; after a discharge on or after the
    last completed follow-up, 14 days after it; never followed up, 14 days after the later of
    registration and consent; after an in-hospital follow-up without a class, 14 days; else
    the class's next date. The health check (BPHS2017 健康体检): 12 months after the last one,
    at the start of management when none.

    >>> import datetime as dt
    >>> from smi_care.synth import generate
    >>> from smi_care.rules.record_tables import record_tables
    >>> reg = generate(patients=30, seed=3)
    >>> t = record_tables(reg)
    >>> frame = due_frame(t.patients, t.followups, t.events, dt.date(2025, 6, 1))
    >>> frame.columns == list(DUE_COLUMNS), frame.height == sum(r.patient.consented for r in reg)
    (True, True)
    """
    one = one_patient(patients, followups, events)
    p = patient_history(patients, followups, None, on, None, classes, one)
    ev = events.lazy().filter(on_or_before("date", on))
    return (due_columns(p, ev, events, on, schedule, one)
            .select("patient_id", next_due="_due", reason="_reason", last_class="_cls", last_risk="_risk",
                    health_check_due="_check_due")
            .collect(engine=ENGINE, optimizations=optimizations(one)))


def _record_due(record: PatientRecord, on: dt.date, schedule: SchedulePolicy,
                classes: ClassificationPolicy) -> dict[str, Any] | None:
    """The :func:`due_frame` row of one record, None without consent."""
    if not record.patient.consented:
        return None
    t = record_tables((record,))
    rows = due_frame(t.patients, t.followups, t.events, on, schedule, classes).rows(named=True)
    return rows[0]


@checked
def next_due(record: PatientRecord, on: dt.date, policy: SchedulePolicy = NATIONAL_SCHEDULE,
             classes: ClassificationPolicy = NATIONAL_CLASSES) -> NextDue | None:
    """The next follow-up due for one patient, judged on ``on`` from what is recorded on or
    before it: :func:`due_frame` on the record's rows, so an app's date is the worklist's. None
    when the patient has not consented (§2).

    The module's example shows it on a record never followed up and after an attempt that
    reached nobody.
    """
    row = _record_due(record, on, policy, classes)
    if row is None:
        return None
    cls = None if row["last_class"] is None else Classification.from_code(row["last_class"])
    return NextDue(row["next_due"], DueReason(row["reason"]), cls, row["last_risk"])


@checked
def health_check_due(record: PatientRecord, on: dt.date, policy: SchedulePolicy = NATIONAL_SCHEDULE) -> dt.date | None:
    """When one patient's annual health check (健康体检, §4; BPHS2017) is due: 12 months after
    the last one on or before ``on``, or at the start of management (registration, or a later
    consent) when there has been none; :func:`due_frame` on the record's rows. None without
    consent (the check needs the patient's and guardian's agreement).

    The module's example shows it before and after a health check.
    """
    row = _record_due(record, on, policy, NATIONAL_CLASSES)
    return None if row is None else row["health_check_due"]
