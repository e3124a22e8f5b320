"""The facts of every patient in one period, as one polars table: the one engine of the facts.

:func:`facts_table` computes, for every patient of a registry's tables at once, the facts
(:data:`~smi_care.indicators.fact_names.FACTS`) every indicator reads. It is the only
implementation in the library: one patient's facts
(:func:`smi_care.indicators.facts.patient_facts`, the audit, the object API) are this table
computed on that patient's rows; an independent per-patient implementation lives in
``tests/oracle/`` and a property test proves the two equal. The rules over a patient's history
that the status of a day rests on (registration and area on D, lost, admitted, last completed
follow-up, lock-up) come from :mod:`smi_care.rules.history`. Each fact is a column expression:

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

import functools
from collections.abc import Iterable
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
from smi_care.indicators.expr import as_column
from smi_care.indicators.fact_names import FACTS
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy, gaps_frame, required_followups
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.history import (
    ENGINE,
    EXPRESSIONS_CACHED,
    Covers,
    admitted_at,
    attach,
    covered_expr,
    in_history_order,
    in_hospital_expr,
    last_completed_at,
    lockup_at,
    lost_at,
    map_unique,
    on_or_before,
    one_patient,
    optimizations,
    ordered_followups,
    per_patient,
    registration_at,
)
from smi_care.rules.status import StatusPolicy

__all__ = ["INCIDENT_ACTS", "fact_columns", "facts_rows", "facts_table", "followup_of", "map_unique",
           "ordered_followups", "registration", "with_rule_class"]

_FACE_TO_FACE = tuple(f.code for f in FollowUpForm if f.face_to_face)
#: The regular expression of an ``acts`` cell (``code:count`` pairs, ``;``-separated) that records
#: 肇事 (2) or 肇祸 (3) with a count above zero (a code without a count counts once): the §6 fact
#: ``incident``, and the incident date of the guardian rewards. ``2:1`` and ``1:2;3`` match;
#: ``2:0`` and ``1:1`` do not.
INCIDENT_ACTS = r"(^|;)\s*0*[23]\s*(:\s*(0*[1-9][0-9]*)?\s*)?(;|$)"


def _followup_facts(f: pl.LazyFrame, period: Period, with_dates: bool, one: bool) -> pl.LazyFrame:
    """Per-patient aggregates of the follow-ups in P (``f``: :func:`ordered_followups` up to D)."""
    return per_patient(f, one, *_followup_aggs(period, with_dates))


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _followup_aggs(period: Period, with_dates: bool) -> tuple[pl.Expr, ...]:
    in_p = pl.col("visit_date") >= period.start
    done_in_p = pl.col("_completed") & in_p
    acts = pl.col("acts").fill_null("").str.contains(INCIDENT_ACTS)
    dates = (pl.col("visit_date").filter(done_in_p).implode().alias("completed_dates"),) if with_dates else ()
    return (
        *dates,
        done_in_p.sum().cast(pl.Int64).alias("completed_count"),
        in_p.sum().cast(pl.Int64).alias("attempts"),
        (done_in_p & pl.col("form").is_in(_FACE_TO_FACE)).any().alias("face_to_face"),
        (in_p & pl.col("counselling").fill_null(False)).any().alias("_counselling_followup"),
        (in_p & acts).any().alias("incident"),
        pl.col("_i").filter(done_in_p).last().alias("_last_i"),
        pl.col("row").filter(done_in_p).last().alias("_last_row"),
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
    recorded = rows.get_column("classification")
    if recorded.null_count() == 0:
        return rows.with_columns(recorded.cast(pl.Int8).alias(name))
    # the rule is asked of the rows without a class only, and its answers put at their places
    where = recorded.is_null().arg_true()
    derived = [None if cls is None else cls.code for cls in
               (effective_class(followup_of(row), classes)
                for row in rows.filter(pl.col("classification").is_null()).iter_rows(named=True))]
    classes_of = recorded.cast(pl.Int8).scatter(where, pl.Series(derived, dtype=pl.Int8))
    return rows.with_columns(classes_of.alias(name))


def registration(patients: pl.DataFrame, events: pl.DataFrame, period: Period, covers: Covers) -> pl.DataFrame:
    """Registered on D, home area on D and registration start, from the status events (§5, §6):
    :func:`smi_care.rules.history.registration_at` on the period's last day."""
    return registration_at(patients, events, period.end, covers).select(
        "patient_id", "registered", "area", "registration_start")


def _event_facts(events: pl.LazyFrame, period: Period, one: bool) -> pl.LazyFrame:
    """Events in P, and the family-doctor contract in force on D (signed on or before D, its end
    on or after D or not recorded)."""
    return per_patient(events.filter(on_or_before("date", period.end)), one, *_event_aggs(period))


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _event_aggs(period: Period) -> tuple[pl.Expr, ...]:
    end = period.end
    in_p = pl.col("date") >= period.start
    kind = pl.col("event")
    contract = ((kind == EventKind.FAMILY_DOCTOR_CONTRACT.text_code)
                & (pl.col("contract_end").is_null() | (pl.col("contract_end") >= end)))
    return (
        (in_p & (kind == EventKind.HEALTH_CHECK.text_code)).any().alias("health_check"),
        (in_p & (kind == EventKind.COMMUNITY_REHABILITATION.text_code)).any().alias("rehabilitation"),
        (in_p & (kind == EventKind.COUNSELLING.text_code)).any().alias("_counselling_event"),
        contract.any().alias("contract"),
    )


def _required(starts: pl.Series, period: Period, per_year: int) -> pl.Series:
    """The follow-ups required of every patient. :func:`required_followups` reads only the later
    of P's start and the registration start, so the starts are raised to P's start first (nulls
    stay null): the rule is asked once per day of P, not once per registration date."""
    return map_unique(starts.clip(lower_bound=period.start), lambda d: required_followups(period, d, per_year),
                      pl.Int64)


