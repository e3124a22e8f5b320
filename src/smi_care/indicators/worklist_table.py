"""The worklist for one day, written once: over a whole registry's tables at column speed, and
over one or many patient records by the same code.

:func:`worklist_table` lists every work item and alert of the registry's tables (kinds,
patients, due dates, days late, last class and risk, details; most urgent first), computed with
polars expressions over the registry's tables. The sources: 严重精神障碍管理治疗工作规范
（2018年版） (WS2018), 随访管理 and 应急处置; 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范
(BPHS2017), 分类干预 and 健康体检; 严重精神障碍发病报告管理办法（试行），2013 (REPORT2013).

No rule is written twice: the intervals and dates come from the rules' own pure functions
(:func:`~smi_care.rules.schedule.next_visit_date`, :func:`~smi_care.rules.schedule.retry_date`,
:func:`~smi_care.rules.schedule.after_discharge_date`, :func:`~smi_care.rules.schedule.add_months`,
:func:`~smi_care.rules.schedule.report_deadline`, :func:`~smi_care.rules.worklist.emergency_record_due`),
applied once per distinct date; the class of a follow-up from
:func:`~smi_care.rules.classification.classify` (:mod:`smi_care.indicators.row_classes`);
registration on the day from :func:`smi_care.rules.history.registration_at`; the item kinds,
details and the order from :mod:`smi_care.rules.worklist`. Apps holding records call
:func:`record_items` (one patient) and :func:`records_worklist` (many, in one pass): this
engine on the records' rows. The independent per-patient loop the property tests compare this
engine against is ``tests/oracle/worklist.py`` (not product code; docs/architecture.md).

Follow-ups are ordered by visit date and same-day rows by file order (``row``), events by date
and file order, as national-rules §6 "Order" asks.

>>> import datetime as dt
>>> from smi_care.synth import generate
>>> from smi_care.registry import write_registry
>>> from smi_care.registry.tables import read_tables
>>> import tempfile
>>> reg = generate(patients=60, seed=2)
>>> t = read_tables(write_registry(reg, tempfile.mkdtemp())).tables
>>> day = dt.date(2025, 6, 1)
>>> items = worklist_table(t.patients, t.followups, t.events, day, covers=t.covers)
>>> items == records_worklist(reg, day, covers=reg.covers)
True
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import polars as pl

from smi_care.domain.arguments import checked
from smi_care.domain.codes import Classification, EventKind, LossReason
from smi_care.domain.records import PatientRecord
from smi_care.indicators.facts_table import ordered_followups
from smi_care.indicators.row_classes import next_visit_dates, rule_classes
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.history import (
    ENGINE,
    EXPRESSIONS_CACHED,
    attach,
    covered_expr,
    distinct_values,
    lost_attempt_at,
    on_or_before,
    one_patient,
    optimizations,
    per_patient,
    registration_at,
)
from smi_care.rules.record_tables import record_tables
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import (
    DueReason,
    SchedulePolicy,
    add_months,
    after_discharge_date,
    report_deadline,
    retry_date,
)
from smi_care.rules.status import NATIONAL as NATIONAL_STATUS
from smi_care.rules.status import Covers, StatusPolicy, covers_nothing
from smi_care.rules.workdays import OFFICIAL, WorkdayCalendar
from smi_care.rules.worklist import (
    NATIONAL,
    NO_CONSENT,
    NO_HEALTH_CHECK,
    PROVISIONAL_CALENDAR,
    TRANSFER_OUT_ALERT,
    ItemKind,
    WorkItem,
    WorklistPolicy,
    by_urgency,
    check_worklist_day,
    emergency_record_due,
    emergency_record_missing,
    followup_kind,
    lost_alert_detail,
)

#: The columns of :func:`worklist_frame`, in order.
ITEM_COLUMNS = ("kind", "patient_id", "due", "days_overdue", "last_class", "last_risk", "detail")

_SCHEMA: dict[str, Any] = {"kind": pl.String, "patient_id": pl.String, "due": pl.Date, "days_overdue": pl.Int64,
                           "last_class": pl.Int8, "last_risk": pl.Int8, "detail": pl.String,
                           "_group": pl.Int32, "_sub": pl.Int64}


def _kind(k: EventKind) -> str:
    return k.text_code


def _days(on: dt.date, day: pl.Expr) -> pl.Expr:
    """``(on - day).days`` as a column."""
    return (pl.lit(on) - day).dt.total_days().cast(pl.Int64)


def _item_select(kind: ItemKind | pl.Expr, due: pl.Expr, on: dt.date, detail: str | pl.Expr, group: int,
                 sub: pl.Expr | None = None, with_class: bool = True, days: pl.Expr | None = None) -> tuple[pl.Expr, ...]:
    """The columns (:data:`_SCHEMA`) of the items of a frame, one item per row selected."""
    return (
        (kind if isinstance(kind, pl.Expr) else pl.lit(kind.value)).cast(pl.String).alias("kind"),
        pl.col("patient_id").cast(pl.String), due.cast(pl.Date).alias("due"),
        (_days(on, due) if days is None else days).cast(pl.Int64).alias("days_overdue"),
        (pl.col("_cls") if with_class else pl.lit(None)).cast(pl.Int8).alias("last_class"),
        (pl.col("_risk") if with_class else pl.lit(None)).cast(pl.Int8).alias("last_risk"),
        (detail if isinstance(detail, pl.Expr) else pl.lit(detail)).cast(pl.String).alias("detail"),
        pl.lit(group).cast(pl.Int32).alias("_group"), (pl.lit(0) if sub is None else sub).cast(pl.Int64).alias("_sub"),
    )


@attrs.frozen(eq=False)
class _FrameExprs:
    """The expressions of :func:`worklist_frame` that depend only on the day and the policies
    (:func:`_frame_exprs`): each part's filter and the columns of its items."""

    high: pl.Expr
    left: pl.Expr
    left_items: tuple[pl.Expr, ...]
    gone: pl.Expr
    gone_items: tuple[pl.Expr, ...]
    emergencies: pl.Expr
    emergency_items: tuple[pl.Expr, ...]
    unsigned: pl.Expr
    unsigned_items: tuple[pl.Expr, ...]
    unreported: pl.Expr
    late_report: pl.Expr
    late_report_items: tuple[pl.Expr, ...]
    active: pl.Expr
    due_soon: pl.Expr
    due_items: tuple[pl.Expr, ...]
    check_soon: pl.Expr
    check_items: tuple[pl.Expr, ...]


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _frame_exprs(on: dt.date, within: int, policy: WorklistPolicy, first_followup_days: int) -> _FrameExprs:
    """:class:`_FrameExprs` on ``on``, built once per day and policies (building them costs
    milliseconds in Python; a pure builder under a bounded cache, as the rules' expressions:
    docs/architecture.md, "One patient, and many")."""
    horizon = on + dt.timedelta(days=within)
    lookback = on - dt.timedelta(days=policy.alert_lookback_days)
    c = pl.col
    police = ItemKind.ALERT_NOTIFY_POLICE
    kind = _kind_expr(on)
    return _FrameExprs(
        high=((c("_cls") == Classification.UNSTABLE.code) | (c("_risk") >= policy.alert_risk_min)).fill_null(False),
        # alerts: a high-risk patient who left, went missing or is lost (§5); an emergency without its record
        left=c("_high") & (c("event") == _kind(EventKind.TRANSFER_OUT)) & (c("date") >= lookback),
        left_items=_item_select(police, c("date"), on, TRANSFER_OUT_ALERT, 0, c("_e")),
        gone=c("_high") & c("_registered") & (c("_lost_date") >= lookback),
        gone_items=_item_select(police, c("_lost_date"), on, c("_why"), 1),
        emergencies=((c("event") == _kind(EventKind.EMERGENCY)) & c("detail").is_null()
                     & (_days(on, c("date")) <= policy.alert_lookback_days)),
        emergency_items=_item_select(ItemKind.ALERT_EMERGENCY_RECORD_MISSING, c("_record_due"), on,
                                     emergency_record_missing(policy), 2, c("_e")),
        unsigned=~c("_consented") & c("_last_date").is_not_null(),
        unsigned_items=_item_select(ItemKind.ALERT_VISITED_WITHOUT_CONSENT, c("_last_date"), on, NO_CONSENT, 3,
                                    days=pl.lit(0)),
        # the report deadline of a case diagnosed but not yet registered (REPORT2013)
        unreported=(c("diagnosis_date") <= on) & (pl.lit(on) < c("registered_on")),
        late_report=c("_deadline") <= horizon,
        late_report_items=_item_select(ItemKind.REPORT_DEADLINE, c("_deadline"), on,
                                       pl.when(c("_provisional")).then(pl.lit(PROVISIONAL_CALENDAR))
                                       .otherwise(pl.lit("")), 4, with_class=False),
        # follow-up and health check (due_columns: the consented): registered and not lost
        active=c("_registered").fill_null(False) & c("_lost_date").is_null(),
        due_soon=c("_due") <= horizon,
        due_items=_item_select(kind, c("_due"), on, c("_reason"), 5),
        check_soon=c("_check_due") <= horizon,
        check_items=_item_select(ItemKind.HEALTH_CHECK_DUE, c("_check_due"), on,
                                 pl.when(c("_check").is_null()).then(pl.lit(NO_HEALTH_CHECK)).otherwise(pl.lit("")),
                                 6),
    )


