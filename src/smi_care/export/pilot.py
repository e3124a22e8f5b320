"""The pilot scorecard (:mod:`smi_care.pilot.scorecard`) as a text table, JSON, an Excel workbook,
a chart and DHIS2 data values.

The workbook is Chinese and printable: A4 landscape, fitted to the page width, the header row
repeated on every page; every text cell is written as a string (no cell is a live formula,
whatever a plan sentence or an area name begins with). DHIS2 values go through the mapping of
:mod:`smi_care.export.dhis2` (kind ``indicator`` lines name the pilot indicator ids).

>>> from smi_care.indicators import Period
>>> from smi_care.indicators.evaluate import Partial, DEFAULT_POLICY
>>> from smi_care.pilot.evaluate import PilotPartial
>>> from smi_care.pilot.indicators import AREA_INDICATORS, PATIENT_INDICATORS
>>> from smi_care.pilot.scorecard import scorecard
>>> p = Period.parse("2021")
>>> area = Partial(p, None, tuple(a.indicator for a in AREA_INDICATORS), DEFAULT_POLICY,
...                {("village_room_rate", ""): (9, 10)})
>>> card = scorecard(PilotPartial(Partial(p, None, PATIENT_INDICATORS, DEFAULT_POLICY, {}), area))
>>> print(to_table(card).splitlines()[9])
村（社区）心理咨询室或社会工作室建成率                9/10    90.0%    ≥80%  达标    yinchuan 2021
>>> to_json_data(card)["areas"][0]["rows"][5]["target"]["plan"]
'yinchuan'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smi_care.export.terminal import pad
from smi_care.indicators.evaluate import IndicatorResult, Report
from smi_care.indicators.targets import Target
from smi_care.indicators.trend import period_label
from smi_care.pilot.plans import PilotTarget, plan_by_id
from smi_care.pilot.scorecard import Scorecard, ScoreRow

Names = Callable[[str], str]


def _plain(code: str) -> str:
    return code


def _area_title(card: Scorecard, group: str, names: Names) -> str:
    if group:
        return names(group)
    return f"{names(card.area.code)}（全域）" if card.area is not None else "全域"


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("达标" if met else "未达标")


def _value(r: ScoreRow) -> str:
    return "—" if r.value is None else f"{r.value:.1f}%"


def _source(t: PilotTarget | None) -> str:
    return "" if t is None else f"{t.plan} {t.year}"


def _citation(rows: list[ScoreRow]) -> str:
    """One line per sentence a target comes from: a plan's sentence is quoted as the file has it;
    a national seed (no line in file 004) names its document and the targets it sets."""
    t = rows[0].target
    assert t is not None
    if t.line:
        return f"  {t.plan} {t.year}, {plan_by_id(t.plan).title} 第{t.line}行: “{t.sentence}”"
    targets = "、".join(f"{r.zh} ≥{r.target.threshold:g}%" for r in rows if r.target is not None)
    return f"  {t.plan} {t.year}, {plan_by_id(t.plan).title}: {t.sentence}（{targets}）"


def to_table(card: Scorecard, names: Names = _plain) -> str:
    """One block per area (the whole area first): indicator, numerator/denominator, value,
    target, met, the target's plan and year; then the plan sentences and the warnings."""
    lines = [f"社会心理服务体系建设试点 计分卡 {period_label(card.period)}（目标：{', '.join(card.plans.plans)}）"]
    used: dict[tuple[str, int, str], list[ScoreRow]] = {}
    for group in ["", *card.groups()]:
        lines += ["", _area_title(card, group, names),
                  f"{pad('指标', 46)}{pad('分子/分母', 12, right=True)}  {pad('值', 7, right=True)}  "
                  f"{pad('目标', 6, right=True)}  {pad('达标', 8)}依据"]
        for r in card.rows:
            if r.group != group:
                continue
            if r.target is not None:
                cited = used.setdefault((r.target.plan, r.target.line or 0, r.target.sentence), [])
                if all(c.indicator != r.indicator for c in cited):
                    cited.append(r)
            target = "" if r.target is None else f"≥{r.target.threshold:g}%"
            lines.append(f"{pad(r.zh, 46)}{f'{r.numerator}/{r.denominator}':>12}  {_value(r):>7}  {target:>6}  "
                         f"{pad(_verdict(r.met), 8)}{_source(r.target)}".rstrip())
    if used:
        lines += ["", "目标依据（work plans 004）:"]
        lines += [_citation(rows) for rows in used.values()]
    if card.warnings:
        lines += ["", "注意 / warnings:", *(f"  - {w}" for w in card.warnings)]
    return "\n".join(lines)


def _target_data(t: PilotTarget | None) -> dict[str, Any] | None:
    if t is None:
        return None
    plan = plan_by_id(t.plan)
    return {"threshold": t.threshold, "year": t.year, "plan": t.plan, "plan_title": plan.title, "line": t.line,
            "sentence": t.sentence}


