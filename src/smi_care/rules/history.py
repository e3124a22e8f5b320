"""A patient's history on a day, for every patient at once: the one home of the status rules.

Source: 严重精神障碍管理治疗工作规范（2018年版） (WS2018), 患者管理 and 工作指标 (在册, 在管, 失访);
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 工作指标;
national-rules §5 (status) and §6 (Order, Area, In hospital on D, Lost).

Every rule over a patient's history that the status of a day rests on is written here once, as
column expressions over the registry's tables (:mod:`smi_care.rules.record_tables` gives the
same tables for a few :class:`~smi_care.domain.records.PatientRecord` objects):

- :func:`ordered_followups`: the §6 order (visit date, then file row) and the completed flag;
- :func:`registration_at`: registered and home area on D, what ended the registration, and
  when the current registration began (death, diagnosis withdrawn, transfers in and out);
- :func:`lost_at`: lost to follow-up on D and the attempt that made the patient lost
  (:func:`lost_attempt_at`: that attempt's date and loss reason);
- :func:`admitted_at`, :func:`last_completed_at`, :func:`lockup_at`;
- :func:`day_status`: everything §5 says of every patient on D, built from the above.

The per-patient functions of :mod:`smi_care.rules.status` and the facts table of the indicators
read these; an independent per-patient implementation lives only in ``tests/oracle/``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import polars as pl

from smi_care.domain.codes import EventKind, Hospitalisation
from smi_care.domain.identity import AreaCode

#: Whether an area lies inside the registry (a transfer there keeps the patient registered).
Covers = Callable[[AreaCode], bool]

IN_HOSPITAL_NOW = Hospitalisation.IN_HOSPITAL_NOW.code
STATUS_EVENTS = tuple(k.text_code for k in (EventKind.DEATH, EventKind.DIAGNOSIS_WITHDRAWN, EventKind.TRANSFER_OUT,
                                            EventKind.TRANSFER_IN))
_DEATH, _WITHDRAWN = EventKind.DEATH.text_code, EventKind.DIAGNOSIS_WITHDRAWN.text_code
_OUT, _IN = EventKind.TRANSFER_OUT.text_code, EventKind.TRANSFER_IN.text_code
_ADMISSION, _DISCHARGE = EventKind.ADMISSION.text_code, EventKind.DISCHARGE.text_code

#: A table, eager or lazy: every function below builds the same query on either, so the engine
#: can be run step by step on a province's tables or as one plan on one patient's rows
#: (:func:`day_status` collects once: on a table of a few rows the cost of polars is per query,
#: not per row).
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
#: The engine a lazy query of the rules is collected on: polars' in-memory engine, which starts
#: a query faster than the streaming one (what matters on one patient's rows) and is what the
#: eager calls use.
ENGINE: Any = "in-memory"
#: How many days (or other arguments) each builder of the rules' expressions remembers: the
#: expressions of a rule are built once per day and policy by pure builders under a bounded
#: ``functools.lru_cache`` (building them costs milliseconds in Python, more than running them
#: on one patient's rows); docs/architecture.md, "One patient, and many".
EXPRESSIONS_CACHED = 64


def one_patient(patients: pl.DataFrame, *tables: pl.DataFrame) -> bool:
    """Whether the tables hold one patient's rows only: ``patients`` has one row, with an id,
    and every row of ``tables`` carries that id. On such tables the engine leaves out the
    group-bys and joins that change nothing for one patient (:func:`per_patient`,
    :func:`attach`); the expressions are the same.

    >>> p = pl.DataFrame({"patient_id": ["P1"]})
    >>> one_patient(p, pl.DataFrame({"patient_id": ["P1", "P1"]})), one_patient(p, pl.DataFrame({"patient_id": ["P2"]}))
    (True, False)
    """
    if patients.height != 1:
        return False
    pid = patients.get_column("patient_id")[0]
    ids = [t.get_column("patient_id") for t in tables]
    return pid is not None and all(i.null_count() == 0 and bool((i == pid).all()) for i in ids)


def per_patient(frame: Frame, one: bool, *aggs: pl.Expr, maintain_order: bool = False) -> Frame:
    """``frame.group_by("patient_id").agg(*aggs)``. With ``one`` (:func:`one_patient`: the
    frame holds one patient's rows) the same aggregates over the whole frame, without a
    group-by: one row, or none when the frame is empty, as the group-by gives.

    >>> f = pl.DataFrame({"patient_id": ["P1", "P1"], "n": [1, 2]})
    >>> per_patient(f, True, pl.col("n").sum()).rows(), per_patient(f.clear(), True, pl.col("n").sum()).rows()
    ([('P1', 3)], [])
    """
    if one:
        return frame.select(pl.col("patient_id").first(), *aggs).filter(pl.col("patient_id").is_not_null())
    return frame.group_by("patient_id", maintain_order=maintain_order).agg(*aggs)


def attach(left: Frame, right: Frame, one: bool, *more: Frame) -> Frame:
    """``left`` with the columns of ``right`` (and of each of ``more``) joined on
    ``patient_id`` (left joins keeping ``left``'s order). With ``one`` (``left`` and the others
    each at most one row, of the one patient: :func:`one_patient`, :func:`per_patient`) the
    columns are put side by side instead of joined, all in one step: null when a right table has
    no row, no row when ``left`` has none.

    >>> left = pl.DataFrame({"patient_id": ["P1"], "a": [1]})
    >>> right = pl.DataFrame({"patient_id": ["P1"], "b": [2]})
    >>> attach(left, right.clear(), True).rows(), attach(left.clear(), right, True).rows()
    ([('P1', 1, None)], [])
    >>> third = pl.DataFrame({"patient_id": ["P1"], "c": [3]})
    >>> attach(left, right, True, third).rows() == attach(left, right, False, third).rows() == [('P1', 1, 2, 3)]
    True
    """
    if one:
        frames: list[Any] = [left, right.drop("patient_id"), *(r.drop("patient_id") for r in more)]
        joined: Frame = pl.concat(frames, how="horizontal_extend", parallel=False)
        return joined.filter(pl.col("patient_id").is_not_null())
    left = left.join(right, on="patient_id", how="left", maintain_order="left")
    for r in more:
        left = left.join(r, on="patient_id", how="left", maintain_order="left")
    return left


def optimizations(one: bool) -> Any:
    """The query optimisations to collect with: on one patient's tables only the one that runs
    a shared part of a plan once (``comm_subplan_elim``: the ordered follow-ups feed several
    rules), as planning the others costs more there than they save; polars' defaults otherwise."""
    if not one:
        return pl.QueryOptFlags()
    flags = pl.QueryOptFlags.none()
    flags.comm_subplan_elim = True
    return flags


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def on_or_before(column: str, day: dt.date) -> pl.Expr:
    """``pl.col(column) <= day``, built once per column and day."""
    return pl.col(column) <= day


def map_unique(column: pl.Series, rule: Callable[[Any], Any], dtype: Any,
               known: dict[Any, Any] | None = None) -> pl.Series:
    """Apply a rule once per distinct non-null value of ``column`` and map every row to its
    result (nulls stay null): how a per-value rule runs at column speed. ``known``: the rule's
    answers so far (read, and added to), for a rule asked of the chunks of one table in turn,
    so that it runs once per value of the table, not once per value of each chunk.

    >>> map_unique(pl.Series([2, None, 2, 3]), lambda n: n * 10, pl.Int64).to_list()
    [20, None, 20, 30]
    >>> known = {2: 0}
    >>> map_unique(pl.Series([2, 3]), lambda n: n * 10, pl.Int64, known).to_list(), known
    ([0, 30], {2: 0, 3: 30})
    """
    if column.null_count() == len(column):  # no value at all (no query: the count is known)
        return pl.Series(column.name, [None] * len(column), dtype=dtype)
    table = {} if known is None else known
    for v in distinct_values(column):
        if v not in table:
            table[v] = rule(v)
    if len(column) <= SHORT:
        return pl.Series(column.name, [table.get(v) for v in column.to_list()], dtype=dtype)
    return column.replace_strict(table, default=None, return_dtype=dtype)


#: A column of at most this many values (one patient's, or a few) is read in Python by
#: :func:`distinct_values` and :func:`map_unique`: a polars query costs a fraction of a
#: millisecond, whatever the rows, more than the work on so few values.
SHORT = 64


def distinct_values(column: pl.Series) -> list[Any]:
    """The distinct non-null values of ``column`` (the inputs a per-value rule is asked about).

    >>> sorted(distinct_values(pl.Series([3, None, 3, 1])))
    [1, 3]
    """
    if len(column) <= SHORT:
        return list(dict.fromkeys(v for v in column.to_list() if v is not None))
    return column.drop_nulls().unique().to_list()


@functools.lru_cache(maxsize=1)
def completed_expr() -> pl.Expr:
    """A completed follow-up (§6): someone reached (``seen`` recorded, or no loss reason and any
    assessment recorded) and a risk level recorded, or the patient in hospital now. The same
    rule as :attr:`FollowUp.completed <smi_care.domain.followup.FollowUp.completed>` on one
    follow-up, as a column (one of the twins docs/architecture.md names)."""
    risk, hosp = pl.col("risk_level"), pl.col("hospitalisation")
    return (reached_expr() & risk.is_not_null()) | (hosp == IN_HOSPITAL_NOW).fill_null(False)


@functools.lru_cache(maxsize=1)
def reached_expr() -> pl.Expr:
    """Someone reached (随访到): ``seen`` recorded, or no loss reason and any assessment."""
    return pl.col("seen").is_not_null() | (
        pl.col("loss_reason").is_null()
        & pl.any_horizontal(pl.col("risk_level").is_not_null(), pl.col("insight").is_not_null(),
                            pl.col("hospitalisation").is_not_null(), pl.col("adherence").is_not_null()))


def ordered_followups(followups: Frame, end: dt.date, *, in_order: bool = False) -> Frame:
    """Follow-up attempts on or before ``end`` in §6 order (patient, visit date, file row), with the
    row flags every fact uses: ``_reached``, ``_completed`` and ``_i`` (the row's place in that
    order, from 0). ``in_order``: the rows are already in that order (:func:`in_history_order`),
    so they are not sorted again.

    >>> f = pl.DataFrame({"patient_id": ["P1", "P1"], "visit_date": [dt.date(2025, 3, 1), dt.date(2025, 2, 1)],
    ...                   "row": [0, 1], "seen": [None, "1"], "loss_reason": [3, None], "risk_level": [None, 2],
    ...                   "insight": [None, None], "hospitalisation": [None, None], "adherence": [None, None]})
    >>> ordered_followups(f, dt.date(2025, 12, 31)).select("visit_date", "_completed", "_i").rows()
    [(datetime.date(2025, 2, 1), True, 0), (datetime.date(2025, 3, 1), False, 1)]
    """
    kept = followups.filter(on_or_before("visit_date", end))
    # rows in order are flagged sorted by patient, as a sort leaves them (for sorted group-bys)
    kept = kept.set_sorted("patient_id") if in_order else kept.sort(list(_HISTORY_ORDER))
    return kept.with_columns(*_row_flags()).with_row_index("_i")


_HISTORY_ORDER = ("patient_id", "visit_date", "row")


def in_history_order(followups: pl.DataFrame) -> bool:
    """Whether the rows are in §6 order already (patient, visit date, file row, each after the
    one before; a null key: no): :func:`ordered_followups` then need not sort them.

    >>> f = pl.DataFrame({"patient_id": ["P1", "P1", "P2"], "visit_date": [dt.date(2025, 1, 1)] * 3, "row": [0, 1, 2]})
    >>> in_history_order(f), in_history_order(f.reverse()), in_history_order(f.clear())
    (True, False, True)
    """
    pid, day, row = (pl.col(c) for c in _HISTORY_ORDER)
    after = (pid > pid.shift(1)) | ((pid == pid.shift(1)) & (
        (day > day.shift(1)) | ((day == day.shift(1)) & (row > row.shift(1)))))
    keys_present = pid.is_not_null() & day.is_not_null() & row.is_not_null()
    return bool(followups.select(after.slice(1).fill_null(False).all() & keys_present.all()).item())


@functools.lru_cache(maxsize=1)
def _row_flags() -> tuple[pl.Expr, ...]:
    return reached_expr().alias("_reached"), completed_expr().alias("_completed")


def covered(areas: pl.Series, covers: Covers) -> pl.Series:
    """Whether each area code lies in the registry's coverage (null areas: not covered)."""
    return map_unique(areas, lambda code: covers(AreaCode(code)), pl.Boolean).fill_null(False)


def covered_expr(areas: pl.Series, covers: Covers) -> pl.Expr:
    """:func:`covered` as an expression over the ``other_area`` column of the table ``areas``
    comes from (``covers`` asked once per distinct area of ``areas``), for a lazy query."""
    if areas.null_count() == len(areas):
        return pl.lit(False)
    return pl.col("other_area").replace_strict({v: covers(AreaCode(v)) for v in distinct_values(areas)}, default=None,
                                               return_dtype=pl.Boolean).fill_null(False)


def _other_areas(events: pl.DataFrame | pl.LazyFrame) -> pl.Series:
    if isinstance(events, pl.LazyFrame):
        return events.select("other_area").collect(engine=ENGINE).get_column("other_area")
    return events.get_column("other_area")


def registration_at(patients: Frame, events: Frame, day: dt.date, covers: Covers,
                    covered_area: pl.Expr | None = None, *, one: bool = False) -> Frame:
    """Per patient (in the order of ``patients``): ``registered`` on ``day``, home ``area`` on
    ``day``, ``registration_start`` (the registration date or a later transfer in on or before
    ``day``) and ``ended_by`` (the event kind that ended the registration, null if none).

    The status events on or before ``day`` are read in date order, file row for ties: death or
    diagnosis withdrawn ends the registration for good; a transfer out to an area the registry
    does not cover ends it, one to a covered area moves the home area there; a transfer in
    registers the patient (from the registration date) and brings the home area back. A
    patient whose first transfer is a transfer in after ``day`` was elsewhere until then (§5).
    ``covered_area``: :func:`covered_expr` of ``events``, if already built; ``one``: the
    tables hold one patient's rows (:func:`one_patient`)."""
    if covered_area is None:
        covered_area = covered_expr(_other_areas(events), covers)
    status_events, aggs, outputs = _registration_exprs(day)
    ev = events.filter(status_events).sort(["patient_id", "date", "row"]).with_columns(_covered=covered_area)
    per = per_patient(ev, one, *aggs)
    p = attach(patients.select("patient_id", "registered_on", "area_code"), per, one)
    return p.select("patient_id", *outputs)


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _registration_exprs(day: dt.date) -> tuple[pl.Expr, tuple[pl.Expr, ...], tuple[pl.Expr, ...]]:
    """The expressions of :func:`registration_at` on ``day``: the status events' filter, the
    aggregates per patient and the four results."""
    out_, in_ = pl.col("event") == _OUT, pl.col("event") == _IN
    transfer = out_ | in_
    le_d = pl.col("date") <= day
    stop = pl.col("event").is_in([_DEATH, _WITHDRAWN])
    before_stop = (stop & le_d).cast(pl.UInt32).cum_sum() == 0
    decisive = le_d & (in_ | (out_ & ~pl.col("_covered")))
    sets_area = le_d & before_stop & ((out_ & pl.col("_covered")) | (in_ & ~(pl.col("other_area").is_not_null()
                                                                            & pl.col("_covered"))))
    aggs = (
        ((pl.col("event").filter(transfer).first() == _IN)
         & (pl.col("date").filter(transfer).first() > day)).alias("_first_transfer_in_after"),
        pl.col("event").filter(stop & le_d).first().alias("_stop"),
        pl.col("event").filter(decisive).last().alias("_decisive"),
        pl.col("event").filter(sets_area).last().alias("_area_event"),
        pl.col("other_area").filter(sets_area).last().alias("_area_other"),
        pl.col("date").filter(in_ & le_d).max().alias("_last_transfer_in"),
    )
    on_or_before_ = pl.col("registered_on") <= day
    registered = (pl.when(pl.col("_stop").is_not_null()).then(False)
                  .when(pl.col("_decisive").is_not_null())
                  .then((pl.col("_decisive") == _IN) & on_or_before_)
                  .otherwise(on_or_before_ & ~pl.col("_first_transfer_in_after").fill_null(False)))
    area = (pl.when(pl.col("_area_event") == _OUT).then(pl.col("_area_other"))
            .otherwise(pl.col("area_code")))
    start = (pl.when(pl.col("_last_transfer_in") > pl.col("registered_on")).then(pl.col("_last_transfer_in"))
             .otherwise(pl.col("registered_on")))
    ended = (pl.when(pl.col("_stop").is_not_null()).then(pl.col("_stop"))
             .when(pl.col("_decisive") == _OUT).then(pl.lit(_OUT)).otherwise(pl.lit(None, dtype=pl.String)))
    outputs = (registered.alias("registered"), area.alias("area"), start.alias("registration_start"),
               ended.alias("ended_by"))
    return pl.col("event").is_in(STATUS_EVENTS), aggs, outputs


def lost_at(ordered: Frame, consecutive_failures: int, *, one: bool = False) -> Frame:
    """Per patient with an attempt in ``ordered`` (:func:`ordered_followups` up to D): ``lost``
    on D and ``lost_row`` (the ``row`` of the attempt that made the patient lost, null if not
    lost). After the last completed attempt on or before D: the last attempt with a loss reason,
    else the ``consecutive_failures``-th attempt that was not completed (§5, §6)."""
    aggs, by_reason, nth = _lost_parts(consecutive_failures, "row")
    lost_row = pl.coalesce(by_reason, nth)
    return (per_patient(ordered, one, *aggs, maintain_order=True)
            .select("patient_id", lost_row.alias("lost_row"), lost_row.is_not_null().alias("lost")))


def lost_attempt_at(ordered: Frame, consecutive_failures: int, *, one: bool = False) -> Frame:
    """Per patient with an attempt in ``ordered``: ``lost_date`` and ``lost_reason``, the visit
    date and the loss reason of the attempt that made the patient lost (:func:`lost_at`'s
    ``lost_row``; both null when the patient is not lost, the reason null when the policy's n-th
    failure made them lost). The worklist's alerts read it (§5, §6).

    >>> import datetime as dt
    >>> f = pl.DataFrame({"patient_id": ["P1"] * 3, "row": [1, 2, 3], "_completed": [True, False, False],
    ...                   "loss_reason": [None, None, None],
    ...                   "visit_date": [dt.date(2025, 1, d) for d in (1, 2, 3)]})
    >>> lost_attempt_at(f, 2).rows()
    [('P1', datetime.date(2025, 1, 3), None)]
    """
    aggs, by_reason, nth = _lost_parts(consecutive_failures, "visit_date", "loss_reason")
    return (per_patient(ordered, one, *aggs, maintain_order=True)
            .select("patient_id", pl.coalesce(by_reason, nth).alias("lost_date"),
                    pl.when(_REASON_AFTER_LAST_DONE).then(pl.col("_reason_loss_reason")).alias("lost_reason")))


def _last_position(flag: pl.Expr) -> pl.Expr:
    """The position (from 0) of a patient's last attempt where ``flag`` holds, -1 when none does.

    Written as the last of the positions where it holds: polars 2.1's streaming engine (the
    default of ``collect()``) got ``len - 1 - flag.reverse().arg_max()`` wrong for a frame of one
    patient with two attempts, which made a patient lost by a loss reason after a completed visit
    look not lost (tests/test_history_order.py, found by hypothesis). The engine's own queries run
    in memory, where both are right; a caller's ``collect()`` may not."""
    return flag.arg_true().last().cast(pl.Int64).fill_null(-1)


#: The last attempt with a loss reason comes after the last completed one (:func:`_lost_parts`).
_REASON_AFTER_LAST_DONE = pl.col("_reason_at") > pl.col("_done_at")


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _lost_parts(consecutive_failures: int, *columns: str) -> tuple[tuple[pl.Expr, ...], pl.Expr, pl.Expr]:
    """The two ways to become lost (§5) after the last completed attempt: the last attempt with a
    loss reason, or the policy's n-th attempt not completed. Per-patient aggregates (positions,
    ``columns`` at them) and, over them, the first column's value at each (null: none)."""
    done_at = _last_position(pl.col("_completed"))
    reason = pl.col("loss_reason").is_not_null()
    nth_at = done_at + consecutive_failures
    aggs = (done_at.alias("_done_at"), _last_position(reason).alias("_reason_at"),
            *(pl.col(c).filter(reason).last().alias(f"_reason_{c}") for c in columns),
            *((pl.col(c).get(nth_at, null_on_oob=True) if consecutive_failures >= 1 else pl.lit(None))
              .alias(f"_nth_{c}") for c in columns))
    first = columns[0]
    return aggs, pl.when(_REASON_AFTER_LAST_DONE).then(pl.col(f"_reason_{first}")), pl.col(f"_nth_{first}")


def admitted_at(events: Frame, day: dt.date, *, one: bool = False) -> Frame:
    """Per patient with an admission or discharge on or before ``day``: ``admitted`` (the last of
    them, in date and file order, is an admission)."""
    stays, admitted = _admitted_exprs(day)
    return per_patient(events.filter(stays).sort(["patient_id", "date", "row"]), one, admitted)


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _admitted_exprs(day: dt.date) -> tuple[pl.Expr, pl.Expr]:
    stays = pl.col("event").is_in([_ADMISSION, _DISCHARGE]) & (pl.col("date") <= day)
    return stays, (pl.col("event").last() == _ADMISSION).alias("admitted")


def last_completed_at(ordered: Frame, start: dt.date | None = None, *, one: bool = False) -> Frame:
    """Per patient with a completed follow-up in ``ordered`` (on or after ``start``, if given):
    ``last_done_row`` (its ``row``), ``last_done_i`` (its place in ``ordered``) and
    ``last_done_hospitalisation``."""
    keep, aggs = _last_completed_exprs(start)
    return per_patient(ordered.filter(keep), one, *aggs)


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _last_completed_exprs(start: dt.date | None) -> tuple[pl.Expr, tuple[pl.Expr, ...]]:
    keep = pl.col("_completed") if start is None else pl.col("_completed") & (pl.col("visit_date") >= start)
    return keep, (pl.col("row").last().alias("last_done_row"), pl.col("_i").last().alias("last_done_i"),
                  pl.col("hospitalisation").last().alias("last_done_hospitalisation"))


def lockup_at(ordered: Frame, *, one: bool = False) -> Frame:
    """Per patient: ``recorded_lockup``, the last lock-up status recorded in ``ordered``."""
    return per_patient(ordered, one, *_lockup_exprs())


@functools.lru_cache(maxsize=1)
def _lockup_exprs() -> tuple[pl.Expr, ...]:
    return (pl.col("lockup").drop_nulls().last().alias("recorded_lockup"),)


def in_hospital_expr(admitted: pl.Expr, hospitalisation: pl.Expr) -> pl.Expr:
    """In hospital (§6 "In hospital on D"): admitted, else the given follow-up's hospitalisation
    is "in hospital now"."""
    return admitted.fill_null(False) | (hospitalisation == IN_HOSPITAL_NOW).fill_null(False)


#: The status codes of :func:`day_status`, most final first (the values of :class:`smi_care.rules.status.Status`).
STATUS_CODES = ("not_registered", "dead", "transferred_out", "withdrawn", "lost", "in_hospital", "at_home")


def day_status(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, day: dt.date,
               covers: Covers, consecutive_failures: int) -> pl.DataFrame:
    """Everything §5 says of every patient on ``day``, one row per patient in the order of
    ``patients``: ``registered``, ``area``, ``ended_by``, ``lost``, ``lost_row``,
    ``in_hospital`` (registered and in hospital), ``hospitalised`` (in hospital, registered or
    not), ``at_home``, ``status`` (one of :data:`STATUS_CODES`), ``last_done_row``
    and ``recorded_lockup``. Lost and in hospital hold only for a registered patient; in
    hospital comes before lost. Built as one lazy query, collected once (on one patient's
    tables without its group-bys and joins: :func:`one_patient`)."""
    one = one_patient(patients, followups, events)
    cov = covered_expr(events.get_column("other_area"), covers)
    patients_, followups_, events_ = patients.lazy(), followups.lazy(), events.lazy()
    ordered = ordered_followups(followups_, day)
    out = attach(registration_at(patients_, events_, day, covers, cov, one=one),
                 lost_at(ordered, consecutive_failures, one=one), one, admitted_at(events_, day, one=one),
                 last_completed_at(ordered, one=one), lockup_at(ordered, one=one))
    with_hospital, with_status, outputs = _day_status_exprs()
    return (out.with_columns(with_hospital).with_columns(*with_status).select(*outputs)
            .collect(engine=ENGINE, optimizations=optimizations(one)))


@functools.lru_cache(maxsize=1)
def _day_status_exprs() -> tuple[pl.Expr, tuple[pl.Expr, ...], tuple[pl.Expr, ...]]:
    registered = pl.col("registered")
    hospitalised = in_hospital_expr(pl.col("admitted"), pl.col("last_done_hospitalisation")).alias("hospitalised")
    with_status = ((registered & pl.col("lost").fill_null(False)).alias("lost"),
                   (registered & pl.col("hospitalised")).alias("in_hospital"))
    status = (pl.when(~registered).then(
        pl.when(pl.col("ended_by") == _DEATH).then(pl.lit("dead"))
        .when(pl.col("ended_by") == _OUT).then(pl.lit("transferred_out"))
        .when(pl.col("ended_by") == _WITHDRAWN).then(pl.lit("withdrawn"))
        .otherwise(pl.lit("not_registered")))
        .when(pl.col("in_hospital")).then(pl.lit("in_hospital"))
        .when(pl.col("lost")).then(pl.lit("lost"))
        .otherwise(pl.lit("at_home")))
    outputs = (*(pl.col(c) for c in ("patient_id", "registered", "area", "ended_by", "registration_start", "lost",
                                     "lost_row", "in_hospital", "hospitalised")),
               (registered & ~pl.col("in_hospital")).alias("at_home"), status.alias("status"),
               pl.col("last_done_row"), pl.col("recorded_lockup"),
               pl.col("admitted").fill_null(False).alias("admitted"))
    return hospitalised, with_status, outputs
