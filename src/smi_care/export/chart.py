"""Charts (matplotlib): each indicator against its target by area, and a trend over
consecutive periods; PNG or SVG by the file's suffix.

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
from smi_care.indicators.trend import TrendRow
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


def chart_by_area(report: Report, path: str | Path, indicators: Sequence[str] = CHART_DEFAULT,
                  areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> Path:
    """One panel per indicator: a bar per group of the report's breakdown (green at or above
    target, red below), the target as a dashed line. Returns the file written."""
    plt, lang = _setup(lang)
    by = by_name(report.by)
    n = len(indicators)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4.5 * rows), squeeze=False, layout="constrained")
    for ax, ind in zip(axes.flat, indicators, strict=False):
        parts = [r for r in report.results if r.indicator == ind and r.group]
        if not parts:
            parts = [r for r in report.results if r.indicator == ind]
        labels = [(areas.name(r.group) or r.group) if r.area else group_label(by, r.group, areas, lang) for r in parts]
        values = [r.value or 0.0 for r in parts]
        colours = ["tab:red" if r.met is False else "tab:green" if r.met else "tab:blue" for r in parts]
        ax.bar(range(len(parts)), values, color=colours)
        ax.set_xticks(range(len(parts)), labels, rotation=60, ha="right", fontsize=8)
        target = next((r.target for r in report.results if r.indicator == ind and r.group == ""), None)
        unit = parts[0].unit if parts else "%"
        if target is not None:
            ax.axhline(target.threshold, color="black", linestyle="--",
                       label=(f"目标值 {target.threshold:g}{unit}" if lang == "zh" else
                              f"target {target.threshold:g}{unit}"))
            ax.legend(loc="lower right", fontsize=8)
        ax.set_title(indicator_name(ind, lang), fontsize=11)
        ax.set_ylabel(unit)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"{report.period} 各{breakdown_name(by, lang)}指标与目标值" if lang == "zh" else
                  f"Indicators by {by or 'total'} against targets, {report.period}")
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def chart_trend(rows: Sequence[TrendRow], path: str | Path, indicators: Sequence[str] = CHART_DEFAULT,
                lang: Lang = "zh") -> Path:
    """One line per indicator (the totals) over the periods, with each target as a dashed line."""
    plt, lang = _setup(lang)
    periods = list(dict.fromkeys(r.period for r in rows))
    fig, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
    for ind in indicators:
        by_period = {r.period: r for r in rows if r.indicator == ind and r.group == ""}
        ys = [by_period[p].value if p in by_period else None for p in periods]
        line = ax.plot(periods, [float("nan") if y is None else y for y in ys], marker="o",
                       label=indicator_name(ind, lang))[0]
        targets = [by_period[p].target for p in periods if p in by_period and by_period[p].target is not None]
        if targets:
            ax.axhline(targets[-1], color=line.get_color(), linestyle="--", linewidth=0.8)
    ax.set_ylabel("%")
    ax.set_title("指标趋势（虚线为目标值）" if lang == "zh" else "Trend (dashed: targets)")
    ax.legend(fontsize=8, loc="best")
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