def patient_history(patients: pl.DataFrame, followups: pl.DataFrame, reg: pl.LazyFrame | None, on: dt.date,
                 status: StatusPolicy | None, classes: ClassificationPolicy, one: bool) -> pl.DataFrame:
    """For each patient: the last completed follow-up on or before ``on`` (date, effective
    class, risk), the last attempt (date, completed), the attempt that made them lost under
    ``status`` (null without it: a caller that never reads it is spared its query) and
    ``_registered`` on ``on`` (``reg``; null without it). Two queries: the history, then the class of the last
    completed follow-ups without a recorded one (``one``: the tables hold one patient's rows,
    :func:`~smi_care.rules.history.one_patient`: no group-by, join or window)."""
    fus = followups.lazy()
    f = ordered_followups(fus if one else fus.join(patients.lazy().select("patient_id"), on="patient_id", how="semi"),
                          on)
    last_done_aggs, attempt_aggs = _history_exprs()
    done_q = per_patient(f.filter(pl.col("_completed")), one, *last_done_aggs)
    last_attempt = per_patient(f, one, *attempt_aggs)
    if status is None:
        lost = patients.lazy().select("patient_id", _lost_date=pl.lit(None, dtype=pl.Date),
                                      _lost_reason=pl.lit(None, dtype=followups.schema["loss_reason"]))
    else:
        lost = lost_attempt_at(f, status.consecutive_failures_lost, one=one).select(
            "patient_id", _lost_date="lost_date", _lost_reason="lost_reason")
    base_q = patients.lazy().select("patient_id", "registered_on", "diagnosis_date", "consent_date",
                                    _consented=pl.col("consent") == 1)
    if reg is None:
        reg = patients.lazy().select("patient_id", _registered=pl.lit(None, dtype=pl.Boolean))
    base_q = attach(base_q, last_attempt, one, lost, reg)
    done, base = pl.collect_all([done_q, base_q], engine=ENGINE, optimizations=optimizations(one))
    if done.get_column("classification").null_count():  # the §4 rule only where no class is recorded
        done = done.with_columns(rule_class=rule_classes(done, classes))
    else:
        done = done.with_columns(rule_class=pl.lit(None, dtype=pl.Int8))
    last_done = done.lazy().select("patient_id", _last_date="visit_date", _risk="risk_level",
                                   _cls=pl.coalesce("classification", "rule_class").cast(pl.Int8))
    return (attach(base.lazy(), last_done, one)
            .select("patient_id", "registered_on", "diagnosis_date", "consent_date", "_consented", "_last_date",
                    "_risk", "_cls", "_attempt_date", "_attempt_done", "_lost_date", "_lost_reason", "_registered")
            .collect(engine=ENGINE, optimizations=optimizations(one)))


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _history_exprs() -> tuple[tuple[pl.Expr, ...], tuple[pl.Expr, ...]]:
    """The aggregates of :func:`patient_history`: the last completed follow-up's columns, and the
    last attempt's date and whether it was completed."""
    return ((pl.all().exclude("patient_id").last(),),
            (pl.col("visit_date").last().alias("_attempt_date"), pl.col("_completed").last().alias("_attempt_done")))


