"""The programme's builders of worklist items (:mod:`smi_care.programme.day_items`), each row by
row against the list it promises to give (``smi-care suspected``, ``assessments-due``,
``supplies``, ``guardians``, the free-medication rule), with the Chinese and English words whole,
on a small county built once (docs/testing.md, "The programme tables").
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.indicators.periods import Period
from smi_care.programme import guardians
from smi_care.programme.assessments import assessment_facts, assessments_due, quarter_start
from smi_care.programme.case_finding import CaseFindingPolicy, case_items
from smi_care.programme.day_items import (
    PART_COLUMNS,
    PART_SCHEMA,
    assessment_items,
    dispensing_items,
    empty_part,
    guardian_items,
    supply_items,
    suspected_items,
    team_items,
)
from smi_care.programme.facts import base_facts
from smi_care.programme.key_patients import KeyPatientPolicy
from smi_care.programme.medication import DispensingPolicy, SupplyAlertPolicy, medication_facts, supply_alerts
from smi_care.programme.report import ProgrammeData, read_programme
from smi_care.programme.teams import TeamPolicy, team_facts, team_worklist
from smi_care.registry.optional import empty_table
from smi_care.registry.programme_files import ASSESSMENT_SPEC
from smi_care.registry.support_files import SupportLoad
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province

ON = dt.date(2025, 9, 30)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ProgrammeData:
    folder = write_province(tmp_path_factory.mktemp("county") / "c", patients=600, seed=7)
    return read_programme(folder, read_tables(folder).tables)


@pytest.fixture(scope="module")
def support(data: ProgrammeData) -> SupportLoad:
    assert data.support is not None
    return data.support


def base_on(data: ProgrammeData, on: dt.date) -> pl.DataFrame:
    return base_facts(data.registry, Period(quarter_start(on), on), covers=data.registry.covers)


@pytest.fixture(scope="module")
def base(data: ProgrammeData) -> pl.DataFrame:
    return base_on(data, ON)


def rows(part: pl.DataFrame) -> list[tuple[object, ...]]:
    assert part.columns == list(PART_COLUMNS) and part.schema == pl.Schema(PART_SCHEMA)
    return sorted(part.rows(), key=repr)


def test_an_empty_part_has_the_columns_of_every_part() -> None:
    assert empty_part().columns == list(PART_COLUMNS) and empty_part().height == 0
    assert empty_part().schema == pl.Schema(PART_SCHEMA)


def iso(d: dt.date) -> str:
    return d.isoformat()


@pytest.mark.parametrize("wait", [30, 10, 0])
def test_suspected_items_are_the_rows_of_the_case_list(data: ProgrammeData, wait: int) -> None:
    suspected = data.table("suspected_cases")
    # one case that endangers others, reported a week ago, so the 110 alert shows too
    extra = suspected.head(1).with_columns(case_id=pl.lit("S-NEW"), reported_on=pl.lit(ON - dt.timedelta(days=min(wait, 7))),
                                           endangers_others=pl.lit(True))
    suspected = pl.concat([suspected, extra], how="vertical_relaxed")
    policy = CaseFindingPolicy(wait)
    alerts, late = suspected_items(suspected, ON, policy)
    cases = case_items(suspected, ON, policy)
    expect_alerts = [("alert_suspected_110", r["case_id"], r["area_code"], r["reported_on"], r["reason"],
                      f"疑似患者{r['case_id']}于{iso(r['reported_on'])}报告，危害他人：立即拨打110")
                     for r in cases.iter_rows(named=True) if r["kind"] == "police_alert"]
    expect_late = [("suspected_waiting", r["case_id"], r["area_code"], r["reported_on"] + dt.timedelta(days=wait),
                    r["reason"], f"{iso(r['reported_on'])}报告后{r['days_waiting']}天仍未确诊（超过{wait}天）")
                   for r in cases.iter_rows(named=True) if r["kind"] == "waiting"]
    assert expect_alerts and expect_late
    assert rows(alerts) == sorted(expect_alerts, key=repr)
    assert rows(late) == sorted(expect_late, key=repr)


@pytest.mark.parametrize("on", [ON, dt.date(2025, 2, 14)])
def test_assessment_items_are_the_quarters_list_and_the_enrolments_without_one(data: ProgrammeData,
                                                                             on: dt.date) -> None:
    base = base_on(data, on)
    assessments = data.table("assessments")
    t = data.registry
    quarterly, enrolment = assessment_items(base, assessments, t.followups, on)
    due = assessments_due(base, assessments, t.followups, on)
    qs = iso(quarter_start(on))

    def since(last: dt.date | None) -> str:
        return "无记录" if last is None else f"上次{iso(last)}"

    expected = [("assessment_due", r["patient_id"], r["area"], r["due"], r["reason"],
                 f"{qs}以来无病情评估（{since(r['last_assessment'])}）；{iso(r['due'])}前完成")
                for r in due.iter_rows(named=True)]
    assert len({e[-1][:30] for e in expected}) >= 2  # with and without an earlier assessment
    assert rows(quarterly) == sorted(expected, key=repr)
    assert enrolment.height == 0  # the county assessed every patient registered this year


def test_a_patient_registered_this_year_without_the_enrolment_assessment(data: ProgrammeData,
                                                                         base: pl.DataFrame) -> None:
    """重性精神疾病患者管理服务规范: the comprehensive assessment at enrolment; without any
    assessment on file, every patient registered from 1 January is due it from registration."""
    none = empty_table(ASSESSMENT_SPEC)
    t = data.registry
    _, enrolment = assessment_items(base, none, t.followups, ON)
    facts = assessment_facts(base, none, t.followups, Period(dt.date(2025, 1, 1), ON))
    new = facts.filter(pl.col("new_in_period")).join(base, on="patient_id").filter(pl.col("registered"))
    expected = [("enrolment_assessment_missing", r["patient_id"], r["area"], r["registration_start"],
                 f"registered on {iso(r['registration_start'])} without the comprehensive assessment of enrolment",
                 f"{iso(r['registration_start'])}建档，无县级及以上机构全面评估记录") for r in new.iter_rows(named=True)]
    assert expected and all(e[3] >= dt.date(2025, 1, 1) for e in expected)
    assert rows(enrolment) == sorted(expected, key=repr)
    # registered before the year: not new, not listed, even without an assessment
    old = base.filter(pl.col("registered") & (pl.col("registration_start") < dt.date(2025, 1, 1)))
    assert old.height and not set(old["patient_id"]) & set(enrolment["patient_id"])


@pytest.mark.parametrize(("within", "lookback"), [(30, 30), (7, 0), (0, 90)])
def test_supply_items_are_the_supply_alerts_of_registered_patients(data: ProgrammeData, support: SupportLoad,
                                                                  base: pl.DataFrame, within: int,
                                                                  lookback: int) -> None:
    policy = SupplyAlertPolicy(within, lookback)
    got = supply_items(support.dispensings, base, ON, policy)
    registered = base.filter(pl.col("registered"))
    area = dict(registered.select("patient_id", "area").iter_rows())
    alerts = supply_alerts(support.dispensings, ON, policy, patients=list(area))

    def zh(a: object) -> str:
        left = (a.runs_out_on - ON).days  # type: ignore[attr-defined]
        day = iso(a.runs_out_on)  # type: ignore[attr-defined]
        return f"免费药品{day}用完（余{left}天）" if left >= 0 else f"免费药品已于{day}用完（{-left}天前）"

    expected = [("supply_running_out", a.patient_id, area[a.patient_id], a.runs_out_on, a.reason, zh(a))
                for a in alerts]
    assert expected
    assert rows(got) == sorted(expected, key=repr)
    assert set(got["patient_id"]) <= set(area)


def test_supply_items_on_the_day_the_supply_runs_out(data: ProgrammeData, support: SupportLoad,
                                                    base: pl.DataFrame) -> None:
    """A supply whose first uncovered day is ``on`` has 0 days left: it runs out, not ran out."""
    got = supply_items(support.dispensings, base, ON, SupplyAlertPolicy(30, 30))
    day = got.filter(pl.col("due") > ON)["due"].min()
    assert isinstance(day, dt.date)
    running_out = set(got.filter(pl.col("due") == day)["patient_id"])
    on_day = supply_items(support.dispensings, base_on(data, day), day, SupplyAlertPolicy(0, 0))
    assert on_day.height and set(on_day["patient_id"]) <= running_out
    assert set(on_day["reason_zh"]) == {f"免费药品{iso(day)}用完（余0天）"}
    after = day + dt.timedelta(days=1)
    late = supply_items(support.dispensings, base_on(data, after), after, SupplyAlertPolicy(0, 5))
    assert set(late.filter(pl.col("patient_id").is_in(on_day["patient_id"].to_list()))["reason_zh"]) == {
        f"免费药品已于{iso(day)}用完（1天前）"}


@pytest.mark.parametrize("per_year", [4, 6, 12])
def test_dispensing_items_are_the_patients_short_of_the_rule(data: ProgrammeData, support: SupportLoad,
                                                             base: pl.DataFrame, per_year: int) -> None:
    rule = DispensingPolicy(per_year=per_year)
    got = dispensing_items(base, data.registry, support.dispensings, ON, rule)
    year = Period(dt.date(2025, 1, 1), ON)
    facts = medication_facts(data.registry, support.dispensings, year, rule=rule, base=base)
    short = facts.filter(pl.col("registered") & pl.col("rule_applies")
                         & (pl.col("free_dispensings") < pl.col("required_dispensings")))
    expected = [("dispensings_short", r["patient_id"], r["area"], ON,
                 f"free medication handed out on {r['free_dispensings']} days in {year}, "
                 f"{r['required_dispensings']} required (at least {per_year} a year)",
                 f"{year}发药{r['free_dispensings']}次，应发{r['required_dispensings']}次（每年至少{per_year}次）")
                for r in short.iter_rows(named=True)]
    assert expected
    assert rows(got) == sorted(expected, key=repr)
    # a dispensing outside the year, or not free, does not bring a patient under the rule
    assert all(r[1] in set(support.dispensings.filter(pl.col("free") & (pl.col("date") >= year.start)
                                                      & (pl.col("date") <= ON))["patient_id"]) for r in expected)


def test_dispensing_items_count_only_free_dispensings_of_the_year_so_far(data: ProgrammeData, support: SupportLoad,
                                                                          base: pl.DataFrame) -> None:
    rule = DispensingPolicy(per_year=12)
    got = dispensing_items(base, data.registry, support.dispensings, ON, rule)
    pid = got["patient_id"][0]
    d = support.dispensings
    free_this_year = d.filter((pl.col("patient_id") == pid) & pl.col("free") & (pl.col("date") >= dt.date(2025, 1, 1))
                              & (pl.col("date") <= ON))
    assert free_this_year.height
    # moved after ``on`` or made paid, that patient's dispensings no longer put the patient under the rule
    later = d.with_columns(date=pl.when(pl.col("patient_id") == pid).then(pl.lit(ON + dt.timedelta(days=1)))
                           .otherwise(pl.col("date")))
    assert pid not in dispensing_items(base, data.registry, later, ON, rule)["patient_id"].to_list()
    paid = d.with_columns(free=pl.when(pl.col("patient_id") == pid).then(pl.lit(False)).otherwise(pl.col("free")))
    assert pid not in dispensing_items(base, data.registry, paid, ON, rule)["patient_id"].to_list()
    earlier = d.with_columns(date=pl.when(pl.col("patient_id") == pid).then(pl.lit(dt.date(2024, 12, 31)))
                             .otherwise(pl.col("date")))
    assert pid not in dispensing_items(base, data.registry, earlier, ON, rule)["patient_id"].to_list()
    on_day = d.with_columns(date=pl.when(pl.col("patient_id") == pid).then(pl.lit(ON)).otherwise(pl.col("date")))
    assert pid in dispensing_items(base, data.registry, on_day, ON, rule)["patient_id"].to_list()
    first = d.with_columns(date=pl.when(pl.col("patient_id") == pid).then(pl.lit(dt.date(2025, 1, 1)))
                           .otherwise(pl.col("date")))
    assert pid in dispensing_items(base, data.registry, first, ON, rule)["patient_id"].to_list()


@pytest.mark.parametrize("risk_from", [3, 1])
def test_team_items_are_the_team_lines_of_the_supplies_list(data: ProgrammeData, support: SupportLoad,
                                                            base: pl.DataFrame, risk_from: int) -> None:
    policy = TeamPolicy(key=KeyPatientPolicy(risk_from=risk_from))
    assessments = data.table("assessments")
    (none, overdue), team_of = team_items(data.registry, support.teams, support.team_reviews, assessments, base, ON,
                                          policy)
    facts = team_facts(data.registry, support.teams, support.team_reviews, Period(quarter_start(ON), ON), policy,
                       base=base, assessments=assessments)
    info = {r["patient_id"]: r for r in facts.iter_rows(named=True)}
    flags = team_worklist(facts, policy)
    assert {f.kind for f in flags} == {"no_team", "review_overdue"}
    assert rows(none) == sorted([("key_patient_no_team", f.patient_id, info[f.patient_id]["area"], ON, f.reason,
                                  "重点管理患者，尚无个案管理小组") for f in flags if f.kind == "no_team"], key=repr)
    assert rows(overdue) == sorted([
        ("team_review_overdue", f.patient_id, info[f.patient_id]["area"], info[f.patient_id]["review_due"], f.reason,
         f"个案管理小组{info[f.patient_id]['team_id']}：{iso(info[f.patient_id]['review_due'])}起评估逾期")
        for f in flags if f.kind == "review_overdue"], key=repr)
    assert team_of.columns == ["patient_id", "team_id"]
    assert sorted(team_of.rows()) == sorted((p, r["team_id"]) for p, r in info.items() if r["team_id"] is not None)


@pytest.mark.parametrize(("on", "quarter"), [(ON, "2025Q3"), (dt.date(2025, 7, 1), "2025Q3"),
                                             (dt.date(2025, 6, 30), "2025Q2"), (dt.date(2025, 12, 31), "2025Q4"),
                                             (dt.date(2025, 3, 20), "2025Q1")])
def test_guardian_items_are_the_eligible_guardians_of_the_quarter_so_far(data: ProgrammeData, support: SupportLoad,
                                                                         on: dt.date, quarter: str) -> None:
    base = base_on(data, on)
    q = Period.parse(quarter)
    for policy in (guardians.REWARD_DEFAULT, guardians.REWARD_NO_INCIDENT):
        got = guardian_items(data.registry, support.guardians, base, on, policy)
        facts = guardians.guardian_facts(data.registry, support.guardians, Period(q.start, on), policy, base=base)
        ok = facts.filter(pl.col("registered") & pl.col("guardian_on_record") & pl.col("reward_eligible"))
        expected = [("guardian_reward_to_confirm", r["patient_id"], r["area"], q.end,
                     f"guardian eligible for the reward of {q} under {policy.name}",
                     f"{q}监护人符合以奖代补条件（{policy.name}），待确认") for r in ok.iter_rows(named=True)]
        assert rows(got) == sorted(expected, key=repr)
        if on == ON:
            assert expected
