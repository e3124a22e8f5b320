"""Free medication (:mod:`smi_care.programme.medication`) on hand-built records, each figure worked
out by hand: the facts table of every patient (days covered with supplies shifted forward, the
free handing-outs of the period, the "4 times a year" rule pro-rated from the registration,
eligibility), the coverage summary and its tenths, the supply alerts at the edges of their
windows, and the indicators' counts. Written for the mutation run of the module
(docs/testing.md, "The programme tables"); about a second.
Work plans 000 ("每年至少四次给精神分裂病病人发药") and 001 (贫困患者免费服药).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import polars as pl
import pytest

from smi_care.domain import AreaCode, Disorder, EconomicStatus, EventKind, Registry
from smi_care.domain.identity import AreaLevel
from smi_care.domain.medication import Dispensing
from smi_care.indicators.periods import Period
from smi_care.programme.facts import base_patient_facts
from smi_care.programme.medication import (
    ALL_REGISTERED,
    FOUR_A_YEAR,
    MEDICATION_FACTS,
    POOR_PATIENTS,
    CoverageSummary,
    DispensingPolicy,
    FreeMedicationPolicy,
    SupplyAlert,
    SupplyAlertPolicy,
    coverage_summary,
    coverage_table,
    dispensing_rule,
    evaluate_medication,
    medication_facts,
    patient_medication_facts,
    runs_out_on,
    supply_alert,
    supply_alerts,
)
from tests.helpers import D, event, patient, record
from tests.test_engines_equal import tables_of
from tests.test_programme_facts_mutants import POLICY
from tests.test_programme_facts_mutants import REGISTRY as POLICY_REGISTRY
from tests.test_programme_medication import frame

Q3 = Period.parse("2025Q3")  # 92 days
WEST = AreaCode("110105002001")
S, B = Disorder.SCHIZOPHRENIA, Disorder.BIPOLAR
POOR, NOT_POOR = EconomicStatus.POOR, EconomicStatus.NOT_POOR
REGISTRY = Registry.of([
    record(p=patient("P1", economic_status=POOR)),
    record(p=patient("P2", disorder=B, economic_status=NOT_POOR, area_code=WEST)),
    record(p=patient("P3", economic_status=POOR)),
    record(p=patient("P4", economic_status=POOR, registered_on=D(2025, 8, 20), consent_date=D(2025, 8, 20))),
    record(p=patient("P5")),  # economic status not recorded
    record(p=patient("P6", economic_status=POOR, area_code=WEST)),
])


def _d(pid: str, day: dt.date, days: int, free: bool = True) -> Dispensing:
    return Dispensing(pid, day, "利培酮", 60, days, free)


LOGS = {
    # 06-20..07-19 (19 days of Q3); 07-10 shifted to 07-20..08-18 (30); the paid one of the same day
    # shifted again, 08-19..08-28 (10); 09-25..10-24 capped at 09-30 (6): 65 days, 2 free days in Q3
    "P1": [_d("P1", D(2025, 6, 20), 30), _d("P1", D(2025, 7, 10), 30), _d("P1", D(2025, 7, 10), 10, free=False),
           _d("P1", D(2025, 9, 25), 30)],
    "P2": [_d("P2", D(2025, 8, 15), 10)],                    # 10 days, bipolar: the rule does not apply
    "P3": [_d("P3", D(2025, 10, 1), 20)],                    # the day after D: nothing in Q3
    "P4": [_d("P4", D(2025, 8, 20), 30, free=False)],        # paid only: covered, not enrolled
    "P5": [_d("P5", D(2025, 9, 30), 5)],                     # the last day of Q3: one day
    "P6": [_d("P6", D(2025, 7, 1), 100)],                    # from the first day, past the end: 92 days
}
#: patient → (free_enrolled, free_dispensings, required, rule_applies, days_covered, pdc_percent, free_eligible)
EXPECTED = {
    "P1": (True, 2, 1, True, 65, 70, True),
    "P2": (True, 1, 1, False, 10, 10, False),
    "P3": (False, 0, 1, False, 0, 0, True),
    "P4": (False, 0, 1, False, 30, 32, True),
    "P5": (True, 1, 1, True, 1, 1, False),               # no economic status: not shown poor
    "P6": (True, 1, 1, True, 92, 100, True),
}
COLUMNS = ("free_enrolled", "free_dispensings", "required_dispensings", "rule_applies", "days_covered", "pdc_percent",
           "free_eligible")


def _tables(reg: Registry = REGISTRY) -> Any:
    t = tables_of(reg)
    status = pl.DataFrame([(r.patient_id, None if r.patient.economic_status is None else r.patient.economic_status.code)
                           for r in reg], schema={"patient_id": pl.String, "economic_status": pl.Int64}, orient="row")
    return attrs.evolve(t, patients=t.patients.join(status, on="patient_id", how="left"))


def _facts(period: Period = Q3, **kw: Any) -> pl.DataFrame:
    return medication_facts(_tables(), frame(LOGS), period, covers=REGISTRY.covers, **kw)


def test_the_facts_of_every_patient_worked_by_hand() -> None:
    facts = _facts()
    assert "runs_out_on" not in facts.columns
    got = {r["patient_id"]: tuple(r[k] for k in COLUMNS) for r in facts.iter_rows(named=True)}
    assert got == EXPECTED
    assert set(facts["period_days"]) == {92}
    assert facts.filter(pl.col("patient_id") == "P1")["pdc"][0] == pytest.approx(65 / 92)
    assert facts.schema["days_covered"] == pl.Int64 and facts.schema["free_dispensings"] == pl.Int64


def test_one_patient_s_facts_are_that_patient_s_row() -> None:
    facts = {r["patient_id"]: r for r in _facts().iter_rows(named=True)}
    for rec in REGISTRY:
        one = patient_medication_facts(rec, LOGS[rec.patient_id], Q3, REGISTRY.covers)
        assert set(MEDICATION_FACTS) <= set(one)
        assert one.pop("pdc") == pytest.approx(facts[rec.patient_id]["pdc"])
        assert {k: facts[rec.patient_id][k] for k in one if k != "pdc"} == one


def test_the_count_required_is_pro_rated_from_the_registration_and_follows_the_policy() -> None:
    year = Period.parse("2025")
    facts = {r["patient_id"]: r for r in _facts(year).iter_rows(named=True)}
    # four a year; P4 registered on 20 August: two started 3-month blocks (08-20, 11-20)
    assert {p: r["required_dispensings"] for p, r in facts.items()} == {"P1": 4, "P2": 4, "P3": 4, "P4": 2, "P5": 4,
                                                                         "P6": 4}
    twice = {r["patient_id"]: r for r in _facts(year, rule=DispensingPolicy(per_year=2)).iter_rows(named=True)}
    assert twice["P1"]["required_dispensings"] == 2 and twice["P4"]["required_dispensings"] == 1
    wider = {r["patient_id"]: r["rule_applies"]
             for r in _facts(rule=DispensingPolicy(disorders=frozenset(Disorder))).iter_rows(named=True)}
    assert wider == {"P1": True, "P2": True, "P3": False, "P4": False, "P5": True, "P6": True}


def test_the_eligibility_follows_the_policy() -> None:
    every = {r["patient_id"]: r["free_eligible"] for r in _facts(policy=ALL_REGISTERED).iter_rows(named=True)}
    assert every == {"P1": True, "P2": True, "P3": True, "P4": True, "P5": True, "P6": True}
    with pytest.raises(ValueError, match="'none' needs at least one check"):
        FreeMedicationPolicy("none", "", ())


def test_the_coverage_table_shifts_same_day_supplies_in_file_order() -> None:
    log = {"P1": [_d("P1", D(2025, 7, 1), 10), _d("P1", D(2025, 7, 1), 5), _d("P1", D(2025, 6, 1), 3)]}
    table = coverage_table(frame(log), Q3)
    assert table.to_dicts() == [{"patient_id": "P1", "days_covered": 15, "runs_out_on": D(2025, 7, 16)}]
    assert runs_out_on(log["P1"]) == D(2025, 7, 16)
    # a dispensing after the period's end is left out of both
    later = {"P1": [*log["P1"], _d("P1", D(2025, 10, 1), 30)]}
    assert coverage_table(frame(later), Q3).to_dicts() == table.to_dicts()


def test_the_coverage_summary_worked_by_hand() -> None:
    facts = _facts()
    # registered and enrolled: P1 (65 days, 70 %), P2 (10, 10 %), P5 (1, 1 %), P6 (92, 100 %: the last tenth)
    total = coverage_summary(facts)
    assert total == {"": CoverageSummary(4, 168, 92, (1, 1, 0, 0, 0, 0, 0, 1, 0, 1))}
    assert total[""].mean_days_covered == 42 and total[""].mean_pdc == pytest.approx(168 / (4 * 92))
    town = coverage_summary(facts, AreaLevel.TOWNSHIP)
    assert town == {"110105001": CoverageSummary(2, 66, 92, (1, 0, 0, 0, 0, 0, 0, 1, 0, 0)),
                    "110105002": CoverageSummary(2, 102, 92, (0, 1, 0, 0, 0, 0, 0, 0, 0, 1))}
    merged = town["110105001"].merge(town["110105002"])
    assert merged == total[""]
    empty = CoverageSummary(0, 0, 92, (0,) * 10)
    assert empty.mean_days_covered is None and empty.mean_pdc is None
    with pytest.raises(ValueError, match="same length"):
        empty.merge(CoverageSummary(0, 0, 91, (0,) * 10))
    assert coverage_summary(facts.head(0)) == {}


def test_the_indicators_count_the_patients_worked_by_hand() -> None:
    total, town = evaluate_medication(_tables(), frame(LOGS), Q3, by=[None, AreaLevel.TOWNSHIP],
                                      covers=REGISTRY.covers)
    assert total.counts == {
        ("free_medication_enrolment_rate", ""): (2, 4),       # eligible: P1, P3, P4, P6; enrolled: P1, P6
        ("free_medication_four_times_rate", ""): (3, 3),      # P1, P5, P6 once each, one required in Q3
        ("days_covered_80_rate", ""): (1, 4),                 # P6
        ("days_covered_50_80_rate", ""): (1, 4),              # P1 (70 %)
        ("days_covered_below_50_rate", ""): (2, 4),           # P2, P5
    }
    assert town.counts[("free_medication_enrolment_rate", "110105002")] == (1, 1)
    assert total.period == Q3 and total.patients == 6
    assert evaluate_medication(_tables(), frame(LOGS), Q3, covers=REGISTRY.covers)[0].by is AreaLevel.TOWNSHIP


@pytest.mark.parametrize(("days", "flagged"), [
    (17, False),   # runs out on 10-18: 8 days left
    (16, True),    # 7 days left: the last day of the window
    (9, True),     # runs out today: 0 days left
    (-21, True),   # ran out 30 days ago: the last day of the look-back
    (-22, False),  # 31 days ago
])
def test_supply_alerts_at_the_edges_of_their_windows(days: int, flagged: bool) -> None:
    today = D(2025, 10, 10)
    start = D(2025, 9, 1) if days > 0 else D(2025, 8, 1)
    log = [_d("P1", start, 30 + days if days > 0 else 30 + days + 31)]
    end = runs_out_on(log)
    assert end is not None
    expected = [SupplyAlert("P1", end, (end - today).days)] if flagged else []
    assert supply_alerts(frame({"P1": log}), today) == expected
    assert (supply_alert("P1", log, today) is not None) is flagged


def test_supply_alerts_sorted_limited_and_worded() -> None:
    today = D(2025, 10, 20)
    alerts = supply_alerts(frame(LOGS), today)
    # P6 ran out on 10-09, P5 on 10-05, P3 runs out on 10-21, P1 on 10-25; P2 (08-25) is too long ago
    assert [(a.patient_id, a.runs_out_on, a.days_left) for a in alerts] == [
        ("P5", D(2025, 10, 5), -15), ("P6", D(2025, 10, 9), -11), ("P3", D(2025, 10, 21), 1),
        ("P1", D(2025, 10, 25), 5)]
    assert [a.reason for a in alerts[1:3]] == [
        "free-medication supply ran out on 2025-10-09 (11 days ago)",
        "free-medication supply runs out on 2025-10-21 (1 day left)"]
    assert [a.patient_id for a in supply_alerts(frame(LOGS), today, patients=["P1", "P6"])] == ["P6", "P1"]
    assert supply_alerts(frame(LOGS), today, SupplyAlertPolicy(within_days=0, lookback_days=0)) == []
    assert SupplyAlert("P1", D(2025, 10, 20), -1).reason == "free-medication supply ran out on 2025-10-20 (1 day ago)"


def test_the_rule_s_words_for_one_patient() -> None:
    year = Period.parse("2025")
    assert dispensing_rule("P2", B, LOGS["P2"], year, D(2020, 1, 1)).reason == f"the rule does not apply to {B.label}"
    none = dispensing_rule("P4", S, LOGS["P4"], year, D(2020, 1, 1))
    assert (none.applies, none.met, none.reason) == (False, True, "no free dispensing in the period")
    met = dispensing_rule("P1", S, LOGS["P1"], Q3, D(2020, 1, 1))
    assert (met.patient_id, met.applies, met.met) == ("P1", True, True)
    assert met.reason == "medication handed out on 2 days in 2025-07-01..2025-09-30, 1 required"
    assert FOUR_A_YEAR.required(year, D(2025, 12, 31)) == 1
    assert POOR_PATIENTS.decide({"registered": True, "disorder": 1, "economic_status": 1}).eligible


def test_the_indicators_read_the_coverage_given() -> None:
    """A patient who moved out to a village the registry covers stays registered there (§5): the
    coverage given to the call, not the tables', decides it."""
    moved = Registry.of([
        record(event(D(2025, 8, 1), EventKind.TRANSFER_OUT, "P7", other_area=WEST), p=patient("P7", economic_status=POOR)),
        record(p=patient("P8", economic_status=POOR, area_code=WEST)),
    ])
    tables = attrs.evolve(_tables(moved), registry=Registry.of([]))  # the tables' own coverage: nothing
    logs = {"P7": [_d("P7", D(2025, 9, 1), 30)]}
    (given,) = evaluate_medication(tables, frame(logs), Q3, by=None, covers=moved.covers)
    assert given.counts[("free_medication_enrolment_rate", "")] == (1, 2)
    (own,) = evaluate_medication(tables, frame(logs), Q3, by=None)
    assert own.counts[("free_medication_enrolment_rate", "")] == (0, 1)


def test_the_evaluation_policy_reaches_the_facts_and_the_partials() -> None:
    """Every part of the evaluation policy changes a §6 fact of POLICY_REGISTRY
    (tests/test_programme_facts_mutants.py): one patient's medication facts carry them, and the
    partials carry the policy they were counted under."""
    for rec in POLICY_REGISTRY:
        one = patient_medication_facts(rec, [], Q3, POLICY_REGISTRY.covers, evaluation=POLICY)
        base = base_patient_facts(rec, Q3, POLICY_REGISTRY.covers, POLICY)
        assert {k: one[k] for k in base} == base
    (partial,) = evaluate_medication(_tables(), frame(LOGS), Q3, by=None, evaluation=POLICY, covers=REGISTRY.covers)
    assert partial.policy == POLICY