def _up_to(column: pl.Series, on: dt.date) -> list[Any]:
    """The distinct values of a date column on or before ``on`` (the dates a rule is asked about)."""
    return [d for d in distinct_values(column) if d <= on]


def _lookup(column: str, values: pl.Series | list[Any], rule: Callable[[Any], Any], dtype: Any) -> pl.Expr:
    """``rule`` of each value of ``column``, as an expression: the rule asked once per distinct
    value of ``values`` (the column's values, or more), null where the column is null."""
    distinct = values if isinstance(values, list) else distinct_values(values)
    if not distinct:
        return pl.lit(None, dtype=dtype)
    table = {v: rule(v) for v in distinct}
    return pl.col(column).replace_strict(table, default=None, return_dtype=dtype)


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _due_exprs(first_followup_days: int) -> tuple[pl.Expr, pl.Expr]:
    """The next follow-up's due date and its reason (§4; :func:`smi_care.indicators.due_dates.next_due`) over the columns
    :func:`due_columns` gathers."""
    c = pl.col
    retry = c("_attempt_date").is_not_null() & ~c("_attempt_done").fill_null(True) & (
        c("_discharge").is_null() | (c("_attempt_date") >= c("_discharge")))
    first = pl.lit(DueReason.FIRST_AFTER_ENROLMENT.value)
    due = (pl.when(retry).then(c("_retry")).when(c("_discharge").is_not_null()).then(c("_after_discharge"))
           .when(c("_last_date").is_null()).then(c("_start") + pl.duration(days=first_followup_days))
           .when(c("_cls").is_null()).then(c("_in_hospital")).otherwise(c("_scheduled")))
    reason = (pl.when(retry).then(pl.lit(DueReason.RETRY_NOT_REACHED.value))
              .when(c("_discharge").is_not_null()).then(pl.lit(DueReason.AFTER_DISCHARGE.value))
              .when(c("_last_date").is_null()).then(first)
              .when(c("_cls").is_null()).then(pl.lit(DueReason.IN_HOSPITAL.value))
              .otherwise(pl.lit(DueReason.SCHEDULED.value)))
    return due.alias("_due"), reason.alias("_reason")


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _kind_expr(on: dt.date) -> pl.Expr:
    """The item kind of a due follow-up on ``on``: by its reason and whether it is late
    (rules.worklist.followup_kind)."""
    c = pl.col
    late = _days(on, c("_due")) > 0
    kind: pl.Expr = pl.lit(None, dtype=pl.String)
    for r in DueReason:
        for is_late in (True, False):
            kind = pl.when((c("_reason") == r.value) & (late == is_late)).then(
                pl.lit(followup_kind(1 if is_late else 0, r).value)).otherwise(kind)
    return kind


