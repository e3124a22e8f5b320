"""Assessments: the comprehensive assessment at enrolment and the quarterly condition assessment.

Sources: township work plans (shared reference, work-plans 000 and 001, "病情评估"): at enrolment a
county-level or higher specialist institution assesses the patient once in full
("由县级及以上专业医疗机构进行一次全面评估"), and "每季度对管理的患者进行1次评估" — every managed
patient's condition is assessed once a quarter. The follow-up of national-rules §4 is itself a
condition assessment (随访评估: risk level, mental state, insight, social function,
medication), so **[default]** a completed follow-up counts as the quarter's assessment; a
county that wants a separate assessment record sets ``followups_count=False``
(:class:`AssessmentPolicy`).

Facts per patient in period P = [start, D] (:data:`ASSESSMENT_FACTS`), added to the §6 facts:

>>> import datetime as dt
>>> from smi_care.indicators.periods import Period
>>> quarters_between(dt.date(2025, 2, 10), dt.date(2025, 9, 30))
3
>>> assessed = {"registered": True, "assessed_quarters": 2, "required_quarters": 3}
>>> QUARTERLY_INDICATOR.in_numerator({**assessed, "assessed_each_quarter": False})
False
"""

from __future__ import annotations

import datetime as dt

import attrs
import polars as pl

from smi_care.domain.assessment import AssessmentKind
from smi_care.indicators.definitions import REGISTERED, Condition, Indicator
from smi_care.indicators.expr import fact
from smi_care.indicators.facts_table import ordered_followups
from smi_care.indicators.periods import Period
from smi_care.programme.text import fmt as _fmt

SOURCE_PLANS = "乡镇严重精神障碍患者管理工作计划 (work plans 000/001), 病情评估"


@attrs.frozen
class AssessmentPolicy:
    """Whether a completed follow-up counts as the quarter's condition assessment (**[default] yes**)."""

    followups_count: bool = True


NATIONAL = AssessmentPolicy()


def quarter_index(day: dt.date) -> int:
    """A running number of the calendar quarter of ``day`` (consecutive quarters differ by 1)."""
    return day.year * 4 + (day.month - 1) // 3


def quarters_between(start: dt.date, end: dt.date) -> int:
    """Calendar quarters that ``[start, end]`` touches (0 when ``end`` is before ``start``)."""
    return max(0, quarter_index(end) - quarter_index(start) + 1)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


ASSESSMENT_FACTS: dict[str, tuple[str, str]] = {
    "comprehensive_assessed": ("bool", "a comprehensive assessment (county level or higher) on or before D"),
    "new_in_period": ("bool", "the current registration began in P"),
    "assessed_quarters": ("int", "quarters of P, from the registration start, with a condition assessment"),
    "required_quarters": ("int", "quarters of P from max(P start, registration start) to D"),
    "assessed_each_quarter": ("bool", "assessed_quarters >= required_quarters"),
    "last_assessment": ("date", "the last condition assessment (or completed follow-up, by policy) on or before D"),
}


def _q(col: pl.Expr) -> pl.Expr:
    return col.dt.year().cast(pl.Int64) * 4 + (col.dt.month().cast(pl.Int64) - 1) // 3


def assessment_days(assessments: pl.DataFrame, followups: pl.DataFrame, end: dt.date,
                    policy: AssessmentPolicy = NATIONAL) -> pl.DataFrame:
    """Every condition assessment on or before ``end``: patient_id, date (assessments of either
    kind, and completed follow-ups when the policy counts them)."""
    parts = [assessments.filter(pl.col("date") <= end).select("patient_id", "date")]
    if policy.followups_count and followups.height:
        f = ordered_followups(followups, end)
        parts.append(f.filter(pl.col("_completed")).select("patient_id", pl.col("visit_date").alias("date")))
    return pl.concat(parts)


