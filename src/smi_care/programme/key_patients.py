"""Key patients (重点管理): who needs closer watch, why, and what is due.

Sources: township work plans (shared reference, work-plans 000, "病情评估": "评级共分五级，对三级以上的
患者重点管理，监督其及时服药、必要时住院治疗" — patients at risk level 3 or above are managed as key
patients); national-rules §4 (an unstable follow-up is seen again within 14 days) and §6
(an incident is 肇事 or 肇祸 recorded at a follow-up). A patient registered on D is a key
patient when any reason of :data:`KEY_REASONS` holds:

- the risk level of the last assessment or completed follow-up on or before D is 3 or more
  (**[default]** threshold 3, :class:`KeyPatientPolicy`; on one day, the higher level);
- the last completed follow-up on or before D is unstable (recorded class, else the §4 rule's);
- an incident (肇事/肇祸) is recorded at a follow-up in P, or an emergency of category 2
  (危害他人或公共安全) is recorded in ``events.csv`` in P.

Each reason is a condition over the patient's facts, so the list (columnar, :func:`key_facts`),
one patient's facts (:func:`patient_key_facts`) and decision (:func:`key_reasons`) use the same
definition, and every key patient carries at least one reason. It is the one definition of the
programme: the case-management teams (:mod:`smi_care.programme.teams`) are for these patients.

>>> facts = {"registered": True, "last_risk": 4, "last_any_class": 2, "incident": False,
...          "harm_emergency": False, "last_risk_date": None}
>>> key_reasons(facts)
('risk level 4 at the last assessment or follow-up (≥ 3)',)
>>> key_reasons({**facts, "last_risk": 1})
()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from smi_care.domain.assessment import Assessment
from smi_care.domain.codes import Classification, EmergencyCategory, EventKind
from smi_care.domain.records import PatientRecord
from smi_care.indicators.definitions import FACE_TO_FACE, REGISTERED, Condition, Indicator
from smi_care.indicators.expr import as_column, fact, holds
from smi_care.indicators.facts_table import ordered_followups, with_rule_class
from smi_care.indicators.periods import Period
from smi_care.programme.text import fmt as _fmt
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.worklist import at_least, between

SOURCE_PLANS = "乡镇严重精神障碍患者管理工作计划 (work plan 000), 对三级以上的患者重点管理"


@attrs.frozen
class KeyPatientPolicy:
    """The risk level from which a patient is a key patient (**[default] 3**) and the days
    within which a key patient is seen again (**[default] 14**, the unstable interval of §4)."""

    risk_from: int = attrs.field(default=3, validator=between(0, 5))
    revisit_days: int = attrs.field(default=14, validator=at_least(0))


NATIONAL = KeyPatientPolicy()

KEY_FACTS: dict[str, tuple[str, str]] = {
    "last_risk": ("int", "risk level of the last assessment or completed follow-up on or before D"),
    "last_risk_date": ("date", "the date of that assessment or follow-up"),
    "last_any_class": ("code", "class of the last completed follow-up on or before D (recorded, else §4's)"),
    "last_contact": ("date", "the last completed follow-up or assessment on or before D"),
    "harm_emergency": ("bool", "an emergency of category 2 (危害他人或公共安全) in P"),
    "key": ("bool", "registered and at least one key reason holds"),
}


def key_reason_conditions(policy: KeyPatientPolicy = NATIONAL) -> tuple[tuple[Condition, Any], ...]:
    """The reasons, each a condition and the polars expression of its text."""
    c = pl.col
    return (
        (Condition("high_risk", f"risk level ≥ {policy.risk_from} at the last assessment or follow-up",
                   fact("last_risk") >= policy.risk_from),
         _fmt(f"risk level {{}} at the last assessment or follow-up (≥ {policy.risk_from})", c("last_risk"))),
        (Condition("unstable", "last completed follow-up unstable (病情不稳定)",
                   fact("last_any_class") == Classification.UNSTABLE),
         pl.lit("last follow-up unstable (病情不稳定)")),
        (Condition("incident", "肇事 or 肇祸 recorded at a follow-up in the period", fact("incident")),
         pl.lit("肇事/肇祸 recorded in the period")),
        (Condition("harm_emergency", "emergency: danger to others or public safety in the period",
                   fact("harm_emergency")),
         pl.lit("emergency 危害他人或公共安全 in the period")),
    )


def _reason_text(cond: Condition, facts: Mapping[str, Any], policy: KeyPatientPolicy) -> str:
    if cond.id == "high_risk":
        return f"risk level {facts['last_risk']} at the last assessment or follow-up (≥ {policy.risk_from})"
    return {"unstable": "last follow-up unstable (病情不稳定)", "incident": "肇事/肇祸 recorded in the period",
            "harm_emergency": "emergency 危害他人或公共安全 in the period"}[cond.id]


def key_reasons(facts: Mapping[str, Any], policy: KeyPatientPolicy = NATIONAL) -> tuple[str, ...]:
    """Why one patient (their facts) is a key patient; empty when not registered or no reason holds."""
    if not holds(fact("registered"), facts):
        return ()
    return tuple(_reason_text(cond, facts, policy) for cond, _ in key_reason_conditions(policy)
                 if holds(cond.expr, facts))


def key_expr(policy: KeyPatientPolicy = NATIONAL) -> Any:
    from smi_care.indicators.expr import AnyOf

    return fact("registered") & AnyOf(tuple(cond.expr for cond, _ in key_reason_conditions(policy)))


def key_facts(base: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, assessments: pl.DataFrame,
              period: Period, policy: KeyPatientPolicy = NATIONAL,
              classes: ClassificationPolicy = NATIONAL_CLASSES) -> pl.DataFrame:
    """The :data:`KEY_FACTS` of every patient of ``base`` (the §6 facts), in its order."""
    c = pl.col
    end = period.end
    f = ordered_followups(followups, end).filter(c("_completed"))
    risks = pl.concat([
        f.filter(c("risk_level").is_not_null()).select("patient_id", "visit_date", c("risk_level").cast(pl.Int64)),
        assessments.filter(c("date") <= end).select("patient_id", c("date").alias("visit_date"),
                                                    c("risk_level").cast(pl.Int64))])
    last_risk = (risks.sort(["patient_id", "visit_date", "risk_level"]).group_by("patient_id")
                 .agg(last_risk=c("risk_level").last(), last_risk_date=c("visit_date").last()))
    contact = risks.group_by("patient_id").agg(_contact_a=c("visit_date").max())
    last_f = f.group_by("patient_id").agg(c("_i").max().alias("_li"))
    last_rows = f.join(last_f, left_on="_i", right_on="_li", how="semi")
    cls_tab = (with_rule_class(last_rows, classes, "last_any_class")
               .select("patient_id", _fdate=c("visit_date"), last_any_class=c("last_any_class")))
    ev = events.filter((c("event") == EventKind.EMERGENCY.text_code) & (c("date") >= period.start) & (c("date") <= end)
                       & (c("detail") == str(EmergencyCategory.HARM_TO_OTHERS.code)))
    harm = ev.select("patient_id").unique().with_columns(harm_emergency=pl.lit(True))
    out = (base.select("patient_id", "registered", "incident")
           .join(last_risk, on="patient_id", how="left", maintain_order="left")
           .join(contact, on="patient_id", how="left", maintain_order="left")
           .join(cls_tab, on="patient_id", how="left", maintain_order="left")
           .join(harm, on="patient_id", how="left", maintain_order="left"))
    out = out.with_columns(harm_emergency=c("harm_emergency").fill_null(False),
                           last_contact=pl.max_horizontal("_contact_a", "_fdate"))
    out = out.with_columns(key=as_column(key_expr(policy)))
    return out.select("patient_id", *KEY_FACTS)


def patient_key_facts(record: PatientRecord, base: Mapping[str, Any], period: Period,
                      assessments: Sequence[Assessment] = (), policy: KeyPatientPolicy = NATIONAL,
                      classes: ClassificationPolicy = NATIONAL_CLASSES) -> dict[str, Any]:
    """The :data:`KEY_FACTS` of one patient (the reference engine, equal to :func:`key_facts`
    patient by patient): ``base`` holds the patient's §6 facts ``registered`` and ``incident``,
    ``assessments`` the patient's assessments."""
    end = period.end
    done = [f for f in record.followups if f.visit_date <= end and f.completed]  # §6 order
    risks = [(f.visit_date, f.risk_level) for f in done if f.risk_level is not None]
    risks += [(a.date, a.risk_level) for a in assessments if a.date <= end]
    last_date, last_risk = max(risks) if risks else (None, None)  # the latest day; on one day the higher
    last = done[-1] if done else None
    cls = None if last is None else effective_class(last, classes)
    contacts = [d for d, _ in risks] + ([last.visit_date] if last else [])
    harm = any(e.kind is EventKind.EMERGENCY and e.emergency is EmergencyCategory.HARM_TO_OTHERS
               and period.start <= e.date <= end for e in record.events)
    row = {"registered": base["registered"], "incident": base["incident"], "last_risk": last_risk,
           "last_risk_date": last_date, "last_any_class": None if cls is None else cls.code,
           "last_contact": max(contacts) if contacts else None, "harm_emergency": harm}
    row["key"] = bool(key_reasons(row, policy))
    return {k: row[k] for k in KEY_FACTS}


