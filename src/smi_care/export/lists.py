"""Workbooks of lists and of the programme report, through the output layer
(:class:`smi_care.export.sheets.Book`).

:func:`write_list` writes any table (a polars DataFrame: the key-patient list, suspected
cases, assessments due): every row on the first sheet (``全部``), then a sheet per township
for a township meeting, headings in Chinese (:func:`smi_care.export.columns.column_header`).
:func:`write_programme` writes the quarterly programme report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smi_care.export.columns import column_header
from smi_care.export.sheets import Book
from smi_care.export.xlsx import common_area, indicator_sheet
from smi_care.indicators.evaluate import by_name
from smi_care.indicators.trend import period_label
from smi_care.labels import Lang, group_label, header
from smi_care.registry.areas import NO_NAMES, AreaNames

if TYPE_CHECKING:
    import polars as pl

    from smi_care.programme.report import ProgrammeReport


def write_list(rows: pl.DataFrame, path: str | Path, lang: Lang = "zh", group: str = "township", title: str = "",
               values: Mapping[str, Callable[[Any], Any]] | None = None) -> Path:
    """Write ``rows`` to an ``.xlsx`` file: sheet ``全部`` (``all``), then a sheet per value of
    ``group`` (without that column). ``values`` maps a column to a function shown in its place
    (e.g. the reasons in Chinese). Headings by :func:`column_header`."""
    shown = dict(values or {})
    cols = list(rows.columns)

    def cells(frame: pl.DataFrame, keep: list[str]) -> list[list[Any]]:
        idx = [cols.index(c) for c in keep]
        return [[shown[cols[i]](row[i]) if cols[i] in shown else row[i] for i in idx] for row in frame.iter_rows()]

    with Book(path, title, lang) as book:
        book.sheet("全部" if lang == "zh" else "all", [column_header(c, lang) for c in cols], cells(rows, cols),
                   max_width=40)
        if group in cols:
            rest = [c for c in cols if c != group]
            for (name,), part in rows.sort(group).group_by(group, maintain_order=True):
                book.sheet(str(name or "-"), [column_header(c, lang) for c in rest], cells(part, rest), max_width=40)
    return Path(path)




def write_programme(rep: ProgrammeReport, path: str | Path, lang: Lang = "zh", areas: AreaNames = NO_NAMES) -> Path:
    """The programme report as a workbook: the programme rates by group, the §6 indicators by
    group, the work plans' targets (each in % like its value) and the case-finding figures."""
    zh = lang == "zh"
    where = areas.label(common_area([r.area for r in rep.programme.results]))
    title = (f"严重精神障碍管理项目报告 {period_label(rep.period)} {where}" if zh else
             f"Severe mental disorder programme report {period_label(rep.period)} {where}").strip()
    names = {r.indicator: (r.zh if zh else r.indicator) for r in rep.programme.results}
    with Book(path, title, lang) as book:
        indicator_sheet(book, "项目指标" if zh else "programme", rep.programme, areas, lang, names)
        indicator_sheet(book, "管理指标" if zh else "indicators", rep.standard, areas, lang)
        rows, fmts = [], []
        for t in rep.plan_targets:
            found = [r for r in (*rep.standard.results, *rep.programme.results)
                     if r.indicator == t.indicator and r.group == ""]
            value = found[0].value if found else None
            met = t.met(value)
            v, vf = book.rate(value, "%", met)
            lo, lf = book.rate(t.low, "%")
            hi, hf = book.rate(t.high, "%")
            verdict = {True: header("yes", lang), False: header("no", lang), None: ""}[met]
            rows.append([t.name, t.indicator, v, lo, hi, verdict, t.source])
            fmts.append([None, None, vf, lf, hf, book.low if met is False else None, None])
        heads = (["指标", "指标代码", "值", "目标下限", "目标上限", "是否达标", "来源"] if zh else
                 ["indicator", "indicator id", "value", "target from", "target to", "met", "source"])
        book.sheet("工作计划目标" if zh else "work-plan targets", heads, rows, fmts, max_width=40)
        by = by_name(rep.by)
        case_heads = (["分组", "报告", "确诊", "纳入管理", "排除", "未结", "110警情", "超期等待", "确诊中位天数"] if zh else
                      ["group", "reported", "diagnosed", "enrolled", "excluded", "open", "110 alerts", "waiting",
                       "median days"])
        book.sheet("发现报告" if zh else "case finding", case_heads,
                   [[group_label(by, f.group, areas, lang), f.reported, f.diagnosed, f.enrolled, f.excluded, f.open,
                     f.alerts, f.waiting, f.median_days_to_diagnosis] for f in rep.case_figures])
        if rep.unlocking:
            heads = (["分组", "曾被关锁", "现已解锁", "再次关锁", "末次解锁"] if zh else
                     ["group", "found locked", "released now", "locked again", "last release"])
            book.sheet("解锁行动" if zh else "unlocking", heads,
                       [[group_label(by, u.group, areas, lang), u.found_locked, u.released, u.relocked, u.last_release]
                        for u in rep.unlocking])
    return Path(path)
