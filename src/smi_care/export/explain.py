"""Explanations and comparisons as text tables (Chinese or English) and Excel workbooks.

A text table lists, for each indicator and group, the figures of both periods (or every reading)
and then the reasons, one line each with the signed number of patients. A workbook has a sheet
of figures and a sheet of reasons, with the patient identifiers of each reason (the registry's
identifiers only: never a name). Every text cell is written as a string, so a cell that starts
with ``=`` is never a live formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smi_care.export.xlsx import sheet_name
from smi_care.indicators.compare import Comparison
from smi_care.indicators.evaluate import by_name
from smi_care.indicators.explain import Explanation, words
from smi_care.labels import Lang, group_label
from smi_care.registry.areas import NO_NAMES, AreaNames

HEAD: dict[str, tuple[str, str]] = {
    "indicator": ("指标", "indicator"), "group": ("地区/分组", "group"), "numerator": ("分子", "numerator"),
    "denominator": ("分母", "denominator"), "value": ("值", "value"), "points": ("变化", "change"),
    "part": ("分子/分母", "part"), "reason": ("原因", "reason"), "code": ("原因代码", "reason code"),
    "patients": ("患者数", "patients"), "ids": ("患者编号", "patient ids"), "variant": ("口径", "reading"),
    "from": ("起", "from"), "to": ("止", "to"), "total": ("合计", "total"),
    "numerator_part": ("分子", "numerator"), "denominator_part": ("分母", "denominator"),
}
#: Patient identifiers written in one cell at most (a cell holds 32,767 characters).
IDS_IN_A_CELL = 2000


def h(key: str, lang: Lang) -> str:
    zh, en = HEAD[key]
    return zh if lang == "zh" else en


def _group(by: str | None, group: str, areas: AreaNames, lang: Lang) -> str:
    return h("total", lang) if group == "" else group_label(by, group, areas, lang)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def explain_table(ex: Explanation, areas: AreaNames = NO_NAMES, lang: Lang = "zh", changed_only: bool = True) -> str:
    """The explanation as text: per indicator and group, both periods and the reasons."""
    by = by_name(ex.by)
    lines = [f"{ex.start} → {ex.end}"]
    for c in ex.changes:
        if changed_only and not c.entries:
            continue
        name = c.zh if lang == "zh" else c.indicator
        lines.append(f"\n{name} · {_group(by, c.group, areas, lang)}: "
                     f"{c.numerator_from}/{c.denominator_from if c.denominator_from is not None else '-'} "
                     f"{_num(c.value_from)}{c.unit} → {c.numerator_to}/"
                     f"{c.denominator_to if c.denominator_to is not None else '-'} {_num(c.value_to)}{c.unit} "
                     f"({_signed(c.points)})")
        for e in sorted(c.entries, key=lambda e: (e.part, -abs(e.change), e.reason)):
            lines.append(f"  {h(e.part + '_part', lang)} {e.change:+d}  {words(e.reason, lang)}")
    return "\n".join(lines)


def compare_table(cmp: Comparison, areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> str:
    """The comparison as text: per indicator, a line per group with every reading's value and the
    difference from the first in points; then the flips of the total."""
    by = by_name(cmp.by)
    lines = [f"{cmp.period}  " + " | ".join(f"[{k}] {v}" for k, v in enumerate(cmp.variants, start=1))]
    head = "  " + " " * 24 + "  ".join(f"{'[' + str(k) + ']':>6}" for k in range(1, len(cmp.variants) + 1))
    head += "   " + "  ".join(f"{'[' + str(k) + ']-[1]':>6}" for k in range(2, len(cmp.variants) + 1))
    current = ""
    for r in cmp.rows:
        if r.indicator != current:
            current = r.indicator
            lines.append(f"\n{r.zh if lang == 'zh' else r.indicator} ({r.unit})\n{head}")
        values = "  ".join(f"{_num(f.value):>6}" for f in r.figures)
        points = "  ".join(f"{_signed(p):>6}" for p in r.points[1:])
        lines.append(f"  {_group(by, r.group, areas, lang):<24}{values}   {points}")
    flips = [(r, v, e) for r in cmp.rows if r.group == "" for v, e in r.flips]
    if flips:
        lines.append("\n" + ("翻转的患者（合计）" if lang == "zh" else "Patients who flip (total)"))
        for r, v, e in flips:
            lines.append(f"  {r.indicator} · {v} · {h(e.part + '_part', lang)} {e.change:+d}  {words(e.reason, lang)}")
    return "\n".join(lines)


def _ids(patients: Sequence[str]) -> str:
    shown = list(patients[:IDS_IN_A_CELL])
    more = len(patients) - len(shown)
    return ";".join(shown) + (f";… (+{more})" if more > 0 else "")


def _write(ws: Any, row: int, values: Sequence[Any], fmt: Any = None) -> None:
    """A row of cells: numbers as numbers, everything else as strings (never a formula)."""
    for col, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, bool):
            ws.write_boolean(row, col, v)
        elif isinstance(v, int | float):
            ws.write_number(row, col, v, fmt)
        else:
            ws.write_string(row, col, str(v), fmt)


def _sheet(wb: Any, names: list[str], title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
           head: Any) -> None:
    name = sheet_name(title, names)
    names.append(name)
    ws = wb.add_worksheet(name)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    _write(ws, 0, headers, head)
    for n, row in enumerate(rows, start=1):
        _write(ws, n, row)
    ws.freeze_panes(1, 2)
    ws.set_column(0, len(headers) - 1, 14)


def write_xlsx(result: Explanation | Comparison, path: str | Path, areas: AreaNames = NO_NAMES,
               lang: Lang = "zh") -> Path:
    """An explanation's or a comparison's workbook: figures and reasons, each with its patients."""
    try:
        import xlsxwriter
    except ImportError:
        raise ImportError("Excel output needs xlsxwriter: pip install xlsxwriter") from None
    out = Path(path)
    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    names: list[str] = []
    by = by_name(result.by)
    if isinstance(result, Explanation):
        figures = [[c.zh if lang == "zh" else c.indicator, _group(by, c.group, areas, lang), c.group,
                    c.numerator_from, c.denominator_from, c.value_from, c.numerator_to, c.denominator_to, c.value_to,
                    c.points] for c in result.changes]
        _sheet(wb, names, "指标变化" if lang == "zh" else "figures",
               [h("indicator", lang), h("group", lang), "code", *(f"{h(k, lang)} {result.start}" for k in
                                                                  ("numerator", "denominator", "value")),
                *(f"{h(k, lang)} {result.end}" for k in ("numerator", "denominator", "value")), h("points", lang)],
               figures, head)
        reasons = [[c.zh if lang == "zh" else c.indicator, _group(by, c.group, areas, lang), c.group,
                    h(e.part + "_part", lang), words(e.reason, lang), e.reason, e.change, _ids(e.patients)]
                   for c in result.changes for e in c.entries]
        _sheet(wb, names, "变化原因" if lang == "zh" else "reasons",
               [h("indicator", lang), h("group", lang), "code", h("part", lang), h("reason", lang), h("code", lang),
                h("patients", lang), h("ids", lang)], reasons, head)
    else:
        rows = [[r.zh if lang == "zh" else r.indicator, _group(by, r.group, areas, lang), r.group,
                 *(f.value for f in r.figures), *r.points[1:]] for r in result.rows]
        _sheet(wb, names, "口径对比" if lang == "zh" else "readings",
               [h("indicator", lang), h("group", lang), "code", *result.variants,
                *(f"{h('points', lang)} {v}" for v in result.variants[1:])], rows, head)
        flips = [[r.zh if lang == "zh" else r.indicator, _group(by, r.group, areas, lang), r.group, v,
                  h(e.part + "_part", lang), words(e.reason, lang), e.reason, e.change, _ids(e.patients)]
                 for r in result.rows for v, e in r.flips]
        _sheet(wb, names, "翻转患者" if lang == "zh" else "flips",
               [h("indicator", lang), h("group", lang), "code", h("variant", lang), h("part", lang),
                h("reason", lang), h("code", lang), h("patients", lang), h("ids", lang)], flips, head)
    wb.close()
    return out
