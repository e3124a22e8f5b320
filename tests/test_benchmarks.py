"""The province benchmark runs, and its DuckDB baseline (an independent SQL reading of §5 and §6)
agrees with smi_care: on the demo county, on generated registries for several seeds and periods,
and on random registries with transfers within and out of the registry, deaths, withdrawals,
admissions and discharges, same-day ties and unrecorded classes. No assertion on time."""

from __future__ import annotations

import contextlib
import datetime as dt
import runpy
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi_care.domain.codes import Adherence, Classification, EventKind, Hospitalisation
from smi_care.domain.errors import DomainError
from smi_care.domain.events import Event
from smi_care.domain.identity import AreaCode
from smi_care.domain.records import PatientRecord, Registry
from smi_care.indicators import Period
from smi_care.registry import write_registry
from smi_care.synth import generate
from smi_care.testing import registries

BENCH = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import baseline  # noqa: E402
import library_steps  # noqa: E402
from run import differences, verdict  # noqa: E402
from sql_baseline import counts, load  # noqa: E402

OUTSIDE = AreaCode("440303001001")  # an area no test registry covers


def compare(folder: Path, period: Period) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """(smi_care's six core counts by township, the baseline's) for one registry folder."""
    data, _, _ = library_steps.read(folder)
    ours = library_steps.core_counts(library_steps.annual_report(data, period))
    return ours, baseline.core_counts(baseline.connect(), folder, period.start, period.end)


def test_run_py_measures_every_step_and_agrees(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--scale", "150", "--seed", "2", "--cache",
                           str(tmp_path)], capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "library and baseline agree" in out
    for step in ("read_csv", "report_csv", "worklist", "quality", "baseline"):
        assert run_description(step) in out
    assert "ratio library / baseline" in out
    assert (tmp_path / "seed2-n150" / "csv" / "patients.csv").is_file()
    again = subprocess.run([sys.executable, str(BENCH / "run.py"), "--scale", "150", "--seed", "2", "--cache",
                            str(tmp_path), "--steps", "baseline"], capture_output=True, text=True, timeout=600,
                           check=False)
    assert "generating" not in again.stdout  # cached by seed and size
    assert again.returncode == 2  # nothing to compare the baseline with


def run_description(step: str) -> str:
    from run import DESCRIPTIONS

    return DESCRIPTIONS[step]


def test_the_parquet_report_alone_is_compared_with_the_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    def step(counts: dict[str, dict[str, int]], seconds: float) -> dict[str, object]:
        return {"counts": counts, "phases": {"report": seconds}, "wall": seconds + 1, "cpu": seconds, "peak_mb": 100.0}

    same = {"360102001": {"registered": 5, "managed": 4}}
    results = {"report_parquet": step(same, 3.0), "baseline": step(same, 2.0)}
    assert verdict(results, 5) == 0
    out = capsys.readouterr().out
    assert "ratio Parquet / baseline: 1.5x in-process" in out and "agree" in out
    results["report_parquet"] = step({"360102001": {"registered": 5, "managed": 3}}, 3.0)
    assert verdict(results, 5) == 1
    assert "(Parquet) township 360102001: managed is 3" in capsys.readouterr().out
    assert verdict({"baseline": step(same, 2.0)}, 5) == 2


def test_differences_name_the_township_and_the_count() -> None:
    assert differences({"a": {"managed": 3}}, {"a": {"managed": 3}}) == []
    assert differences({"a": {"managed": 3}}, {"a": {"managed": 2}, "b": {"registered": 1}}) == [
        "township a: managed is 3 in smi_care, 2 in the baseline",
        "township b: registered is 0 in smi_care, 1 in the baseline"]


