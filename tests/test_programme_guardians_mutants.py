"""Guardians (:mod:`smi_care.programme.guardians`) at the edges of the period, on hand-built records:
a guardianship or an insurance that starts or ends on the period's first or last day, the
guardian seen at follow-ups inside and outside the period, the first 肇事/肇祸 of the period, each
reward policy, the indicators and the list (docs/testing.md, "The programme tables").
Work plans 004 (监护责任奖励, 监护责任补偿保险); the conditions of the reward are the module's named
policies.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from smi_care.domain import AreaCode, Registry
from smi_care.domain.codes import DangerousAct, SeenPerson
from smi_care.domain.followup import acts_from
from smi_care.domain.guardian import Guardianship
from smi_care.domain.identity import AreaLevel
from smi_care.indicators import finalize
from smi_care.indicators.periods import Period
from smi_care.programme.guardians import (
    REWARD_DEFAULT,
    REWARD_NO_INCIDENT,
    evaluate_guardians,
    guardian_facts,
    guardian_list,
    patient_guardian_facts,
)
from tests.helpers import D, patient, record, visit
from tests.test_engines_equal import tables_of
from tests.test_programme_guardians_teams import gframe

Q3 = Period.parse("2025Q3")
FAMILY = {SeenPerson.PATIENT, SeenPerson.FAMILY}
EAST, WEST = AreaCode("110105001001"), AreaCode("110105002001")


def trouble(act: DangerousAct) -> Any:
    return acts_from([(act, 1)])


REGISTRY = Registry.of([
    # a guardian from the period's last day, insured exactly on it; seen with the family on the
    # period's first and last days (and before the period: not counted); no incident
    record(visit(D(2025, 6, 30), "P1", seen=FAMILY), visit(D(2025, 7, 1), "P1", seen=FAMILY),
           visit(D(2025, 9, 30), "P1", seen=FAMILY), p=patient("P1", area_code=WEST)),
    # a guardianship ending on the period's first day, insured until the day before the end; an
    # 肇祸 on 15 July and a 肇事 on 1 August: the first is the incident's date
    record(visit(D(2025, 8, 1), "P2", acts=trouble(DangerousAct.TROUBLE), seen=FAMILY),
           visit(D(2025, 7, 15), "P2", acts=trouble(DangerousAct.DISASTER)), p=patient("P2", area_code=EAST)),
    # a guardianship ended the day before the period; a 轻度滋事 (not an incident), an incident after P
    record(visit(D(2025, 8, 20), "P3", acts=trouble(DangerousAct.MINOR_TROUBLE), seen=FAMILY),
           visit(D(2025, 10, 1), "P3", acts=trouble(DangerousAct.TROUBLE)), p=patient("P3", area_code=EAST)),
    # a guardian from the day after the period, insurance from the day after too; seen alone
    record(visit(D(2025, 8, 20), "P4"), p=patient("P4", area_code=EAST)),
    # no guardian at all; seen with the family
    record(visit(D(2025, 9, 1), "P5", seen=FAMILY), p=patient("P5", area_code=EAST)),
])
GUARDIANS = {
    "P1": [Guardianship("P1", D(2025, 9, 30), None, D(2025, 9, 30), D(2025, 9, 30))],
    "P2": [Guardianship("P2", D(2024, 1, 1), D(2025, 7, 1), D(2025, 1, 1), D(2025, 9, 29))],
    "P3": [Guardianship("P3", D(2024, 1, 1), D(2025, 6, 30), D(2024, 1, 1), D(2026, 1, 1))],
    "P4": [Guardianship("P4", D(2025, 10, 1), None, D(2025, 10, 1), D(2026, 1, 1))],
    "P5": [],
}
#: patient → (guardian_on_record, insured, guardian_present, incident_date)
EXPECTED = {
    "P1": (True, True, 2, None),
    "P2": (True, False, 1, D(2025, 7, 15)),
    "P3": (False, True, 1, None),
    "P4": (False, False, 0, None),
    "P5": (False, False, 1, None),
}


def facts(policy: Any = REWARD_DEFAULT, period: Period = Q3) -> pl.DataFrame:
    return guardian_facts(tables_of(REGISTRY), gframe([g for v in GUARDIANS.values() for g in v]), period, policy)


def test_the_guardian_facts_at_the_edges_of_the_period() -> None:
    table = facts()
    got = {r["patient_id"]: (r["guardian_on_record"], r["insured"], r["guardian_present"], r["incident_date"])
           for r in table.iter_rows(named=True)}
    assert got == EXPECTED
    assert table["patient_id"].to_list() == tables_of(REGISTRY).patients["patient_id"].to_list()
    assert table.schema["guardian_present"] == pl.Int64


@pytest.mark.parametrize("policy", [REWARD_DEFAULT, REWARD_NO_INCIDENT])
@pytest.mark.parametrize("period", [Q3, Period.parse("2025"), Period.parse("2025Q4")])
def test_the_table_is_the_reference_engine_patient_by_patient(policy: Any, period: Period) -> None:
    got = {r["patient_id"]: r for r in facts(policy, period).iter_rows(named=True)}
    for rec in REGISTRY:
        expected = patient_guardian_facts(rec, GUARDIANS[rec.patient_id], period, REGISTRY.covers, policy)
        expected.pop("economic_status")
        assert {k: got[rec.patient_id][k] for k in expected} == expected, rec.patient_id


def test_each_reward_policy_decides() -> None:
    """The default rewards a guardian on record whose patient had no incident, was on medication
    and whose guardian was seen; the lighter policy asks only a guardian and no incident."""
    default = dict(facts(REWARD_DEFAULT).select("patient_id", "reward_eligible").iter_rows())
    light = dict(facts(REWARD_NO_INCIDENT).select("patient_id", "reward_eligible").iter_rows())
    assert default == {"P1": True, "P2": False, "P3": False, "P4": False, "P5": False}
    assert light == default


def test_a_guardian_not_seen_is_rewarded_only_under_the_lighter_policy() -> None:
    registry = Registry.of([record(visit(D(2025, 8, 1), "P1"), p=patient("P1"))])
    g = gframe([Guardianship("P1", D(2024, 1, 1))])
    default = guardian_facts(tables_of(registry), g, Q3, REWARD_DEFAULT).row(0, named=True)
    light = guardian_facts(tables_of(registry), g, Q3, REWARD_NO_INCIDENT).row(0, named=True)
    assert (default["guardian_present"], default["reward_eligible"], light["reward_eligible"]) == (0, False, True)


@pytest.mark.parametrize("by", [None, AreaLevel.TOWNSHIP])
def test_the_indicators_count_the_facts(by: Any) -> None:
    g = gframe([g for v in GUARDIANS.values() for g in v])
    (partial,) = evaluate_guardians(tables_of(REGISTRY), g, Q3, by)
    report = finalize(partial, targets=())
    total = {r.indicator: (r.numerator, r.denominator) for r in report.results if r.group == ""}
    if by is None:
        assert total == {"guardian_reward_rate": (1, 2), "guardian_insurance_rate": (2, 5)}
    else:
        groups = {(r.indicator, r.group): (r.numerator, r.denominator) for r in report.results}
        assert groups[("guardian_reward_rate", "110105002")] == (1, 1)
        assert groups[("guardian_insurance_rate", "110105001")] == (1, 4)
    (light,) = evaluate_guardians(tables_of(REGISTRY), g, Period.parse("2025"), None, REWARD_NO_INCIDENT)
    lights = {r.indicator: (r.numerator, r.denominator) for r in finalize(light, targets=()).results}
    assert lights["guardian_reward_rate"] == (2, 4)


def test_the_list_holds_the_guardians_on_record_by_area_then_patient() -> None:
    table = facts(REWARD_DEFAULT, Period.parse("2025"))
    listing = guardian_list(table)
    assert [(x.patient_id, x.area, x.decision.eligible) for x in listing] == [
        ("P2", "110105001001", False), ("P3", "110105001001", False), ("P4", "110105001001", False),
        ("P1", "110105002001", True)]
    assert all(x.guardian_name is None for x in listing)
    named = guardian_list(table, REWARD_NO_INCIDENT, names={"P1": "王某", "P3": "李某"})
    assert [x.guardian_name for x in named] == [None, "李某", None, "王某"]
    # in 2025, P3's 肇事 of 1 October counts; P4 has a guardian from 1 October and no incident
    assert [x.decision.eligible for x in named] == [False, False, True, True]


def test_the_coverage_and_the_base_given_are_the_ones_used() -> None:
    """A patient who moved out to a neighbouring village stays registered only where the registry
    covers that village (national-rules §5): the coverage passed reaches the indicators, and the §6
    facts passed as ``base`` are used as given."""
    from smi_care.domain import EventKind
    from smi_care.programme.facts import base_facts
    from tests.helpers import event

    moved = Registry.of([record(visit(D(2025, 9, 30), "P1"), event(D(2025, 8, 1), EventKind.TRANSFER_OUT, "P1",
                                                                   other_area=AreaCode("110105001003")))])
    g = gframe([Guardianship("P1", D(2024, 1, 1))])
    tables = tables_of(moved)
    for covers, n in ((lambda area: True, 1), (lambda area: False, 0)):
        (partial,) = evaluate_guardians(tables, g, Q3, None, covers=covers)
        assert {r.indicator: r.denominator for r in finalize(partial, targets=()).results} == {
            "guardian_reward_rate": n, "guardian_insurance_rate": n}
        given = guardian_facts(tables, g, Q3, base=base_facts(tables, Q3, covers=covers))
        assert given["registered"].to_list() == [bool(n)]
        assert given.equals(guardian_facts(tables, g, Q3, covers=covers))
