"""Case-management teams (:mod:`smi_care.programme.teams`) on hand-built records, each fact worked
out by hand: the team active on D (formed on D, dissolved on D, the latest formed, same-day ties
to the later row), the review due (from the forming, from the last review or the date it set),
overdue when due before D, the indicators' counts and the worklist's flags in words. Written
for the mutation run of the module (docs/testing.md, "The programme tables"); about a second.
Work plans 004 (个案管理团队) and 001 (个案管理); the 30 days are the module's local default.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import polars as pl
import pytest

from smi_care.domain import AreaCode, Registry
from smi_care.domain.identity import AreaLevel
from smi_care.domain.team import Team, TeamReview, TeamRole
from smi_care.indicators.periods import Period
from smi_care.programme.facts import base_patient_facts
from smi_care.programme.key_patients import KeyPatientPolicy
from smi_care.programme.teams import (
    TEAM_DEFAULT,
    TEAM_FACTS,
    TeamFlag,
    TeamPolicy,
    evaluate_teams,
    is_key_patient,
    patient_team_facts,
    team_facts,
    team_flags,
    team_worklist,
)
from tests.helpers import D, patient, record, visit
from tests.test_engines_equal import tables_of
from tests.test_programme_facts_mutants import POLICY
from tests.test_programme_facts_mutants import REGISTRY as POLICY_REGISTRY
from tests.test_programme_guardians_teams import rframe, tframe

Q3 = Period.parse("2025Q3")
WEST = AreaCode("110105002001")
ROLES = frozenset({TeamRole.VILLAGE_COMMITTEE})


def key(pid: str, area: AreaCode | None = None, risk: int = 3) -> Any:
    """A key patient: risk ``risk`` at a follow-up on 1 September."""
    p = patient(pid) if area is None else patient(pid, area_code=area)
    return record(visit(D(2025, 9, 1), pid, risk_level=risk), p=p)


REGISTRY = Registry.of([key("T1"), key("T2"), key("T3", WEST), key("T4", WEST), key("T5"), key("T6"),
                        key("T7", risk=2), key("T8")])
TEAMS = [
    Team("A1", "T1", D(2025, 9, 30), ROLES),                                # formed on D: due 10-30
    Team("B1", "T2", D(2025, 6, 1), ROLES, dissolved_on=D(2025, 9, 30)),    # dissolved on D: no team
    Team("C1", "T3", D(2025, 5, 1), ROLES),                                 # last review 08-25 set 09-30
    Team("D1", "T4", D(2025, 5, 1), ROLES),                                 # reviewed 08-30: due 09-29
    Team("E1", "T5", D(2025, 1, 1), ROLES),                                 # the latest formed wins
    Team("E2", "T5", D(2025, 8, 1), ROLES),
    Team("F1", "T6", D(2025, 8, 1), ROLES),                                 # the same day: the later row
    Team("F2", "T6", D(2025, 8, 1), ROLES),
    Team("G1", "T7", D(2025, 8, 1), ROLES),                                 # not a key patient (risk 2)
    Team("H1", "T8", D(2025, 10, 1), ROLES),                                # formed after D
]
REVIEWS = [
    TeamReview("C1", D(2025, 7, 1), D(2025, 7, 20)),
    TeamReview("C1", D(2025, 8, 25), D(2025, 9, 30)),   # due on D: not overdue
    TeamReview("D1", D(2025, 8, 30)),                   # no date set: 30 days, 09-29, overdue
    TeamReview("D1", D(2025, 10, 1), D(2025, 12, 1)),   # after D: not read
    TeamReview("E1", D(2025, 9, 1)),                    # the older team's review: not E2's
    TeamReview("F2", D(2025, 9, 1), D(2025, 9, 2)),     # the later row's review: overdue since 09-02
]
#: patient → (team_on_d, team_id, review_due, review_overdue, key)
EXPECTED = {
    "T1": (True, "A1", D(2025, 10, 30), False, True),
    "T2": (False, None, None, False, True),
    "T3": (True, "C1", D(2025, 9, 30), False, True),
    "T4": (True, "D1", D(2025, 9, 29), True, True),
    "T5": (True, "E2", D(2025, 8, 31), True, True),
    "T6": (True, "F2", D(2025, 9, 2), True, True),
    "T7": (True, "G1", D(2025, 8, 31), True, False),
    "T8": (False, None, None, False, True),
}
SEVEN = next(r for r in REGISTRY if r.patient_id == "T7")
COLUMNS = ("team_on_d", "team_id", "review_due", "review_overdue", "key")


def _facts(policy: TeamPolicy = TEAM_DEFAULT, **kw: Any) -> pl.DataFrame:
    return team_facts(tables_of(REGISTRY), tframe(TEAMS), rframe(REVIEWS), Q3, policy, covers=REGISTRY.covers, **kw)


def test_the_team_facts_worked_by_hand() -> None:
    facts = _facts()
    assert {r["patient_id"]: tuple(r[k] for k in COLUMNS) for r in facts.iter_rows(named=True)} == EXPECTED
    assert facts.schema["review_due"] == pl.Date


def test_one_patient_s_facts_are_that_patient_s_row() -> None:
    facts = {r["patient_id"]: r for r in _facts().iter_rows(named=True)}
    by_team: dict[str, list[TeamReview]] = {}
    for r in REVIEWS:
        by_team.setdefault(r.team_id, []).append(r)
    for rec in REGISTRY:
        mine = [t for t in TEAMS if t.patient_id == rec.patient_id]
        one = patient_team_facts(rec, mine, by_team, Q3, REGISTRY.covers)
        assert set(TEAM_FACTS) <= set(one)
        assert one == {k: facts[rec.patient_id][k] for k in one}


def test_the_review_days_and_the_key_threshold_follow_the_policy() -> None:
    week = {r["patient_id"]: (r["review_due"], r["review_overdue"])
            for r in _facts(TeamPolicy(review_days=7)).iter_rows(named=True)}
    assert week["T1"] == (D(2025, 10, 7), False) and week["T4"] == (D(2025, 9, 6), True)
    assert week["T3"] == (D(2025, 9, 30), False)  # the date the review set, whatever the policy
    two = {r["patient_id"]: r["key"] for r in _facts(TeamPolicy(key=KeyPatientPolicy(risk_from=2))).iter_rows(
        named=True)}
    assert two["T7"] is True
    assert is_key_patient(SEVEN, Q3, REGISTRY.covers, policy=TeamPolicy(key=KeyPatientPolicy(2)))
    assert not is_key_patient(SEVEN, Q3, REGISTRY.covers)


def test_the_evaluation_policy_reaches_one_patient_s_facts() -> None:
    for rec in POLICY_REGISTRY:
        base = base_patient_facts(rec, Q3, POLICY_REGISTRY.covers, POLICY)
        one = patient_team_facts(rec, [], {}, Q3, POLICY_REGISTRY.covers, evaluation=POLICY)
        assert {k: one[k] for k in base} == base
        assert is_key_patient(rec, Q3, POLICY_REGISTRY.covers, evaluation=POLICY) is one["key"]


def test_the_indicators_count_the_key_patients_worked_by_hand() -> None:
    total, town = evaluate_teams(tables_of(REGISTRY), tframe(TEAMS), rframe(REVIEWS), Q3, by=[None, AreaLevel.TOWNSHIP],
                                 covers=REGISTRY.covers)
    # key: T1–T6, T8; in a team on D: T1, T3, T4, T5, T6; on time: T1, T3
    assert total.counts == {("key_patients_in_team_rate", ""): (5, 7), ("team_review_on_time_rate", ""): (2, 5)}
    assert town.counts[("key_patients_in_team_rate", "110105002")] == (2, 2)
    assert town.counts[("team_review_on_time_rate", "110105002")] == (1, 2)
    (with_policy,) = evaluate_teams(tables_of(REGISTRY), tframe(TEAMS), rframe(REVIEWS), Q3, by=None,
                                    policy=TeamPolicy(review_days=60), evaluation=POLICY, covers=REGISTRY.covers)
    assert with_policy.policy == POLICY
    # risk 2 is unstable under POLICY's classes: T7 is key too; with 60 days T4 (10-29), T5 and T7
    # (09-30) are on time, T6's review set 09-02
    assert with_policy.counts[("team_review_on_time_rate", "")] == (5, 6)
    (default_by,) = evaluate_teams(tables_of(REGISTRY), tframe(TEAMS), rframe(REVIEWS), Q3, covers=REGISTRY.covers)
    assert default_by.by is AreaLevel.TOWNSHIP


def test_the_indicators_read_the_coverage_given() -> None:
    tables = attrs.evolve(tables_of(REGISTRY), registry=Registry.of([]))
    (given,) = evaluate_teams(tables, tframe(TEAMS), rframe(REVIEWS), Q3, by=None, covers=REGISTRY.covers)
    (own,) = evaluate_teams(tables, tframe(TEAMS), rframe(REVIEWS), Q3, by=None)
    assert given.counts == own.counts  # nobody moved: the coverage given changes nothing here
    assert given.counts[("key_patients_in_team_rate", "")] == (5, 7)


def test_the_worklist_in_words_by_area_then_patient() -> None:
    facts = _facts()
    flags = team_worklist(facts)
    assert flags == [
        TeamFlag("T2", "no_team", "key patient (risk level 3 at the last assessment or follow-up (≥ 3); last follow-up "
                                  "unstable (病情不稳定)) without a case-management team"),
        TeamFlag("T5", "review_overdue", "team E2: plan review overdue since 2025-08-31"),
        TeamFlag("T6", "review_overdue", "team F2: plan review overdue since 2025-09-02"),
        TeamFlag("T8", "no_team", "key patient (risk level 3 at the last assessment or follow-up (≥ 3); last follow-up "
                                  "unstable (病情不稳定)) without a case-management team"),
        TeamFlag("T4", "review_overdue", "team D1: plan review overdue since 2025-09-29"),
    ]
    rows = sorted(facts.iter_rows(named=True), key=lambda r: (r["area"], r["patient_id"]))
    assert team_flags(rows) == flags
    two = TeamPolicy(key=KeyPatientPolicy(risk_from=2))
    facts2 = _facts(two)
    assert [f.patient_id for f in team_worklist(facts2, two)] == ["T2", "T5", "T6", "T7", "T8", "T4"]
    assert team_worklist(facts2, two)[1].reason == team_flags([r for r in facts2.iter_rows(named=True)
                                                               if r["patient_id"] == "T5"], two)[0].reason


def test_the_policy_refuses_negative_days() -> None:
    with pytest.raises(ValueError):
        TeamPolicy(review_days=-1)
    assert TeamPolicy(review_days=0).review_days == 0
    assert dt.timedelta(days=TeamPolicy().review_days) == dt.timedelta(days=30)
