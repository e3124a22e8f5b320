"""Free medication (issue 11, item 4): days covered, eligibility, the 4-times rule, the
indicators, supply alerts — properties, both engines equal, boundary tables, the file reader."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import attrs
import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from smi_care.domain import Disorder, EconomicStatus, Registry
from smi_care.domain.identity import AreaLevel
from smi_care.domain.medication import Dispensing
from smi_care.indicators import Period, finalize
from smi_care.programme.medication import (
    ALL_REGISTERED,
    FOUR_A_YEAR,
    MEDICATION_FACTS,
    MEDICATION_INDICATORS,
    POOR_PATIENTS,
    DispensingPolicy,
    SupplyAlertPolicy,
    coverage_summary,
    coverage_table,
    days_covered,
    dispensing_rule,
    evaluate_medication,
    medication_facts,
    patient_medication_facts,
    period_days,
    runs_out_on,
    supply_alert,
    supply_alerts,
    supply_intervals,
)
from smi_care.registry.support_files import dispensings_by_patient, read_support_files
from smi_care.registry.tables import read_tables
from tests.test_engines_equal import periods, registries, tables_of

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D0 = dt.date(2023, 6, 1)


@st.composite
def dispensing_logs(draw: st.DrawFn, pid: str = "P1", max_size: int = 8) -> list[Dispensing]:
    n = draw(st.integers(0, max_size))
    return [Dispensing(pid, D0 + dt.timedelta(days=draw(st.integers(0, 950))), draw(st.sampled_from(("利培酮", "氯氮平"))),
                       draw(st.integers(1, 200)), draw(st.integers(1, 120)), draw(st.booleans()))
            for _ in range(n)]


def frame(logs: dict[str, list[Dispensing]]) -> pl.DataFrame:
    rows = [(d.patient_id, d.date, d.drug, d.quantity, d.days_supplied, d.free)
            for log in logs.values() for d in log]
    df = pl.DataFrame(rows, schema={"patient_id": pl.String, "date": pl.Date, "drug": pl.String, "quantity": pl.Int64,
                                    "days_supplied": pl.Int64, "free": pl.Boolean}, orient="row")
    return df.with_columns(row=pl.int_range(0, pl.len(), dtype=pl.UInt32)).reverse()  # order only by `row`


# --- days covered ---------------------------------------------------------------------------------

@FAST
@given(dispensing_logs(), periods())
def test_days_covered_never_exceed_the_period(log: list[Dispensing], period: Period) -> None:
    n = days_covered(log, period)
    assert 0 <= n <= period_days(period)


@FAST
@given(dispensing_logs(), dispensing_logs(), periods())
def test_more_supply_never_covers_fewer_days(log: list[Dispensing], extra: list[Dispensing], period: Period) -> None:
    assert days_covered(log + extra, period) >= days_covered(log, period)


@FAST
@given(dispensing_logs())
def test_shifted_supplies_never_overlap_and_keep_their_length(log: list[Dispensing]) -> None:
    intervals = supply_intervals(log)
    assert sum((b - a).days for a, b in intervals) == sum(d.days_supplied for d in log)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(intervals))


@FAST
@given(st.dictionaries(st.sampled_from(("P1", "P2", "P3", "P4")), dispensing_logs(max_size=6), max_size=4), periods())
def test_vectorised_days_covered_equal_the_reference(logs: dict[str, list[Dispensing]], period: Period) -> None:
    logs = {p: [attrs.evolve(d, patient_id=p) for d in log] for p, log in logs.items()}
    got = {r["patient_id"]: r for r in coverage_table(frame(logs), period).iter_rows(named=True)}
    for pid, log in logs.items():
        before = [d for d in log if d.date <= period.end]
        if not before:
            assert pid not in got
            continue
        assert got[pid]["days_covered"] == days_covered(log, period)
        assert got[pid]["runs_out_on"] == runs_out_on(before)


def _d(day: str, days: int = 30, free: bool = True) -> Dispensing:
    return Dispensing("P1", dt.date.fromisoformat(day), "利培酮", 60, days, free)


@pytest.mark.parametrize(("log", "expected"), [
    ([_d("2025-06-01")], 0),                       # covers 06-01..06-30: ends the day before Q3
    ([_d("2025-06-02")], 1),                       # covers 06-02..07-01: one day of Q3
    ([_d("2025-09-30")], 1),                       # dispensed on the last day: capped at the end
    ([_d("2025-10-01")], 0),                       # dispensed after the period: not counted
    ([_d("2025-07-01"), _d("2025-07-01")], 60),    # same day: the second supply follows the first
    ([_d("2025-07-01", 92)], 92),                  # exactly the period
    ([_d("2025-07-01", 200)], 92),                 # capped at the period end
    ([_d("2025-05-01", 60), _d("2025-05-15", 60)], 59),  # 05-01..06-29, shifted 06-30..08-28
])
def test_days_covered_boundaries(log: list[Dispensing], expected: int) -> None:
    assert days_covered(log, Period.parse("2025Q3")) == expected


# --- the 4-times rule ---------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "met"), [
    (("2025-01-05", "2025-04-05", "2025-07-05"), False),
    (("2025-01-05", "2025-04-05", "2025-07-05", "2025-07-05"), False),   # two drugs one day: once
    (("2025-01-05", "2025-04-05", "2025-07-05", "2025-10-05"), True),
    (("2024-12-31", "2025-04-05", "2025-07-05", "2025-10-05"), False),   # the first is before the year
])
def test_four_times_a_year(days: tuple[str, ...], met: bool) -> None:
    log = [_d(x) for x in days]
    r = dispensing_rule("P1", Disorder.SCHIZOPHRENIA, log, Period.parse("2025"), dt.date(2020, 1, 1))
    assert r.applies and r.met is met and r.reason


def test_four_times_pro_rated_for_a_patient_registered_in_the_year() -> None:
    log = [_d("2025-07-10"), _d("2025-10-10")]
    assert dispensing_rule("P1", Disorder.SCHIZOPHRENIA, log, Period.parse("2025"), dt.date(2025, 7, 1)).met
    assert FOUR_A_YEAR.required(Period.parse("2025"), dt.date(2025, 7, 1)) == 2
    assert FOUR_A_YEAR.required(Period.parse("2025Q3"), dt.date(2020, 1, 1)) == 1


def test_the_rule_does_not_apply_to_other_disorders_or_without_free_medication() -> None:
    log = [_d("2025-01-05")]
    assert not dispensing_rule("P1", Disorder.BIPOLAR, log, Period.parse("2025"), D0).applies
    assert not dispensing_rule("P1", Disorder.SCHIZOPHRENIA, [_d("2025-01-05", free=False)], Period.parse("2025"),
                               D0).applies
    wider = DispensingPolicy(disorders=frozenset(Disorder))
    assert dispensing_rule("P1", Disorder.BIPOLAR, log, Period.parse("2025"), D0, wider).applies


# --- eligibility ----------------------------------------------------------------------------------

facts_rows = st.fixed_dictionaries({
    "patient_id": st.just("P1"), "registered": st.booleans(),
    "disorder": st.sampled_from([d.code for d in Disorder]),
    "economic_status": st.sampled_from([None, *(e.code for e in EconomicStatus)]),
})


@given(facts_rows, st.sampled_from((POOR_PATIENTS, ALL_REGISTERED)))
def test_every_eligibility_decision_carries_a_reason_per_check(row: dict[str, Any], policy: Any) -> None:
    d = policy.decide(row)
    assert len(d.reasons) == len(policy.checks) >= 1
    assert all(r.strip() for r in d.reasons)
    assert d.eligible is (row["registered"] and (policy is ALL_REGISTERED or row["economic_status"] == 1))
    column = pl.DataFrame([row]).select(policy.expression().to_polars()).item()
    assert bool(column) is d.eligible


def test_an_ineligible_decision_says_why() -> None:
    d = POOR_PATIENTS.decide({"patient_id": "P7", "registered": True, "disorder": 1, "economic_status": None})
    assert not d.eligible
    assert "not poor (economic status not recorded, needs 1 贫困)" in d.reasons
    assert str(d).startswith("P7: not eligible under poor_patients: ")


# --- facts and indicators, both engines -------------------------------------------------------------

@st.composite
def programme(draw: st.DrawFn) -> tuple[Registry, dict[str, list[Dispensing]]]:
    reg = draw(registries())
    logs = {pid: [attrs.evolve(d, patient_id=pid) for d in draw(dispensing_logs(max_size=5))] for pid in reg.records}
    statuses = {pid: draw(st.sampled_from([None, *EconomicStatus])) for pid in reg.records}
    recs = [attrs.evolve(r, patient=attrs.evolve(r.patient, economic_status=statuses[r.patient_id])) for r in reg]
    return Registry.of(recs, reg.population), logs


def _tables(reg: Registry) -> Any:
    t = tables_of(reg)
    status = pl.DataFrame([(r.patient_id, None if r.patient.economic_status is None else r.patient.economic_status.code)
                           for r in reg], schema={"patient_id": pl.String, "economic_status": pl.Int8}, orient="row")
    return attrs.evolve(t, patients=t.patients.join(status, on="patient_id", how="left"))


@FAST
@given(programme(), periods(), st.sampled_from((POOR_PATIENTS, ALL_REGISTERED)))
def test_medication_facts_equal_patient_by_patient(case: tuple[Registry, dict[str, list[Dispensing]]],
                                                   period: Period, policy: Any) -> None:
    reg, logs = case
    table = medication_facts(_tables(reg), frame(logs), period, policy)
    got = {r["patient_id"]: r for r in table.iter_rows(named=True)}
    for rec in reg:
        expected = patient_medication_facts(rec, logs[rec.patient_id], period, reg.covers, policy)
        row = got[rec.patient_id]
        assert row["pdc"] == pytest.approx(expected.pop("pdc"), abs=1e-12)  # display only: bands read pdc_percent
        assert {k: row[k] for k in expected} == expected
    assert set(MEDICATION_FACTS) <= set(table.columns)


@FAST
@given(programme(), periods())
def test_indicator_counts_are_consistent(case: tuple[Registry, dict[str, list[Dispensing]]], period: Period) -> None:
    reg, logs = case
    tables = _tables(reg)
    total, town = evaluate_medication(tables, frame(logs), period, by=[None, AreaLevel.TOWNSHIP])
    for ind in MEDICATION_INDICATORS:
        n, d = total.counts.get((ind.id, ""), (0, 0))
        assert 0 <= n <= d
        parts = [v for (i, _), v in town.counts.items() if i == ind.id]
        assert (sum(x for x, _ in parts), sum(y for _, y in parts)) == (n, d)
    bands = [total.counts.get((i, ""), (0, 0)) for i in ("days_covered_80_rate", "days_covered_50_80_rate",
                                                         "days_covered_below_50_rate")]
    assert len({d for _, d in bands}) == 1 and sum(n for n, _ in bands) == bands[0][1]
    facts = medication_facts(tables, frame(logs), period)
    summary = coverage_summary(facts)
    enrolled = facts.filter(pl.col("registered") & pl.col("free_enrolled")).height
    assert sum(s.patients for s in summary.values()) == enrolled == bands[0][1]
    for s in summary.values():
        assert sum(s.bins) == s.patients and 0 <= (s.mean_pdc or 0) <= 1


def test_audit_reads_one_patients_facts() -> None:
    row = {"registered": True, "free_enrolled": True, "pdc_percent": 50, "rule_applies": True, "free_dispensings": 3,
           "required_dispensings": 4, "free_eligible": True}
    by_id = {i.id: i for i in MEDICATION_INDICATORS}
    assert by_id["days_covered_50_80_rate"].in_numerator(row)
    assert not by_id["free_medication_four_times_rate"].in_numerator(row)
    assert by_id["free_medication_four_times_rate"].in_denominator(row)


# --- supply alerts -------------------------------------------------------------------------------------

@FAST
@given(st.dictionaries(st.sampled_from(("P1", "P2", "P3")), dispensing_logs(max_size=5), max_size=3),
       st.integers(0, 1000), st.integers(0, 20), st.integers(0, 60))
def test_vectorised_supply_alerts_equal_the_reference(logs: dict[str, list[Dispensing]], offset: int, within: int,
                                                      lookback: int) -> None:
    logs = {p: [attrs.evolve(d, patient_id=p) for d in log] for p, log in logs.items()}
    today = D0 + dt.timedelta(days=offset)
    policy = SupplyAlertPolicy(within, lookback)
    expected = sorted((a for p, log in logs.items() if (a := supply_alert(p, log, today, policy)) is not None),
                      key=lambda a: (a.runs_out_on, a.patient_id))
    assert supply_alerts(frame(logs), today, policy) == expected
    assert all(-lookback <= a.days_left <= within for a in expected)


# --- the file, end to end ---------------------------------------------------------------------------------

PATIENTS = ("patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date,"
            "economic_status\n"
            "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08,1\n"
            "P2,2,1975-03-04,110105002001,1,2020-05-01,2020-05-08,1,2020-05-08,2\n")


def test_dispensings_file_to_indicators(tmp_path: Path) -> None:
    (tmp_path / "patients.csv").write_text(PATIENTS, encoding="utf-8")
    (tmp_path / "population.csv").write_text("area_code,year,population\n110105,2025,800000\n", encoding="utf-8")
    (tmp_path / "dispensings.csv").write_text(
        "patient_id,date,drug,quantity,days_supplied,free\n"
        "P1,2025-07-01,利培酮,60,30,1\nP1,2025-07-25,利培酮,60,30,\nP1,2025-09-01,利培酮,60,30,1\n"
        "P1,2025-13-01,利培酮,60,30,1\nP2,2025-08-01,,60,30,1\nP1,1970-01-01,利培酮,60,30,1\n", encoding="utf-8")
    tables = read_tables(tmp_path)
    assert [p.kind for p in tables.problems] == []
    load = read_support_files(tmp_path, tables.tables)
    assert [(p.line, p.column, p.kind) for p in load.problems] == [
        (5, "date", "bad_date"), (6, "drug", "missing_required"), (7, "date", "rule")]
    c = load.counts_for("dispensings.csv")
    assert (c.read, c.accepted, c.rejected) == (6, 3, 3)
    q3 = Period.parse("2025Q3")
    facts = medication_facts(tables.tables, load.dispensings, q3)
    p1 = facts.filter(pl.col("patient_id") == "P1").row(0, named=True)
    assert (p1["days_covered"], p1["free_dispensings"], p1["free_eligible"]) == (90, 3, True)  # an empty `free` is 1
    assert p1["days_covered"] == days_covered(dispensings_by_patient(load.dispensings)["P1"], q3)
    rep = finalize(evaluate_medication(tables.tables, load.dispensings, q3)[0], targets=())
    assert rep.result("free_medication_enrolment_rate").value == 100.0
    assert rep.result("free_medication_enrolment_rate", "110105001").denominator == 1


cells_ = st.fixed_dictionaries({
    "patient_id": st.sampled_from(("P1", "P2", "P9", "")),
    "date": st.sampled_from(("2025-07-01", "2025-02-30", "", "1970-01-01", "2025-7-1")),
    "drug": st.sampled_from(("利培酮", "", "奥氮平")),
    "quantity": st.sampled_from(("60", "0", "x", "", "100001")),
    "days_supplied": st.sampled_from(("30", "0", "367", "366", "")),
    "free": st.sampled_from(("1", "0", "", "2")),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(cells_, min_size=1, max_size=12))
def test_no_dispensing_row_is_dropped_silently(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    (tmp_path / "patients.csv").write_text(PATIENTS, encoding="utf-8")
    body = "".join(",".join(r.values()) + "\n" for r in rows)
    (tmp_path / "dispensings.csv").write_text("patient_id,date,drug,quantity,days_supplied,free\n" + body,
                                              encoding="utf-8")
    load = read_support_files(tmp_path, read_tables(tmp_path).tables)
    c = load.counts_for("dispensings.csv")
    # a line of empty cells (",,,,,", Excel's empty row) is a blank line: neither read nor rejected
    with_data = [r for r in rows if any(r.values())]
    assert c.read == len(with_data) == c.accepted + c.rejected
    bad_lines = {p.line for p in load.problems}
    assert len(bad_lines) == c.rejected
    assert set(load.dispensings["line"].to_list()).isdisjoint(bad_lines)
    for p in load.problems:
        assert p.file == "dispensings.csv" and p.column and p.reason
    assert sum(len(v) for v in dispensings_by_patient(load.dispensings).values()) == c.accepted


def test_the_files_read_the_same_from_parquet(tmp_path: Path) -> None:
    from smi_care.synth import write_province

    folder = write_province(tmp_path / "csv", patients=60, seed=2)
    tables = read_tables(folder).tables
    load = read_support_files(folder, tables)
    pq = tmp_path / "pq"
    pq.mkdir()
    for f in ("patients.csv", "followups.csv", "events.csv", "population.csv"):
        (pq / f).write_bytes((folder / f).read_bytes())
    for name in ("dispensings", "guardians", "teams", "team_reviews"):
        getattr(load, name).drop("row", "line").write_parquet(pq / f"{name}.parquet")
    again = read_support_files(pq, read_tables(pq).tables)
    assert again.ok and read_tables(pq).ok
    for name in ("dispensings", "guardians", "teams", "team_reviews"):
        assert getattr(again, name).drop("row", "line").equals(getattr(load, name).drop("row", "line"))
