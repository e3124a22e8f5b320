"""Key patients (:mod:`smi_care.programme.key_patients`) on hand-built records, each fact worked out
by hand: the last risk level of a follow-up or an assessment (the latest day; on one day the
higher), the class of the last completed follow-up (recorded, else the §4 rule's), the incident
and the emergency 危害他人或公共安全 of the period, the last contact, and the list with its reasons
and what is due. Written for the mutation run of the module (docs/testing.md, "The programme
tables"); about a second. Work plan 000 ("对三级以上的患者重点管理"), national-rules §4, §6.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from smi_care.domain import AreaCode, EventKind, Registry
from smi_care.domain.assessment import Assessment, AssessmentKind
from smi_care.domain.codes import Classification, DangerousAct, EmergencyCategory
from smi_care.domain.followup import acts_from
from smi_care.indicators.periods import Period
from smi_care.programme.facts import base_facts, base_patient_facts
from smi_care.programme.key_patients import (
    KEY_FACTS,
    NATIONAL,
    KeyPatientPolicy,
    key_facts,
    key_patient_list,
    key_reason_conditions,
    key_reasons,
    patient_key_facts,
)
from smi_care.rules.classification import ClassificationPolicy
from tests.helpers import D, event, miss, patient, record, visit
from tests.test_engines_equal import tables_of

Q3 = Period.parse("2025Q3")
WEST = AreaCode("110105002001")
STABLE, UNSTABLE = Classification.STABLE, Classification.UNSTABLE
REGISTRY = Registry.of([
    # risk 3 at the last follow-up, recorded stable: key for the risk only
    record(visit(D(2025, 7, 5), "K1", risk_level=1), visit(D(2025, 9, 10), "K1", risk_level=3, classification=STABLE),
           p=patient("K1")),
    # recorded unstable at risk 1, then an assessment of risk 0 on 09-20 (the last risk and contact)
    record(visit(D(2025, 9, 1), "K2", risk_level=1, classification=UNSTABLE), p=patient("K2")),
    # a 肇事 at a follow-up in the period; risk 0, the §4 class of the last follow-up is stable
    record(visit(D(2025, 7, 20), "K3", acts=acts_from([(DangerousAct.TROUBLE, 1)])), visit(D(2025, 8, 20), "K3"),
           p=patient("K3", area_code=WEST)),
    # an emergency 危害他人 on the period's first day
    record(visit(D(2025, 6, 1), "K4"), event(D(2025, 7, 1), EventKind.EMERGENCY, "K4",
                                             emergency=EmergencyCategory.HARM_TO_OTHERS), p=patient("K4")),
    # not key: risk 2, an emergency of another kind in P, one 危害他人 the day before P, a missed attempt
    record(visit(D(2025, 8, 1), "K5", risk_level=2), miss(D(2025, 9, 1), "K5"),
           event(D(2025, 7, 2), EventKind.EMERGENCY, "K5", emergency=EmergencyCategory.SELF_HARM),
           event(D(2025, 6, 30), EventKind.EMERGENCY, "K5", emergency=EmergencyCategory.HARM_TO_OTHERS),
           p=patient("K5", area_code=WEST)),
    # risk 4 at a follow-up, then an assessment of risk 1: the later one counts; after D risk 5
    record(visit(D(2025, 8, 1), "K6", risk_level=4, classification=STABLE),
           visit(D(2025, 10, 1), "K6", risk_level=5), p=patient("K6")),
    # the same day: a follow-up of risk 2 and an assessment of risk 4: the higher
    record(visit(D(2025, 9, 15), "K7", risk_level=2, classification=STABLE), p=patient("K7")),
    # risk 5 but dead before D: not registered, not key
    record(visit(D(2025, 7, 10), "K8", risk_level=5), event(D(2025, 8, 1), EventKind.DEATH, "K8"), p=patient("K8")),
    # no follow-up, no assessment
    record(p=patient("K9")),
])
ASSESSMENTS = [Assessment("K2", D(2025, 9, 20), AssessmentKind.QUARTERLY, 0),
               Assessment("K6", D(2025, 9, 1), AssessmentKind.QUARTERLY, 1),
               Assessment("K6", D(2025, 10, 2), AssessmentKind.QUARTERLY, 5),
               Assessment("K7", D(2025, 9, 15), AssessmentKind.QUARTERLY, 4)]
#: patient → (last_risk, last_risk_date, last_any_class, last_contact, harm_emergency, key)
EXPECTED = {
    "K1": (3, D(2025, 9, 10), 3, D(2025, 9, 10), False, True),
    "K2": (0, D(2025, 9, 20), 1, D(2025, 9, 20), False, True),
    "K3": (0, D(2025, 8, 20), 3, D(2025, 8, 20), False, True),
    "K4": (0, D(2025, 6, 1), 3, D(2025, 6, 1), True, True),
    "K5": (2, D(2025, 8, 1), 2, D(2025, 8, 1), False, False),
    "K6": (1, D(2025, 9, 1), 3, D(2025, 9, 1), False, False),
    "K7": (4, D(2025, 9, 15), 3, D(2025, 9, 15), False, True),
    "K8": (5, D(2025, 7, 10), 1, D(2025, 7, 10), False, False),
    "K9": (None, None, None, None, False, False),
}


def _aframe(assessments: list[Assessment] = ASSESSMENTS) -> pl.DataFrame:
    return pl.DataFrame([(a.patient_id, a.date, a.risk_level) for a in assessments],
                        schema={"patient_id": pl.String, "date": pl.Date, "risk_level": pl.Int64}, orient="row")


def _facts(policy: KeyPatientPolicy = NATIONAL, classes: Any = None, assessments: Any = None) -> pl.DataFrame:
    tables = tables_of(REGISTRY)
    base = base_facts(tables, Q3, covers=REGISTRY.covers)
    extra = {} if classes is None else {"classes": classes}
    key = key_facts(base, tables.followups, tables.events, _aframe() if assessments is None else assessments, Q3,
                    policy, **extra)
    return base.join(key, on="patient_id", how="left", maintain_order="left")


def test_the_key_facts_worked_by_hand() -> None:
    facts = _facts()
    got = {r["patient_id"]: tuple(r[k] for k in KEY_FACTS) for r in facts.iter_rows(named=True)}
    assert got == EXPECTED
    tables = tables_of(REGISTRY)
    base = base_facts(tables, Q3, covers=REGISTRY.covers)
    key = key_facts(base, tables.followups, tables.events, _aframe(), Q3)
    assert key.columns == ["patient_id", *KEY_FACTS]
    assert key["patient_id"].to_list() == base["patient_id"].to_list()


def test_one_patient_s_key_facts_are_that_patient_s_row() -> None:
    facts = {r["patient_id"]: r for r in _facts().iter_rows(named=True)}
    for rec in REGISTRY:
        base = base_patient_facts(rec, Q3, REGISTRY.covers)
        mine = [a for a in ASSESSMENTS if a.patient_id == rec.patient_id]
        one = patient_key_facts(rec, base, Q3, mine)
        assert one == {k: facts[rec.patient_id][k] for k in KEY_FACTS}


def test_the_threshold_and_the_classes_follow_the_policies() -> None:
    two = {r["patient_id"]: r["key"] for r in _facts(KeyPatientPolicy(risk_from=2)).iter_rows(named=True)}
    assert two == {**{p: e[-1] for p, e in EXPECTED.items()}, "K5": True}
    # from risk 1 the §4 rule makes K5's last completed follow-up (risk 2, no recorded class) unstable
    classes = {r["patient_id"]: r["last_any_class"]
               for r in _facts(classes=ClassificationPolicy(unstable_risk_min=2)).iter_rows(named=True)}
    assert classes["K5"] == 1 and classes["K3"] == 3
    assert key_reasons({"registered": True, "last_risk": 2, "last_any_class": 3, "incident": False,
                        "harm_emergency": False}, KeyPatientPolicy(risk_from=2)) == (
        "risk level 2 at the last assessment or follow-up (≥ 2)",)


def test_every_reason_in_words() -> None:
    row = {"registered": True, "last_risk": 5, "last_any_class": 1, "incident": True, "harm_emergency": True}
    assert key_reasons(row) == ("risk level 5 at the last assessment or follow-up (≥ 3)",
                                "last follow-up unstable (病情不稳定)", "肇事/肇祸 recorded in the period",
                                "emergency 危害他人或公共安全 in the period")
    assert key_reasons({**row, "registered": False}) == ()


def test_the_list_with_its_reasons_and_what_is_due() -> None:
    table = key_patient_list(_facts(), D(2025, 9, 24))
    rows = [(r["patient_id"], r["area"], r["reasons"], r["last_risk"], r["last_contact"], r["next_contact_due"], r["due"])
            for r in table.iter_rows(named=True)]
    assert rows == [
        # area 110105001002 first, the highest risk first
        ("K7", "110105001002", "risk level 4 at the last assessment or follow-up (≥ 3)", 4, D(2025, 9, 15),
         D(2025, 9, 29), "follow-up by 2025-09-29"),
        ("K1", "110105001002", "risk level 3 at the last assessment or follow-up (≥ 3)", 3, D(2025, 9, 10),
         D(2025, 9, 24), "follow-up by 2025-09-24"),
        ("K2", "110105001002", "last follow-up unstable (病情不稳定)", 0, D(2025, 9, 20), D(2025, 10, 4),
         "follow-up by 2025-10-04"),
        ("K4", "110105001002", "emergency 危害他人或公共安全 in the period", 0, D(2025, 6, 1), D(2025, 6, 15),
         "follow-up overdue since 2025-06-15"),
        ("K3", "110105002001", "肇事/肇祸 recorded in the period", 0, D(2025, 8, 20), D(2025, 9, 3),
         "follow-up overdue since 2025-09-03"),
    ]
    assert table.columns == ["patient_id", "area", "reasons", "last_risk", "last_risk_date", "last_contact",
                             "next_contact_due", "due"]
    week = key_patient_list(_facts(KeyPatientPolicy(revisit_days=7)), D(2025, 9, 24), KeyPatientPolicy(revisit_days=7))
    assert week.filter(pl.col("patient_id") == "K7")["due"].to_list() == ["follow-up overdue since 2025-09-22"]


def test_the_list_says_when_no_contact_is_recorded_and_when_an_assessment_is_due() -> None:
    # K9 (no follow-up, no assessment) marked key by hand: no reason of the policy holds, no contact
    facts = _facts().with_columns(key=pl.col("key") | (pl.col("patient_id") == "K9"))
    nine = key_patient_list(facts, D(2025, 9, 24)).filter(pl.col("patient_id") == "K9")
    assert nine["due"].to_list() == ["follow-up now: no contact recorded"]
    assert nine["reasons"].to_list() == [""]
    last = {"K1": None, "K2": D(2025, 9, 20), "K3": D(2025, 6, 30), "K4": D(2025, 7, 1), "K7": D(2025, 9, 15)}
    with_assessment = _facts().with_columns(last_assessment=pl.col("patient_id").replace_strict(
        last, default=None, return_dtype=pl.Date))
    due = {r["patient_id"]: r["due"] for r in key_patient_list(with_assessment, D(2025, 9, 24)).iter_rows(named=True)}
    assert due == {"K7": "follow-up by 2025-09-29",
                   "K1": "follow-up by 2025-09-24; quarterly condition assessment",
                   "K2": "follow-up by 2025-10-04",
                   "K4": "follow-up overdue since 2025-06-15",
                   "K3": "follow-up overdue since 2025-09-03; quarterly condition assessment"}


@pytest.mark.parametrize(("risk_from", "revisit_days"), [(-1, 14), (6, 14), (3, -1)])
def test_the_policy_refuses_what_breaks_it(risk_from: int, revisit_days: int) -> None:
    with pytest.raises(ValueError):
        KeyPatientPolicy(risk_from, revisit_days)


def test_nothing_after_d_counts() -> None:
    later = _aframe([Assessment("K9", D(2025, 10, 1), AssessmentKind.QUARTERLY, 5)])
    facts = {r["patient_id"]: r for r in _facts(assessments=later).iter_rows(named=True)}
    assert (facts["K9"]["last_risk"], facts["K9"]["key"]) == (None, False)
    on_d = _aframe([Assessment("K9", dt.date(2025, 9, 30), AssessmentKind.QUARTERLY, 5)])
    facts = {r["patient_id"]: r for r in _facts(assessments=on_d).iter_rows(named=True)}
    assert (facts["K9"]["last_risk"], facts["K9"]["last_contact"], facts["K9"]["key"]) == (5, D(2025, 9, 30), True)


def test_each_reason_is_a_named_condition_with_its_words() -> None:
    """The conditions an audit or a definition shows (id and words), in the order of the reasons."""
    assert [(c.id, c.text) for c, _ in key_reason_conditions(KeyPatientPolicy(risk_from=4))] == [
        ("high_risk", "risk level ≥ 4 at the last assessment or follow-up"),
        ("unstable", "last completed follow-up unstable (病情不稳定)"),
        ("incident", "肇事 or 肇祸 recorded at a follow-up in the period"),
        ("harm_emergency", "emergency: danger to others or public safety in the period"),
    ]