@functools.lru_cache(maxsize=1)
def _due_filters() -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """The expressions of :func:`due_columns` that depend on nothing (built once): a discharge,
    one on or after the last completed follow-up, the last of them, a health check, the last of
    them, and the start of management (the later of registration and consent)."""
    c = pl.col
    return (c("event") == _kind(EventKind.DISCHARGE), c("_last_date").is_null() | (c("date") >= c("_last_date")),
            c("date").max().alias("_discharge"), c("event") == _kind(EventKind.HEALTH_CHECK),
            c("date").max().alias("_check"),
            pl.max_horizontal(pl.coalesce("consent_date", "registered_on"), c("registered_on")))


def due_columns(p: pl.DataFrame, ev: pl.LazyFrame, events: pl.DataFrame, on: dt.date, schedule: SchedulePolicy,
                 one: bool) -> pl.LazyFrame:
    """The rows of :func:`patient_history` (``p``) of the patients who consented, with when their
    next follow-up falls due and why (``_due``, ``_reason``: §4, WS2018 随访管理 and BPHS2017
    分类干预) and their annual health check (``_check_due``, ``_check`` the last one: BPHS2017
    健康体检), judged from what is recorded on or before ``on`` (``ev``: the events up to it).
    Without consent a patient is not followed up (§2): no row."""
    c = pl.col
    x = _due_filters()
    consented = p.lazy().filter(c("_consented"))
    discharges = ev.filter(x[0])
    if one:  # the patient's last completed follow-up (no row is attached below without consent)
        discharges = discharges.with_columns(_last_date=pl.lit(p.item(0, "_last_date"), dtype=pl.Date))
    else:
        discharges = discharges.join(consented.select("patient_id", "_last_date"), on="patient_id", how="inner")
    discharges = per_patient(discharges.filter(x[1]), one, x[2])
    checks = per_patient(ev.filter(x[3]), one, x[4])
    event_days = _up_to(events.get_column("date"), on)
    scheduled = pl.DataFrame([p.get_column("patient_id"),
                              next_visit_dates(p["_last_date"], p["_cls"], schedule).alias("_scheduled")])
    return attach(consented, discharges, one, checks, scheduled.lazy()).with_columns(
        _start=x[5],
        _retry=_lookup("_attempt_date", p.get_column("_attempt_date"), lambda d: retry_date(d, schedule), pl.Date),
        _after_discharge=_lookup("_discharge", event_days, lambda d: after_discharge_date(d, schedule), pl.Date),
        _in_hospital=_lookup("_last_date", p.get_column("_last_date"), lambda d: after_discharge_date(d, schedule),
                             pl.Date),
    ).with_columns(
        _check_due=pl.coalesce(_lookup("_check", event_days, lambda d: add_months(d, schedule.health_check_months),
                                       pl.Date), c("_start")),
    ).with_columns(*_due_exprs(schedule.first_followup_days))


