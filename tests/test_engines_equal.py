"""The one engine (columnar) equals the independent oracle (tests/oracle/), fact by fact, count by
count and status by status.

The library computes facts, statuses and counts only with the columnar engine (for one record
too: its rows are turned into small tables); the per-patient loops in tests/oracle/ are the
oracle. Registries are generated with everything §5 and §6 distinguish: deaths, diagnosis
withdrawn, transfers in and out (to areas inside and outside the registry's coverage),
admissions with and without discharges, same-day follow-ups and events (ties broken by row
order), follow-ups that reached nobody, loss reasons, attempts carrying both a loss reason and a
risk level (not completed), in-hospital follow-ups without assessments, registration inside the
period, refused consent, contracts with and without an end. The edges are drawn on purpose, not
by chance: the period is drawn first and about half of the dates (visits, events, registration,
contract ends) fall on its first or last day or the day before or after them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import hypothesis.strategies as st
import polars as pl
from hypothesis import HealthCheck, given, settings

from smi_care.domain import (
    Consent,
    Event,
    EventKind,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Insight,
    LossReason,
    PatientRecord,
    Registry,
)
from smi_care.domain.codes import EmergencyCategory
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import Coverage, PopulationEntry
from smi_care.indicators import STANDARD_INDICATORS, Period, evaluate
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.evaluate import Dimension, EvaluationPolicy
from smi_care.indicators.facts import FACTS
from smi_care.indicators.facts_table import facts_table
from smi_care.indicators.standard import FOLLOWUPS_AND_HEALTH_CHECK, FOUR_FOLLOWUPS, NO_GAP_OVER_3_MONTHS
from smi_care.rules import status
from smi_care.rules.status import StatusPolicy
from smi_care.testing import codes, followups, patients
from tests.frames import frames_of
from tests.oracle import status as oracle
from tests.oracle.evaluate import evaluate as oracle_evaluate
from tests.oracle.facts import patient_facts

LO, HI = dt.date(2023, 10, 1), dt.date(2025, 12, 31)
HOME = ("110105001001", "110105001002", "110105002001", "110105", "110108001001")
ELSEWHERE = ("110105002003", "110105003001", "320102001001", "110106")  # first two covered, last two not


def days(lo: dt.date = LO, hi: dt.date = HI, edges: tuple[dt.date, ...] = ()) -> st.SearchStrategy[dt.date]:
    """A day in [lo, hi]; given ``edges`` (a period's first and last days and their
    neighbours), one of them about half the time."""
    anywhere = st.integers(0, (hi - lo).days).map(lambda n: lo + dt.timedelta(days=n))
    near = sorted({e for e in edges if lo <= e <= hi})
    return st.one_of(st.sampled_from(near), anywhere) if near else anywhere


def edges_of(period: Period) -> tuple[dt.date, ...]:
    one = dt.timedelta(days=1)
    return (period.start - one, period.start, period.start + one, period.end - one, period.end, period.end + one)


@st.composite
def attempts(draw: st.DrawFn, pid: str, lo: dt.date,
             kinds: tuple[str, ...] = ("reached", "reached", "failed", "lost", "lost_with_risk", "in_hospital"),
             most: int = 7, same_day_one_in: int = 6, edges: tuple[dt.date, ...] = ()) -> list[FollowUp]:
    """Attempts of every kind (drawn from ``kinds``), up to ``most``, and about one in
    ``same_day_one_in`` followed by a second attempt on the same day."""
    out: list[FollowUp] = []
    for _ in range(draw(st.integers(0, most))):
        kind = draw(st.sampled_from(kinds))
        day = draw(days(lo, edges=edges))
        if kind == "reached":
            out.append(draw(followups(pid, day, day, reached=True)))
        elif kind == "failed":
            out.append(FollowUp(pid, day, draw(codes(FollowUpForm))))
        elif kind == "lost":
            out.append(FollowUp(pid, day, FollowUpForm.PHONE, loss_reason=draw(codes(LossReason))))
        elif kind == "lost_with_risk":  # a loss reason and a risk level copied from the last visit: not completed
            out.append(FollowUp(pid, day, FollowUpForm.PHONE, loss_reason=draw(codes(LossReason)),
                                risk_level=draw(st.integers(0, 5)),
                                insight=draw(st.one_of(st.none(), codes(Insight)))))
        else:
            out.append(FollowUp(pid, day, draw(codes(FollowUpForm)), hospitalisation=Hospitalisation.IN_HOSPITAL_NOW))
        if draw(st.integers(0, same_day_one_in - 1)) == 0:  # a second attempt on the same day
            out.append(draw(followups(pid, day, day)))
    return out


@st.composite
def status_events(draw: st.DrawFn, pid: str, lo: dt.date, edges: tuple[dt.date, ...] = ()) -> list[Event]:
    out: list[Event] = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(list(EventKind)))
        day = (draw(st.sampled_from([e.date for e in out])) if out and draw(st.booleans())
               else draw(days(lo, edges=edges)))
        kw: dict[str, Any] = {}
        if kind in (EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN):
            other = draw(st.one_of(st.none(), st.sampled_from(ELSEWHERE + HOME)))
            kw["other_area"] = AreaCode(other) if other else None
        elif kind is EventKind.FAMILY_DOCTOR_CONTRACT:
            kw["contract_end"] = draw(st.one_of(st.none(), days(day, HI + dt.timedelta(days=400), edges)))
        elif kind is EventKind.EMERGENCY:
            kw["emergency"] = draw(st.one_of(st.none(), st.sampled_from(list(EmergencyCategory))))
        out.append(Event(pid, day, kind, **kw))
    # discharges come after an admission (the reader rejects the others)
    admissions = sorted(e.date for e in out if e.kind is EventKind.ADMISSION)
    return [e for e in out if e.kind is not EventKind.DISCHARGE or (admissions and e.date >= admissions[0])]


@st.composite
def records(draw: st.DrawFn, pid: str, edges: tuple[dt.date, ...] = ()) -> PatientRecord:
    p = draw(patients(pid))
    registered = draw(days(dt.date(2023, 1, 1), dt.date(2025, 11, 30), edges))
    diagnosis = min(p.diagnosis_date, registered)
    birth = min(p.birth_date, diagnosis)
    consent = draw(codes(Consent))
    p = attrs.evolve(p, birth_date=birth, diagnosis_date=diagnosis, registered_on=registered,
                     area_code=AreaCode(draw(st.sampled_from(HOME))), consent=consent,
                     consent_date=registered if consent is Consent.AGREED else None, resident_id=None)
    return PatientRecord(p, tuple(draw(attempts(pid, diagnosis, edges=edges))),
                         tuple(draw(status_events(pid, diagnosis, edges))))


@st.composite
def registries(draw: st.DrawFn, edges: tuple[dt.date, ...] = ()) -> Registry:
    n = draw(st.integers(1, 6))
    recs = [draw(records(f"P{i}", edges)) for i in range(n)]
    population = (PopulationEntry(AreaCode("110105"), 2024, 800_000), PopulationEntry(AreaCode("110105"), 2025, 810_000))
    return Registry.of(recs, draw(st.sampled_from(((), population))))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    shape = draw(st.sampled_from(("year", "quarter", "month", "range")))
    year = draw(st.sampled_from((2024, 2025)))
    if shape == "year":
        return Period.year(year)
    if shape == "quarter":
        return Period.quarter(year, draw(st.integers(1, 4)))
    if shape == "month":
        return Period.month(year, draw(st.integers(1, 12)))
    a, b = sorted((draw(days()), draw(days())))
    return Period(a, b)


policies = st.builds(EvaluationPolicy, standard=st.sampled_from((FOUR_FOLLOWUPS, FOLLOWUPS_AND_HEALTH_CHECK,
                                                                 NO_GAP_OVER_3_MONTHS)),
                     status=st.builds(StatusPolicy, st.integers(1, 4)))
breakdowns = st.sampled_from((None, *AreaLevel, *Dimension))


@attrs.frozen
class Tables:
    patients: pl.DataFrame
    followups: pl.DataFrame
    events: pl.DataFrame
    population: pl.DataFrame
    registry: Registry

    def covers(self, area: AreaCode) -> bool:
        return self.registry.covers(area)


def tables_of(reg: Registry) -> Tables:
    """The registry as tables, rows stored in reverse: only the ``row`` column tells file order."""
    pats, fus, evs = (frame.reverse() for frame in frames_of(reg))
    pop = pl.DataFrame([(p.area_code.code, p.year, p.population) for p in reg.population],
                       schema={"area_code": pl.String, "year": pl.Int32, "population": pl.Int64}, orient="row")
    return Tables(pats, fus, evs, pop, reg)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cases(draw: st.DrawFn) -> tuple[Registry, Period]:
    """A period, then a registry whose dates fall on its edges on purpose."""
    period = draw(periods())
    return draw(registries(edges_of(period))), period


@FAST
@given(cases(), policies)
def test_facts_equal_patient_by_patient(case: tuple[Registry, Period], policy: EvaluationPolicy) -> None:
    reg, period = case
    t = tables_of(reg)
    table = facts_table(t.patients, t.followups, t.events, period, reg.covers, policy.standard, policy.status,
                        policy.classes)
    assert table.columns == list(FACTS)
    columnar = {r["patient_id"]: r for r in table.iter_rows(named=True)}
    for rec in reg:
        expected = patient_facts(rec, period, reg.covers, policy.standard, policy.status, policy.classes).row()
        got = columnar[rec.patient_id]
        assert got == expected, {k: (expected[k], got[k]) for k in FACTS if got[k] != expected[k]}


@FAST
@given(cases(), policies, st.lists(breakdowns, min_size=1, max_size=3, unique=True))
def test_counts_equal_indicator_by_indicator_and_area_by_area(case: tuple[Registry, Period],
                                                              policy: EvaluationPolicy, bys: list[Any]) -> None:
    reg, period = case
    partials = evaluate_tables(tables_of(reg), period, bys, STANDARD_INDICATORS, policy)
    for by, got in zip(bys, partials, strict=True):
        expected = oracle_evaluate(reg, period, by, policy=policy)
        assert got.counts == expected.counts
        assert got == expected
        assert evaluate(reg, period, by, policy=policy) == expected  # the object API: the same engine


@FAST
@given(cases(), st.builds(StatusPolicy, st.integers(1, 4)))
def test_status_equal_day_by_day(case: tuple[Registry, Period], policy: StatusPolicy) -> None:
    """Every per-patient status function of smi_care.rules (the engine on one record's rows)
    equals the oracle's loop, on the period's edges and on every recorded day."""
    reg, period = case
    for rec in reg:
        recorded = {rec.patient.registered_on, *(f.visit_date for f in rec.followups), *(e.date for e in rec.events)}
        for day in sorted({*edges_of(period), *recorded}):
            got, want = status.status_on(rec, day, reg.covers, policy), oracle.status_on(rec, day, reg.covers, policy)
            assert attrs.astuple(got, recurse=False) == attrs.astuple(want, recurse=False), (day, got, want)
            assert attrs.astuple(status.registration_on(rec, day, reg.covers)) == attrs.astuple(
                oracle.registration_on(rec, day, reg.covers))
            assert status.lost_since(rec, day, policy) is oracle.lost_since(rec, day, policy)
            assert status.in_hospital(rec, day) == oracle.in_hospital(rec, day)
            assert status.admitted_on(rec, day) == oracle.admitted_on(rec, day)
            assert status.last_lockup(rec, day) == oracle.last_lockup(rec, day)
            assert status.last_completed(rec, day, period.start) is oracle.last_completed(rec, day, period.start)
        assert status.completed_in(rec, period.start, period.end) == oracle.completed_in(rec, period.start, period.end)
        got_p, want_p = status.status_in(rec, period.start, period.end, reg.covers, policy), oracle.status_in(
            rec, period.start, period.end, reg.covers, policy)
        assert (got_p.completed, got_p.under_management, got_p.last_class) == (
            want_p.completed, want_p.under_management, want_p.last_class)
        assert [(c.day, c.status) for c in status.timeline(rec, period.end, reg.covers, policy)] == [
            (c.day, c.status) for c in oracle.timeline(rec, period.end, reg.covers, policy)]
    many = status.statuses_on(reg, period.end, reg.covers, policy)
    assert many == {rec.patient_id: status.status_on(rec, period.end, reg.covers, policy) for rec in reg}


def test_demo_county_equal_in_both_engines() -> None:
    from smi_care.synth import generate

    reg = generate(patients=400)
    t = tables_of(reg)
    for text in ("2025", "2025Q3", "2024-02"):
        period = Period.parse(text)
        for by in (None, AreaLevel.TOWNSHIP, Dimension.AGE):
            assert evaluate_tables(t, period, by)[0] == oracle_evaluate(reg, period, by) == evaluate(reg, period, by)


def test_evaluate_given_tables_counts_them_with_the_columnar_engine() -> None:
    """evaluate() given registry tables hands them, with every argument, to the columnar engine
    (WS2018 工作指标: one definition, two engines)."""
    from tests.helpers import D, event, miss, patient, record, visit

    inside = AreaCode("110105002001")
    moved = record(visit(D(2025, 3, 1)), event(D(2025, 6, 1), EventKind.TRANSFER_OUT, other_area=inside))
    failing = record(visit(D(2025, 2, 1), pid="P2"), miss(D(2025, 3, 1), pid="P2"), p=patient("P2"))
    reg = Registry.of([moved, failing])
    t = tables_of(reg)
    policy = EvaluationPolicy(standard=NO_GAP_OVER_3_MONTHS, status=StatusPolicy(consecutive_failures_lost=1))
    covered = Coverage((AreaCode("110106"),))   # not the area the patient moved to
    only = [i for i in STANDARD_INDICATORS if i.id in ("management_rate", "loss_rate")]
    got = evaluate(t, Period.year(2025), AreaLevel.TOWNSHIP, only, policy, covered)
    assert got == evaluate(reg.records.values(), Period.year(2025), AreaLevel.TOWNSHIP, only, policy, covered)
    assert got.counts[("loss_rate", "110105001")] == (1, 1)
    assert ("management_rate", "110105002") not in got.counts          # the caller's coverage, not the tables'
    assert evaluate(t, Period.year(2025), AreaLevel.TOWNSHIP, only).counts[("management_rate", "110105002")] == (1, 1)
    assert [i.id for i in got.indicators] == ["management_rate", "loss_rate"]
