"""The programme's dated tasks on one day, one builder per item kind, as rows of the worklist.

Each builder reads the definition its programme list already has, so an item kind is defined
once and the separate lists (``smi-care suspected``, ``assessments-due``, ``supplies``,
``guardians``) and the worklist give the same patients:

=================================  =============================================================
kind                               definition
=================================  =============================================================
``alert_suspected_110``            :func:`~smi_care.programme.case_finding.case_items` (110 alert)
``suspected_waiting``              :func:`~smi_care.programme.case_finding.case_items` (waiting)
``assessment_due``                 :func:`~smi_care.programme.assessments.assessments_due`
``enrolment_assessment_missing``   ``new_in_period`` and not ``comprehensive_assessed`` of
                                   :func:`~smi_care.programme.assessments.assessment_facts`, this year
``supply_running_out``             :func:`~smi_care.programme.medication.supply_alerts`
``dispensings_short``              the denominator but not the numerator of
                                   ``free_medication_four_times_rate``, this year so far
``team_review_overdue``,           :func:`~smi_care.programme.teams.team_worklist`
``key_patient_no_team``
``guardian_reward_to_confirm``     ``reward_eligible`` of :func:`~smi_care.programme.guardians.guardian_facts`,
                                   this quarter so far
=================================  =============================================================

Every builder returns the columns of :data:`PART_COLUMNS`: ``patient_id`` (the suspected case's
``case_id`` for the case-finding kinds), ``area_code``, ``due``, ``detail`` (the reason in
English, as the separate list words it) and ``reason_zh`` (the reason in Chinese).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from smi_care.indicators.periods import Period
from smi_care.programme.assessments import assessment_facts, assessments_due, quarter_start
from smi_care.programme.case_finding import CaseFindingPolicy, case_items
from smi_care.programme.guardians import GuardianRewardPolicy, guardian_facts
from smi_care.programme.medication import DispensingPolicy, SupplyAlertPolicy, medication_facts, supply_alerts
from smi_care.programme.teams import TeamPolicy, team_facts, team_worklist
from smi_care.programme.text import fmt
from smi_care.rules.worklist import ItemKind

#: The columns every builder returns, in order.
PART_COLUMNS = ("kind", "patient_id", "area_code", "due", "detail", "reason_zh")
PART_SCHEMA: dict[str, Any] = {"kind": pl.String, "patient_id": pl.String, "area_code": pl.String, "due": pl.Date,
                               "detail": pl.String, "reason_zh": pl.String}

c = pl.col


def _part(df: pl.DataFrame, kind: ItemKind, **exprs: pl.Expr) -> pl.DataFrame:
    return df.select(kind=pl.lit(kind.value), **exprs).select(PART_COLUMNS).cast(PART_SCHEMA)  # type: ignore[arg-type]


def empty_part() -> pl.DataFrame:
    return pl.DataFrame(schema=PART_SCHEMA)


def _iso(e: pl.Expr) -> pl.Expr:
    return e.dt.strftime("%Y-%m-%d")


def suspected_items(suspected: pl.DataFrame, on: dt.date, policy: CaseFindingPolicy) -> list[pl.DataFrame]:
    """110 alerts (due the day of the report) and cases waiting past the policy's days (due the
    day the wait ran out), exactly the rows of ``smi-care suspected``."""
    rows = case_items(suspected, on, policy)
    alerts = rows.filter(c("kind") == "police_alert")
    late = rows.filter(c("kind") == "waiting")
    return [
        _part(alerts, ItemKind.ALERT_SUSPECTED_110, patient_id=c("case_id"), area_code=c("area_code"),
              due=c("reported_on"), detail=c("reason"),
              reason_zh=fmt("疑似患者{}于{}报告，危害他人：立即拨打110", c("case_id"), _iso(c("reported_on")))),
        _part(late, ItemKind.SUSPECTED_WAITING, patient_id=c("case_id"), area_code=c("area_code"),
              due=c("reported_on") + pl.duration(days=policy.waiting_days), detail=c("reason"),
              reason_zh=fmt(f"{{}}报告后{{}}天仍未确诊（超过{policy.waiting_days}天）", _iso(c("reported_on")),
                            c("days_waiting"))),
    ]


def assessment_items(base: pl.DataFrame, assessments: pl.DataFrame, followups: pl.DataFrame, on: dt.date
                     ) -> list[pl.DataFrame]:
    """The quarter's condition assessment not yet done (due the quarter's last day: the rows of
    ``smi-care assessments-due``), and a patient registered this year without the comprehensive
    assessment of enrolment (due the day the registration began)."""
    due = assessments_due(base, assessments, followups, on)
    since = pl.when(c("last_assessment").is_null()).then(pl.lit("无记录")).otherwise(
        fmt("上次{}", _iso(c("last_assessment"))))
    quarterly = _part(due, ItemKind.ASSESSMENT_DUE, patient_id=c("patient_id"), area_code=c("area"), due=c("due"),
                      detail=c("reason"), reason_zh=fmt(f"{quarter_start(on).isoformat()}以来无病情评估（{{}}）；"
                                                        f"{{}}前完成", since, _iso(c("due"))))
    year = Period(dt.date(on.year, 1, 1), on)
    facts = assessment_facts(base, assessments, followups, year)
    missing = (facts.join(base.select("patient_id", "registered", "area"), on="patient_id", how="left",
                          maintain_order="left")
               .filter(c("registered") & c("new_in_period") & ~c("comprehensive_assessed"))
               .join(base.select("patient_id", "registration_start"), on="patient_id", how="left",
                     maintain_order="left"))
    enrolment = _part(missing, ItemKind.ENROLMENT_ASSESSMENT_MISSING, patient_id=c("patient_id"), area_code=c("area"),
                      due=c("registration_start"),
                      detail=fmt("registered on {} without the comprehensive assessment of enrolment",
                                 _iso(c("registration_start"))),
                      reason_zh=fmt("{}建档，无县级及以上机构全面评估记录", _iso(c("registration_start"))))
    return [quarterly, enrolment]


def supply_items(dispensings: pl.DataFrame, base: pl.DataFrame, on: dt.date, policy: SupplyAlertPolicy
                 ) -> pl.DataFrame:
    """Registered patients whose free-medication supply runs out within the policy's days or ran
    out in its look-back (the rows of ``smi-care supplies``; due the first day not covered)."""
    registered = base.filter(c("registered")).select("patient_id", area_code=c("area"))
    alerts = supply_alerts(dispensings, on, policy, patients=registered["patient_id"].to_list())
    rows = pl.DataFrame({"patient_id": [a.patient_id for a in alerts], "due": [a.runs_out_on for a in alerts],
                         "detail": [a.reason for a in alerts]},
                        schema={"patient_id": pl.String, "due": pl.Date, "detail": pl.String})
    rows = rows.join(registered, on="patient_id", how="left", maintain_order="left")
    left = (c("due") - pl.lit(on)).dt.total_days()
    return _part(rows, ItemKind.SUPPLY_RUNNING_OUT, patient_id=c("patient_id"), area_code=c("area_code"),
                 due=c("due"), detail=c("detail"),
                 reason_zh=pl.when(left >= 0).then(fmt("免费药品{}用完（余{}天）", _iso(c("due")), left))
                 .otherwise(fmt("免费药品已于{}用完（{}天前）", _iso(c("due")), -left)))


def dispensing_items(base: pl.DataFrame, tables: Any, dispensings: pl.DataFrame, on: dt.date,
                     rule: DispensingPolicy) -> pl.DataFrame:
    """Registered patients under free treatment, of the rule's disorders, handed out medication
    fewer times this year (1 January to ``on``) than the rule requires so far (pro-rated as
    §6 follow-ups): due on ``on``."""
    year = Period(dt.date(on.year, 1, 1), on)
    # the rule applies only to a patient with a free dispensing this year: the facts of the others
    # are not needed (the facts are per patient, so cutting the rows changes none of them)
    free = dispensings.filter(c("free") & (c("date") >= year.start) & (c("date") <= on))
    mine = base.join(free.select("patient_id").unique(), on="patient_id", how="semi", maintain_order="left")
    facts = medication_facts(tables, dispensings, year, rule=rule, base=mine)
    short = facts.filter(c("registered") & c("rule_applies") & (c("free_dispensings") < c("required_dispensings")))
    return _part(short, ItemKind.DISPENSINGS_SHORT, patient_id=c("patient_id"), area_code=c("area"), due=pl.lit(on),
                 detail=fmt(f"free medication handed out on {{}} days in {year}, {{}} required (at least "
                            f"{rule.per_year} a year)", c("free_dispensings"), c("required_dispensings")),
                 reason_zh=fmt(f"{year}发药{{}}次，应发{{}}次（每年至少{rule.per_year}次）", c("free_dispensings"),
                               c("required_dispensings")))


def team_items(tables: Any, teams: pl.DataFrame, reviews: pl.DataFrame, assessments: pl.DataFrame,
               base: pl.DataFrame, on: dt.date, policy: TeamPolicy) -> tuple[list[pl.DataFrame], pl.DataFrame]:
    """Key patients without a case-management team (due on ``on``) and teams whose review is
    overdue (due the review's day): the team lines of ``smi-care supplies``. Also each
    patient's active team (``patient_id``, ``team_id``)."""
    period = Period(quarter_start(on), on)
    facts = team_facts(tables, teams, reviews, period, policy, base=base, assessments=assessments)
    flags = team_worklist(facts, policy)
    rows = pl.DataFrame({"patient_id": [f.patient_id for f in flags], "flag": [f.kind for f in flags],
                         "detail": [f.reason for f in flags]},
                        schema={"patient_id": pl.String, "flag": pl.String, "detail": pl.String})
    rows = rows.join(facts.select("patient_id", "area", "team_id", "review_due"), on="patient_id", how="left",
                     maintain_order="left")
    none = _part(rows.filter(c("flag") == "no_team"), ItemKind.KEY_PATIENT_NO_TEAM, patient_id=c("patient_id"),
                 area_code=c("area"), due=pl.lit(on), detail=c("detail"),
                 reason_zh=pl.lit("重点管理患者，尚无个案管理小组"))
    overdue = _part(rows.filter(c("flag") == "review_overdue"), ItemKind.TEAM_REVIEW_OVERDUE,
                    patient_id=c("patient_id"), area_code=c("area"), due=c("review_due"), detail=c("detail"),
                    reason_zh=fmt("个案管理小组{}：{}起评估逾期", c("team_id"), _iso(c("review_due"))))
    return [none, overdue], facts.filter(c("team_id").is_not_null()).select("patient_id", "team_id")


def guardian_items(tables: Any, guardians: pl.DataFrame, base: pl.DataFrame, on: dt.date,
                   policy: GuardianRewardPolicy) -> pl.DataFrame:
    """Guardians rewarded under the policy for the quarter of ``on`` so far (the eligible lines
    of ``smi-care guardians --period`` that quarter), to confirm by the quarter's last day."""
    quarter = Period.quarter(on.year, (on.month - 1) // 3 + 1)
    facts = guardian_facts(tables, guardians, Period(quarter.start, on), policy, base=base)
    ok = facts.filter(c("registered") & c("guardian_on_record") & c("reward_eligible"))
    return _part(ok, ItemKind.GUARDIAN_REWARD_TO_CONFIRM, patient_id=c("patient_id"), area_code=c("area"),
                 due=pl.lit(quarter.end),
                 detail=pl.lit(f"guardian eligible for the reward of {quarter} under {policy.name}"),
                 reason_zh=pl.lit(f"{quarter}监护人符合以奖代补条件（{policy.name}），待确认"))