def worklist_frame(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, on: dt.date,
                   within: int = 14, covers: Covers = covers_nothing, policy: WorklistPolicy = NATIONAL,
                   schedule: SchedulePolicy = NATIONAL_SCHEDULE, status: StatusPolicy = NATIONAL_STATUS,
                   classes: ClassificationPolicy = NATIONAL_CLASSES,
                   calendar: WorkdayCalendar = OFFICIAL) -> pl.DataFrame:
    """Every work item on ``on`` as a table (:data:`ITEM_COLUMNS`: ``kind`` the
    :class:`~smi_care.rules.worklist.ItemKind` value, ``last_class`` the class code), one
    patient's items together in the order the per-patient rule gives them (not yet by urgency:
    :func:`worklist_table` sorts).

    Built as few queries as the rules allow (on one patient's rows polars costs per query, not
    per row): the history per patient, then the scalar rules of the dates (asked once per
    distinct date), then every item in one lazy query. On one patient's tables
    (:func:`~smi_care.rules.history.one_patient`) the same expressions run without the
    group-bys and joins."""
    x = _frame_exprs(on, within, policy, schedule.first_followup_days)
    one = one_patient(patients, followups, events)
    reg = registration_at(patients.lazy(), events.lazy(), on, covers,
                          covered_expr(events.get_column("other_area"), covers), one=one)
    p = patient_history(patients, followups, reg.select("patient_id", _registered="registered"), on, status, classes,
                     one)
    p = p.with_columns(_high=x.high)  # one small step, read below by several parts as a column
    pl_ = p.lazy()
    ev = events.lazy().filter(on_or_before("date", on)).sort(["patient_id", "date", "row"]).with_row_index("_e")
    if one:  # the patient's class, risk and alert on every event of theirs
        ev = ev.with_columns(_cls=pl.lit(p.item(0, "_cls"), dtype=pl.Int8),
                             _risk=pl.lit(p.item(0, "_risk"), dtype=pl.Int8),
                             _high=pl.lit(p.item(0, "_high"), dtype=pl.Boolean))
    else:
        ev = ev.join(pl_.select("patient_id", "_cls", "_risk", "_high"), on="patient_id", how="inner",
                     maintain_order="left")
    # the events and the follow-up columns are read by two parts each: collected once, together,
    # so the items' query plans and runs each of them once (not once per part)
    ev_rows, active_rows = pl.collect_all([ev, due_columns(p, ev, events, on, schedule, one).filter(x.active)],
                                          engine=ENGINE, optimizations=optimizations(one))
    ev, active = ev_rows.lazy(), active_rows.lazy()
    parts: list[pl.LazyFrame] = []

    # alerts: a high-risk patient who left, went missing or is lost (§5); an emergency without its record
    parts.append(ev.filter(x.left).select(*x.left_items))
    why = _lookup("_lost_reason", p.get_column("_lost_reason"),
                  lambda code: lost_alert_detail(LossReason.from_code(code)), pl.String)
    parts.append(pl_.filter(x.gone).with_columns(_why=why.fill_null(lost_alert_detail(None))).select(*x.gone_items))
    record_due = _lookup("date", _up_to(events.get_column("date"), on), lambda d: emergency_record_due(d, policy),
                         pl.Date)
    parts.append(ev.filter(x.emergencies).with_columns(_record_due=record_due).select(*x.emergency_items))
    parts.append(pl_.filter(x.unsigned).select(*x.unsigned_items))

    # the report deadline of a case diagnosed but not yet registered (REPORT2013)
    days = distinct_values(p.filter(x.unreported).get_column("diagnosis_date"))
    answers = {d: report_deadline(d, schedule, calendar) for d in days}
    deadline = _lookup("diagnosis_date", days, lambda d: answers[d].date, pl.Date)
    provisional = _lookup("diagnosis_date", days, lambda d: answers[d].provisional, pl.Boolean)
    parts.append(pl_.filter(x.unreported).with_columns(_deadline=deadline, _provisional=provisional)
                 .filter(x.late_report).select(*x.late_report_items))

    # follow-up and health check: registered, not lost, consented (due_dates.next_due, health_check_due)
    parts.append(active.filter(x.due_soon).select(*x.due_items))
    parts.append(active.filter(x.check_soon).select(*x.check_items))

    items = pl.concat(parts, how="vertical")
    return (items.sort(["patient_id", "_group", "_sub"], maintain_order=True).select(ITEM_COLUMNS)
            .collect(engine=ENGINE, optimizations=optimizations(one)))


