"""Issue 24: the charts draw the target lines their titles announce (quarters too), keep the
legend clear of the data and mark a line hidden under an equal one. Each figure is rendered
and its Line2D objects read before it is saved; the saved SVG carries the same lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

from smi_care.domain import AreaLevel
from smi_care.export.chart import CHART_DEFAULT, chart_by_area, chart_trend, figure_by_area, figure_trend
from smi_care.indicators import NATIONAL_TARGETS, Period, report
from smi_care.indicators.targets import applicable
from smi_care.indicators.trend import TrendRow, trend
from smi_care.synth import generate


@pytest.fixture(scope="module")
def registry() -> Any:
    return generate(patients=300, seed=2)


def _targets(fig: Any) -> dict[str, float]:
    return {line.get_gid().split(":", 1)[1]: float(line.get_ydata()[0]) for ax in fig.axes for line in ax.get_lines()
            if (line.get_gid() or "").startswith("target:")}


def _close(fig: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


@pytest.mark.parametrize("period", ["2025", "2025Q3", "2025-07"])
def test_bars_by_area_draw_every_target_they_announce(registry: Any, period: str) -> None:
    p = Period.parse(period)
    fig = figure_by_area(report(registry, p, by=AreaLevel.TOWNSHIP), lang="en")
    expected = {i: applicable(NATIONAL_TARGETS, i, p.end.year) for i in CHART_DEFAULT}
    assert _targets(fig) == {i: t.threshold for i, t in expected.items() if t is not None}
    assert "against targets" in fig.get_suptitle()
    fig.canvas.draw()
    for ax in fig.axes:
        legend = ax.get_legend()
        if ax.get_visible() and legend is not None:
            # the legend sits above the panel, clear of the bars
            assert legend.get_window_extent().y0 >= ax.get_window_extent().y1 - 1
    _close(fig)


def test_a_trend_of_quarters_draws_the_targets(registry: Any) -> None:
    rows = trend(registry, "2024Q1..2025Q4")
    assert all(r.target is None for r in rows)  # quarters are not judged against annual targets ...
    fig = figure_trend(rows, lang="en")
    expected = {i: t.threshold for i in CHART_DEFAULT if (t := applicable(NATIONAL_TARGETS, i, 2025)) is not None}
    assert _targets(fig) == expected  # ... but the title's dashed lines are there, for reference
    ax = fig.axes[0]
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1 - 1  # beside the plot, not on it
    _close(fig)


def test_equal_lines_are_marked() -> None:
    import datetime as dt

    def row(period: str, indicator: str, value: float) -> TrendRow:
        return TrendRow(period, dt.date(2025, 1, 1), dt.date(2025, 3, 31), "", None, indicator, 1, 2, value, "%", None,
                        None)

    rows = [row(p, i, v) for p, v in (("2025Q1", 50.0), ("2025Q2", 60.0))
            for i in ("management_rate", "standard_management_rate")]
    fig = figure_trend(rows, ("management_rate", "standard_management_rate"), lang="en")
    series = [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("series:")]
    assert len(series) == 2 and series[0].get_marker() != series[1].get_marker()
    assert series[0].get_markersize() > series[1].get_markersize()  # the one beneath shows around the one on top
    assert series[0].get_zorder() < series[1].get_zorder()
    assert "same as" in series[1].get_label() and "same as" not in series[0].get_label()
    _close(fig)


def test_saved_charts_carry_the_target_lines(registry: Any, tmp_path: Path) -> None:
    rep = report(registry, Period.parse("2025Q3"), by=AreaLevel.TOWNSHIP)
    svg = chart_by_area(rep, tmp_path / "bars.svg", lang="en").read_text(encoding="utf-8")
    assert 'id="target:management_rate"' in svg
    svg = chart_trend(trend(registry, "2024Q1..2024Q4"), tmp_path / "t.svg", lang="en").read_text(encoding="utf-8")
    assert 'id="target:standard_management_rate"' in svg
