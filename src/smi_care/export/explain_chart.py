"""Charts of an explanation (a waterfall per indicator and area) and of a comparison (bars per
area, one per reading); PNG or SVG by the file's suffix.

A waterfall starts from the first period's count, adds one bar per reason (green: patients who
came in, red: patients who went out) and ends at the second period's count, for the numerator
and the denominator side by side: the bars add up to the change, as the entries do. Chinese
labels use the font :func:`smi_care.export.chart.cjk_font` finds; without one, English labels
and a warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smi_care.export.chart import cjk_font
from smi_care.indicators.compare import Comparison
from smi_care.indicators.evaluate import by_name
from smi_care.indicators.explain import Change, Explanation, words
from smi_care.indicators.trend import period_label
from smi_care.labels import Lang, group_label
from smi_care.registry.areas import NO_NAMES, AreaNames

#: Reasons drawn one by one in a waterfall panel; the rest are summed into one bar.
MOST_REASONS = 8


def _setup(lang: Lang) -> tuple[Any, Lang]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    path = cjk_font()  # area names are Chinese in an English chart too
    if path is None:
        if lang == "zh":
            warnings.warn("no font with Chinese glyphs found (install the 'mplfonts' package); "
                          "the chart uses English labels", stacklevel=3)
        return plt, "en"
    plt.rcParams["font.family"] = [font_manager.FontProperties(fname=path).get_name(), "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt, lang


def steps(change: Change, part: str, lang: Lang = "zh") -> list[tuple[str, int]]:
    """The bars of one waterfall panel: (label, signed count) per reason, the largest first, the
    smallest beyond :data:`MOST_REASONS` summed as "other reasons"."""
    entries = sorted((e for e in change.entries if e.part == part), key=lambda e: (-abs(e.change), e.reason))
    shown = [(words(e.reason, lang), e.change) for e in entries[:MOST_REASONS]]
    rest = sum(e.change for e in entries[MOST_REASONS:])
    if len(entries) > MOST_REASONS:
        shown.append(("其他原因" if lang == "zh" else "other reasons", rest))
    return shown


def _panel(ax: Any, start: int, bars: list[tuple[str, int]], end: int, labels: tuple[str, str], title: str) -> None:
    xs = [labels[0], *(label for label, _ in bars), labels[1]]
    level = start
    ax.bar(0, start, color="tab:blue")
    for i, (_, d) in enumerate(bars, start=1):
        ax.bar(i, d, bottom=level, color="tab:green" if d >= 0 else "tab:red")
        ax.text(i, level + max(d, 0), f"{d:+d}", ha="center", va="bottom", fontsize=7)
        level += d
    ax.bar(len(xs) - 1, end, color="tab:blue")
    levels = [start, end, *(start + sum(d for _, d in bars[:k]) for k in range(len(bars) + 1))]
    low, high = min(levels), max(levels)
    span = max(1, high - low)
    ax.set_ylim(max(0, low - span * 0.5), high + span * 0.12)
    ax.set_xticks(range(len(xs)), [x if len(x) <= 40 else x[:39] + "…" for x in xs], rotation=60, ha="right",
                  fontsize=7)
    ax.set_title(title, fontsize=10)


def waterfall(ex: Explanation, path: str | Path, indicators: Sequence[str] = ("standard_management_rate",),
              groups: Sequence[str] | None = None, areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> Path:
    """A row of two panels (numerator, denominator) per indicator and group (default: the total
    and the groups of the breakdown), each a waterfall from the first period to the second."""
    plt, lang = _setup(lang)
    by = by_name(ex.by)
    chosen = [c for c in ex.changes if c.indicator in indicators and (groups is None or c.group in groups)]
    if not chosen:
        raise ValueError(f"nothing to draw: no change of {', '.join(indicators)} in the chosen groups")
    fig, axes = plt.subplots(len(chosen), 2, figsize=(12, 4.8 * len(chosen)), squeeze=False, layout="constrained")
    ends = (period_label(ex.start), period_label(ex.end))
    for row, c in zip(axes, chosen, strict=True):
        where = ("合计" if lang == "zh" else "total") if c.group == "" else group_label(by, c.group, areas, lang)
        name = c.zh if lang == "zh" else c.indicator
        value = (f"{c.value_from:.1f} → {c.value_to:.1f}{c.unit}" if c.value_from is not None
                 and c.value_to is not None else "")
        _panel(row[0], c.numerator_from, steps(c, "numerator", lang), c.numerator_to, ends,
               f"{name} · {where} · {'分子' if lang == 'zh' else 'numerator'} {value}")
        if c.denominator_from is not None and c.denominator_to is not None:
            _panel(row[1], c.denominator_from, steps(c, "denominator", lang), c.denominator_to, ends,
                   f"{name} · {where} · {'分母' if lang == 'zh' else 'denominator'}")
        else:
            row[1].set_visible(False)
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def compare_chart(cmp: Comparison, path: str | Path, indicators: Sequence[str] = ("standard_management_rate",),
                  areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> Path:
    """One panel per indicator: for every group (the total last), a bar per reading."""
    plt, lang = _setup(lang)
    by = by_name(cmp.by)
    fig, axes = plt.subplots(len(indicators), 1, figsize=(12, 4.5 * len(indicators)), squeeze=False,
                             layout="constrained")
    width = 0.8 / max(1, len(cmp.variants))
    for ax, ind in zip(axes[:, 0], indicators, strict=True):
        rows = [r for r in cmp.rows if r.indicator == ind]
        rows = [r for r in rows if r.group] + [r for r in rows if not r.group]
        if not rows:
            raise ValueError(f"nothing to draw: the comparison has no indicator {ind!r}")
        for k, name in enumerate(cmp.variants):
            ax.bar([i + k * width for i in range(len(rows))], [r.figures[k].value or 0.0 for r in rows], width,
                   label=name)
        labels = [("合计" if lang == "zh" else "total") if not r.group else group_label(by, r.group, areas, lang)
                  for r in rows]
        ax.set_xticks([i + width * (len(cmp.variants) - 1) / 2 for i in range(len(rows))], labels, rotation=60,
                      ha="right", fontsize=8)
        ax.set_ylabel(rows[0].unit)
        ax.set_title(rows[0].zh if lang == "zh" else ind, fontsize=11)
        ax.legend(fontsize=8)
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
