"""Issue 24: terminal tables line up under Chinese names (display width: a CJK character takes
two columns), group by area names, warnings come once per run, and ``smi-care`` alone exits 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.cli.main import main
from smi_care.export.terminal import display_width, pad, text_table
from smi_care.synth import write_province

TEXT = st.text(alphabet=st.sampled_from("ab1-东湖街道镇乡（）"), max_size=8)


@given(st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=6), st.sets(st.integers(0, 2)))
def test_every_column_starts_at_one_display_column(rows: list[list[str]], right: set[int]) -> None:
    headers = ["乡镇", "n", "原因"]
    lines = text_table(headers, rows, right=right).split("\n")
    assert len(lines) == len(rows) + 1
    widths = [max(display_width(c) for c in col) for col in zip(headers, *rows, strict=True)]
    for line, cells in zip(lines, [headers, *rows], strict=True):
        expected = "  ".join(pad(c, w, k in right) for k, (c, w) in enumerate(zip(cells, widths, strict=True)))
        assert line == expected.rstrip()


@pytest.mark.parametrize(("text", "width"), [("", 0), ("abc", 3), ("东湖", 4), ("（", 2), ("é", 1), ("e\u0301", 1)])
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_province(tmp_path_factory.mktemp("terminal"), patients=200, seed=4)


def _value_ends(lines: list[str]) -> set[int]:
    """The display column where the first figure with a unit (``94.30%``, ``3.60‰``) of each line ends."""
    ends = set()
    for line in lines:
        found = re.search(r"\d[\d.]*[%‰]", line)
        if found:
            ends.add(display_width(line[:found.end()]))
    return ends


def test_the_programme_table_lines_up_under_chinese_names(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programme", str(county), "--period", "2025Q3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.startswith("360102")][:15]
    assert len(rows) > 5 and any(display_width(r.split()[1]) == 6 for r in rows)  # 3-character township names
    ends = {display_width(r) for r in rows}
    assert len(ends) == 1  # every row ends at the same display column


def test_the_report_table_lines_up(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(county), "--period", "2025", "--by", "township"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()[2:] if not line.startswith("warning")]
    assert len(lines) > 30 and len(_value_ends(lines)) == 1  # the values end in one display column


def test_lists_group_by_area_names(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["supplies", str(county), "--on", "2025-12-20", "--within", "14"],
                 ["guardians", str(county), "--period", "2025Q3"],
                 ["key-patients", str(county), "--on", "2025-09-30"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        heads = [line for line in out.splitlines() if line.startswith("360102")]
        assert heads and all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in heads), argv


def test_a_trend_warns_once_per_run(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(county), "--periods", "2024Q1..2025Q4"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "2024Q1, 2024Q2" in warnings[0] and "2025Q4" in warnings[0]


def test_no_arguments_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: smi-care" in capsys.readouterr().err
