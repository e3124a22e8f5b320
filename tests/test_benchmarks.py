"""The benchmark scripts still run, and the independent SQL reading of §6 agrees with smi_care
on generated registries (no assertion on time)."""

import runpy
import sys
from pathlib import Path

import pytest

from smi_care.indicators import Period, report
from smi_care.registry import read_registry, write_registry
from smi_care.synth import generate

BENCH = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

from sql_baseline import counts, load  # noqa: E402


def test_indicator_benchmark_runs_and_agrees_with_sql(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    script = BENCH / "indicators.py"
    monkeypatch.setattr(sys, "argv", [str(script), "--patients", "120", "--seed", "3"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(script), run_name="__main__")
    assert done.value.code == 0
    assert "all counts agree" in capsys.readouterr().out


@pytest.mark.parametrize(("seed", "period"), [(1, "2024"), (2, "2025Q2"), (3, "2025-11"),
                                              (4, "2024-07-01..2025-06-30")])
def test_sql_oracle_agrees(tmp_path: Path, seed: int, period: str) -> None:
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
