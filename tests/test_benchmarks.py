"""The benchmark scripts still run (on tiny data; no assertion on time)."""

import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "benchmarks" / "indicators.py"


def test_indicator_benchmark_runs_and_agrees_with_sql(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", [str(BENCH), "--patients", "120", "--seed", "3"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(BENCH), run_name="__main__")
    assert done.value.code == 0
    assert "agree" in capsys.readouterr().out