def work_items(frame: pl.DataFrame) -> list[WorkItem]:
    """The :class:`~smi_care.rules.worklist.WorkItem` of each row of a :func:`worklist_frame`, in order."""
    kinds = {k.value: k for k in ItemKind}
    classes = {c.code: c for c in Classification}
    return [WorkItem(kinds[kind], pid, due, days, None if cls is None else classes[cls], risk, detail)
            for kind, pid, due, days, cls, risk, detail in frame.select(ITEM_COLUMNS).iter_rows()]


def worklist_table(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, on: dt.date,
                   within: int = 14, covers: Covers = covers_nothing, policy: WorklistPolicy = NATIONAL,
                   schedule: SchedulePolicy = NATIONAL_SCHEDULE, status: StatusPolicy = NATIONAL_STATUS,
                   classes: ClassificationPolicy = NATIONAL_CLASSES,
                   calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """Every work item of the registry's tables on ``on``, most urgent first
    (:func:`~smi_care.rules.worklist.by_urgency`)."""
    frame = worklist_frame(patients, followups, events, on, within, covers, policy, schedule, status, classes,
                           calendar)
    return by_urgency(work_items(frame))


@checked
def record_items(record: PatientRecord, on: dt.date, within: int = 14, covers: Covers = covers_nothing,
                 policy: WorklistPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                 status: StatusPolicy = NATIONAL_STATUS, classes: ClassificationPolicy = NATIONAL_CLASSES,
                 calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """One patient's work items on ``on`` (police alerts, emergency records, consent, report
    deadline, follow-up, health check, in that order): :func:`worklist_frame` on the record's
    rows (:func:`smi_care.rules.record_tables.record_tables`), so an app's answer for one
    patient is the county's list for that patient. ``on`` must leave a year of calendar ahead,
    ``within`` be 0 days or more (:func:`~smi_care.rules.worklist.check_worklist_day`).

    >>> import datetime as dt
    >>> from smi_care.synth import generate
    >>> reg = generate(patients=20, seed=4)
    >>> day = dt.date(2025, 6, 1)
    >>> by_urgency([i for r in reg for i in record_items(r, day)]) == records_worklist(reg, day)
    True
    """
    check_worklist_day("record_items", on, within)
    t = record_tables((record,))
    return work_items(worklist_frame(t.patients, t.followups, t.events, on, within, covers, policy, schedule,
                                     status, classes, calendar))


@checked
def records_worklist(records: Iterable[PatientRecord], on: dt.date, within: int = 14,
                     covers: Covers = covers_nothing, policy: WorklistPolicy = NATIONAL,
                     schedule: SchedulePolicy = NATIONAL_SCHEDULE, status: StatusPolicy = NATIONAL_STATUS,
                     classes: ClassificationPolicy = NATIONAL_CLASSES,
                     calendar: WorkdayCalendar = OFFICIAL) -> list[WorkItem]:
    """The work items of many records on ``on`` in one pass of the engine, most urgent first:
    the batch call for an app's list of patients (each patient's items are
    :func:`record_items`). ``on`` must leave a year of calendar ahead, ``within`` be 0 days or
    more.

    >>> import datetime as dt
    >>> from smi_care.synth import generate
    >>> items = records_worklist(generate(patients=20, seed=4), dt.date(2025, 6, 1))
    >>> items[0].kind.is_alert or items[0].days_overdue >= items[-1].days_overdue
    True
    >>> records_worklist([], dt.date.max)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: records_worklist(on=<date>): expected a day up to 9998-12-31 ...
    """
    check_worklist_day("records_worklist", on, within)
    t = record_tables(records)
    return worklist_table(t.patients, t.followups, t.events, on, within, covers, policy, schedule, status, classes,
                          calendar)

