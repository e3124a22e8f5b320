"""The facts of every patient in one period, as one polars table (the province-scale engine).

:func:`facts_table` computes, for every patient of a registry's tables at once, the facts that
:func:`smi_care.indicators.facts.patient_facts` computes for one patient from the domain
objects: the same names (:data:`~smi_care.indicators.facts.FACTS`), the same meaning, proved
equal by a property test. Each fact is a column expression over the registry's tables:

- follow-ups are ordered by visit date, same-date rows by their order in the file (the ``row``
  column), as national-rules §6 "Order" asks;
- "lost on D" is: after the last completed attempt on or before D, a loss reason, or at least
  the policy's number of failed attempts (§5, §6);
- registration and home area on D follow the status events (death, diagnosis withdrawn,
  transfers within or out of the registry's coverage) in the same order (§5, §6 "Area").

Where a fact needs a rule of :mod:`smi_care.rules` (calendar-month arithmetic, the §4 class
of a follow-up whose class was not recorded, whether an area is covered, the pro-rated
follow-ups required), the rule itself is applied — once per distinct input value, or only to
the rare rows that need it — and joined back, so no rule is written twice.

Input tables are polars DataFrames with the columns of the registry format v1 typed as the
registry reader types them (codes as integers, dates as dates, multi-code cells as text such
as ``1;3``) and a ``row`` column giving the file order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import polars as pl

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    EventKind,
    FollowUpForm,
    Hospitalisation,
    Insight,
    LossReason,
    PhysicalIllness,
    Rating,
    SeenPerson,
    Symptom,
    SymptomSeverity,
    WorkRating,
)
from smi_care.domain.followup import FollowUp, SocialFunction
from smi_care.domain.identity import AreaCode
from smi_care.indicators.expr import as_column
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.schedule import add_months
from smi_care.rules.status import Covers, StatusPolicy

_STATUS = (EventKind.DEATH, EventKind.DIAGNOSIS_WITHDRAWN, EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN)
_FACE_TO_FACE = tuple(f.code for f in FollowUpForm if f.face_to_face)
_IN_HOSPITAL_NOW = Hospitalisation.IN_HOSPITAL_NOW.code
#: The regular expression of an ``acts`` cell (``code:count`` pairs, ``;``-separated) that records
#: 肇事 (2) or 肇祸 (3) with a count above zero (a code without a count counts once): the §6 fact
#: ``incident``, and the incident date of the guardian rewards. ``2:1`` and ``1:2;3`` match;
#: ``2:0`` and ``1:1`` do not.
INCIDENT_ACTS = r"(^|;)\s*0*[23]\s*(:\s*(0*[1-9][0-9]*)?\s*)?(;|$)"


def _kind(k: EventKind) -> str:
    return k.text_code


def map_unique(column: pl.Series, rule: Callable[[Any], Any], dtype: Any) -> pl.Series:
    """Apply a rule once per distinct non-null value of ``column`` and map every row to its
    result (nulls stay null): how a per-value rule runs at column speed."""
    values = column.drop_nulls().unique().to_list()
    table = {v: rule(v) for v in values}
    return column.replace_strict(table, default=None, return_dtype=dtype)


def _dates_plus_months(column: pl.Series, months: int) -> pl.Series:
    return map_unique(column, lambda d: add_months(d, months), pl.Date)


def ordered_followups(followups: pl.DataFrame, end: dt.date) -> pl.DataFrame:
    """Follow-up attempts on or before ``end`` in §6 order (patient, visit date, file row), with the
    row flags every fact uses: ``_reached`` (someone was reached: ``seen`` recorded, or no loss
    reason and any assessment recorded), ``_completed`` (reached with a risk level, or in hospital
    now — national-rules §6) and ``_i`` (the row's place in that order, from 0).

    >>> import polars as pl
    >>> f = pl.DataFrame({"patient_id": ["P1", "P1"], "visit_date": [dt.date(2025, 3, 1), dt.date(2025, 2, 1)],
    ...                   "row": [0, 1], "seen": [None, "1"], "loss_reason": [3, None], "risk_level": [None, 2],
    ...                   "insight": [None, None], "hospitalisation": [None, None], "adherence": [None, None]})
    >>> ordered_followups(f, dt.date(2025, 12, 31)).select("visit_date", "_completed", "_i").rows()
    [(datetime.date(2025, 2, 1), True, 0), (datetime.date(2025, 3, 1), False, 1)]
    """
    risk, hosp = pl.col("risk_level"), pl.col("hospitalisation")
    reached = pl.col("seen").is_not_null() | (
        pl.col("loss_reason").is_null()
        & pl.any_horizontal(risk.is_not_null(), pl.col("insight").is_not_null(), hosp.is_not_null(),
                            pl.col("adherence").is_not_null()))
    completed = ((reached & risk.is_not_null()) | (hosp == _IN_HOSPITAL_NOW).fill_null(False))
    return (followups.filter(pl.col("visit_date") <= end)
            .sort(["patient_id", "visit_date", "row"])
            .with_columns(_reached=reached, _completed=completed)
            .with_row_index("_i"))


def _followup_facts(f: pl.DataFrame, period: Period, status: StatusPolicy) -> pl.DataFrame:
    """Per-patient aggregates of the follow-ups on or before D."""
    in_p = pl.col("visit_date") >= period.start
    done = pl.col("_completed")
    done_in_p = done & in_p
    after_last_done = done.cast(pl.UInt32).cum_sum(reverse=True) == 0
    acts = pl.col("acts").fill_null("").str.contains(INCIDENT_ACTS)
    return f.group_by("patient_id").agg(
        completed_count=done_in_p.sum().cast(pl.Int64),
        attempts=in_p.sum().cast(pl.Int64),
        face_to_face=(done_in_p & pl.col("form").is_in(_FACE_TO_FACE)).any(),
        _counselling_followup=(in_p & pl.col("counselling").fill_null(False)).any(),
        incident=(in_p & acts).any(),
        _lockup=pl.col("lockup").drop_nulls().last(),
        _last_done_hosp=pl.col("hospitalisation").filter(done).last(),
        _last_i=pl.col("_i").filter(done_in_p).last(),
        _failures_after=after_last_done.sum(),
        _reason_after=(after_last_done & pl.col("loss_reason").is_not_null()).any(),
    ).with_columns(
        _lost=(pl.col("_failures_after") >= status.consecutive_failures_lost) | pl.col("_reason_after"),
    )


def _codes(text: str | None, kind: Any) -> frozenset[Any]:
    if not text:
        return frozenset()
    return frozenset(kind.from_code(p.strip()) for p in text.split(";") if p.strip())


def _opt(kind: Any, code: int | None) -> Any:
    return None if code is None else kind.from_code(code)


def followup_of(row: dict[str, Any]) -> FollowUp:
    """The domain follow-up of one row of the follow-ups table (the fields the §4 rule reads)."""
    return FollowUp(
        patient_id=row["patient_id"], visit_date=row["visit_date"], form=FollowUpForm.from_code(row["form"]),
        seen=_codes(row["seen"], SeenPerson), loss_reason=_opt(LossReason, row["loss_reason"]),
        risk_level=row["risk_level"], symptoms=_codes(row["symptoms"], Symptom),
        symptom_severity=_opt(SymptomSeverity, row["symptom_severity"]), insight=_opt(Insight, row["insight"]),
        social=SocialFunction(_opt(Rating, row["sf_self_care"]), _opt(Rating, row["sf_housework"]),
                              _opt(WorkRating, row["sf_work"]), _opt(Rating, row["sf_learning"]),
                              _opt(Rating, row["sf_social"])),
        hospitalisation=_opt(Hospitalisation, row["hospitalisation"]),
        adherence=_opt(Adherence, row["adherence"]), adr=_opt(AdverseReaction, row["adr"]),
        adr_serious=row["adr_serious"], physical_illness=_opt(PhysicalIllness, row["physical_illness"]),
    )


_CLASS_INPUTS = ("patient_id", "visit_date", "form", "seen", "loss_reason", "risk_level", "symptoms",
                 "symptom_severity", "insight", "sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social",
                 "hospitalisation", "adherence", "adr", "adr_serious", "physical_illness")


def with_rule_class(rows: pl.DataFrame, classes: ClassificationPolicy, name: str) -> pl.DataFrame:
    """``rows`` (follow-up rows, at most one per patient) with a column ``name``: the recorded
    class, else the class the §4 rule gives (:func:`~smi_care.rules.classification.effective_class`,
    worked out for the rows without a recorded class only)."""
    missing = rows.filter(pl.col("classification").is_null())
    derived: dict[str, int | None] = {}
    for row in missing.iter_rows(named=True):
        cls = effective_class(followup_of(row), classes)
        derived[row["patient_id"]] = None if cls is None else cls.code
    fill = pl.DataFrame({"patient_id": list(derived), "_derived": list(derived.values())},
                        schema={"patient_id": pl.String, "_derived": pl.Int8})
    return (rows.join(fill, on="patient_id", how="left")
            .with_columns(pl.coalesce(pl.col("classification"), pl.col("_derived")).cast(pl.Int8).alias(name))
            .drop("_derived"))


def _last_followups(f: pl.DataFrame, agg: pl.DataFrame, classes: ClassificationPolicy) -> pl.DataFrame:
    """The last completed follow-up in P of each patient: date, adherence, hospitalisation and
    class — the recorded class, else the §4 rule's (applied to those rows only)."""
    last = (f.join(agg.select("_last_i").drop_nulls(), left_on="_i", right_on="_last_i", how="semi")
            .select(*_CLASS_INPUTS, "classification"))
    return (with_rule_class(last, classes, "last_class")
            .select("patient_id", last_date="visit_date", last_adherence="adherence",
                    last_hospitalisation="hospitalisation", last_class=pl.col("last_class")))


def _covered(areas: pl.Series, covers: Covers) -> pl.Series:
    return map_unique(areas, lambda code: covers(AreaCode(code)), pl.Boolean).fill_null(False)


def registration(patients: pl.DataFrame, events: pl.DataFrame, period: Period, covers: Covers) -> pl.DataFrame:
    """Registered on D, home area on D and registration start, from the status events (§5, §6)."""
    end = period.end
    ev = (events.filter(pl.col("event").is_in([_kind(k) for k in _STATUS]))
          .sort(["patient_id", "date", "row"]))
    ev = ev.with_columns(_covered=_covered(ev["other_area"], covers))
    out_ = pl.col("event") == _kind(EventKind.TRANSFER_OUT)
    in_ = pl.col("event") == _kind(EventKind.TRANSFER_IN)
    transfer = out_ | in_
    le_d = pl.col("date") <= end
    stop = pl.col("event").is_in([_kind(EventKind.DEATH), _kind(EventKind.DIAGNOSIS_WITHDRAWN)])
    before_stop = (stop & le_d).cast(pl.UInt32).cum_sum() == 0
    decisive = le_d & (in_ | (out_ & ~pl.col("_covered")))
    sets_area = le_d & before_stop & ((out_ & pl.col("_covered")) | (in_ & ~(pl.col("other_area").is_not_null()
                                                                            & pl.col("_covered"))))
    per = ev.group_by("patient_id").agg(
        _first_transfer_in_after=(pl.col("event").filter(transfer).first() == _kind(EventKind.TRANSFER_IN))
        & (pl.col("date").filter(transfer).first() > end),
        _ended=(stop & le_d).any(),
        _decisive=pl.col("event").filter(decisive).last(),
        _area_event=pl.col("event").filter(sets_area).last(),
        _area_other=pl.col("other_area").filter(sets_area).last(),
        _last_transfer_in=pl.col("date").filter(in_ & le_d).max(),
    )
    p = patients.select("patient_id", "registered_on", "area_code").join(per, on="patient_id", how="left")
    on_or_before = pl.col("registered_on") <= end
    registered = (pl.when(pl.col("_ended").fill_null(False)).then(False)
                  .when(pl.col("_decisive").is_not_null())
                  .then((pl.col("_decisive") == _kind(EventKind.TRANSFER_IN)) & on_or_before)
                  .otherwise(on_or_before & ~pl.col("_first_transfer_in_after").fill_null(False)))
    area = (pl.when(pl.col("_area_event") == _kind(EventKind.TRANSFER_OUT)).then(pl.col("_area_other"))
            .otherwise(pl.col("area_code")))
    start = (pl.when(pl.col("_last_transfer_in") > pl.col("registered_on")).then(pl.col("_last_transfer_in"))
             .otherwise(pl.col("registered_on")))
    return p.select("patient_id", registered=registered, area=area, registration_start=start)


def _event_facts(events: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Admission on D, events in P, and the family-doctor contract in force on D."""
    end = period.end
    ev = events.filter(pl.col("date") <= end).sort(["patient_id", "date", "row"])
    in_p = pl.col("date") >= period.start
    kind = pl.col("event")
    stay = kind.is_in([_kind(EventKind.ADMISSION), _kind(EventKind.DISCHARGE)])
    contract = ((kind == _kind(EventKind.FAMILY_DOCTOR_CONTRACT))
                & (pl.col("contract_end").is_null() | (pl.col("contract_end") >= end)))
    return ev.group_by("patient_id").agg(
        _admitted=kind.filter(stay).last() == _kind(EventKind.ADMISSION),
        health_check=(in_p & (kind == _kind(EventKind.HEALTH_CHECK))).any(),
        rehabilitation=(in_p & (kind == _kind(EventKind.COMMUNITY_REHABILITATION))).any(),
        _counselling_event=(in_p & (kind == _kind(EventKind.COUNSELLING))).any(),
        contract=contract.any(),
    )


def _gaps(f: pl.DataFrame, base: pl.DataFrame, period: Period, months: int) -> pl.DataFrame:
    """``gaps_within_limit``: the chain from max(P start, registration start) through the
    completed follow-ups in P to D has no gap over ``months`` calendar months."""
    anchors = base.select("patient_id", _anchor=pl.max_horizontal(pl.lit(period.start), "registration_start"))
    done = (f.filter(pl.col("_completed") & (pl.col("visit_date") >= period.start))
            .select("patient_id", "visit_date", "_i")
            .join(anchors, on="patient_id", how="inner")
            .sort("_i"))
    done = done.with_columns(
        _prev=pl.max_horizontal("_anchor", pl.col("visit_date").shift(1).over("patient_id")))
    done = done.with_columns(_ok=pl.col("visit_date") <= _dates_plus_months(done["_prev"], months))
    per = done.group_by("patient_id").agg(_chain_ok=pl.col("_ok").all(), _last_day=pl.col("visit_date").max())
    tail = anchors.join(per, on="patient_id", how="left").with_columns(
        _from=pl.max_horizontal("_anchor", "_last_day"))
    tail = tail.with_columns(_limit=_dates_plus_months(tail["_from"], months))
    return tail.select("patient_id", gaps_within_limit=pl.col("_chain_ok").fill_null(True)
                       & (pl.lit(period.end) <= pl.col("_limit")))


def _required(starts: pl.Series, period: Period, per_year: int) -> pl.Series:
    from smi_care.indicators.facts import required_followups

    return map_unique(starts, lambda d: required_followups(period, d, per_year), pl.Int64)


def facts_table(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, period: Period,
                covers: Covers, standard: StandardPolicy, status: StatusPolicy,
                classes: ClassificationPolicy) -> pl.DataFrame:
    """One row per patient with every fact of :data:`~smi_care.indicators.facts.FACTS`, in
    the order of ``patients``."""
    end = period.end
    f = ordered_followups(followups, end)
    fu = _followup_facts(f, period, status)
    last = _last_followups(f, fu, classes)
    reg = registration(patients, events, period, covers)
    ev = _event_facts(events, period)
    base = (patients.select("patient_id", "sex", "birth_date", "disorder", "consent", "past_lockup")
            .join(reg, on="patient_id", how="left", maintain_order="left")
            .join(fu, on="patient_id", how="left", maintain_order="left")
            .join(last, on="patient_id", how="left", maintain_order="left")
            .join(ev, on="patient_id", how="left", maintain_order="left"))
    base = base.join(_gaps(f, base, period, standard.gap_months), on="patient_id", how="left",
                     maintain_order="left")
    birth = pl.col("birth_date")
    before_birthday = (pl.lit(end.month) < birth.dt.month()) | (
        (pl.lit(end.month) == birth.dt.month()) & (pl.lit(end.day) < birth.dt.day()))
    registered = pl.col("registered")
    admitted = pl.col("_admitted").fill_null(False)
    false = {name: pl.col(name).fill_null(False) for name in
             ("face_to_face", "incident", "health_check", "rehabilitation", "contract")}
    out = base.with_columns(
        age=(pl.lit(end.year) - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64),
        consented=pl.col("consent") == 1,
        completed_count=pl.col("completed_count").fill_null(0),
        attempts=pl.col("attempts").fill_null(0),
        in_hospital=registered & (admitted | (pl.col("_last_done_hosp") == _IN_HOSPITAL_NOW).fill_null(False)),
        hospital_for_medication=registered & (admitted | (pl.col("last_hospitalisation") == _IN_HOSPITAL_NOW)
                                              .fill_null(False)),
        lost=registered & pl.col("_lost").fill_null(False),
        counselling=pl.col("_counselling_event").fill_null(False) | pl.col("_counselling_followup").fill_null(False),
        lockup=pl.coalesce(pl.col("_lockup"), pl.col("past_lockup")).cast(pl.Int8),
        **false,
    )
    out = out.with_columns(required_followups=_required(out["registration_start"], period, standard.per_year))
    out = out.with_columns(standard=as_column(standard.expression()))
    from smi_care.indicators.facts import FACTS

    return out.select(list(FACTS))


def facts_rows(table: pl.DataFrame) -> Iterable[dict[str, Any]]:
    """The rows of a facts table as mappings (what the per-patient interpreter reads)."""
    return table.iter_rows(named=True)
