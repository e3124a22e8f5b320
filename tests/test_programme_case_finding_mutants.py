"""Case finding (:mod:`smi_care.programme.case_finding`) on hand-built suspected cases, each fact and
figure worked out by hand: reported on the period's first and last days and the day before,
diagnosed or enrolled on D and the day after, excluded without a diagnosis; the figures per
group and in total (the median of the days to a diagnosis); the worklist's 110 alerts and
waiting cases at the edges of their windows, with their words. Written for the mutation run of
the module (docs/testing.md, "The programme tables"); under a second.
Work plans 000/001 (加强患者登记报告, 对危险疑似精神病患者管理); the 30 days are the module's default.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.domain import AreaCode, Disorder
from smi_care.domain.suspected import ExclusionReason, SuspectedCase, SuspectOutcome, SuspectSource
from smi_care.indicators.periods import Period
from smi_care.programme.case_finding import (
    CASE_FACTS,
    CaseFigures,
    CaseFindingPolicy,
    CaseItem,
    case_facts,
    case_figures,
    case_items,
    facts_of_case,
    police_alert,
    stage_on,
    waiting,
)
from tests.helpers import D

Q3 = Period.parse("2025Q3")
A, B = AreaCode("110105001002"), AreaCode("110105002001")
S = Disorder.SCHIZOPHRENIA


def case(cid: str, reported: dt.date, area: AreaCode = A, **kw: object) -> SuspectedCase:
    return SuspectedCase(cid, reported, SuspectSource.POLICE, area, **kw)  # type: ignore[arg-type]


CASES = [
    case("C1", D(2025, 7, 1), endangers_others=True, diagnosed_on=D(2025, 7, 21), disorder=S, enrolled_on=D(2025, 8, 1),
         patient_id="P1"),
    case("C2", D(2025, 6, 30)),                                        # the day before P, still open
    case("C3", D(2025, 9, 30)),                                        # reported on D
    case("C4", D(2025, 8, 1), diagnosed_on=D(2025, 8, 11), excluded_on=D(2025, 8, 12),
         exclusion_reason=ExclusionReason.NO_MENTAL_DISORDER),  # not one of the six
    case("C5", D(2025, 8, 15), B, diagnosed_on=D(2025, 10, 1), disorder=S),  # diagnosed the day after D
    case("C6", D(2025, 10, 2), B, endangers_others=True),              # reported after D
    case("C7", D(2025, 7, 10), B, diagnosed_on=D(2025, 9, 1), disorder=S, enrolled_on=D(2025, 9, 30),
         patient_id="P7"),
    # excluded without a diagnosis
    case("C8", D(2025, 7, 5), B, excluded_on=D(2025, 7, 20), exclusion_reason=ExclusionReason.REFUSED),
]
#: case → (reported_in_period, diagnosed, confirmed, enrolled, excluded, open, days_to_diagnosis, waiting_days,
#: endangers_others)
EXPECTED = {
    "C1": (True, True, True, True, False, False, 20, None, True),
    "C2": (False, False, False, False, False, True, None, 92, False),
    "C3": (True, False, False, False, False, True, None, 0, False),
    "C4": (True, True, False, False, True, False, 10, None, False),
    "C5": (True, False, False, False, False, True, None, 46, False),
    "C6": (False, False, False, False, False, False, None, None, True),
    "C7": (True, True, True, True, False, False, 53, None, False),
    "C8": (True, False, False, False, True, False, None, None, False),
}
COLUMNS = ("reported_in_period", "diagnosed", "confirmed", "enrolled", "excluded", "open", "days_to_diagnosis",
           "waiting_days", "endangers_others")


def table(cs: list[SuspectedCase], unknown_danger: frozenset[str] = frozenset()) -> pl.DataFrame:
    """The ``suspected_cases`` table; the cases named in ``unknown_danger`` have no value there."""
    return pl.DataFrame({
        "case_id": [c.case_id for c in cs], "reported_on": [c.reported_on for c in cs],
        "area_code": [c.area_code.code for c in cs],
        "endangers_others": [None if c.case_id in unknown_danger else c.endangers_others for c in cs],
        "diagnosed_on": [c.diagnosed_on for c in cs], "disorder": [c.disorder.code if c.disorder else None for c in cs],
        "enrolled_on": [c.enrolled_on for c in cs], "excluded_on": [c.excluded_on for c in cs]},
        schema={"case_id": pl.Utf8, "reported_on": pl.Date, "area_code": pl.Utf8, "endangers_others": pl.Boolean,
                "diagnosed_on": pl.Date, "disorder": pl.Int8, "enrolled_on": pl.Date, "excluded_on": pl.Date})


def test_the_facts_of_every_case_worked_by_hand() -> None:
    facts = case_facts(table(CASES, frozenset({"C8"})), Q3)
    assert facts.columns == list(CASE_FACTS)
    assert {r["case_id"]: tuple(r[k] for k in COLUMNS) for r in facts.iter_rows(named=True)} == EXPECTED
    assert facts["area"].to_list() == [c.area_code.code for c in CASES]
    assert facts.schema["days_to_diagnosis"] == pl.Int64 and facts.schema["waiting_days"] == pl.Int64
    for c, row in zip(CASES, facts.iter_rows(named=True), strict=True):
        assert facts_of_case(c, Q3) == row


def test_the_figures_per_group_and_in_total_worked_by_hand() -> None:
    facts = case_facts(table(CASES), Q3)
    groups = pl.Series(["a"] * 4 + ["b"] * 4)
    assert case_figures(facts, groups) == [
        CaseFigures("a", 3, 2, 1, 1, 2, 1, 1, 15.0),    # C1, C3, C4 reported; C2 waits 92 days
        CaseFigures("b", 3, 1, 1, 1, 1, 0, 1, 53.0),    # C5, C7, C8 reported; C5 waits 46 days; C6 after D
        CaseFigures("", 6, 3, 2, 2, 3, 1, 2, 20.0),
    ]
    # 46 days are not more than 46: C5 stops waiting by the policy
    assert [f.waiting for f in case_figures(facts, groups, CaseFindingPolicy(46))] == [1, 0, 1]
    assert [f.waiting for f in case_figures(facts, groups, CaseFindingPolicy(45))] == [1, 1, 2]
    none = case_figures(case_facts(table(CASES[1:3]), Q3), pl.Series(["a", "a"]))
    assert none[-1] == CaseFigures("", 1, 0, 0, 0, 2, 0, 1, None)


ITEMS = [
    case("I1", D(2025, 9, 30), endangers_others=True),                  # reported today
    case("I2", D(2025, 8, 31), B, endangers_others=True),               # the first day of the window: 30 days
    case("I3", D(2025, 8, 30), endangers_others=True),                  # before the window; waiting 31 days
    case("I4", D(2025, 6, 30), B),                                      # waiting 92 days
    case("I5", D(2025, 7, 1), endangers_others=True, diagnosed_on=D(2025, 7, 10), disorder=S),
    case("I6", D(2025, 10, 1), endangers_others=True),                  # after today
]
ON = D(2025, 9, 30)


def test_the_worklist_worked_by_hand() -> None:
    items = case_items(table(ITEMS), ON)
    assert items.columns == ["case_id", "area_code", "reported_on", "kind", "days_waiting", "reason"]
    assert items.rows() == [
        ("I2", B.code, D(2025, 8, 31), "police_alert", 30,
         "I2 reported 2025-08-31 endangers others: call 110 at once (work plans 000/001, 对危险疑似精神病患者管理)"),
        ("I1", A.code, D(2025, 9, 30), "police_alert", 0,
         "I1 reported 2025-09-30 endangers others: call 110 at once (work plans 000/001, 对危险疑似精神病患者管理)"),
        ("I4", B.code, D(2025, 6, 30), "waiting", 92,
         "no diagnosis 92 days after the report of 2025-06-30 (more than 30 days)"),
        ("I3", A.code, D(2025, 8, 30), "waiting", 31,
         "no diagnosis 31 days after the report of 2025-08-30 (more than 30 days)"),
    ]
    assert [(r[0], r[3]) for r in items.rows()] == [
        (i.case_id, i.kind) for i in [police_alert(ITEMS[1]), police_alert(ITEMS[0]), waiting(ITEMS[3], ON),
                                      waiting(ITEMS[2], ON)] if i is not None]


def test_the_worklist_window_and_days_follow_the_arguments() -> None:
    # an alert stays an alert after the diagnosis (I5): the window alone decides
    since = case_items(table(ITEMS), ON, since=D(2025, 6, 30))
    assert [(r[0], r[3], r[4]) for r in since.rows()] == [
        ("I5", "police_alert", 91), ("I3", "police_alert", 31), ("I2", "police_alert", 30), ("I1", "police_alert", 0),
        ("I4", "waiting", 92), ("I3", "waiting", 31)]
    week = case_items(table(ITEMS), ON, CaseFindingPolicy(7))
    assert [(r[0], r[3], r[4]) for r in week.rows()] == [
        ("I1", "police_alert", 0), ("I4", "waiting", 92), ("I3", "waiting", 31), ("I2", "waiting", 30)]
    assert week.rows()[-1][-1] == "no diagnosis 30 days after the report of 2025-08-31 (more than 7 days)"


def test_where_a_case_stands_on_each_day() -> None:
    c = case("C", D(2025, 7, 1), diagnosed_on=D(2025, 7, 5), disorder=S, enrolled_on=D(2025, 7, 10), patient_id="P")
    assert [stage_on(c, D(2025, 6, 30)), stage_on(c, D(2025, 7, 1)), stage_on(c, D(2025, 7, 4)),
            stage_on(c, D(2025, 7, 5)), stage_on(c, D(2025, 7, 9)), stage_on(c, D(2025, 7, 10))] == [
        None, SuspectOutcome.OPEN, SuspectOutcome.OPEN, SuspectOutcome.DIAGNOSED, SuspectOutcome.DIAGNOSED,
        SuspectOutcome.ENROLLED]
    x = case("X", D(2025, 7, 1), diagnosed_on=D(2025, 7, 5), excluded_on=D(2025, 7, 8),
             exclusion_reason=ExclusionReason.NO_MENTAL_DISORDER)
    assert [stage_on(x, D(2025, 7, 7)), stage_on(x, D(2025, 7, 8))] == [SuspectOutcome.DIAGNOSED,
                                                                       SuspectOutcome.EXCLUDED]


def test_the_one_case_rules_at_their_edges() -> None:
    c = case("W", D(2025, 8, 1))
    assert waiting(c, D(2025, 8, 31)) is None                      # 30 days: not more than 30
    item = waiting(c, D(2025, 9, 1))
    assert item == CaseItem("W", A.code, D(2025, 8, 1), "waiting", 31,
                            ("no diagnosis 31 days after the report of 2025-08-01 (more than 30 days)",))
    assert waiting(c, D(2025, 8, 2), CaseFindingPolicy(0)) is not None
    assert waiting(case("V", D(2025, 8, 1), diagnosed_on=D(2025, 8, 20)), D(2025, 9, 30)) is None
    assert police_alert(c) is None
    alert = police_alert(case("P", D(2025, 8, 1), endangers_others=True))
    assert alert is not None and (alert.kind, alert.days_waiting, alert.area_code) == ("police_alert", 0, A.code)
    assert alert.reasons == ("P reported 2025-08-01 endangers others: call 110 at once (work plans 000/001, "
                             "对危险疑似精神病患者管理)",)


@pytest.mark.parametrize("reasons", [(), ("",), ("ok", 3)])
def test_an_item_needs_its_reasons(reasons: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match="CaseItem: a decision carries at least one reason"):
        CaseItem("C", A.code, D(2025, 8, 1), "waiting", 31, reasons)  # type: ignore[arg-type]


def test_the_policy_refuses_negative_days() -> None:
    with pytest.raises(ValueError):
        CaseFindingPolicy(-1)
