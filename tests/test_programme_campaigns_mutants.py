"""Campaigns (:mod:`smi_care.programme.campaigns`) at their edges, on hand-built frames: the free
health check counted from 1 January to min(deadline, D) of the campaign's year, the unlocking steps
on or before D (same day: the later row), the facts in the base's order and types, and the
unlocking figures per group and in total among registered patients (docs/testing.md, "The
programme tables"). Work plans 000/001: 免费健康体检 "8月之前完成"; 001: 关锁重型精神病人解锁行动.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.domain.campaign import UnlockingAction
from smi_care.indicators.periods import Period
from smi_care.programme.campaigns import (
    CAMPAIGN_FACTS,
    HealthCheckCampaign,
    UnlockingFigures,
    campaign_facts,
    unlock_state,
    unlocking_figures,
)
from tests.helpers import D

FOUND, RELEASED, RELOCKED = (a.code for a in (UnlockingAction.FOUND_LOCKED, UnlockingAction.RELEASED,
                                              UnlockingAction.RELOCKED))
BASE = pl.DataFrame({"patient_id": ["P9", "P1", "P5", "P3", "P2", "P4", "P6", "P7", "P8"]})
#: (patient, date, event): checks at the edges of the campaign year and of its deadline
EVENTS = [
    ("P1", D(2025, 1, 1), "health_check"),     # the campaign's first day: counted
    ("P1", D(2025, 1, 2), "health_check"),     # twice: still one row
    ("P2", D(2024, 12, 31), "health_check"),   # the year before: not counted
    ("P3", D(2025, 7, 31), "health_check"),    # the deadline: counted when D is after it
    ("P4", D(2025, 8, 1), "health_check"),     # the day after the deadline: never counted
    ("P5", D(2025, 3, 31), "health_check"),    # counted in every period from 2025Q1 on
    ("P6", D(2025, 4, 1), "counselling"),      # another event on a counted day: not counted
    ("P9", D(2025, 4, 1), "health_check"),     # after D in 2025Q1: not counted then
]
#: (patient, date, action, row): unlocking steps; the row orders steps of the same day
STEPS = [
    ("P1", D(2025, 1, 5), FOUND, 0), ("P1", D(2025, 3, 1), RELEASED, 1),
    # released then locked again the same day: the later row is the state; released_on kept
    ("P2", D(2025, 2, 1), FOUND, 2), ("P2", D(2025, 3, 31), RELOCKED, 4), ("P2", D(2025, 3, 31), RELEASED, 3),
    # two releases before D: the last one; a step after D in 2025Q1 only
    ("P3", D(2025, 1, 1), FOUND, 5), ("P3", D(2025, 2, 1), RELEASED, 6), ("P3", D(2025, 3, 1), RELEASED, 7),
    ("P3", D(2025, 4, 1), RELOCKED, 8),
    # a release on record without a finding
    ("P4", D(2025, 3, 31), RELEASED, 9),
    # found on D exactly, released the day after D (2025Q1)
    ("P5", D(2025, 3, 31), FOUND, 10), ("P5", D(2025, 4, 1), RELEASED, 11),
    # a patient not in the base
    ("PX", D(2025, 1, 1), FOUND, 12),
]


def events() -> pl.DataFrame:
    return pl.DataFrame(EVENTS, schema={"patient_id": pl.Utf8, "date": pl.Date, "event": pl.Utf8}, orient="row")


def unlocking(rows: list[tuple[str, dt.date, int, int]] = STEPS) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"patient_id": pl.Utf8, "date": pl.Date, "action": pl.Int8, "row": pl.UInt32},
                        orient="row")


def facts(period: str, campaign: HealthCheckCampaign | None = None) -> pl.DataFrame:
    return campaign_facts(BASE, events(), unlocking(), Period.parse(period), campaign)


def by_patient(f: pl.DataFrame) -> dict[str, tuple[object, ...]]:
    return {r[0]: r[1:] for r in f.iter_rows()}


def test_the_facts_keep_the_base_order_names_and_types() -> None:
    f = facts("2025")
    assert f["patient_id"].to_list() == BASE["patient_id"].to_list()
    assert f.columns == ["patient_id", *CAMPAIGN_FACTS]
    assert f.schema == pl.Schema({"patient_id": pl.Utf8, "campaign_checked": pl.Boolean, "found_locked": pl.Boolean,
                                  "unlock_state": pl.Int8, "released_on": pl.Date, "relocked": pl.Boolean})
    assert f.null_count().select("campaign_checked", "found_locked", "relocked").row(0) == (0, 0, 0)


#: period → patients checked in the campaign
CHECKED = {
    "2025Q1": {"P1", "P5"},                 # until D = 31 March (before the deadline)
    "2025Q2": {"P1", "P5", "P9"},           # until D = 30 June
    "2025Q3": {"P1", "P3", "P5", "P9"},     # until the deadline 31 July
    "2025": {"P1", "P3", "P5", "P9"},
    "2024": set(),                          # the check of 31 December 2024: after that deadline
}


@pytest.mark.parametrize("period", sorted(CHECKED))
def test_checks_count_from_1_january_to_the_deadline_or_d(period: str) -> None:
    f = facts(period)
    assert set(f.filter(pl.col("campaign_checked"))["patient_id"]) == CHECKED[period]


def test_a_campaign_given_sets_the_year_and_the_deadline() -> None:
    early = HealthCheckCampaign(2025, D(2025, 3, 31))
    assert set(facts("2025", early).filter(pl.col("campaign_checked"))["patient_id"]) == {"P1", "P5"}
    assert set(facts("2025", HealthCheckCampaign(2025, D(2025, 4, 1))).filter(
        pl.col("campaign_checked"))["patient_id"]) == {"P1", "P5", "P9"}
    # a campaign of the year before, judged on a later D: its own year's checks, up to its deadline
    assert set(facts("2025", HealthCheckCampaign(2024, D(2024, 12, 31))).filter(
        pl.col("campaign_checked"))["patient_id"]) == {"P2"}


def test_the_campaign_of_a_year() -> None:
    c = HealthCheckCampaign.for_year(2024)
    assert (c.year, c.deadline, c.target) == (2024, D(2024, 7, 31), 100.0)
    assert "8月之前完成" in c.source
    with pytest.raises(ValueError, match=r"^HealthCheckCampaign 2025: the deadline 2026-01-31 is not in the "
                                         r"campaign's year$"):
        HealthCheckCampaign(2025, D(2026, 1, 31))


def test_unlocking_steps_on_or_before_d() -> None:
    q1 = by_patient(facts("2025Q1").drop("campaign_checked"))
    assert q1 == {
        "P1": (True, RELEASED, D(2025, 3, 1), False),
        "P2": (True, RELOCKED, D(2025, 3, 31), True),
        "P3": (True, RELEASED, D(2025, 3, 1), False),
        "P4": (False, RELEASED, D(2025, 3, 31), False),
        "P5": (True, FOUND, None, False),
        "P6": (False, None, None, False), "P7": (False, None, None, False), "P8": (False, None, None, False),
        "P9": (False, None, None, False),
    }
    q2 = by_patient(facts("2025Q2").drop("campaign_checked"))
    assert q2["P3"] == (True, RELOCKED, D(2025, 3, 1), True)
    assert q2["P5"] == (True, RELEASED, D(2025, 4, 1), False)
    assert by_patient(facts("2024").drop("campaign_checked"))["P1"] == (False, None, None, False)


def test_same_day_steps_follow_the_row_not_the_file_order() -> None:
    rows = [("P1", D(2025, 2, 1), RELOCKED, 1), ("P1", D(2025, 2, 1), RELEASED, 0)]
    assert by_patient(campaign_facts(BASE.head(2), events(), unlocking(rows), Period.parse("2025Q1")))["P1"][2] \
        == RELOCKED
    swapped = [("P1", D(2025, 2, 1), RELEASED, 1), ("P1", D(2025, 2, 1), RELOCKED, 0)]
    assert by_patient(campaign_facts(BASE.head(2), events(), unlocking(swapped), Period.parse("2025Q1")))["P1"][2] \
        == RELEASED


def test_unlock_state_is_the_last_step_on_or_before_the_day() -> None:
    steps = [(D(2025, 1, 5), FOUND), (D(2025, 3, 1), RELEASED), (D(2025, 3, 1), RELOCKED)]
    assert unlock_state(steps, D(2025, 1, 4)) is None
    assert unlock_state(steps, D(2025, 1, 5)) is UnlockingAction.FOUND_LOCKED
    assert unlock_state(steps, D(2025, 2, 28)) is UnlockingAction.FOUND_LOCKED
    assert unlock_state(steps, D(2025, 3, 1)) is UnlockingAction.RELOCKED
    assert unlock_state([], D(2025, 3, 1)) is None


def figures_frame() -> tuple[pl.DataFrame, pl.Series]:
    f = facts("2025Q1").with_columns(registered=pl.Series([True, True, True, True, True, False, True, None, True]))
    # P9 P1 P5 P3 P2 P4 P6 P7 P8
    groups = pl.Series(["b", "a", "b", "a", "c", "c", "d", "a", "d"])
    return f, groups


def test_unlocking_figures_per_group_and_in_total() -> None:
    f, groups = figures_frame()
    assert unlocking_figures(f, groups) == [
        # P1 released on 1 March, P3 released on 1 March (P7 not registered: nothing)
        UnlockingFigures("a", 2, 2, 0, D(2025, 3, 1)),
        # P5 found on D, not released
        UnlockingFigures("b", 1, 0, 0, None),
        # P2 relocked the day of its release (P4 not registered: its release not counted)
        UnlockingFigures("c", 1, 0, 1, D(2025, 3, 31)),
        # group d: nobody found, left out
        UnlockingFigures("", 4, 2, 1, D(2025, 3, 31)),
    ]


def test_unlocking_figures_count_registered_patients_only() -> None:
    f, groups = figures_frame()
    everyone = unlocking_figures(f.with_columns(registered=pl.lit(True)), groups)
    assert everyone[-1] == UnlockingFigures("", 4, 3, 1, D(2025, 3, 31))
    assert [u.group for u in everyone] == ["a", "b", "c", ""]
    assert everyone[2] == UnlockingFigures("c", 1, 1, 1, D(2025, 3, 31))
    nobody = unlocking_figures(f.with_columns(registered=pl.lit(False)), groups)
    assert nobody == [UnlockingFigures("", 0, 0, 0, None)]
    late = unlocking_figures(f.with_columns(registered=pl.col("patient_id") != "P2"), groups)
    assert late[-1] == UnlockingFigures("", 3, 3, 0, D(2025, 3, 31))
    assert isinstance(late[-1].found_locked, int) and isinstance(late[0].released, int)