def test_generated_province_spans_counties_reads_clean_and_agrees_with_the_baseline(tmp_path: Path) -> None:
    library_steps.generate(tmp_path, 6500, seed=5)
    data, accepted, problems = library_steps.read(tmp_path)
    assert problems == 0 and accepted > 6500
    assert data.patients.get_column("area_code").str.slice(0, 6).n_unique() == 3
    for period in ("2025", "2024Q3"):
        ours, sql = compare(tmp_path, Period.parse(period))
        assert len(sql) == 45 and ours == sql


def test_baseline_agrees_on_the_demo_county(tmp_path: Path) -> None:
    folder = write_registry(generate(patients=3000, seed=7), tmp_path)
    ours, sql = compare(folder, Period.parse("2025"))
    assert len(sql) == 15 and ours == sql


@pytest.mark.parametrize(("seed", "period"), [(1, "2024"), (2, "2025Q2"), (3, "2025-11"),
                                              (4, "2024-07-01..2025-06-30"), (5, "2023-02-15..2025-12-31")])
def test_baseline_agrees_on_generated_registries(tmp_path: Path, seed: int, period: str) -> None:
    folder = write_registry(generate(patients=400, seed=seed), tmp_path)
    ours, sql = compare(folder, Period.parse(period))
    assert sql and ours == sql


@st.composite
def tangled(draw: st.DrawFn) -> Registry:
    """A random registry, then knots the generators rarely tie: follow-ups and events moved onto
    another one's date (same-day ties, broken by file order), discharges after admissions,
    transfers out of the registry, classes left unrecorded."""
    reg = draw(registries(max_patients=10))
    out = []
    for r in reg:
        fus = list(r.followups)
        if len(fus) >= 2 and draw(st.booleans()):
            i, j = draw(st.integers(0, len(fus) - 1)), draw(st.integers(0, len(fus) - 1))
            fus[i] = attrs.evolve(fus[i], visit_date=fus[j].visit_date, next_visit_date=None, last_discharge_date=None)
        fus = [attrs.evolve(f, classification=None) if f.classification and draw(st.booleans()) else f for f in fus]
        done = [f for f in fus if f.completed and f.adherence is not None]
        if done and draw(st.booleans()):  # a second visit on the same day, later in the file
            twin = draw(st.sampled_from(done))
            with contextlib.suppress(DomainError):
                fus.append(attrs.evolve(twin, adherence=draw(st.sampled_from(list(Adherence))),
                                        classification=draw(st.sampled_from(list(Classification))),
                                        hospitalisation=draw(st.sampled_from(list(Hospitalisation)))))
        evs = list(r.events)
        for e in r.events:
            if e.kind is EventKind.ADMISSION and draw(st.booleans()):
                evs.append(Event(e.patient_id, e.date + dt.timedelta(days=draw(st.integers(0, 400))),
                                 EventKind.DISCHARGE))
                if draw(st.booleans()):  # discharged and admitted again on one day
                    evs.append(attrs.evolve(e, date=evs[-1].date))
            if e.kind is EventKind.TRANSFER_OUT and draw(st.booleans()):
                evs[evs.index(e)] = attrs.evolve(e, other_area=OUTSIDE)
        if len(evs) >= 2 and draw(st.booleans()):
            i, j = draw(st.integers(0, len(evs) - 1)), draw(st.integers(0, len(evs) - 1))
            with contextlib.suppress(DomainError):
                evs[i] = attrs.evolve(evs[i], date=evs[j].date)
        try:
            if fus and draw(st.booleans()):  # in hospital now, unassessed
                fus.append(attrs.evolve(fus[-1], hospitalisation=Hospitalisation.IN_HOSPITAL_NOW, risk_level=None,
                                        classification=None, next_visit_date=None))
            out.append(PatientRecord(r.patient, tuple(fus), tuple(evs)))
        except DomainError:
            out.append(r)
    return Registry.of(out, reg.population if draw(st.booleans()) else ())


