"""Charts (matplotlib): each indicator against its target by area, and a trend over
consecutive periods; PNG or SVG by the file's suffix. Each chart draws the target lines its
title announces (on a quarter or a month, where national-rules §8's annual targets are not
judged, the annual target is drawn for reference and labelled so), keeps its legend clear of
the data, and marks a line that coincides with another. :func:`figure_by_area` and
:func:`figure_trend` give the matplotlib figure before it is saved.

Chinese labels need a font with the CJK glyphs. :func:`cjk_font` finds one: the Noto Sans CJK
SC font the ``mplfonts`` package ships, else any installed font that has the glyphs. Without
one, the charts fall back to English labels and say so with a warning (never boxes).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smi_care.indicators.evaluate import Report, by_name
from smi_care.indicators.targets import NATIONAL_TARGETS, Target, applicable
from smi_care.indicators.trend import TrendRow, period_label
from smi_care.labels import Lang, breakdown_name, group_label, indicator_name
from smi_care.registry.areas import NO_NAMES, AreaNames

#: Characters a CJK font must have for the labels the charts draw.
PROBE = "在册患者规范管理率东湖街道"

CHART_DEFAULT = ("management_rate", "standard_management_rate", "regular_medication_rate",
                 "schizophrenia_treatment_rate", "community_rehabilitation_rate", "counselling_rate")


def _has_glyphs(path: str, text: str = PROBE) -> bool:
    try:
        from fontTools.ttLib import TTCollection, TTFont
    except ImportError:  # pragma: no cover - fontTools comes with matplotlib
        return False
    try:
        fonts = TTCollection(path).fonts if path.lower().endswith(".ttc") else [TTFont(path, lazy=True)]
        for font in fonts:
            cmap = font.getBestCmap() or {}
            if all(ord(ch) in cmap for ch in text):
                return True
    except Exception:  # a font file that cannot be read is not a candidate
        return False
    return False


def cjk_font() -> str | None:
    """The path of a font with the Chinese glyphs the charts need, registered with matplotlib,
    or None when there is none."""
    from matplotlib import font_manager

    candidates: list[str] = []
    try:
        import mplfonts

        folder = Path(mplfonts.__file__).parent / "fonts"
        candidates += [str(folder / n) for n in ("NotoSansCJKsc-Regular.otf", "SourceHanSerifSC-Regular.otf")]
    except ImportError:
        pass
    candidates += [f for f in font_manager.findSystemFonts() if any(k in f.lower() for k in ("cjk", "wqy", "han"))]
    for path in candidates:
        if Path(path).is_file() and _has_glyphs(path):
            font_manager.fontManager.addfont(path)
            return path
    return None


def _setup(lang: Lang) -> tuple[Any, Lang]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    if lang == "zh":
        path = cjk_font()
        if path is None:
            warnings.warn("no font with Chinese glyphs found (install the 'mplfonts' package); "
                          "the chart uses English labels", stacklevel=3)
            lang = "en"
        else:
            name = font_manager.FontProperties(fname=path).get_name()
            plt.rcParams["font.family"] = [name, "DejaVu Sans"]
            plt.rcParams["axes.unicode_minus"] = False
    return plt, lang


def _target(result_target: Any, targets: Sequence[Target], indicator: str, year: int) -> tuple[float | None, bool]:
    """The target line of an indicator: the report's own (judged), else the annual target that
    applies to the year (drawn for reference on a quarter or a month, not judged)."""
    if result_target is not None:
        return float(result_target), True
    found = applicable(targets, indicator, year)
    return (None, False) if found is None else (found.threshold, False)


def _target_label(threshold: float, unit: str, judged: bool, lang: Lang) -> str:
    if lang == "zh":
        return f"{'目标值' if judged else '年度目标值（参考）'} {threshold:g}{unit}"
    return f"{'target' if judged else 'annual target (reference)'} {threshold:g}{unit}"


def figure_by_area(report: Report, indicators: Sequence[str] = CHART_DEFAULT, areas: AreaNames = NO_NAMES,
                   lang: Lang = "zh", targets: Sequence[Target] = NATIONAL_TARGETS) -> Any:
    """The figure :func:`chart_by_area` saves (a matplotlib ``Figure``): one panel per indicator,
    a bar per group (green at or above target, red below), the target as a dashed line
    (``gid`` ``target:<indicator>``) — the report's target, or on a quarter or a month the
    annual target for reference — and its legend outside the bars."""
    plt, lang = _setup(lang)
    by = by_name(report.by)
    n = len(indicators)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4.8 * rows), squeeze=False, layout="constrained")
    drawn = 0
    for ax, ind in zip(axes.flat, indicators, strict=False):
        parts = [r for r in report.results if r.indicator == ind and r.group]
        if not parts:
            parts = [r for r in report.results if r.indicator == ind]
        labels = [(areas.name(r.group) or r.group) if r.area else group_label(by, r.group, areas, lang) for r in parts]
        values = [r.value or 0.0 for r in parts]
        colours = ["tab:red" if r.met is False else "tab:green" if r.met else "tab:blue" for r in parts]
        ax.bar(range(len(parts)), values, color=colours)
        ax.set_xticks(range(len(parts)), labels, rotation=60, ha="right", fontsize=8)
        total = next((r for r in report.results if r.indicator == ind and r.group == ""), None)
        unit = parts[0].unit if parts else "%"
        threshold, judged = _target(total.target.threshold if total and total.target else None, targets, ind,
                                    report.period.end.year)
        if threshold is not None:
            ax.axhline(threshold, color="black", linestyle="--", gid=f"target:{ind}",
                       label=_target_label(threshold, unit, judged, lang))
            # the legend above the panel, clear of the bars
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False, borderaxespad=0.1)
            ax.set_ylim(0, max([threshold, *values]) * 1.08 or 1)
            drawn += 1
        ax.set_title(indicator_name(ind, lang), fontsize=11, loc="left")
        ax.set_ylabel(unit)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    period = period_label(report.period)
    if lang == "zh":
        title = f"{period} 各{breakdown_name(by, lang)}指标" + ("与目标值" if drawn else "")
    else:
        title = f"Indicators by {by or 'total'}" + (" against targets" if drawn else "") + f", {period}"
    fig.suptitle(title)
    return fig


def chart_by_area(report: Report, path: str | Path, indicators: Sequence[str] = CHART_DEFAULT,
                  areas: AreaNames = NO_NAMES, lang: Lang = "zh", targets: Sequence[Target] = NATIONAL_TARGETS
                  ) -> Path:
    """Save :func:`figure_by_area` as PNG or SVG (by the suffix). Returns the file written."""
    return _save(figure_by_area(report, indicators, areas, lang, targets), path)


#: Markers of the trend's lines, each series its own, drawn smaller in turn so equal lines show.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def figure_trend(rows: Sequence[TrendRow], indicators: Sequence[str] = CHART_DEFAULT, lang: Lang = "zh",
                 targets: Sequence[Target] = NATIONAL_TARGETS) -> Any:
    """The figure :func:`chart_trend` saves: one line per indicator (the totals) over the
    periods, each with its own marker; each target a dashed line of the same colour (``gid``
    ``target:<indicator>``; the annual target for reference where quarters or months are not
    judged); a line equal to an earlier one says so in the legend; the legend outside the plot."""
    plt, lang = _setup(lang)
    periods = list(dict.fromkeys(r.period for r in rows))
    fig, ax = plt.subplots(figsize=(11, 5.5), layout="constrained")
    seen: dict[tuple[float | None, ...], str] = {}
    units = set()
    for k, ind in enumerate(indicators):
        by_period = {r.period: r for r in rows if r.indicator == ind and r.group == ""}
        if not by_period:
            continue
        ys = tuple(by_period[p].value if p in by_period else None for p in periods)
        name = indicator_name(ind, lang)
        label = name
        if ys in seen and any(y is not None for y in ys):
            label = f"{name}（与{seen[ys]}相同）" if lang == "zh" else f"{name} (same as {seen[ys]})"
        seen.setdefault(ys, name)
        line = ax.plot(periods, [float("nan") if y is None else y for y in ys], marker=MARKERS[k % len(MARKERS)],
                       markersize=max(9 - 1.2 * k, 3), linewidth=max(2.2 - 0.25 * k, 0.8), label=label, gid=f"series:{ind}",
                       zorder=3 + k)[0]
        first = next(iter(by_period.values()))
        units.add(first.unit)
        judged = [by_period[p].target for p in periods if p in by_period and by_period[p].target is not None]
        last_year = max(r.end.year for r in by_period.values())
        threshold, is_judged = _target(judged[-1] if judged else None, targets, ind, last_year)
        if threshold is not None:
            ax.axhline(threshold, color=line.get_color(), linestyle="--", linewidth=0.9, gid=f"target:{ind}",
                       label=_target_label(threshold, first.unit, is_judged, lang) + f" · {name}")
    ax.set_ylabel(" / ".join(sorted(units)) or "%")
    ax.set_title("指标趋势（虚线为目标值）" if lang == "zh" else "Trend (dashed: targets)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return fig


def chart_trend(rows: Sequence[TrendRow], path: str | Path, indicators: Sequence[str] = CHART_DEFAULT,
                lang: Lang = "zh", targets: Sequence[Target] = NATIONAL_TARGETS) -> Path:
    """Save :func:`figure_trend` as PNG or SVG (by the suffix). Returns the file written."""
    return _save(figure_trend(rows, indicators, lang, targets), path)


def _save(fig: Any, path: str | Path) -> Path:
    import matplotlib.pyplot as plt

    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
