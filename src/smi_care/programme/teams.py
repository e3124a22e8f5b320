"""Case-management teams (个案管理小组) for key patients: who has a team, whose review is overdue.

Source: the social-psychological service pilot plans (shared reference, work plans 004): "对病情
不稳定的患者，要建立由村（社区）“两委”成员、网格员、精防医生、民警、民政专干、助残员、志愿者等基层人员
组成的个案管理团队，对患者实施个案管理", and work plan 001, "进行个案管理 … 实施个案管理计划".

A **key patient** here (:func:`is_key_patient`) is one whose last completed follow-up on or before
the day recorded risk level 3 or more, or was unstable (the recorded class, else the §4 rule's):
the patients national-rules §4 and §5 single out for police report and closer watch. Part A of
issue 11 defines the key-patient list with more reasons (listed incidents, assessments); the lead
unifies the two — this small definition stands until then.

How often a team reviews its plan is not in the reference: :class:`TeamPolicy` holds it, a review
due **[local default] 30 days** after the last review (or the team's forming) unless the review
set its own next date.

>>> import datetime as dt
>>> row = {"patient_id": "P2", "registered": True, "key_patient": True, "last_risk": 4,
...        "last_contact": dt.date(2025, 9, 2), "team_on_d": False, "team_id": None, "review_due": None,
...        "review_overdue": False}
>>> [f.reason for f in team_flags([row])]
['key patient (risk 4 at the follow-up of 2025-09-02) without a case-management team']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from smi_care.domain.codes import Classification
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import PatientRecord
from smi_care.domain.team import Team, TeamReview
from smi_care.indicators.columnar import Tables
from smi_care.indicators.definitions import REGISTERED, Condition, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.expr import fact
from smi_care.indicators.facts_table import _ordered_followups, followup_of
from smi_care.indicators.periods import Period
from smi_care.programme.facts import base_facts, base_patient_facts
from smi_care.programme.medication import partials
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, effective_class
from smi_care.rules.status import Covers

_UNSTABLE = Classification.UNSTABLE.code


@attrs.frozen
class TeamPolicy:
    """``review_days``: days from a review (or the forming) to the next one when the review set
    no date **[local default 30]**; ``key_risk``: the risk level that makes a key patient (§4: 3)."""

    review_days: int = 30
    key_risk: int = 3


TEAM_DEFAULT = TeamPolicy()


def last_completed(record: PatientRecord, day: dt.date) -> Any:
    """The last completed follow-up on or before ``day`` (ties: the later row), or None."""
    done = [f for f in record.followups if f.visit_date <= day and f.completed]
    return done[-1] if done else None


def is_key_patient(record: PatientRecord, day: dt.date, policy: TeamPolicy = TEAM_DEFAULT,
                   classes: ClassificationPolicy = NATIONAL_CLASSES) -> bool:
    """Risk level ≥ 3 at the last completed follow-up on or before ``day``, or that follow-up
    unstable (recorded class, else the §4 rule's) — national-rules §4 and §5."""
    last = last_completed(record, day)
    if last is None:
        return False
    risk = last.risk_level
    cls = effective_class(last, classes)
    return (risk is not None and risk >= policy.key_risk) or cls is Classification.UNSTABLE


def _due(team: Team, reviews: Sequence[TeamReview], day: dt.date, policy: TeamPolicy) -> dt.date:
    done = [r for r in sorted(reviews, key=lambda r: r.date) if r.date <= day]  # stable: same-day rows keep order
    if not done:
        return team.formed_on + dt.timedelta(days=policy.review_days)
    last = done[-1]
    return last.next_review or last.date + dt.timedelta(days=policy.review_days)


TEAM_FACTS: dict[str, tuple[str, str]] = {
    "last_risk": ("int", "risk level at the last completed follow-up on or before D"),
    "last_contact": ("date", "date of the last completed follow-up on or before D"),
    "key_patient": ("bool", "risk ≥ 3 or unstable at the last completed follow-up on or before D (is_key_patient)"),
    "team_on_d": ("bool", "a case-management team active on D"),
    "team_id": ("text", "the active team on D (the latest formed; ties: the later row)"),
    "review_due": ("date", "when the active team's next review is due"),
    "review_overdue": ("bool", "the active team's review was due before D"),
}


def patient_team_facts(record: PatientRecord, teams: Sequence[Team], reviews: Mapping[str, Sequence[TeamReview]],
                       period: Period, covers: Covers, policy: TeamPolicy = TEAM_DEFAULT,
                       evaluation: EvaluationPolicy = DEFAULT_POLICY) -> dict[str, Any]:
    """The facts of one patient (the reference engine): the §6 facts and :data:`TEAM_FACTS`."""
    row = base_patient_facts(record, period, covers, evaluation)
    day = period.end
    last = last_completed(record, day)
    active = [t for t in teams if t.active_on(day)]
    team = sorted(active, key=lambda t: t.formed_on)[-1] if active else None  # stable: later row wins ties
    due = _due(team, reviews.get(team.team_id, ()), day, policy) if team else None
    row.update(
        last_risk=last.risk_level if last else None, last_contact=last.visit_date if last else None,
        key_patient=is_key_patient(record, day, policy, evaluation.classes),
        team_on_d=team is not None, team_id=team.team_id if team else None, review_due=due,
        review_overdue=due is not None and due < day,
    )
    return row


def _key_table(followups: pl.DataFrame, day: dt.date, policy: TeamPolicy, classes: ClassificationPolicy
               ) -> pl.DataFrame:
    f = _ordered_followups(followups, day)
    # f is in §6 order (patient, date, file row): the last completed row of each patient
    last = f.filter(pl.col("_completed")).unique(subset="patient_id", keep="last", maintain_order=True)
    missing = last.filter(pl.col("classification").is_null())
    derived = {}
    for row in missing.iter_rows(named=True):
        rule_class = effective_class(followup_of(row), classes)
        derived[row["patient_id"]] = None if rule_class is None else rule_class.code
    fill = pl.DataFrame({"patient_id": list(derived), "_derived": list(derived.values())},
                        schema={"patient_id": pl.String, "_derived": pl.Int8})
    last = last.join(fill, on="patient_id", how="left")
    unstable = (pl.coalesce(pl.col("classification"), pl.col("_derived")) == _UNSTABLE).fill_null(False)
    high_risk = (pl.col("risk_level") >= policy.key_risk).fill_null(False)
    return last.select("patient_id", last_risk=pl.col("risk_level").cast(pl.Int64), last_contact="visit_date",
                       key_patient=high_risk | unstable)


def _team_table(teams: pl.DataFrame, reviews: pl.DataFrame, day: dt.date, policy: TeamPolicy) -> pl.DataFrame:
    c = pl.col
    active = (teams.filter((c("formed_on") <= day) & (c("dissolved_on").is_null() | (c("dissolved_on") > day)))
              .sort(["patient_id", "formed_on", "row"]).group_by("patient_id").agg(c("team_id").last(),
                                                                                    c("formed_on").last()))
    last_review = (reviews.filter(c("date") <= day).sort(["team_id", "date", "row"]).group_by("team_id")
                   .agg(_review=c("date").last(), _next=c("next_review").last()))
    days = pl.duration(days=policy.review_days)
    t = active.join(last_review, on="team_id", how="left")
    due = (pl.when(c("_review").is_not_null()).then(pl.coalesce(c("_next"), c("_review") + days))
           .otherwise(c("formed_on") + days))
    return t.select("patient_id", "team_id", review_due=due.cast(pl.Date))


def team_facts(tables: Tables, teams: pl.DataFrame, reviews: pl.DataFrame, period: Period,
               policy: TeamPolicy = TEAM_DEFAULT, evaluation: EvaluationPolicy = DEFAULT_POLICY,
               covers: Covers | None = None, base: pl.DataFrame | None = None) -> pl.DataFrame:
    """The facts of every patient (the province-scale engine), equal to
    :func:`patient_team_facts` patient by patient (``base``: the §6 facts when already computed)."""
    day = period.end
    facts = base_facts(tables, period, evaluation, covers) if base is None else base
    out = (facts.join(_key_table(tables.followups, day, policy, evaluation.classes), on="patient_id", how="left",
                      maintain_order="left")
           .join(_team_table(teams, reviews, day, policy), on="patient_id", how="left", maintain_order="left"))
    return out.with_columns(key_patient=pl.col("key_patient").fill_null(False),
                            team_on_d=pl.col("team_id").is_not_null(),
                            review_overdue=(pl.col("review_due") < day).fill_null(False))


KEY = Condition("key_patient", "key patient: risk ≥ 3 or unstable at the last follow-up", fact("key_patient"))
IN_TEAM = Condition("team_on_d", "under a case-management team on the period's last day", fact("team_on_d"))
REVIEW_ON_TIME = Condition("review_on_time", "the team's review is not overdue", ~fact("review_overdue"))

_SOURCE = "work plans 004 (个案管理团队), 001 (个案管理)"
TEAM_INDICATORS: tuple[Indicator, ...] = (
    Indicator("key_patients_in_team_rate", "重点患者个案管理率", "key patients under a case-management team", "%",
              (IN_TEAM,), (REGISTERED, KEY), _SOURCE),
    Indicator("team_review_on_time_rate", "个案管理小组按时评估率", "teams of key patients reviewed on time", "%",
              (REVIEW_ON_TIME,), (REGISTERED, KEY, IN_TEAM), _SOURCE),
)


def evaluate_teams(tables: Tables, teams: pl.DataFrame, reviews: pl.DataFrame, period: Period,
                   by: By | Sequence[By] = AreaLevel.TOWNSHIP, policy: TeamPolicy = TEAM_DEFAULT,
                   evaluation: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None) -> list[Partial]:
    """The team indicators by township (or any breakdowns), one partial per breakdown."""
    facts = team_facts(tables, teams, reviews, period, policy, evaluation, covers)
    return partials(facts, tables, period, by, TEAM_INDICATORS, evaluation)


@attrs.frozen
class TeamFlag:
    """A worklist line: a registered key patient without a team, or whose team's review is overdue."""

    patient_id: str
    kind: str  # "no_team" or "review_overdue"
    reason: str


def team_flags(rows: Iterable[Mapping[str, Any]], policy: TeamPolicy = TEAM_DEFAULT) -> list[TeamFlag]:
    """The flags of the facts rows (a facts table's ``iter_rows(named=True)``, or one patient's)."""
    out: list[TeamFlag] = []
    for r in rows:
        if not (r["registered"] and r["key_patient"]):
            continue
        risk = r["last_risk"]
        when = f"at the follow-up of {r['last_contact'].isoformat()}"
        why = f"risk {risk} {when}" if risk is not None and risk >= policy.key_risk else f"unstable {when}"
        if not r["team_on_d"]:
            out.append(TeamFlag(r["patient_id"], "no_team", f"key patient ({why}) without a case-management team"))
        elif r["review_overdue"]:
            out.append(TeamFlag(r["patient_id"], "review_overdue",
                                f"team {r['team_id']}: plan review overdue since {r['review_due'].isoformat()}"))
    return out


def team_worklist(facts: pl.DataFrame, policy: TeamPolicy = TEAM_DEFAULT) -> list[TeamFlag]:
    """Flags for every patient of a facts table, by area then patient."""
    mine = facts.filter(pl.col("registered") & pl.col("key_patient")).sort(["area", "patient_id"])
    return team_flags(mine.iter_rows(named=True), policy)


__all__ = ["TEAM_DEFAULT", "TEAM_FACTS", "TEAM_INDICATORS", "TeamFlag", "TeamPolicy", "evaluate_teams",
           "is_key_patient", "patient_team_facts", "team_facts", "team_flags", "team_worklist"]