KEY = Condition("key", "a key patient (重点管理) on the period's last day", fact("key"))
KEY_INDICATORS: tuple[Indicator, ...] = (
    Indicator("key_patient_face_to_face_rate", "重点患者面访率", "key patients seen face to face", "%",
              (FACE_TO_FACE,), (REGISTERED, KEY), section=SOURCE_PLANS),
)


def key_patient_list(facts: pl.DataFrame, on: dt.date, policy: KeyPatientPolicy = NATIONAL) -> pl.DataFrame:
    """The key-patient list from the joined facts (§6 facts, :data:`KEY_FACTS` and, when present,
    the assessment facts): patient_id, area, reasons, last_risk, last_risk_date, last_contact,
    next_contact_due, due (what is due, in words). Sorted by area, then highest risk."""
    c = pl.col
    key = facts.filter(c("key"))
    parts = [pl.when(as_column(cond.expr)).then(text).otherwise(None) for cond, text in key_reason_conditions(policy)]
    next_due = c("last_contact") + pl.duration(days=policy.revisit_days)
    due_visit = (pl.when(c("last_contact").is_null()).then(pl.lit("follow-up now: no contact recorded"))
                 .when(next_due < pl.lit(on)).then(_fmt("follow-up overdue since {}", next_due.dt.strftime("%Y-%m-%d")))
                 .otherwise(_fmt("follow-up by {}", next_due.dt.strftime("%Y-%m-%d"))))
    due_parts = [due_visit]
    if "last_assessment" in facts.columns:
        from smi_care.programme.assessments import quarter_start

        qs = quarter_start(on)
        due_parts.append(pl.when(c("last_assessment").is_null() | (c("last_assessment") < pl.lit(qs)))
                         .then(pl.lit("quarterly condition assessment")).otherwise(None))
    return key.select(
        "patient_id", "area",
        reasons=pl.concat_str(parts, separator="; ", ignore_nulls=True),
        last_risk="last_risk", last_risk_date="last_risk_date", last_contact="last_contact",
        next_contact_due=next_due, due=pl.concat_str(due_parts, separator="; ", ignore_nulls=True),
    ).sort(["area", "last_risk", "patient_id"], descending=[False, True, False], nulls_last=True)
