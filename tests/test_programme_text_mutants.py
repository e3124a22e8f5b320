"""The reasons and due notes of the programme's worklists as text columns
(:func:`smi_care.programme.text.fmt`), written for the module's mutation run: each ``{}`` takes one
part in order, text around the parts is kept as it is (also empty, at either end, or with braces
that are not a pair), a null part makes the whole text null as ``concat_str`` does, and a template
whose number of ``{}`` differs from the parts is refused with both numbers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.programme.text import fmt

FRAME = pl.DataFrame({"case": ["S1", "S2", None], "days": [31, 0, 5],
                      "on": [dt.date(2025, 9, 30), dt.date(2025, 1, 1), dt.date(2025, 2, 28)]})


def _texts(template: str, *parts: pl.Expr) -> list[str | None]:
    return FRAME.with_columns(out=fmt(template, *parts)).get_column("out").to_list()


@pytest.mark.parametrize(("template", "parts", "expected"), [
    ("case {} waits {} days", ("case", "days"), ["case S1 waits 31 days", "case S2 waits 0 days", None]),
    ("{}{}", ("days", "days"), ["3131", "00", "55"]),
    ("{} days", ("days",), ["31 days", "0 days", "5 days"]),
    ("last on {}", ("on",), ["last on 2025-09-30", "last on 2025-01-01", "last on 2025-02-28"]),
    ("疑似患者{}于{}报告", ("case", "on"), ["疑似患者S1于2025-09-30报告", "疑似患者S2于2025-01-01报告", None]),
    ("no part at all", (), ["no part at all"] * 3),
    ("{ {} }", ("days",), ["{ 31 }", "{ 0 }", "{ 5 }"]),
])
def test_each_brace_pair_takes_the_next_part(template: str, parts: tuple[str, ...], expected: list[str | None]) -> None:
    assert _texts(template, *(pl.col(p) for p in parts)) == expected


@pytest.mark.parametrize(("template", "n", "needs"), [("{} and {}", 1, 2), ("{}", 2, 1), ("none", 1, 0)])
def test_a_template_and_parts_that_do_not_match_are_refused(template: str, n: int, needs: int) -> None:
    with pytest.raises(ValueError, match=rf"^template {template!r} needs {needs} parts, got {n}$"):
        fmt(template, *([pl.col("days")] * n))
