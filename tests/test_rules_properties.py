"""Property tests for the rules not covered elsewhere: working days, interventions, worklist, quality."""

import datetime as dt

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from smi_care.domain import AreaCode, Classification, EventKind, PatientRecord
from smi_care.domain.errors import ArgumentValueError
from smi_care.rules import add_working_days, is_registered, is_working_day, status_in
from smi_care.rules.classification import classify
from smi_care.rules.interventions import EVERY_VISIT, Action, actions_for, visit_actions
from smi_care.rules.status import under_management
from smi_care.rules.workdays import working_days_between
from smi_care.synth import CountyShape, iter_records
from smi_care.testing import COUNTIES, OUTSIDE, codes, patient_records
from tests.engine_and_oracle import findings, patient_items, worklist

known_days = st.dates(dt.date(2004, 1, 1), dt.date(2026, 11, 30))


@given(known_days, st.integers(0, 25))
def test_section2_nth_working_day_is_a_working_day_and_counts_n(start: dt.date, n: int) -> None:
    answer = add_working_days(start, n)
    assert answer.date >= start and not answer.provisional
    assert working_days_between(start, answer.date) == n
    if n:
        assert is_working_day(answer.date)


@given(known_days, st.integers(0, 20), st.integers(0, 5))
def test_section2_more_working_days_never_earlier(start: dt.date, n: int, extra: int) -> None:
    assert add_working_days(start, n).date <= add_working_days(start, n + extra).date


@given(codes(Classification), st.none() | st.integers(0, 5), st.none() | codes(Classification))
def test_section4_every_visit_gets_the_every_visit_actions(cls: Classification, risk: int | None,
                                                           previous: Classification | None) -> None:
    """Every admissible class and risk gets the every-visit actions; a class its risk rules out
    (stable with risk 1-5, basically stable with risk 3-5: docs/rules/interventions.md) is
    refused, never answered without the police step."""
    ruled_out = risk is not None and ((cls is Classification.STABLE and risk > 0)
                                      or (cls is Classification.BASICALLY_STABLE and risk >= 3))
    if ruled_out:
        with pytest.raises(ArgumentValueError, match=r"visit_actions\(risk_level="):
            visit_actions(cls, risk, previous)
        with pytest.raises(ArgumentValueError, match=r"actions_for\(risk_level=5\)"):
            actions_for(cls, 5)
        return
    acts = visit_actions(cls, risk, previous)
    assert set(EVERY_VISIT) <= set(acts) and len(acts) == len(set(acts))
    if cls is Classification.UNSTABLE:
        assert Action.REFER_NOW in acts
        assert (Action.NOTIFY_POLICE in acts) == (risk is not None and risk >= 3)
    else:
        assert Action.NOTIFY_POLICE not in acts


@given(st.lists(patient_records(max_followups=6, max_events=3), max_size=4, unique_by=lambda r: r.patient_id),
       st.dates(dt.date(2016, 1, 1), dt.date(2026, 6, 30)))
def test_section5_worklist_puts_alerts_then_overdue_first(records: list[PatientRecord], on: dt.date) -> None:
    """Stated from the module's promise, not from its sort key: every patient's items appear
    once; alerts come before everything else, and among the rest an overdue follow-up never
    follows one that is not overdue."""
    items = worklist(records, on)
    expected = sorted(repr(i) for r in records for i in patient_items(r, on))
    assert sorted(repr(i) for i in items) == expected
    alerts = [i.kind.is_alert for i in items]
    assert alerts == sorted(alerts, reverse=True)
    rest = [i.days_overdue > 0 for i in items if not i.kind.is_alert]
    assert rest == sorted(rest, reverse=True)
    for i in items:
        assert i.days_overdue == (on - i.due).days or i.kind.is_alert or i.kind.value == "report_deadline"


@given(patient_records())
def test_section4_quality_class_finding_iff_recorded_class_differs(rec: PatientRecord) -> None:
    found = {f.visit_date for f in findings(rec) if f.kind == "class_disagrees"}
    differs = {f.visit_date for f in rec.followups if f.completed and f.classification is not None
               and classify(f).classification not in (None, f.classification)}
    assert found == differs


def test_section4_generated_county_histories_have_no_findings() -> None:
    for rec in iter_records(CountyShape(patients=300), seed=21):
        assert findings(rec) == []


@given(patient_records())
def test_section4_correcting_classes_removes_class_findings(rec: PatientRecord) -> None:
    fixed = attrs.evolve(rec, followups=tuple(
        attrs.evolve(f, classification=classify(f).classification) if f.completed else f for f in rec.followups))
    assert not [f for f in findings(fixed) if f.kind in ("class_disagrees", "missing_assessment")]


@given(patient_records(), st.dates(dt.date(2015, 6, 1), dt.date(2026, 12, 31)))
def test_section5_under_management_iff_registered_on_d_with_a_completed_followup_in_p(
        rec: PatientRecord, end: dt.date) -> None:
    start = dt.date(end.year, 1, 1)
    done = any(f.completed and start <= f.visit_date <= end for f in rec.followups)
    assert under_management(rec, start, end) is (is_registered(rec, end) and done)
    assert status_in(rec, start, end).under_management is under_management(rec, start, end)


@pytest.mark.parametrize("feature", ["discharge on a visit day", "same-day follow-ups", "transfer out covered",
                                     "transfer out uncovered", "consent refused", "death", "in hospital now",
                                     "transfer in", "admission then discharge", "registered in 2025"])
def test_strategies_reach_every_history(feature: str) -> None:
    inside = {AreaCode(c) for c in COUNTIES}

    def has(r: PatientRecord) -> bool:
        visits = [f.visit_date for f in r.followups]
        return {
            "discharge on a visit day": any(e.kind is EventKind.DISCHARGE and e.date in visits for e in r.events),
            "same-day follow-ups": len(set(visits)) < len(visits),
            "transfer out covered": any(e.kind is EventKind.TRANSFER_OUT and e.other_area is not None
                                        and any(e.other_area.within(c) for c in inside) for e in r.events),
            "transfer out uncovered": any(e.kind is EventKind.TRANSFER_OUT and e.other_area == OUTSIDE
                                          for e in r.events),
            "consent refused": not r.patient.consented and bool(r.followups),
            "death": any(e.kind is EventKind.DEATH for e in r.events),
            "in hospital now": any(f.in_hospital_now for f in r.followups),
            "transfer in": any(e.kind is EventKind.TRANSFER_IN for e in r.events),
            "admission then discharge": any(a.kind is EventKind.ADMISSION and b.kind is EventKind.DISCHARGE
                                            and a.date <= b.date for a in r.events for b in r.events),
            "registered in 2025": r.patient.registered_on.year == 2025 and bool(r.followups),
        }[feature]

    assert has(find(patient_records(max_followups=4), has, settings=settings(max_examples=1000, database=None,
                                                                                     phases=[Phase.generate])))