def to_json_data(card: Scorecard, names: Names = _plain) -> dict[str, Any]:
    """The scorecard as plain data: period, plans, warnings and, per area, its rows."""
    areas = []
    for group in ["", *card.groups()]:
        rows = [{"indicator": r.indicator, "zh": r.zh, "kind": r.kind, "numerator": r.numerator,
                 "denominator": r.denominator, "value": r.value, "unit": "%", "target": _target_data(r.target),
                 "met": r.met} for r in card.rows if r.group == group]
        code = group or (card.area.code if card.area is not None else None)
        areas.append({"area": code, "name": _area_title(card, group, names), "whole": group == "", "rows": rows})
    return {"period": period_label(card.period), "plans": list(card.plans.plans), "warnings": list(card.warnings),
            "areas": areas}


def to_json(card: Scorecard, names: Names = _plain, indent: int | None = 2) -> str:
    return json.dumps(to_json_data(card, names), ensure_ascii=False, indent=indent)


XLSX_HEADERS = ("地区", "地区代码", "类别", "指标", "分子", "分母", "值（%）", "目标值（%）", "是否达标", "目标方案",
                "目标年份", "目标依据原文")


def write_xlsx(card: Scorecard, path: str | Path, names: Names = _plain) -> Path:
    """The scorecard workbook: a sheet of every figure and a sheet of notes (warnings, plans)."""
    try:
        import xlsxwriter
    except ImportError:
        raise ImportError("Excel output needs xlsxwriter: pip install xlsxwriter") from None
    out = Path(path)
    wb = xlsxwriter.Workbook(str(out))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    pct = wb.add_format({"num_format": "0.0"})
    low = wb.add_format({"num_format": "0.0", "bg_color": "#FFC7CE", "font_color": "#9C0006"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet("计分卡")
    ws.write_row(0, 0, XLSX_HEADERS, head)
    n = 0
    for group in ["", *card.groups()]:
        for r in (x for x in card.rows if x.group == group):
            n += 1
            t = r.target
            code = group or (card.area.code if card.area is not None else "")
            for col, text in ((0, _area_title(card, group, names)), (1, code),
                              (2, "患者指标" if r.kind == "patient" else "地区指标"), (3, r.zh),
                              (8, _verdict(r.met)), (9, plan_by_id(t.plan).title if t else ""),
                              (11, t.sentence if t else "")):
                ws.write_string(n, col, text, wrap if col == 11 else None)
            ws.write_number(n, 4, r.numerator)
            ws.write_number(n, 5, r.denominator)
            if r.value is not None:
                ws.write_number(n, 6, round(r.value, 1), low if r.met is False else pct)
            if t is not None:
                ws.write_number(n, 7, t.threshold)
                ws.write_number(n, 10, t.year)
    for col, width in enumerate((22, 14, 9, 40, 8, 8, 8, 10, 9, 18, 9, 60)):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_header(f"&C社会心理服务体系建设试点 计分卡 {period_label(card.period)}")
    ws.set_footer("&C第 &P 页，共 &N 页")
    notes = wb.add_worksheet("说明")
    notes.write_string(0, 0, "说明", head)
    lines = [f"期间：{period_label(card.period)}", f"目标方案（按优先顺序）：{', '.join(card.plans.plans)}",
             *(f"注意：{w}" for w in card.warnings)]
    for i, text in enumerate(lines, start=1):
        notes.write_string(i, 0, text, wrap)
    notes.set_column(0, 0, 120)
    notes.set_landscape()
    notes.set_paper(9)
    notes.fit_to_pages(1, 0)
    wb.close()
    return out


def write_chart(card: Scorecard, path: str | Path) -> Path:
    """A bar per indicator of the whole area (green: met, red: not met, grey: no target) with the
    target as a black tick. Returns the file written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from smi_care.export.chart import cjk_font

    font = cjk_font()
    rows = [r for r in card.rows if r.group == ""]
    labels = [r.zh if font else r.indicator for r in rows]
    if font:
        plt.rcParams["font.family"] = [font_manager.FontProperties(fname=font).get_name(), "DejaVu Sans"]
    fig, ax = plt.subplots(figsize=(11, 0.42 * len(rows) + 1.5), layout="constrained")
    ys = list(range(len(rows)))[::-1]
    colours = ["tab:red" if r.met is False else "tab:green" if r.met else "tab:gray" for r in rows]
    ax.barh(ys, [r.value or 0.0 for r in rows], color=colours)
    for y, r in zip(ys, rows, strict=True):
        if r.target is not None:
            ax.plot([r.target.threshold, r.target.threshold], [y - 0.4, y + 0.4], color="black", linewidth=2)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel("%")
    ax.set_title(f"{period_label(card.period)} 试点计分卡（黑线：目标值）" if font else
                 f"Pilot scorecard {period_label(card.period)} (black: target)")
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def to_report(card: Scorecard) -> Report:
    """The scorecard as a :class:`~smi_care.indicators.evaluate.Report`, for the DHIS2 mapping
    (:func:`smi_care.export.dhis2.data_value_set`): one result per row, the area code as the group."""
    results = []
    for r in card.rows:
        t = r.target
        target = None if t is None else Target(r.indicator, t.threshold, t.year, plan_by_id(t.plan).title)
        results.append(IndicatorResult(r.indicator, r.zh, r.group, r.group or None, r.numerator, r.denominator,
                                       r.value, "%", target, r.met))
    return Report(card.period, card.by, tuple(results), 0, card.warnings)


__all__ = ["XLSX_HEADERS", "to_json", "to_json_data", "to_report", "to_table", "write_chart", "write_xlsx"]
