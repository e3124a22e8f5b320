"""Case-management teams (个案管理小组) for key patients: who has a team, whose review is overdue.

Source: the social-psychological service pilot plans (shared reference, work plans 004): "对病情
不稳定的患者，要建立由村（社区）“两委”成员、网格员、精防医生、民警、民政专干、助残员、志愿者等基层人员
组成的个案管理团队，对患者实施个案管理", and work plan 001, "进行个案管理 … 实施个案管理计划".

The teams are for the **key patients** of :mod:`smi_care.programme.key_patients` (the one
definition of the programme: registered, and risk level ≥ 3 at the last assessment or completed
follow-up, or the last completed follow-up unstable, or 肇事/肇祸 or an emergency 危害他人或公共安全
in the period). The plans name the unstable patients; the high-risk ones and those of an
incident are the same patients national-rules §4 and §5 single out for closer watch.

How often a team reviews its plan is not in the reference: :class:`TeamPolicy` holds it, a review
due **[local default] 30 days** after the last review (or the team's forming) unless the review
set its own next date.

>>> import datetime as dt
>>> row = {"patient_id": "P2", "registered": True, "key": True, "last_risk": 4, "last_any_class": 3,
...        "incident": False, "harm_emergency": False, "team_on_d": False, "team_id": None,
...        "review_due": None, "review_overdue": False}
>>> [f.reason for f in team_flags([row])]
['key patient (risk level 4 at the last assessment or follow-up (≥ 3)) without a case-management team']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from smi_care.domain.assessment import Assessment
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import PatientRecord
from smi_care.domain.team import Team, TeamReview
from smi_care.indicators.columnar import Tables
from smi_care.indicators.definitions import REGISTERED, Condition, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.expr import as_column, fact
from smi_care.indicators.periods import Period
from smi_care.programme import key_patients
from smi_care.programme.facts import base_facts, base_patient_facts
from smi_care.programme.key_patients import (
    KEY,
    KEY_FACTS,
    KeyPatientPolicy,
    key_facts,
    key_reason_conditions,
    key_reasons,
    patient_key_facts,
)
from smi_care.programme.medication import partials
from smi_care.programme.text import fmt
from smi_care.registry.optional import empty_table
from smi_care.registry.programme_files import ASSESSMENT_SPEC
from smi_care.rules.status import Covers
from smi_care.rules.worklist import at_least


@attrs.frozen
class TeamPolicy:
    """``review_days``: days from a review (or the forming) to the next one when the review set
    no date **[local default 30]**; ``key``: who is a key patient (the programme's
    :class:`~smi_care.programme.key_patients.KeyPatientPolicy`, risk level 3 and above)."""

    review_days: int = attrs.field(default=30, validator=at_least(0))
    key: KeyPatientPolicy = key_patients.NATIONAL


TEAM_DEFAULT = TeamPolicy()


def is_key_patient(record: PatientRecord, period: Period, covers: Covers, assessments: Sequence[Assessment] = (),
                   policy: TeamPolicy = TEAM_DEFAULT, evaluation: EvaluationPolicy = DEFAULT_POLICY) -> bool:
    """Whether the patient is a key patient on ``period``'s last day: the programme's one
    definition (:mod:`smi_care.programme.key_patients`), which these teams serve."""
    base = base_patient_facts(record, period, covers, evaluation)
    facts = patient_key_facts(record, base, period, assessments, policy.key, evaluation.classes)
    return bool(facts["key"])


def _due(team: Team, reviews: Sequence[TeamReview], day: dt.date, policy: TeamPolicy) -> dt.date:
    done = [r for r in sorted(reviews, key=lambda r: r.date) if r.date <= day]  # stable: same-day rows keep order
    if not done:
        return team.formed_on + dt.timedelta(days=policy.review_days)
    last = done[-1]
    return last.next_review or last.date + dt.timedelta(days=policy.review_days)


#: The team facts; the team tables carry the key-patient facts (:data:`KEY_FACTS`, ``key``) too.
TEAM_FACTS: dict[str, tuple[str, str]] = {
    "team_on_d": ("bool", "a case-management team active on D"),
    "team_id": ("text", "the active team on D (the latest formed; ties: the later row)"),
    "review_due": ("date", "when the active team's next review is due"),
    "review_overdue": ("bool", "the active team's review was due before D"),
}


def patient_team_facts(record: PatientRecord, teams: Sequence[Team], reviews: Mapping[str, Sequence[TeamReview]],
                       period: Period, covers: Covers, policy: TeamPolicy = TEAM_DEFAULT,
                       evaluation: EvaluationPolicy = DEFAULT_POLICY,
                       assessments: Sequence[Assessment] = ()) -> dict[str, Any]:
    """The facts of one patient (the reference engine): the §6 facts, :data:`KEY_FACTS` (from
    the patient's ``assessments`` and records) and :data:`TEAM_FACTS`."""
    row = base_patient_facts(record, period, covers, evaluation)
    day = period.end
    row.update(patient_key_facts(record, row, period, assessments, policy.key, evaluation.classes))
    active = [t for t in teams if t.active_on(day)]
    team = sorted(active, key=lambda t: t.formed_on)[-1] if active else None  # stable: later row wins ties
    due = _due(team, reviews.get(team.team_id, ()), day, policy) if team else None
    row.update(
        team_on_d=team is not None, team_id=team.team_id if team else None, review_due=due,
        review_overdue=due is not None and due < day,
    )
    return row


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
               covers: Covers | None = None, base: pl.DataFrame | None = None,
               assessments: pl.DataFrame | None = None) -> pl.DataFrame:
    """The facts of every patient (the province-scale engine), equal to
    :func:`patient_team_facts` patient by patient (``base``: the §6 facts when already computed;
    ``assessments``: the table of ``assessments.csv``, none when not given)."""
    day = period.end
    facts = base_facts(tables, period, evaluation, covers) if base is None else base
    given = empty_table(ASSESSMENT_SPEC) if assessments is None else assessments
    key = key_facts(facts, tables.followups, tables.events, given, period, policy.key, evaluation.classes)
    out = (facts.join(key, on="patient_id", how="left", maintain_order="left")
           .join(_team_table(teams, reviews, day, policy), on="patient_id", how="left", maintain_order="left"))
    return out.with_columns(team_on_d=pl.col("team_id").is_not_null(),
                            review_overdue=(pl.col("review_due") < day).fill_null(False))


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
        if not (r["registered"] and r["key"]):
            continue
        why = "; ".join(key_reasons(r, policy.key))
        if not r["team_on_d"]:
            out.append(TeamFlag(r["patient_id"], "no_team", f"key patient ({why}) without a case-management team"))
        elif r["review_overdue"]:
            out.append(TeamFlag(r["patient_id"], "review_overdue",
                                f"team {r['team_id']}: plan review overdue since {r['review_due'].isoformat()}"))
    return out