def fact_columns(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, period: Period,
                 covers: Covers, standard: StandardPolicy, status: StatusPolicy, classes: ClassificationPolicy,
                 *, with_dates: bool = False) -> pl.DataFrame:
    """Every fact of :data:`~smi_care.indicators.fact_names.FACTS` and the columns behind them:
    ``_last_row`` (the ``row`` of the last completed follow-up in P) and, with ``with_dates``,
    ``completed_dates`` (the dates of the completed follow-ups in P, in §6 order). One row per
    patient, in the order of ``patients``.

    The rules over the history run as lazy queries collected together (:data:`ENGINE`): on one
    patient's rows polars costs per query, not per row, so the fewer queries the faster an
    app's answer; the rules that need Python per distinct value (the §4 class, the gaps'
    calendar months, the follow-ups required) run after, on the collected rows."""
    end = period.end
    one = one_patient(patients, followups, events)
    cov = covered_expr(events.get_column("other_area"), covers)
    pats, fus, evs = patients.lazy(), followups.lazy(), events.lazy()
    f = ordered_followups(fus, end, in_order=not one and in_history_order(followups))
    fu = _followup_facts(f, period, with_dates, one)
    reg = registration_at(pats, evs, end, covers, cov, one=one).select("patient_id", "registered", "area",
                                                                         "registration_start")
    base_q = attach(pats.select("patient_id", "sex", "birth_date", "disorder", "consent", "past_lockup"), reg, one,
                    fu, _event_facts(evs, period, one), admitted_at(evs, end, one=one),
                    lost_at(f, status.consecutive_failures_lost, one=one).select("patient_id", "lost"),
                    last_completed_at(f, one=one).select("patient_id", "last_done_hospitalisation"),
                    lockup_at(f, one=one)).with_columns(_anchor_expr(period))
    last_q = f.join(fu.select("_last_i").drop_nulls(), left_on="_i", right_on="_last_i", how="semi").select(
        *_CLASS_INPUTS, "classification")
    done_q = (f.filter(pl.col("_completed") & (pl.col("visit_date") >= period.start))
              .select("patient_id", "visit_date", "_i"))
    base, last_rows, done = pl.collect_all([base_q, last_q, done_q], engine=ENGINE, optimizations=optimizations(one))
    last = (with_rule_class(last_rows, classes, "last_class").lazy()
            .select("patient_id", last_date="visit_date", last_adherence="adherence",
                    last_hospitalisation="hospitalisation", last_class=pl.col("last_class")))
    anchors = pl.DataFrame([base.get_column("patient_id"), base.get_column("_anchor")])  # columns, not a query
    gaps = gaps_frame(done, anchors, period.end, standard.gap_months, one=one)
    required = _required(base.get_column("registration_start"), period, standard.per_year)
    out = attach(base.lazy(), last, one, gaps)
    out = out.with_columns(*_fact_exprs(period)).with_columns(required_followups=pl.lit(required))
    out = out.with_columns(_standard_expr(standard))
    extra = ["_last_row", *(["completed_dates"] if with_dates else [])]
    return out.select(*FACTS, *extra).collect(engine=ENGINE, optimizations=optimizations(one))


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _anchor_expr(period: Period) -> pl.Expr:
    """Where the chain of the gaps starts: the later of the period's start and the registration start."""
    return pl.max_horizontal(pl.lit(period.start), "registration_start").alias("_anchor")


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _fact_exprs(period: Period) -> tuple[pl.Expr, ...]:
    end = period.end
    birth = pl.col("birth_date")
    before_birthday = (pl.lit(end.month) < birth.dt.month()) | (
        (pl.lit(end.month) == birth.dt.month()) & (pl.lit(end.day) < birth.dt.day()))
    registered = pl.col("registered")
    false = tuple(pl.col(name).fill_null(False) for name in
                  ("face_to_face", "incident", "health_check", "rehabilitation", "contract"))
    return (
        (pl.lit(end.year) - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64).alias("age"),
        (pl.col("consent") == 1).alias("consented"),
        pl.col("completed_count").fill_null(0),
        pl.col("attempts").fill_null(0),
        (registered & in_hospital_expr(pl.col("admitted"), pl.col("last_done_hospitalisation"))).alias("in_hospital"),
        (registered & in_hospital_expr(pl.col("admitted"), pl.col("last_hospitalisation")))
        .alias("hospital_for_medication"),
        (registered & pl.col("lost").fill_null(False)).alias("lost"),
        (pl.col("_counselling_event").fill_null(False) | pl.col("_counselling_followup").fill_null(False))
        .alias("counselling"),
        pl.coalesce(pl.col("recorded_lockup"), pl.col("past_lockup")).cast(pl.Int8).alias("lockup"),
        *false,
    )


@functools.lru_cache(maxsize=EXPRESSIONS_CACHED)
def _standard_expr(standard: StandardPolicy) -> pl.Expr:
    return as_column(standard.expression()).alias("standard")


def facts_table(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, period: Period,
                covers: Covers, standard: StandardPolicy, status: StatusPolicy,
                classes: ClassificationPolicy) -> pl.DataFrame:
    """One row per patient with every fact of :data:`~smi_care.indicators.fact_names.FACTS`, in
    the order of ``patients``."""
    return fact_columns(patients, followups, events, period, covers, standard, status, classes).select(list(FACTS))


def facts_rows(table: pl.DataFrame) -> Iterable[dict[str, Any]]:
    """The rows of a facts table as mappings (what the per-patient interpreter reads)."""
    return table.iter_rows(named=True)
