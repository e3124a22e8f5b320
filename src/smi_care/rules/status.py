"""Patient status over time (在册, 在管, 失访, 居家, 死亡).

Source: 严重精神障碍管理治疗工作规范（2018年版） (WS2018), 患者管理 and 工作指标
(definitions of 在册患者 and 在管患者);
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 工作指标.

"What was this patient's status on day D" (:func:`status_on`) and "in period P"
(:func:`status_in`), and the dated changes (:func:`timeline`).

- Registered (在册) on D: registered on or before D and, on or before D, not dead, not
  transferred out of the registry's areas, diagnosis not withdrawn. A transfer in registers
  the patient from its date; a transfer out to an area the registry covers moves the patient
  there and keeps them registered (§6 "Area").
- Under management (在管) in P: registered at the end of P with at least one completed
  follow-up in P.
- Lost (失访) on D: the last attempt on or before D with a loss reason, or the 3rd of 3
  consecutive failed attempts, with no completed follow-up after it.
- In hospital on D: an admission on or before D without a later discharge on or before D, or
  else the last completed follow-up on or before D records "in hospital now".

Every one of these rules is written once, in the columnar engine (:mod:`smi_care.rules.history`);
the functions here run it on the record's rows (:mod:`smi_care.rules.record_tables`), so one
patient's answer is the province's answer for that patient. :func:`statuses_on` answers for
many records in one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sized
from enum import Enum
from typing import Any

import attrs
import polars as pl

from smi_care.domain.arguments import checked
from smi_care.domain.codes import Classification, EventKind, Lockup
from smi_care.domain.errors import ArgumentValueError
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp
from smi_care.domain.identity import AreaCode
from smi_care.domain.named import short_repr
from smi_care.domain.records import PatientRecord
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.history import (
    Covers,
    admitted_at,
    day_status,
    last_completed_at,
    ordered_followups,
    registration_at,
)
from smi_care.rules.limits import at_least
from smi_care.rules.record_tables import RecordTables, record_tables

__all__ = ["NATIONAL", "Covers", "DayStatus", "PeriodStatus", "Registration", "Status", "StatusChange",
           "StatusPolicy", "admitted_on", "completed_in", "covers_nothing", "death", "in_hospital", "is_lost",
           "is_registered", "last_completed", "last_lockup", "lost_since", "managed", "registration_on",
           "status_in", "status_on", "statuses_on", "timeline", "under_management"]


def covers_nothing(area: AreaCode) -> bool:
    """The default: a transfer out leaves the registry."""
    return False


@short_repr
@attrs.frozen
class StatusPolicy:
    """``consecutive_failures_lost`` **[default 3]**: failed attempts in a row that make a
    patient lost to follow-up (§5); 1 or more (0 would make every patient lost before any
    attempt failed, and is refused).

    >>> StatusPolicy(consecutive_failures_lost=0)
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: StatusPolicy(consecutive_failures_lost=0): expected an integer of 1 or more
    """

    consecutive_failures_lost: int = attrs.field(default=3, validator=at_least(1))


NATIONAL = StatusPolicy()


@attrs.frozen
class Registration:
    """Where and whether the patient is registered on a day."""

    registered: bool
    area: AreaCode
    ended_by: EventKind | None


def _tables(record: PatientRecord) -> RecordTables:
    return record_tables((record,))


def _day_rows(tables: RecordTables, day: dt.date, covers: Covers, policy: StatusPolicy) -> list[dict[str, Any]]:
    return day_status(tables.patients, tables.followups, tables.events, day, covers,
                      policy.consecutive_failures_lost).to_dicts()


def _at(record: PatientRecord, row: int | None) -> FollowUp | None:
    return None if row is None else record.followups[row]


def _registration(row: Mapping[str, Any]) -> Registration:
    ended = row["ended_by"]
    return Registration(bool(row["registered"]), AreaCode(row["area"]),
                        None if ended is None else EventKind.from_code(ended))


def registration_on(record: PatientRecord, day: dt.date, covers: Covers = covers_nothing) -> Registration:
    """Registration and home area on ``day`` from the registration date and the status events
    (death, transfers, withdrawal) on or before it, in date order
    (:func:`smi_care.rules.history.registration_at` on the record's rows)."""
    t = _tables(record)
    return _registration(registration_at(t.patients, t.events, day, covers).row(0, named=True))


@checked
def is_registered(record: PatientRecord, day: dt.date, covers: Covers = covers_nothing) -> bool:
    return registration_on(record, day, covers).registered


def death(record: PatientRecord) -> Event | None:
    """The record's death event, if any (the first, in date order)."""
    return next((e for e in record.events if e.kind is EventKind.DEATH), None)


def completed_in(record: PatientRecord, start: dt.date, end: dt.date) -> tuple[FollowUp, ...]:
    """Completed follow-ups dated in [start, end], in §6 order."""
    rows = (ordered_followups(_tables(record).followups, end)
            .filter(pl.col("_completed") & (pl.col("visit_date") >= start)).get_column("row").to_list())
    return tuple(record.followups[r] for r in rows)


def last_completed(record: PatientRecord, on: dt.date, start: dt.date | None = None) -> FollowUp | None:
    """The last completed follow-up on or before ``on`` (and on or after ``start``)."""
    last = last_completed_at(ordered_followups(_tables(record).followups, on), start)
    return _at(record, last.get_column("last_done_row")[0] if last.height else None)


def lost_since(record: PatientRecord, day: dt.date, policy: StatusPolicy = NATIONAL) -> FollowUp | None:
    """The attempt that made the patient lost to follow-up on ``day``, or None (§5, §6), whether
    or not the patient is registered on ``day``."""
    row = _day_rows(_tables(record), day, covers_nothing, policy)[0]
    return _at(record, row["lost_row"])


@checked
def is_lost(record: PatientRecord, day: dt.date, policy: StatusPolicy = NATIONAL) -> bool:
    return lost_since(record, day, policy) is not None


def admitted_on(record: PatientRecord, day: dt.date) -> bool:
    """An admission on or before ``day`` without a later discharge on or before it."""
    admitted = admitted_at(_tables(record).events, day)
    return bool(admitted.height and admitted.get_column("admitted")[0])


@checked
def in_hospital(record: PatientRecord, day: dt.date) -> bool:
    """In hospital on ``day`` (§6 "In hospital on D"), whether or not registered."""
    return bool(_day_rows(_tables(record), day, covers_nothing, NATIONAL)[0]["hospitalised"])


def last_lockup(record: PatientRecord, day: dt.date) -> Lockup | None:
    """The last lock-up status recorded at a follow-up on or before ``day``, else the
    patient's ``past_lockup`` (§6)."""
    row = _day_rows(_tables(record), day, covers_nothing, NATIONAL)[0]
    code = row["recorded_lockup"]
    return record.patient.past_lockup if code is None else Lockup.from_code(code)


class Status(Enum):
    """A patient's status on one day, most final first."""

    NOT_REGISTERED = ("not_registered", "未建档")
    DEAD = ("dead", "死亡")
    TRANSFERRED_OUT = ("transferred_out", "迁出")
    WITHDRAWN = ("withdrawn", "撤销诊断")
    LOST = ("lost", "失访")
    IN_HOSPITAL = ("in_hospital", "住院")
    AT_HOME = ("at_home", "居家")

    @property
    def label(self) -> str:
        return self.value[1]


_STATUS_BY_CODE = {s.value[0]: s for s in Status}


@attrs.frozen
class DayStatus:
    """Everything §5 says about a patient on one day."""

    day: dt.date
    status: Status
    registered: bool
    area: AreaCode
    lost: bool
    in_hospital: bool
    at_home: bool
    consented: bool


def _day_status(day: dt.date, row: Mapping[str, Any], consented: bool) -> DayStatus:
    return DayStatus(day, _STATUS_BY_CODE[row["status"]], bool(row["registered"]), AreaCode(row["area"]),
                     bool(row["lost"]), bool(row["in_hospital"]), bool(row["at_home"]), consented)


@checked
def status_on(record: PatientRecord, day: dt.date, covers: Covers = covers_nothing,
              policy: StatusPolicy = NATIONAL) -> DayStatus:
    """The patient's status on ``day`` (:func:`smi_care.rules.history.day_status` on the record's rows)."""
    return _day_status(day, _day_rows(_tables(record), day, covers, policy)[0], record.patient.consented)


def statuses_on(records: Iterable[PatientRecord], day: dt.date, covers: Covers = covers_nothing,
                policy: StatusPolicy = NATIONAL) -> dict[str, DayStatus]:
    """The status on ``day`` of many records in one pass of the engine, by patient id: what an
    app calls for a list of patients (one call, not one per patient)."""
    recs = list(records)
    consented = {r.patient_id: r.patient.consented for r in recs}
    rows = _day_rows(record_tables(recs), day, covers, policy)
    return {row["patient_id"]: _day_status(day, row, consented[row["patient_id"]]) for row in rows}


def under_management(record: PatientRecord, start: dt.date, end: dt.date, covers: Covers = covers_nothing) -> bool:
    """Under management (在管) in [start, end]: registered on the period's end D with at least
    one completed follow-up dated in the period. The one definition of "under management": the
    period status and the indicator facts call it (严重精神障碍管理治疗工作规范（2018年版）
    (WS2018), 工作指标 "在册患者管理率"; 国家基本公共卫生服务规范（第三版） (BPHS2017), 工作指标)."""
    return managed(registration_on(record, end, covers).registered, completed_in(record, start, end))


def managed(registered_on_d: bool, completed: Sized) -> bool:
    """The rule itself, on already computed facts: registered on D and a completed follow-up in P.

    >>> managed(True, ()), managed(False, ("2025-03-01",)), managed(True, ("2025-03-01",))
    (False, False, True)
    """
    return registered_on_d and len(completed) > 0


@attrs.frozen
class PeriodStatus:
    """What §5 and §6 say about a patient in period [start, end]."""

    start: dt.date
    end: dt.date
    at_end: DayStatus
    completed: tuple[FollowUp, ...]
    under_management: bool
    last_class: Classification | None


@checked
def status_in(record: PatientRecord, start: dt.date, end: dt.date, covers: Covers = covers_nothing,
              policy: StatusPolicy = NATIONAL, classes: ClassificationPolicy = NATIONAL_CLASSES) -> PeriodStatus:
    """The patient's status in [start, end]: under management when registered at the end
    with a completed follow-up in the period. A period that ends before it starts is refused.

    >>> import datetime as dt
    >>> from smi_care.domain.records import PatientRecord
    >>> status_in(PatientRecord.__new__(PatientRecord), dt.date(2025, 12, 31), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: status_in(end=<date>): expected a day on or after start (2025-12-31)
    """
    if end < start:
        raise ArgumentValueError("status_in", "end", end, f"a day on or after start ({start.isoformat()})")
    at_end = status_on(record, end, covers, policy)
    done = completed_in(record, start, end)
    last = done[-1] if done else None
    return PeriodStatus(start, end, at_end, done, managed(at_end.registered, done),
                        effective_class(last, classes) if last else None)


@attrs.frozen
class StatusChange:
    day: dt.date
    status: Status


@checked
def timeline(record: PatientRecord, until: dt.date, covers: Covers = covers_nothing,
             policy: StatusPolicy = NATIONAL) -> tuple[StatusChange, ...]:
    """The dated status changes from registration until ``until``: evaluated on every day
    something is recorded (registration, follow-ups, events)."""
    days = sorted(d for d in {record.patient.registered_on, *(f.visit_date for f in record.followups),
                              *(e.date for e in record.events)} if d <= until)
    tables = _tables(record)
    out: list[StatusChange] = []
    for d in days:
        s = _STATUS_BY_CODE[_day_rows(tables, d, covers, policy)[0]["status"]]
        if not out or out[-1].status is not s:
            out.append(StatusChange(d, s))
    return tuple(out)
