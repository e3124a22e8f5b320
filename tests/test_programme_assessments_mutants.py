"""Assessments (:mod:`smi_care.programme.assessments`) at their edges, on hand-built frames: the
comprehensive assessment on or before D, the registration beginning on the period's first or last
day, the quarters of P counted from max(P start, registration start) to D (a patient registered
after D owes none), assessments and completed follow-ups on a quarter's first and last days, both
assessment policies, and the quarter's worklist of assessments due with its reason
(docs/testing.md, "The programme tables"). Work plans 000/001, 病情评估: "每季度对管理的患者进行1次评估",
the comprehensive assessment at enrolment "由县级及以上专业医疗机构进行一次全面评估".
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.domain import Registry
from smi_care.domain.assessment import AssessmentKind
from smi_care.indicators.periods import Period
from smi_care.programme.assessments import (
    ASSESSMENT_FACTS,
    NATIONAL,
    AssessmentPolicy,
    assessment_days,
    assessment_facts,
    assessments_due,
    quarter_index,
    quarter_start,
    quarters_between,
)
from tests.helpers import D, miss, patient, record, visit
from tests.test_engines_equal import tables_of

COMP, QUART = AssessmentKind.COMPREHENSIVE.code, AssessmentKind.QUARTERLY.code
SEPARATE = AssessmentPolicy(followups_count=False)
#: patient → (registration_start, registered, area)
PATIENTS = {
    "A1": (D(2024, 5, 1), True, "110105001001"),
    "A2": (D(2025, 4, 1), True, "110105001002"),
    "A3": (D(2025, 12, 31), True, "110105002001"),   # registered on D of the year
    "A4": (D(2026, 1, 1), False, "110105002001"),    # registered after D
    "A5": (None, False, "110105001001"),             # never registered
    "A6": (D(2024, 1, 1), True, "110105001001"),
    "A7": (D(2025, 1, 1), True, "110105002002"),     # registered on the year's first day
    "A8": (D(2024, 12, 31), True, "110105001001"),   # registered the day before the year
}
ORDER = ["A7", "A2", "A5", "A1", "A8", "A3", "A6", "A4"]
ASSESSMENTS = [
    ("A1", D(2025, 1, 1), QUART), ("A1", D(2025, 6, 30), QUART), ("A1", D(2026, 1, 1), QUART),
    ("A2", D(2025, 3, 31), QUART), ("A2", D(2025, 4, 1), COMP), ("A2", D(2025, 8, 15), QUART),
    ("A3", D(2026, 1, 2), COMP),
    ("A5", D(2024, 6, 1), COMP),
    ("A6", D(2025, 2, 1), QUART), ("A6", D(2025, 3, 1), QUART),
    ("A7", D(2025, 1, 1), QUART), ("A7", D(2025, 4, 1), QUART), ("A7", D(2025, 7, 1), QUART),
    ("A7", D(2025, 10, 1), QUART),
    ("PX", D(2025, 5, 1), COMP),
]
FOLLOWUPS = tables_of(Registry.of([
    record(visit(D(2025, 7, 1), "A1"), miss(D(2025, 10, 15), "A1"), p=patient("A1")),
    record(visit(D(2025, 11, 30), "A2"), p=patient("A2")),
    record(visit(D(2025, 3, 15), "A6"), p=patient("A6")),
    record(visit(D(2026, 1, 5), "A7"), p=patient("A7")),
])).followups


def base() -> pl.DataFrame:
    return pl.DataFrame([(p, *PATIENTS[p]) for p in ORDER], orient="row", schema={
        "patient_id": pl.Utf8, "registration_start": pl.Date, "registered": pl.Boolean, "area": pl.Utf8})


def assessments() -> pl.DataFrame:
    return pl.DataFrame(ASSESSMENTS, schema={"patient_id": pl.Utf8, "date": pl.Date, "kind": pl.Int8}, orient="row")


def facts(period: str, policy: AssessmentPolicy = NATIONAL, followups: pl.DataFrame = FOLLOWUPS) -> pl.DataFrame:
    return assessment_facts(base(), assessments(), followups, Period.parse(period), policy)


Row = tuple[bool, bool, int, int, bool, dt.date | None]
#: (comprehensive, new, assessed quarters, required quarters, each quarter, last assessment)
YEAR: dict[str, Row] = {
    "A1": (False, False, 3, 4, False, D(2025, 7, 1)),      # Q1 first day, Q2 last day, a follow-up in Q3
    "A2": (True, True, 3, 3, True, D(2025, 11, 30)),       # from 1 April: the comprehensive counts
    "A3": (False, True, 0, 1, False, None),                # its comprehensive is after D
    "A4": (False, False, 0, 0, True, None),                # owes no quarter
    "A5": (True, False, 0, 4, False, D(2024, 6, 1)),
    "A6": (False, False, 1, 4, False, D(2025, 3, 15)),     # three in one quarter
    "A7": (False, True, 4, 4, True, D(2025, 10, 1)),       # its follow-up after D is not counted
    "A8": (False, False, 0, 4, False, None),
}
#: the same without the follow-ups
YEAR_SEPARATE = {**YEAR, "A1": (False, False, 2, 4, False, D(2025, 6, 30)),
                 "A2": (True, True, 2, 3, False, D(2025, 8, 15)), "A6": (False, False, 1, 4, False, D(2025, 3, 1))}
Q3: dict[str, Row] = {
    "A1": (False, False, 1, 1, True, D(2025, 7, 1)),
    "A2": (True, False, 1, 1, True, D(2025, 8, 15)),
    "A3": (False, False, 0, 0, True, None),                # registered after D of Q3
    "A4": (False, False, 0, 0, True, None),                # two quarters after: still 0, not -1
    "A5": (True, False, 0, 1, False, D(2024, 6, 1)),
    "A6": (False, False, 0, 1, False, D(2025, 3, 15)),
    "A7": (False, False, 1, 1, True, D(2025, 7, 1)),
    "A8": (False, False, 0, 1, False, None),
}
Q3_SEPARATE = {**Q3, "A1": (False, False, 0, 1, False, D(2025, 6, 30)), "A6": (False, False, 0, 1, False, D(2025, 3, 1))}


def table(f: pl.DataFrame) -> dict[str, tuple[object, ...]]:
    return {r[0]: r[1:] for r in f.iter_rows()}


@pytest.mark.parametrize(("period", "policy", "expected"), [
    ("2025", NATIONAL, YEAR), ("2025", SEPARATE, YEAR_SEPARATE), ("2025Q3", NATIONAL, Q3),
    ("2025Q3", SEPARATE, Q3_SEPARATE)])
def test_the_facts_at_the_edges(period: str, policy: AssessmentPolicy, expected: dict[str, Row]) -> None:
    f = facts(period, policy)
    assert f["patient_id"].to_list() == ORDER
    assert table(f) == expected


def test_the_default_policy_counts_follow_ups() -> None:
    assert NATIONAL.followups_count is True
    assert table(assessment_facts(base(), assessments(), FOLLOWUPS, Period.parse("2025"))) == YEAR


def test_the_facts_names_and_types() -> None:
    f = facts("2025")
    assert f.columns == ["patient_id", *ASSESSMENT_FACTS]
    assert f.schema == pl.Schema({
        "patient_id": pl.Utf8, "comprehensive_assessed": pl.Boolean, "new_in_period": pl.Boolean,
        "assessed_quarters": pl.Int64, "required_quarters": pl.Int64, "assessed_each_quarter": pl.Boolean,
        "last_assessment": pl.Date})


def test_without_follow_ups_only_the_assessments_count() -> None:
    assert table(facts("2025", NATIONAL, FOLLOWUPS.head(0))) == YEAR_SEPARATE


def test_assessment_days() -> None:
    days = assessment_days(assessments(), FOLLOWUPS, D(2025, 7, 1))
    assert sorted(days.filter(pl.col("patient_id") == "A1").rows()) == [
        ("A1", D(2025, 1, 1)), ("A1", D(2025, 6, 30)), ("A1", D(2025, 7, 1))]
    assert days.columns == ["patient_id", "date"]
    separate = assessment_days(assessments(), FOLLOWUPS, D(2025, 12, 31), SEPARATE)
    assert separate.height == 13 and separate.sort("patient_id", "date").equals(
        assessments().filter(pl.col("date") <= D(2025, 12, 31)).select("patient_id", "date")
        .sort("patient_id", "date"))


def test_quarters() -> None:
    assert quarter_index(D(2025, 1, 1)) == 2025 * 4
    assert [quarter_index(D(2025, m, 1)) - quarter_index(D(2024, 12, 31)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] \
        == [1, 1, 2, 2, 3, 3, 4, 4]
    assert [quarter_start(D(2025, m, d)) for m, d in ((1, 1), (3, 31), (4, 1), (6, 30), (9, 30), (10, 1), (12, 31))] \
        == [D(2025, 1, 1), D(2025, 1, 1), D(2025, 4, 1), D(2025, 4, 1), D(2025, 7, 1), D(2025, 10, 1),
            D(2025, 10, 1)]
    assert [quarters_between(D(2025, 4, 1), e) for e in (D(2025, 3, 31), D(2025, 4, 1), D(2025, 6, 30),
                                                         D(2025, 7, 1), D(2026, 1, 1))] == [0, 1, 1, 2, 4]
    assert quarters_between(D(2025, 12, 31), D(2024, 1, 1)) == 0


def due(on: dt.date, policy: AssessmentPolicy = NATIONAL) -> pl.DataFrame:
    return assessments_due(base(), assessments(), FOLLOWUPS, on, policy)


def reason(since: str, last: str | None, by: str) -> str:
    seen = f"last on {last}" if last else "none recorded"
    return f"no condition assessment since {since} ({seen}); due by {by} (每季度病情评估)"


def test_assessments_due_in_the_quarter_of_the_day() -> None:
    q3 = "2025-07-01", "2025-09-30"
    assert due(D(2025, 8, 15)).rows() == [
        ("A8", "110105001001", D(2025, 9, 30), None, reason(q3[0], None, q3[1])),
        ("A3", "110105002001", D(2025, 9, 30), None, reason(q3[0], None, q3[1])),
        ("A6", "110105001001", D(2025, 9, 30), D(2025, 3, 15), reason(q3[0], "2025-03-15", q3[1])),
    ]
    assert due(D(2025, 8, 15)).columns == ["patient_id", "area", "due", "last_assessment", "reason"]
    # without the follow-ups A1's assessment of 30 June is the last; A6's of 1 March
    assert [(r[0], r[3]) for r in due(D(2025, 7, 1), SEPARATE).rows()] == [
        ("A2", D(2025, 4, 1)), ("A1", D(2025, 6, 30)), ("A8", None), ("A3", None), ("A6", D(2025, 3, 1))]
    # on the quarter's last day: assessed on its first day (A2, A7) or on the day (A1) is not due
    q2 = due(D(2025, 6, 30))
    assert [r[0] for r in q2.rows()] == ["A8", "A3", "A6"]
    assert q2["reason"][0] == reason("2025-04-01", None, "2025-06-30")
    assert q2["due"].to_list() == [D(2025, 6, 30)] * 3
    assert due(D(2025, 12, 31))["due"][0] == D(2025, 12, 31)
    assert due(D(2025, 2, 1))["reason"][0] == reason("2025-01-01", None, "2025-03-31")