def team_worklist(facts: pl.DataFrame, policy: TeamPolicy = TEAM_DEFAULT) -> list[TeamFlag]:
    """Flags for every patient of a facts table, by area then patient: the flags
    :func:`team_flags` gives row by row, with the reasons as column expressions (the texts of
    :func:`~smi_care.programme.key_patients.key_reason_conditions`)."""
    c = pl.col
    mine = facts.filter(c("registered") & c("key")).sort(["area", "patient_id"])
    why = pl.concat_str([pl.when(as_column(cond.expr)).then(text).otherwise(None)
                         for cond, text in key_reason_conditions(policy.key)], separator="; ", ignore_nulls=True)
    rows = mine.select(
        "patient_id",
        kind=pl.when(~c("team_on_d")).then(pl.lit("no_team")).when(c("review_overdue")).then(pl.lit("review_overdue")),
        reason=pl.when(~c("team_on_d")).then(fmt("key patient ({}) without a case-management team", why))
        .otherwise(fmt("team {}: plan review overdue since {}", c("team_id"), c("review_due").dt.strftime("%Y-%m-%d"))),
    ).filter(c("kind").is_not_null())
    return [TeamFlag(pid, kind, reason) for pid, kind, reason in rows.iter_rows()]


__all__ = ["KEY_FACTS", "TEAM_DEFAULT", "TEAM_FACTS", "TEAM_INDICATORS", "TeamFlag", "TeamPolicy", "evaluate_teams",
           "is_key_patient", "patient_team_facts", "team_facts", "team_flags", "team_worklist"]