periods = st.sampled_from(["2024", "2025", "2025Q1", "2024Q4", "2025-02", "2024-06", "2023-03-31..2025-08-30"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(reg=tangled(), period=periods)
def test_baseline_agrees_on_random_registries(tmp_path_factory: pytest.TempPathFactory, reg: Registry,
                                              period: str) -> None:
    folder = write_registry(reg, tmp_path_factory.mktemp("reg"))
    ours, sql = compare(folder, Period.parse(period))
    assert differences(ours, sql) == []


@pytest.mark.parametrize(("seed", "period"), [(1, "2024"), (2, "2025Q2"), (3, "2025-11"),
                                              (4, "2024-07-01..2025-06-30")])
def test_sqlite_oracle_agrees(tmp_path: Path, seed: int, period: str) -> None:
    """The older SQLite reading of nine §6 counts (benchmarks/sql_baseline.py)."""
    from smi_care.indicators import report
    from smi_care.registry import read_registry

    folder = write_registry(generate(patients=400, seed=seed), tmp_path)
    p = Period.parse(period)
    rep = report(read_registry(folder).registry, p)
    sql = counts(load(folder), p.start.isoformat(), p.end.isoformat())
    ours = {k: rep.result(k).numerator for k in sql if k not in ("registered", "stability_denominator")}
    ours["registered"] = rep.result("management_rate").denominator
    ours["stability_denominator"] = rep.result("stability_rate").denominator
    assert ours == sql


def test_generator_benchmark_runs_and_reads_back_clean(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    script = BENCH / "generate.py"
    monkeypatch.setattr(sys, "argv", [str(script), "--patients", "150", "--seed", "2", "--check"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(script), run_name="__main__")
    assert done.value.code == 0
    assert "read back: 0 problem(s)" in capsys.readouterr().out


def _timed(seconds: float, peak: float = 100.0) -> dict[str, object]:
    return {"phases": {"read": seconds}, "counts": {}, "peak_mb": peak, "wall": seconds, "cpu": seconds}


@pytest.mark.parametrize(("library", "sql", "verdict_word"), [(2.0, 1.0, "met"), (2.01, 1.0, "NOT met")])
def test_targets_judge_the_csv_ratio_at_its_boundary(library: float, sql: float, verdict_word: str) -> None:
    import targets

    lines = targets.judge(500_000, {"report_csv": _timed(library), "baseline": _timed(sql)})
    ratio = [t for t in lines if "CSV -> report <= 2.0x" in t]
    assert len(ratio) == 1 and ratio[0].endswith(f"x, {verdict_word}")
    assert targets.judge(10_000, {"report_csv": _timed(library), "baseline": _timed(sql)}) == []  # not set there


@pytest.mark.parametrize(("peak", "verdict_word"), [(1_500.0, "met"), (1_501.0, "NOT met")])
def test_targets_judge_the_peak_at_500000_only(peak: float, verdict_word: str) -> None:
    import targets

    lines = targets.judge(500_000, {"report_parquet": _timed(1.0, peak)})
    assert lines == [f"target 500,000: peak memory of the Parquet -> report <= 1,500 MB: {peak:,.0f} MB, {verdict_word}"]
    assert targets.judge(100_000, {"report_parquet": _timed(1.0, peak)}) == []


def test_targets_judge_parquet_worklist_and_quality_against_their_references() -> None:
    import targets

    results = {"report_csv": _timed(10.0), "report_parquet": _timed(5.0), "baseline": _timed(5.0),
               "worklist": _timed(10.0), "quality": _timed(10.5), "dask": {"step": "dask", "stopped": "skipped"}}
    lines = targets.judge(10_000, results)
    assert not any("Parquet" in t for t in lines)  # set for 500,000
    assert "target 500,000: Parquet -> report <= 1.0x the SQL's CSV time: 1.00x, met" in targets.judge(
        500_000, results)
    results["report_parquet"] = _timed(5.01)
    assert "target 500,000: Parquet -> report <= 1.0x the SQL's CSV time: 1.00x, NOT met" in targets.judge(
        500_000, results)
    assert "target: the worklist <= 1.0x the report's time: 1.00x, met" in lines
    assert "target: the quality findings <= 1.0x the report's time: 1.05x, NOT met" in lines
    assert targets.judge(10_000, {"worklist": _timed(1.0)}) == []  # no report to compare with


@pytest.mark.parametrize(("curve", "verdict_word"), [
    ({10_000: 125.0, 100_000: 100.0, 500_000: 110.0}, "1.25x, met"),
    ({10_000: 126.0, 100_000: 100.0, 500_000: 110.0}, "1.26x, NOT met"),
    ({10_000: 100.0, 100_000: 100.0, 500_000: 126.0, 2_000_000: 500.0}, "1.26x, NOT met"),  # outside: not counted
])
def test_flatness_is_the_spread_of_the_cost_per_patient_over_its_sizes(curve: dict[int, float],
                                                                      verdict_word: str) -> None:
    import targets

    assert targets.flatness(curve).endswith(verdict_word)
    assert "not judged" in targets.flatness({100_000: 1.0, 500_000: 1.0})


def test_the_cost_net_of_the_fixed_cost_is_per_added_patient_over_the_flat_sizes() -> None:
    import targets

    # (0.99 - 0.1) / 9,800, (8.2 - 0.1) / 99,800 and (40.1 - 0.1) / 499,800 s: 1,000,000 is outside
    got = targets.net_of_fixed("x", {10_000: 0.99, 100_000: 8.2, 500_000: 40.1, 1_000_000: 500.0}, 0.1)
    assert got == ("x net of the fixed cost of a run (0.10 s at 200 patients): 80.0 to 90.8 µs per added patient, "
                   "1.13x")
    assert targets.net_of_fixed("x", {200: 1.0, 9_999: 1.0}, 0.5).endswith("not judged, no size between 10,000 and "
                                                                            "500,000 was run")
    assert "the SQL's cost per patient" in targets.flatness({10_000: 1.0}, "the SQL's")


def test_run_py_runs_several_sizes_and_judges_the_cost_per_patient(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--scale", "120,150", "--seed", "2", "--cache",
                           str(tmp_path), "--steps", "report_csv,baseline", "--repeat", "2"], capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("library and baseline agree") == 3  # the two sizes and the fixed cost's run
    assert "not judged, the run did not cover both sizes" in done.stdout
    assert "the fixed cost of a run, on 200 patients:" in done.stdout
    assert "registry: 200 patients" in done.stdout
    assert "smi_care net of the fixed cost of a run: not judged, no size between 10,000 and 500,000" in done.stdout
    assert "SQL net of the fixed cost of a run: not judged" in done.stdout
    assert done.stdout.count("the median of 2 runs") == 6  # two steps at each of three sizes
    bad = subprocess.run([sys.executable, str(BENCH / "run.py"), "--scale", "10,x"], capture_output=True, text=True,
                         timeout=60, check=False)
    assert bad.returncode == 2 and "is not a size" in bad.stderr
    for runs in ("0", "x", "-1"):
        none = subprocess.run([sys.executable, str(BENCH / "run.py"), "--repeat", runs], capture_output=True,
                              text=True, timeout=60, check=False)
        assert none.returncode == 2 and "is not a number of runs" in none.stderr


@pytest.mark.parametrize("module", ["targets", "run"])
def test_the_benchmark_modules_examples_run(module: str) -> None:
    """benchmarks/ is not a test path: its modules' examples are run here (it is on sys.path above)."""
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(module))
    assert found.attempted > 0 and found.failed == 0


def test_the_fixed_cost_is_not_measured_without_the_report_or_the_sql(tmp_path: Path) -> None:
    import argparse

    import run

    args = argparse.Namespace(cache=tmp_path)
    got = run.flatness_explained(args, ["worklist", "quality"], {10_000: {}})
    assert got == "the fixed cost of a run: not measured (neither report_csv nor baseline was run)"
    assert list(tmp_path.iterdir()) == []  # no registry generated for it