def assessment_facts(base: pl.DataFrame, assessments: pl.DataFrame, followups: pl.DataFrame, period: Period,
                     policy: AssessmentPolicy = NATIONAL) -> pl.DataFrame:
    """The :data:`ASSESSMENT_FACTS` of every patient of ``base`` (the §6 facts table), in its order."""
    c = pl.col
    end = period.end
    days = assessment_days(assessments, followups, end, policy)
    starts = base.select("patient_id", _from=pl.max_horizontal(pl.lit(period.start), c("registration_start")))
    quarters = (days.join(starts, on="patient_id", how="inner").filter(c("date") >= c("_from"))
                .group_by("patient_id").agg(assessed_quarters=_q(c("date")).n_unique().cast(pl.Int64)))
    last = days.group_by("patient_id").agg(last_assessment=c("date").max())
    comp = (assessments.filter((c("kind") == AssessmentKind.COMPREHENSIVE.code) & (c("date") <= end))
            .select("patient_id").unique().with_columns(comprehensive_assessed=pl.lit(True)))
    out = (starts.join(quarters, on="patient_id", how="left", maintain_order="left")
           .join(last, on="patient_id", how="left", maintain_order="left")
           .join(comp, on="patient_id", how="left", maintain_order="left")
           .join(base.select("patient_id", "registration_start"), on="patient_id", how="left", maintain_order="left"))
    required = (pl.lit(quarter_index(end)) - _q(c("_from")) + 1).clip(lower_bound=0)
    return out.select(
        "patient_id",
        comprehensive_assessed=c("comprehensive_assessed").fill_null(False),
        new_in_period=((c("registration_start") >= period.start) & (c("registration_start") <= end)).fill_null(False),
        assessed_quarters=c("assessed_quarters").fill_null(0),
        required_quarters=required.cast(pl.Int64),
        assessed_each_quarter=(c("assessed_quarters").fill_null(0) >= required),
        last_assessment=c("last_assessment"),
    )


NEW = Condition("new_in_period", "registration began in the period", fact("new_in_period"))
COMPREHENSIVE = Condition("comprehensive_assessed", "comprehensive assessment by a county-level or higher institution",
                          fact("comprehensive_assessed"))
EACH_QUARTER = Condition("assessed_each_quarter", "a condition assessment in every quarter of the period since "
                         "registration", fact("assessed_each_quarter"))

COMPREHENSIVE_INDICATOR = Indicator("comprehensive_assessment_rate", "新纳入患者全面评估率",
                                    "new patients given the comprehensive assessment", "%", (COMPREHENSIVE,),
                                    (REGISTERED, NEW), section=SOURCE_PLANS)
QUARTERLY_INDICATOR = Indicator("quarterly_assessment_rate", "季度病情评估率", "quarterly condition assessment rate",
                                "%", (EACH_QUARTER,), (REGISTERED,), section=SOURCE_PLANS)
ASSESSMENT_INDICATORS: tuple[Indicator, ...] = (COMPREHENSIVE_INDICATOR, QUARTERLY_INDICATOR)


def assessments_due(base: pl.DataFrame, assessments: pl.DataFrame, followups: pl.DataFrame, on: dt.date,
                    policy: AssessmentPolicy = NATIONAL) -> pl.DataFrame:
    """Registered patients (``base``: the §6 facts on ``on``) with no condition assessment in
    the quarter of ``on`` so far: patient_id, area, due (the quarter's last day), last_assessment,
    reason."""
    c = pl.col
    qs = quarter_start(on)
    q_end = Period.quarter(on.year, (on.month - 1) // 3 + 1).end
    days = assessment_days(assessments, followups, on, policy)
    last = days.group_by("patient_id").agg(last_assessment=c("date").max())
    rows = (base.filter(c("registered")).select("patient_id", "area")
            .join(last, on="patient_id", how="left", maintain_order="left")
            .filter(c("last_assessment").is_null() | (c("last_assessment") < qs)))
    since = pl.when(c("last_assessment").is_null()).then(pl.lit("none recorded")).otherwise(
        _fmt("last on {}", c("last_assessment").dt.strftime("%Y-%m-%d")))
    return rows.with_columns(due=pl.lit(q_end), reason=_fmt(
        f"no condition assessment since {qs.isoformat()} ({{}}); due by {q_end.isoformat()} (每季度病情评估)",
        since)).select("patient_id", "area", "due", "last_assessment", "reason")
