"""Guardians (item 5) and case-management teams (item 6): both engines equal, decisions with
reasons, indicator invariants, worked examples and the files' reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from smi_care.domain import Registry
from smi_care.domain.guardian import Guardianship
from smi_care.domain.identity import AreaLevel
from smi_care.domain.team import Team, TeamReview, TeamRole
from smi_care.indicators import Period, finalize
from smi_care.programme.guardians import (
    GUARDIAN_INDICATORS,
    REWARD_DEFAULT,
    REWARD_NO_INCIDENT,
    evaluate_guardians,
    guardian_facts,
    guardian_list,
    patient_guardian_facts,
)
from smi_care.programme.teams import (
    TEAM_INDICATORS,
    TeamPolicy,
    evaluate_teams,
    is_key_patient,
    patient_team_facts,
    team_facts,
    team_flags,
    team_worklist,
)
from smi_care.registry.support_files import read_support_files, reviews_by_team, teams_by_patient
from smi_care.registry.tables import read_tables
from tests.test_engines_equal import periods, registries, tables_of

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LO = dt.date(2023, 6, 1)


def day(draw: st.DrawFn, lo: dt.date = LO, span: int = 950) -> dt.date:
    return lo + dt.timedelta(days=draw(st.integers(0, span)))


def maybe_after(draw: st.DrawFn, start: dt.date) -> dt.date | None:
    return draw(st.none() | st.integers(0, 400).map(lambda n: start + dt.timedelta(days=n)))


@st.composite
def guardianship(draw: st.DrawFn, pid: str) -> Guardianship:
    since = day(draw)
    insured = draw(st.booleans())
    start = day(draw) if insured else None
    return Guardianship(pid, since, maybe_after(draw, since), start,
                        start + dt.timedelta(days=draw(st.integers(0, 400))) if start else None)


@st.composite
def team_set(draw: st.DrawFn, pid: str, k: int) -> tuple[list[Team], list[TeamReview]]:
    teams, reviews = [], []
    for j in range(draw(st.integers(0, 2))):
        formed = day(draw)
        tid = f"T{k}{j}"
        roles = frozenset(draw(st.lists(st.sampled_from(list(TeamRole)), min_size=1, max_size=3)))
        teams.append(Team(tid, pid, formed, roles, draw(st.none() | st.integers(0, 500).map(
            lambda n, f=formed: f + dt.timedelta(days=n))), None))
        for _ in range(draw(st.integers(0, 3))):
            r = day(draw, formed, 400)
            reviews.append(TeamReview(tid, r, draw(st.none() | st.integers(1, 90).map(
                lambda n, r=r: r + dt.timedelta(days=n)))))
    return teams, reviews


def gframe(gs: list[Guardianship]) -> pl.DataFrame:
    return pl.DataFrame([(g.patient_id, g.since, g.until, g.insured_from, g.insured_until, i) for i, g in enumerate(gs)],
                        schema={"patient_id": pl.String, "since": pl.Date, "until": pl.Date, "insured_from": pl.Date,
                                "insured_until": pl.Date, "row": pl.UInt32}, orient="row").reverse()


def tframe(ts: list[Team]) -> pl.DataFrame:
    return pl.DataFrame([(t.team_id, t.patient_id, t.formed_on, ";".join(str(r.code) for r in sorted(
        t.roles, key=lambda r: r.code)), t.dissolved_on, t.plan, i) for i, t in enumerate(ts)],
        schema={"team_id": pl.String, "patient_id": pl.String, "formed_on": pl.Date, "roles": pl.String,
                "dissolved_on": pl.Date, "plan": pl.String, "row": pl.UInt32}, orient="row").reverse()


def rframe(rs: list[TeamReview]) -> pl.DataFrame:
    return pl.DataFrame([(r.team_id, r.date, r.next_review, i) for i, r in enumerate(rs)],
                        schema={"team_id": pl.String, "date": pl.Date, "next_review": pl.Date, "row": pl.UInt32},
                        orient="row").reverse()


@st.composite
def with_guardians(draw: st.DrawFn) -> tuple[Registry, dict[str, list[Guardianship]]]:
    reg = draw(registries())
    return reg, {pid: draw(st.lists(guardianship(pid), max_size=2)) for pid in reg.records}


@st.composite
def with_teams(draw: st.DrawFn) -> tuple[Registry, dict[str, list[Team]], list[TeamReview]]:
    reg = draw(registries())
    teams: dict[str, list[Team]] = {}
    reviews: list[TeamReview] = []
    for k, pid in enumerate(reg.records):
        ts, rs = draw(team_set(pid, k))
        teams[pid] = ts
        reviews += rs
    return reg, teams, reviews


# --- guardians -------------------------------------------------------------------------------------------

@FAST
@given(with_guardians(), periods(), st.sampled_from((REWARD_DEFAULT, REWARD_NO_INCIDENT)))
def test_guardian_facts_equal_patient_by_patient(case: tuple[Registry, dict[str, list[Guardianship]]],
                                                 period: Period, policy: Any) -> None:
    reg, gs = case
    table = guardian_facts(tables_of(reg), gframe([g for v in gs.values() for g in v]), period, policy)
    got = {r["patient_id"]: r for r in table.iter_rows(named=True)}
    for rec in reg:
        expected = patient_guardian_facts(rec, gs[rec.patient_id], period, reg.covers, policy)
        expected.pop("economic_status")
        assert {k: got[rec.patient_id][k] for k in expected} == expected
        decision = policy.decide(got[rec.patient_id])
        assert decision.reasons and decision.eligible is expected["reward_eligible"]
        assert decision.eligible is (not decision.failed)


@FAST
@given(with_guardians(), periods())
def test_guardian_indicators_are_consistent(case: tuple[Registry, dict[str, list[Guardianship]]],
                                           period: Period) -> None:
    reg, gs = case
    total, town = evaluate_guardians(tables_of(reg), gframe([g for v in gs.values() for g in v]), period,
                                     by=[None, AreaLevel.TOWNSHIP])
    for ind in GUARDIAN_INDICATORS:
        n, d = total.counts.get((ind.id, ""), (0, 0))
        assert 0 <= n <= d
        parts = [v for (i, _), v in town.counts.items() if i == ind.id]
        assert (sum(x for x, _ in parts), sum(y for _, y in parts)) == (n, d)


def _facts(**kw: Any) -> dict[str, Any]:
    base = {"patient_id": "P1", "registered": True, "guardian_on_record": True, "incident": False,
            "incident_date": None, "hospital_for_medication": False, "last_adherence": 1, "guardian_present": 1}
    return {**base, **kw}


def test_guardian_decisions_worked_examples() -> None:
    ok = REWARD_DEFAULT.decide(_facts())
    assert ok.eligible and "no incident (肇事/肇祸) in the period" in ok.reasons
    incident = REWARD_DEFAULT.decide(_facts(incident=True, incident_date=dt.date(2025, 8, 14)))
    assert incident.failed == ("incident (肇事/肇祸) at the follow-up of 2025-08-14",)
    off = REWARD_DEFAULT.decide(_facts(last_adherence=3, guardian_present=0))
    assert off.failed == ("not on medication at the last follow-up in the period (adherence 3; needs 1 规律 or 2 间断, "
                          "or in hospital)", "guardian not present at any follow-up in the period (随访对象 2 家属/监护人)")
    assert REWARD_DEFAULT.decide(_facts(last_adherence=None, hospital_for_medication=True)).eligible
    assert REWARD_NO_INCIDENT.decide(_facts(last_adherence=3, guardian_present=0)).eligible


def test_guardian_list_hides_names_unless_asked() -> None:
    facts = pl.DataFrame([_facts(area="110105001001"), _facts(patient_id="P2", area="110105001001",
                                                              guardian_on_record=False)])
    plain = guardian_list(facts)
    assert [g.patient_id for g in plain] == ["P1"] and plain[0].guardian_name is None
    assert "张" not in repr(guardian_list(facts, names={"P1": "张三"}))
    assert guardian_list(facts, names={"P1": "张三"})[0].guardian_name == "张三"


# --- teams -----------------------------------------------------------------------------------------------

@FAST
@given(with_teams(), periods(), st.integers(7, 60))
def test_team_facts_equal_patient_by_patient(case: tuple[Registry, dict[str, list[Team]], list[TeamReview]],
                                             period: Period, days: int) -> None:
    reg, teams, reviews = case
    policy = TeamPolicy(review_days=days)
    table = team_facts(tables_of(reg), tframe([t for v in teams.values() for t in v]), rframe(reviews), period, policy)
    got = {r["patient_id"]: r for r in table.iter_rows(named=True)}
    by_team: dict[str, list[TeamReview]] = {}
    for r in reviews:
        by_team.setdefault(r.team_id, []).append(r)
    for rec in reg:
        expected = patient_team_facts(rec, teams[rec.patient_id], by_team, period, reg.covers, policy)
        expected.pop("economic_status")
        assert {k: got[rec.patient_id][k] for k in expected} == expected
        assert expected["key"] is is_key_patient(rec, period, reg.covers, (), policy)
    flags = team_worklist(table)
    assert all(f.reason for f in flags)
    assert {f.patient_id for f in flags if f.kind == "no_team"} == {
        p for p, r in got.items() if r["registered"] and r["key"] and not r["team_on_d"]}


@FAST
@given(with_teams(), periods())
def test_team_indicators_are_consistent(case: tuple[Registry, dict[str, list[Team]], list[TeamReview]],
                                        period: Period) -> None:
    reg, teams, reviews = case
    total, town = evaluate_teams(tables_of(reg), tframe([t for v in teams.values() for t in v]), rframe(reviews),
                                 period, by=[None, AreaLevel.TOWNSHIP])
    for ind in TEAM_INDICATORS:
        n, d = total.counts.get((ind.id, ""), (0, 0))
        assert 0 <= n <= d
        parts = [v for (i, _), v in town.counts.items() if i == ind.id]
        assert (sum(x for x, _ in parts), sum(y for _, y in parts)) == (n, d)


def test_team_flag_for_an_overdue_review() -> None:
    unstable = {"patient_id": "P4", "registered": True, "key": True, "last_risk": 1, "last_any_class": 1,
                "incident": True, "harm_emergency": False, "team_on_d": False, "team_id": None,
                "review_due": None, "review_overdue": False}
    assert [f.reason for f in team_flags([unstable])] == [
        "key patient (last follow-up unstable (病情不稳定); 肇事/肇祸 recorded in the period) without a "
        "case-management team"]
    row = {**unstable, "patient_id": "P3", "team_on_d": True, "team_id": "T7",
           "review_due": dt.date(2025, 9, 10), "review_overdue": True}
    assert [f.reason for f in team_flags([row])] == ["team T7: plan review overdue since 2025-09-10"]
    assert team_flags([{**row, "review_overdue": False}]) == []
    assert team_flags([{**row, "key": False}]) == []


def test_teams_serve_the_programme_key_patients_assessment_and_emergency() -> None:
    """One definition: a risk level 4 at a quarterly assessment, or an emergency 危害他人或公共安全
    in the period, makes a key patient for the teams too (both engines)."""
    from smi_care.domain.assessment import Assessment, AssessmentKind
    from smi_care.domain.codes import EmergencyCategory, EventKind
    from smi_care.domain.events import Event
    from smi_care.programme.facts import base_patient_facts
    from smi_care.programme.key_patients import key_facts, patient_key_facts
    from tests.helpers import visit

    calm = attrs.evolve(_record(), followups=(visit(dt.date(2025, 8, 1), risk_level=1),))
    assessment = Assessment("P1", dt.date(2025, 9, 1), AssessmentKind.QUARTERLY, 4)
    reg = Registry.of([calm])
    covers = reg.covers
    assert not is_key_patient(calm, Q3, covers)
    assert is_key_patient(calm, Q3, covers, [assessment])
    assert not is_key_patient(calm, Q3, covers, [attrs.evolve(assessment, date=dt.date(2025, 10, 1))])
    harm = attrs.evolve(calm, events=(Event("P1", dt.date(2025, 7, 3), EventKind.EMERGENCY,
                                            emergency=EmergencyCategory.HARM_TO_OTHERS),))
    assert is_key_patient(harm, Q3, covers)
    assert not is_key_patient(harm, Period.parse("2025Q4"), covers)
    tables = tables_of(reg)
    aframe = pl.DataFrame({"patient_id": ["P1"], "date": [assessment.date], "risk_level": [4]})
    base = team_facts(tables, tframe([]), rframe([]), Q3, assessments=aframe)
    assert base.row(0, named=True)["key"] is True
    one = patient_key_facts(calm, base_patient_facts(calm, Q3, reg.covers), Q3, [assessment])
    col = key_facts(base.select("patient_id", "registered", "incident"), tables.followups, tables.events, aframe, Q3)
    assert col.row(0, named=True) == {"patient_id": "P1", **one}


# --- the files ------------------------------------------------------------------------------------------

PATIENTS = ("patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date\n"
            "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08\n"
            "P2,2,1975-03-04,110105002001,1,2020-05-01,2020-05-08,1,2020-05-08\n")
FOLLOWUPS = ("patient_id,visit_date,form,seen,risk_level,symptoms,insight,sf_self_care,sf_housework,sf_work,"
             "sf_learning,sf_social,adherence,acts,classification,next_visit_date,hospitalisation,adr\n"
             "P1,2025-07-10,2,1;2,0,,1,1,1,1,1,1,1,,3,2025-10-10,0,1\n"
             "P2,2025-08-14,2,1;2,4,1,3,3,3,3,3,3,3,2:1,1,2025-08-28,0,1\n")


def test_guardian_and_team_files_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "patients.csv").write_text(PATIENTS, encoding="utf-8")
    (tmp_path / "followups.csv").write_text(FOLLOWUPS, encoding="utf-8")
    (tmp_path / "guardians.csv").write_text(
        "patient_id,since,until,insured_from,insured_until\n"
        "P1,2024-01-01,,2025-01-01,2025-12-31\nP2,2024-01-01,,,\nP2,2025-02-01,2024-01-01,,\n"
        "P1,2024-01-01,,2025-01-01,\n", encoding="utf-8")
    (tmp_path / "teams.csv").write_text(
        "team_id,patient_id,formed_on,roles,dissolved_on,plan\n"
        "T1,P2,2025-08-20,3;4;8,,每两周面访\nT1,P1,2025-08-20,3,,\nT2,P1,2025-08-20,9,,\n", encoding="utf-8")
    (tmp_path / "team_reviews.csv").write_text(
        "team_id,date,next_review\nT1,2025-09-01,2025-09-15\nT9,2025-09-01,\nT1,2025-09-20,2025-09-10\n",
        encoding="utf-8")
    tables = read_tables(tmp_path)
    assert tables.ok, tables.problems
    load = read_support_files(tmp_path, tables.tables)
    assert [(p.file, p.line, p.column, p.kind) for p in load.problems] == [
        ("guardians.csv", 4, "until", "rule"), ("guardians.csv", 5, "insured_until", "missing_required"),
        ("teams.csv", 3, "team_id", "duplicate_team_id"), ("teams.csv", 4, "roles", "bad_code"),
        ("team_reviews.csv", 3, "team_id", "unknown_team"), ("team_reviews.csv", 4, "next_review", "rule")]
    for c in load.counts:
        assert c.read == c.accepted + c.rejected
    q3 = Period.parse("2025Q3")
    g = guardian_facts(tables.tables, load.guardians, q3)
    decisions = {x.patient_id: x.decision for x in guardian_list(g)}
    assert decisions["P1"].eligible
    assert "incident (肇事/肇祸) at the follow-up of 2025-08-14" in decisions["P2"].failed
    rep = finalize(evaluate_guardians(tables.tables, load.guardians, q3)[0], targets=())
    assert (rep.result("guardian_insurance_rate").numerator, rep.result("guardian_insurance_rate").denominator) == (1, 2)
    t = team_facts(tables.tables, load.teams, load.team_reviews, q3)
    assert [(f.patient_id, f.kind) for f in team_worklist(t)] == [("P2", "review_overdue")]
    assert teams_by_patient(load.teams)["P2"][0].roles == frozenset({TeamRole.DOCTOR, TeamRole.POLICE,
                                                                      TeamRole.FAMILY})
    assert reviews_by_team(load.team_reviews)["T1"][0].next_review == dt.date(2025, 9, 15)
    assert attrs.asdict(load.counts_for("teams.csv")) == {"file": "teams.csv", "read": 3, "accepted": 1,
                                                         "rejected": 2}


def test_support_in_one_pass_equals_the_three_modules(tmp_path: Path) -> None:
    from smi_care.programme.medication import evaluate_medication
    from smi_care.programme.support import evaluate_support
    from smi_care.synth import write_province

    folder = write_province(tmp_path, patients=150, seed=11)
    tables = read_tables(folder).tables
    load = read_support_files(folder, tables)
    assert load.ok
    period = Period.parse("2025Q2")
    total, town = evaluate_support(tables, load, period, by=[None, AreaLevel.TOWNSHIP])
    separate = {**evaluate_medication(tables, load.dispensings, period, by=None)[0].counts,
                **evaluate_guardians(tables, load.guardians, period, by=None)[0].counts,
                **evaluate_teams(tables, load.teams, load.team_reviews, period, by=None)[0].counts}
    assert dict(total.counts) == separate
    for (ind, _), (n, d) in total.counts.items():
        parts = [v for (i, g), v in town.counts.items() if i == ind]
        assert (sum(x for x, _ in parts), sum(y for _, y in parts)) == (n, d)


def test_the_audit_of_each_row_adds_up_to_the_counts(tmp_path: Path) -> None:
    from smi_care.programme.decisions import audit_facts
    from smi_care.programme.support import SUPPORT_INDICATORS, evaluate_support, support_facts
    from smi_care.synth import write_province

    folder = write_province(tmp_path, patients=120, seed=13)
    tables = read_tables(folder).tables
    load = read_support_files(folder, tables)
    period = Period.parse("2025")
    facts = support_facts(tables, load, period)
    total = evaluate_support(tables, load, period, by=None)[0]
    rows = list(facts.iter_rows(named=True))
    for ind in SUPPORT_INDICATORS:
        audits = [audit_facts(ind, r) for r in rows]
        assert all(a.lines for a in audits)
        got = (sum(a.in_numerator for a in audits), sum(a.in_denominator for a in audits))
        assert got == total.counts.get((ind.id, ""), (0, 0))


# --- boundary tables: the day before, on and after ------------------------------------------------------

Q3 = Period.parse("2025Q3")


def _record() -> Any:
    from smi_care.domain import Consent, Disorder, PatientRecord, Sex
    from smi_care.domain.identity import AreaCode
    from smi_care.domain.patient import Patient

    return PatientRecord(Patient(patient_id="P1", sex=Sex.MALE, birth_date=dt.date(1980, 1, 2),
                                 area_code=AreaCode("110105001002"), disorder=Disorder.SCHIZOPHRENIA,
                                 diagnosis_date=dt.date(2020, 5, 1), registered_on=dt.date(2020, 5, 8),
                                 consent=Consent.AGREED, consent_date=dt.date(2020, 5, 8)))


@pytest.mark.parametrize(("until", "on_record"), [
    (dt.date(2025, 6, 30), False), (dt.date(2025, 7, 1), True), (dt.date(2025, 7, 2), True), (None, True)])
def test_guardian_on_record_boundaries(until: dt.date | None, on_record: bool) -> None:
    g = Guardianship("P1", dt.date(2024, 1, 1), until)
    assert patient_guardian_facts(_record(), [g], Q3, lambda a: True)["guardian_on_record"] is on_record


@pytest.mark.parametrize(("start", "end", "insured"), [
    (dt.date(2025, 1, 1), dt.date(2025, 9, 29), False), (dt.date(2025, 1, 1), dt.date(2025, 9, 30), True),
    (dt.date(2025, 9, 30), dt.date(2025, 12, 31), True), (dt.date(2025, 10, 1), dt.date(2025, 12, 31), False)])
def test_insurance_in_force_on_the_last_day(start: dt.date, end: dt.date, insured: bool) -> None:
    g = Guardianship("P1", dt.date(2024, 1, 1), None, start, end)
    assert patient_guardian_facts(_record(), [g], Q3, lambda a: True)["insured"] is insured


@pytest.mark.parametrize(("review", "next_review", "overdue"), [
    (dt.date(2025, 9, 1), dt.date(2025, 9, 29), True),    # due the day before D
    (dt.date(2025, 9, 1), dt.date(2025, 9, 30), False),   # due on D
    (dt.date(2025, 9, 1), dt.date(2025, 10, 1), False),   # due after D
    (dt.date(2025, 8, 30), None, True),                   # 30 days after: 09-29
    (dt.date(2025, 8, 31), None, False),                  # 30 days after: 09-30
])
def test_team_review_overdue_boundaries(review: dt.date, next_review: dt.date | None, overdue: bool) -> None:
    team = Team("T1", "P1", dt.date(2025, 8, 1), frozenset({TeamRole.DOCTOR}))
    facts = patient_team_facts(_record(), [team], {"T1": [TeamReview("T1", review, next_review)]}, Q3,
                               lambda a: True)
    assert facts["team_on_d"] and facts["review_overdue"] is overdue


@pytest.mark.parametrize(("dissolved", "active"), [
    (dt.date(2025, 9, 30), False), (dt.date(2025, 10, 1), True), (None, True)])
def test_team_active_on_the_last_day(dissolved: dt.date | None, active: bool) -> None:
    team = Team("T1", "P1", dt.date(2025, 8, 1), frozenset({TeamRole.DOCTOR}), dissolved)
    assert patient_team_facts(_record(), [team], {}, Q3, lambda a: True)["team_on_d"] is active
