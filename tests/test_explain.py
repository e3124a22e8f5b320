"""Explain a change between two periods: the entries add up, each reason has its registry."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import Adherence, AreaCode, AreaLevel, EventKind, PopulationEntry, Registry
from smi_care.indicators import STANDARD_INDICATORS, Period
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.evaluate import finalize
from smi_care.indicators.explain import ExplainError, Explanation, explain, to_json_data, words
from smi_care.indicators.outliers import OutlierPolicy, modified_z, outliers
from smi_care.indicators.trend import TrendRow
from smi_care.registry.tables import RegistryTables, read_tables
from smi_care.synth import write_province
from smi_care.testing import registries
from tests.frames import frames_of
from tests.helpers import D, event, patient, record, visit

Q2, Q3 = Period.parse("2025Q2"), Period.parse("2025Q3")


def tables_of(reg: Registry) -> RegistryTables:
    pats, fus, evs = frames_of(reg)
    pop = pl.DataFrame([(p.area_code.code, p.year, p.population) for p in reg.population],
                       schema={"area_code": pl.String, "year": pl.Int32, "population": pl.Int64}, orient="row")
    return RegistryTables(pats, fus, evs, pop)


def assert_adds_up(ex: Explanation) -> None:
    assert ex.changes
    for c in ex.changes:
        assert c.numerator_to - c.numerator_from == c.explained("numerator"), c
        if c.denominator_to is not None and c.denominator_from is not None:
            assert c.denominator_to - c.denominator_from == c.explained("denominator"), c
        for e in c.entries:
            assert "?" not in e.reason, e
            assert (e.change != 0 and abs(e.change) == len(e.patients)) or e.reason == "population", e


def test_reports_of_both_periods_are_the_report() -> None:
    reg = Registry.of([record(visit(D(2025, 5, 1))), record(visit(D(2025, 8, 1), pid="P2"), p=patient("P2"))])
    tables = tables_of(reg)
    ex = explain(tables, Q2, Q3, AreaLevel.TOWNSHIP)
    for rep, period in zip(ex.reports, (Q2, Q3), strict=True):
        assert rep == finalize(evaluate_tables(tables, period, AreaLevel.TOWNSHIP)[0])


@given(registries(max_patients=10), st.sampled_from([None, AreaLevel.TOWNSHIP, AreaLevel.COUNTY]),
       st.sampled_from([(Q2, Q3), (Period.parse("2024"), Period.parse("2025")), (Period.parse("2025-01"), Q3)]))
def test_entries_add_up_on_random_registries(reg: Registry, by: AreaLevel | None,
                                             periods: tuple[Period, Period]) -> None:
    ex = explain(tables_of(reg), *periods, by)
    assert_adds_up(ex)
    # a patient is in at most one entry of a part of a group; the total has no moves
    for c in ex.changes:
        for part in ("numerator", "denominator"):
            ids = [p for e in c.entries if e.part == part for p in e.patients]
            assert len(ids) == len(set(ids))
        if c.group == "":
            assert not any(e.reason.startswith("moved") for e in c.entries)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_province(tmp_path_factory.mktemp("demo"), patients=600, seed=3)


def test_entries_add_up_on_the_demo(demo: Path) -> None:
    ex = explain(read_tables(demo).tables, Q2, Q3, AreaLevel.TOWNSHIP)
    assert_adds_up(ex)
    assert any(e.reason.startswith("lost|") for c in ex.changes for e in c.entries)
    data = json.loads(json.dumps(to_json_data(ex)))
    assert data["from"] == str(Q2) and len(data["changes"]) == len(ex.changes)


def test_periods_the_wrong_way_round() -> None:
    with pytest.raises(ExplainError, match="ends before"):
        explain(tables_of(Registry.of([])), Q3, Q2)


def test_tables_are_needed() -> None:
    with pytest.raises(TypeError, match="registry tables"):
        explain([], Q2, Q3)  # type: ignore[arg-type]


# --- one registry per reason: exactly that reason moves the patient --------------------------------

OUTSIDE = AreaCode("440106001001")
OTHER_TOWNSHIP = AreaCode("110105002001")
Q2_VISIT, Q3_VISIT = visit(D(2025, 5, 10)), visit(D(2025, 8, 10))


def reasons(ex: Explanation, indicator: str | None = None, group: str = "") -> set[tuple[str, str, int]]:
    return {(e.part, e.reason, e.change) for c in ex.changes if c.group == group
            and (indicator is None or c.indicator == indicator) for e in c.entries}


def only(reg: Registry, start: Period = Q2, end: Period = Q3, by: AreaLevel | None = None,
         group: str = "", indicator: str | None = None) -> set[str]:
    ex = explain(tables_of(reg), start, end, by)
    assert_adds_up(ex)
    return {r for _, r, _ in reasons(ex, indicator, group)}


@pytest.mark.parametrize(("items", "expected"), [
    ((Q2_VISIT, Q3_VISIT, event(D(2025, 8, 20), EventKind.DEATH)), "left:died"),
    ((Q2_VISIT, Q3_VISIT, event(D(2025, 8, 20), EventKind.DIAGNOSIS_WITHDRAWN)), "left:diagnosis_withdrawn"),
    ((Q2_VISIT, Q3_VISIT, event(D(2025, 8, 20), EventKind.TRANSFER_OUT, other_area=OUTSIDE)), "left:transferred_out"),
    ((Q3_VISIT, event(D(2025, 7, 20), EventKind.TRANSFER_IN)), "entered:transferred_in"),
])
def test_register_reasons(items: tuple[object, ...], expected: str) -> None:
    reg = Registry.of([record(*items)])  # type: ignore[arg-type]
    assert only(reg) == {expected}


def test_new_registration() -> None:
    p = patient(registered_on=D(2025, 7, 15), diagnosis_date=D(2025, 7, 1))
    assert only(Registry.of([record(Q3_VISIT, p=p)])) == {"entered:new"}


def test_moved_between_townships() -> None:
    reg = Registry.of([record(Q2_VISIT, Q3_VISIT, event(D(2025, 7, 20), EventKind.TRANSFER_OUT,
                                                        other_area=OTHER_TOWNSHIP))])
    assert only(reg, by=AreaLevel.TOWNSHIP, group="110105001") == {"moved:out"}
    assert only(reg, by=AreaLevel.TOWNSHIP, group="110105002") == {"moved:in"}
    assert only(reg, by=AreaLevel.TOWNSHIP) == set()  # the total does not change


def test_no_completed_followup() -> None:
    got = only(Registry.of([record(Q2_VISIT)]), indicator="management_rate")
    assert got == {"lost|under_management|completed_count >= 1"}
    assert words(got.pop(), "en") == "no longer: a completed follow-up in the period (under_management)"


def test_last_adherence_not_recorded() -> None:
    got = only(Registry.of([record(Q2_VISIT)]), indicator="medication_rate")
    assert got == {"lost|on_medication|last_adherence in (1, 2) #none"}
    assert words(got.pop(), "en").endswith("— not recorded (no completed follow-up in the period, or left blank)")


def test_too_few_for_the_pro_rated_count() -> None:
    visits = [visit(D(2024, m, 5)) for m in (2, 5, 8, 11)] + [visit(D(2025, m, 5)) for m in (2, 5)]
    got = only(Registry.of([record(*visits)]), Period.parse("2024"), Period.parse("2025"))
    assert got == {"lost|standard|completed_count >= required_followups"}


def test_last_adherence_changed() -> None:
    reg = Registry.of([record(Q2_VISIT, visit(D(2025, 8, 10), adherence=Adherence.INTERMITTENT))])
    assert only(reg) == {"lost|regular_medication|last_adherence == 1"}


def test_last_class_changed() -> None:
    reg = Registry.of([record(Q2_VISIT, visit(D(2025, 8, 10), risk_level=3))])
    assert "lost|stable|last_class == 3" in only(reg, indicator="stability_rate")
    assert only(reg, indicator="stability_rate") == {"lost|stable|last_class == 3"}


def test_population_changed() -> None:
    pop = [PopulationEntry(AreaCode("110105"), 2024, 1000), PopulationEntry(AreaCode("110105"), 2025, 1200)]
    reg = Registry.of([record(visit(D(2024, 5, 1)), visit(D(2025, 5, 1)))], pop)
    ex = explain(tables_of(reg), Period.parse("2024"), Period.parse("2025"))
    assert reasons(ex, "reported_prevalence") == {("denominator", "population", 200)}


def test_every_standard_indicator_is_explained() -> None:
    reg = Registry.of([record(Q2_VISIT)])
    ex = explain(tables_of(reg), Q2, Q3)
    assert {c.indicator for c in ex.changes} == {i.id for i in STANDARD_INDICATORS}


# --- outliers in a trend -----------------------------------------------------------------------------

def trend_row(period: str, group: str, value: float | None) -> TrendRow:
    return TrendRow(period, D(2025, 1, 1), D(2025, 3, 31), group, group or None, "management_rate", 0, 0, value, "%",
                    None, None)


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=12), st.integers(-500, 500),
       st.sampled_from([0.25, 0.5, 2.0, 8.0]))
def test_modified_z_ignores_shift_and_scale(values: list[int], shift: int, scale: float) -> None:
    plain = modified_z([float(v) for v in values])
    moved = modified_z([v * scale + shift for v in values])
    for a, b in zip(plain, moved, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert abs(a - b) < 1e-9 * max(1.0, abs(a))


@pytest.mark.parametrize(("values", "flagged"), [
    ([80, 81, 79, 80.5, 60], {60}),          # a fall from the usual level
    ([80, 81, 79, 80.5, 78], set()),         # ordinary noise
    ([80, 80, 80, 80, 60], {60}),            # a flat history (MAD 0): the mean deviation stands in
    ([80, 80, 80, 80, 80], set()),           # every value the median
    ([80, 81, 60, 79], set()),               # too few values for a score
])
def test_history_outliers(values: list[float], flagged: set[float]) -> None:
    rows = [trend_row(f"2025Q{i}", "360102001", v) for i, v in enumerate(values)]
    found = outliers(rows)
    assert {o.value for o in found} == flagged
    assert all(o.against == "history" and abs(o.score) > 3.5 for o in found)


def test_the_threshold_is_strict() -> None:
    # median 0, MAD 1: M = 0.6745 x; x = 3.5 / 0.6745 is exactly at the threshold
    at = 3.5 / 0.6745
    rows = [trend_row("2025Q1", g, v) for g, v in zip("abcdefg", [-1, 1, 0, 0, -1, 1, at], strict=True)]
    assert outliers(rows, OutlierPolicy(threshold=3.5 + 1e-9)) == []
    assert [o.group for o in outliers(rows, OutlierPolicy(threshold=3.5 - 1e-9))] == ["g"]
    assert all(o.against == "peers" for o in outliers(rows, OutlierPolicy(threshold=3.4)))


def test_missing_values_are_left_out() -> None:
    rows = [trend_row(f"2025Q{i}", "a", v) for i, v in enumerate([None, 80, 81, 79, 80.5, 60])]
    assert [o.value for o in outliers(rows)] == [60]


def test_outlier_policy_is_checked() -> None:
    with pytest.raises(ValueError, match="threshold"):
        OutlierPolicy(threshold=0)
    with pytest.raises(ValueError, match="min_values"):
        OutlierPolicy(min_values=2)


# --- the command, the outputs --------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from smi_care.cli.main import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_command(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", str(demo), "--from", "2025Q2", "--to", "2025Q3", "--by", "township",
                       "--indicator", "规范管理率", "--format", "json")
    assert code == 0
    data = json.loads(out)
    for c in data["changes"]:
        for part in ("numerator", "denominator"):
            assert c["to"][part] - c["from"][part] == sum(e["change"] for e in c["entries"] if e["part"] == part)
    code, out, _ = run(capsys, "explain", str(demo), "--from", "2025Q2", "--to", "2025Q3", "--lang", "en",
                       "--chart", str(tmp_path / "w.png"))
    assert code == 0 and "standard_management_rate · total" in out and (tmp_path / "w.png").stat().st_size > 0
    code, _, err = run(capsys, "explain", str(demo), "--from", "2025Q2")
    assert code == 2 and "--to" in err
    code, out, _ = run(capsys, "explain", str(demo), "--periods", "2024Q1..2025Q4", "--by", "township")
    assert code == 0 and out.startswith("离群值")


def test_explain_workbook_has_no_live_formula(tmp_path: Path) -> None:
    import openpyxl

    from smi_care.export.explain import write_xlsx

    p = patient("=1+1")
    reg = Registry.of([record(visit(D(2025, 5, 10), pid="=1+1"), p=p)])
    ex = explain(tables_of(reg), Q2, Q3, AreaLevel.TOWNSHIP)
    wb = openpyxl.load_workbook(write_xlsx(ex, tmp_path / "e.xlsx", lang="en"))
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert "=1+1" in cells  # the identifier, written as text
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert wb.sheetnames == ["figures", "reasons"]
