"""The oracle of the status rules: a patient's status computed by plain loops over the domain objects.

Not product code. The library writes these rules once, in the columnar engine
(:mod:`smi_care.rules.history`, run on one record's rows by :mod:`smi_care.rules.status`); this
independent implementation, written the way national-rules §5 and §6 read (WS2018 患者管理,
工作指标; BPHS2017 工作指标), is what the property tests compare the engine against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sized

import attrs

from smi_care.domain.codes import Classification, EventKind, Hospitalisation, Lockup
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp
from smi_care.domain.identity import AreaCode
from smi_care.domain.records import PatientRecord
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.status import NATIONAL, Status, StatusPolicy

#: Whether an area lies inside the registry (a transfer there keeps the patient registered).
Covers = Callable[[AreaCode], bool]


def covers_nothing(area: AreaCode) -> bool:
    """The default: a transfer out leaves the registry."""
    return False


@attrs.frozen
class Registration:
    """Where and whether the patient is registered on a day."""

    registered: bool
    area: AreaCode
    ended_by: EventKind | None


def registration_on(record: PatientRecord, day: dt.date, covers: Covers = covers_nothing) -> Registration:
    """Registration and home area on ``day`` from the registration date and the status events
    (death, transfers, withdrawal) on or before it, in date order."""
    p = record.patient
    area = p.area_code
    status_events = [e for e in record.events if e.kind in _REGISTRATION_KINDS]
    transfers = [e for e in status_events if e.kind in (EventKind.TRANSFER_IN, EventKind.TRANSFER_OUT)]
    # A patient whose first transfer is a transfer in was elsewhere until it (§5).
    registered = p.registered_on <= day and not (transfers and transfers[0].kind is EventKind.TRANSFER_IN
                                                  and transfers[0].date > day)
    ended: EventKind | None = None
    for e in status_events:
        if e.date > day:
            break
        if e.kind is EventKind.DEATH or e.kind is EventKind.DIAGNOSIS_WITHDRAWN:
            return Registration(False, area, e.kind)
        if e.kind is EventKind.TRANSFER_OUT:
            if e.other_area is not None and covers(e.other_area):
                area = e.other_area
            else:
                registered, ended = False, e.kind
        elif e.kind is EventKind.TRANSFER_IN:
            registered, ended = p.registered_on <= day, None
            area = p.area_code if e.other_area is None or not covers(e.other_area) else area
    return Registration(registered, area, ended)


_REGISTRATION_KINDS = frozenset({EventKind.DEATH, EventKind.DIAGNOSIS_WITHDRAWN, EventKind.TRANSFER_OUT,
                                 EventKind.TRANSFER_IN})


def is_registered(record: PatientRecord, day: dt.date, covers: Covers = covers_nothing) -> bool:
    return registration_on(record, day, covers).registered


def death(record: PatientRecord) -> Event | None:
    return next((e for e in record.events if e.kind is EventKind.DEATH), None)


def completed_in(record: PatientRecord, start: dt.date, end: dt.date) -> tuple[FollowUp, ...]:
    """Completed follow-ups dated in [start, end], in order."""
    return tuple(f for f in record.followups if f.completed and start <= f.visit_date <= end)


def last_completed(record: PatientRecord, on: dt.date, start: dt.date | None = None) -> FollowUp | None:
    """The last completed follow-up on or before ``on`` (and on or after ``start``)."""
    for f in reversed(record.followups):
        if f.visit_date <= on and f.completed and (start is None or f.visit_date >= start):
            return f
    return None


def lost_since(record: PatientRecord, day: dt.date, policy: StatusPolicy = NATIONAL) -> FollowUp | None:
    """The attempt that made the patient lost to follow-up on ``day``, or None (§5, §6)."""
    lost: FollowUp | None = None
    failures = 0
    for f in record.followups:
        if f.visit_date > day:
            break
        if f.completed:
            lost, failures = None, 0
            continue
        failures += 1
        if f.loss_reason is not None or (lost is None and failures >= policy.consecutive_failures_lost):
            lost = f
    return lost


def is_lost(record: PatientRecord, day: dt.date, policy: StatusPolicy = NATIONAL) -> bool:
    return lost_since(record, day, policy) is not None


def admitted_on(record: PatientRecord, day: dt.date) -> bool:
    """An admission on or before ``day`` without a later discharge on or before it."""
    admitted = False
    for e in record.events:
        if e.date > day:
            break
        if e.kind is EventKind.ADMISSION:
            admitted = True
        elif e.kind is EventKind.DISCHARGE:
            admitted = False
    return admitted


def in_hospital(record: PatientRecord, day: dt.date) -> bool:
    """In hospital on ``day`` (§6 "In hospital on D")."""
    if admitted_on(record, day):
        return True
    last = last_completed(record, day)
    return last is not None and last.hospitalisation is Hospitalisation.IN_HOSPITAL_NOW


def last_lockup(record: PatientRecord, day: dt.date) -> Lockup | None:
    """The last lock-up status recorded at a follow-up on or before ``day``, else the
    patient's ``past_lockup`` (§6)."""
    for f in reversed(record.followups):
        if f.visit_date <= day and f.lockup is not None:
            return f.lockup
    return record.patient.past_lockup


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


def status_on(record: PatientRecord, day: dt.date, covers: Covers = covers_nothing,
              policy: StatusPolicy = NATIONAL) -> DayStatus:
    """The patient's status on ``day``."""
    reg = registration_on(record, day, covers)
    lost = reg.registered and is_lost(record, day, policy)
    hosp = reg.registered and in_hospital(record, day)
    if not reg.registered:
        status = {EventKind.DEATH: Status.DEAD, EventKind.TRANSFER_OUT: Status.TRANSFERRED_OUT,
                  EventKind.DIAGNOSIS_WITHDRAWN: Status.WITHDRAWN}.get(reg.ended_by, Status.NOT_REGISTERED)  # type: ignore[arg-type]
    elif hosp:
        status = Status.IN_HOSPITAL
    elif lost:
        status = Status.LOST
    else:
        status = Status.AT_HOME
    return DayStatus(day, status, reg.registered, reg.area, lost, hosp, reg.registered and not hosp,
                     record.patient.consented)


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


def status_in(record: PatientRecord, start: dt.date, end: dt.date, covers: Covers = covers_nothing,
              policy: StatusPolicy = NATIONAL, classes: ClassificationPolicy = NATIONAL_CLASSES) -> PeriodStatus:
    """The patient's status in [start, end]: under management when registered at the end
    with a completed follow-up in the period."""
    at_end = status_on(record, end, covers, policy)
    done = completed_in(record, start, end)
    last = done[-1] if done else None
    return PeriodStatus(start, end, at_end, done, managed(at_end.registered, done),
                        effective_class(last, classes) if last else None)


@attrs.frozen
class StatusChange:
    day: dt.date
    status: Status


def timeline(record: PatientRecord, until: dt.date, covers: Covers = covers_nothing,
             policy: StatusPolicy = NATIONAL) -> tuple[StatusChange, ...]:
    """The dated status changes from registration until ``until``: evaluated on every day
    something is recorded (registration, follow-ups, events)."""
    days = sorted({record.patient.registered_on, *(f.visit_date for f in record.followups),
                   *(e.date for e in record.events)})
    out: list[StatusChange] = []
    for d in days:
        if d > until:
            break
        s = status_on(record, d, covers, policy).status
        if not out or out[-1].status is not s:
            out.append(StatusChange(d, s))
    return tuple(out)
