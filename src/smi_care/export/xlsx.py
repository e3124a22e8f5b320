"""Excel workbooks for a report, a worklist, a validation, a programme report and any list.

Every workbook is made by :class:`smi_care.export.sheets.Book` (the output layer: text never a
formula, headers styled and frozen, widths by display width, A4 page set-up with the header
row repeated and a printed title naming the period and area). A report workbook has a sheet of
totals, a sheet per breakdown (one row per group, one column per indicator), a sheet of every
figure in long form and a sheet of the targets with their sources (national-rules §8). Rates
are stored as numbers formatted as percentages (‰ for the reported prevalence), each target in
the same format as its value; a figure below its target is marked (red fill). Headers and
sheet names are in Chinese (``lang="zh"``) or English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smi_care.export.sheets import Book, sheet_name
from smi_care.indicators.evaluate import Report, by_name
from smi_care.indicators.targets import Target
from smi_care.indicators.trend import period_label
from smi_care.labels import Lang, breakdown_name, group_label, header, indicator_name
from smi_care.registry.areas import NO_NAMES, AreaNames

if TYPE_CHECKING:
    from smi_care.validation import ValidationReport

__all__ = ["Book", "report_caption", "sheet_name", "write_report", "write_validation", "write_worklist"]


def _headers(lang: Lang) -> Callable[[str], str]:
    def h(key: str) -> str:
        return header(key, lang)

    return h


def common_area(codes: Sequence[str | None]) -> str:
    """The smallest area (a county, city or province code, padded to six digits) holding every
    code given, or "" when they share none.

    >>> common_area(["360102001", "360102002"]), common_area(["360102001", "360103001"]), common_area([])
    ('360102', '360100', '')
    """
    known = [c for c in codes if c]
    for n in (6, 4, 2):
        if known and all(len(c) >= n for c in known) and len({c[:n] for c in known}) == 1:
            return known[0][:n].ljust(6, "0")
    return ""


def report_caption(report: Report, areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> str:
    """The printed title of a report: what, the period, the area (``严重精神障碍患者管理指标
    2025 360102 东湖区``)."""
    area = common_area([r.area for r in report.results])
    what = "严重精神障碍患者管理指标" if lang == "zh" else "Severe mental disorder management indicators"
    return " ".join(t for t in (what, period_label(report.period), areas.label(area)) if t)


def _yes_no(met: bool | None, h: Callable[[str], str]) -> str:
    return "" if met is None else h("yes" if met else "no")


def write_report(reports: Report | Sequence[Report], path: str | Path, lang: Lang = "zh",
                 areas: AreaNames = NO_NAMES) -> Path:
    """A report workbook: totals, a sheet per breakdown, every figure, targets, remarks. Several
    reports of one period (for example by township and by village) give a sheet per breakdown each."""
    reps = [reports] if isinstance(reports, Report) else list(reports)
    if not reps:
        raise ValueError("write_report needs at least one report")
    first = reps[0]
    h = _headers(lang)
    zh = lang == "zh"
    with Book(path, report_caption(first, areas, lang), lang) as s:
        # Totals: the target in the same format as the value.
        rows, fmts = [], []
        for r in first.results:
            if r.group:
                continue
            v, f = s.rate(r.value, r.unit, r.met)
            t, tf = s.rate(r.target.threshold if r.target else None, r.unit)
            rows.append([indicator_name(r.indicator, lang), r.indicator, r.numerator, r.denominator, v, t,
                         _yes_no(r.met, h)])
            fmts.append([None, None, None, None, f, tf, s.low if r.met is False else None])
        s.sheet(f"{h('total')} {period_label(first.period)}", [h(k) for k in ("indicator", "indicator_id", "numerator",
                "denominator", "value", "target", "met")], rows, fmts)
        # A sheet per breakdown.
        for rep in reps:
            by = by_name(rep.by)
            if by is None:
                continue
            indicator_sheet(s, breakdown_name(by, lang), rep, areas, lang, first_header=h("group"), max_width=30)
        # Every figure, long form.
        rows, fmts = [], []
        for rep in reps:
            by = by_name(rep.by)
            for r in rep.results:
                v, f = s.rate(r.value, r.unit, r.met)
                t, tf = s.rate(r.target.threshold if r.target else None, r.unit)
                rows.append([indicator_name(r.indicator, lang), r.indicator, breakdown_name(by, lang) if by else "",
                             group_label(by, r.group, areas, lang), r.numerator, r.denominator, v, r.unit, t,
                             _yes_no(r.met, h)])
                fmts.append([None, None, None, None, None, None, f, None, tf, s.low if r.met is False else None])
        s.sheet("明细" if zh else "all figures", [h(k) for k in ("indicator", "indicator_id", "group", "area",
                "numerator", "denominator", "value", "unit", "target", "met")], rows, fmts)
        # Targets with sources.
        seen: dict[tuple[str, str], Target] = {}
        for rep in reps:
            for r in rep.results:
                if r.target is not None:
                    seen.setdefault((r.target.indicator, r.target.area.code if r.target.area else ""), r.target)
        units = {r.indicator: r.unit for rep in reps for r in rep.results}
        rows, fmts = [], []
        for tg in seen.values():
            t, tf = s.rate(tg.threshold, units.get(tg.indicator, "%"))
            rows.append([indicator_name(tg.indicator, lang), tg.indicator, t, units.get(tg.indicator, "%"), tg.year,
                         tg.source, areas.label(tg.area.code) if tg.area else h("total")])
            fmts.append([None, None, tf, None, None, None, None])
        s.sheet("目标值" if zh else "targets", [h(k) for k in ("indicator", "indicator_id", "target", "unit",
                "target_year", "target_source", "area")], rows, fmts)
        # What the figures cannot say (a period without follow-ups, targets not judged on it).
        remarks = list(dict.fromkeys(w for rep in reps for w in rep.warnings))
        if remarks:
            s.sheet("说明" if zh else "remarks", ["说明" if zh else "remark"], [[w] for w in remarks], max_width=90,
                    freeze_cols=0)
    return Path(path)


WORKLIST_COLUMNS = ("township", "village", "kind_name", "patient_id", "due", "status", "next_action",
                    "last_class_name", "last_risk")


def write_worklist(rows: Sequence[dict[str, Any]], path: str | Path, lang: Lang = "zh",
                   group_by: str = "township", title: str = "") -> Path:
    """A worklist workbook: every item on the first sheet, then a sheet per township (or village)."""
    from smi_care.export.worklist import grouped

    heads = [header(c, lang) for c in WORKLIST_COLUMNS]
    caption = title or ("随访工作清单" if lang == "zh" else "Worklist")
    with Book(path, caption, lang) as s:
        s.sheet("全部" if lang == "zh" else "all", heads, [[r[c] for c in WORKLIST_COLUMNS] for r in rows],
                max_width=36, freeze_cols=0)
        for name, part in grouped(list(rows), group_by).items():
            s.sheet(name, heads, [[r[c] for c in WORKLIST_COLUMNS] for r in part], max_width=36, freeze_cols=0)
    return Path(path)


def write_validation(report: ValidationReport, path: str | Path, lang: Lang = "zh", title: str = "") -> Path:
    """A validation workbook: counts per file, problems, data-quality findings."""
    h = _headers(lang)
    zh = lang == "zh"
    with Book(path, title or ("登记数据核查" if zh else "Registry validation"), lang) as s:
        s.sheet("文件" if zh else "files", [h(k) for k in ("file", "read", "accepted", "rejected")],
                [[c.file, c.read, c.accepted, c.rejected] for c in report.counts])
        s.sheet("问题" if zh else "problems", [h(k) for k in ("file", "line", "patient_id", "column", "recorded",
                "problem_kind", "reason")],
                [[p.file, p.line, p.patient_id or "", p.column, p.value, p.kind, p.reason] for p in report.problems],
                freeze_cols=0)
        s.sheet("质量" if zh else "findings", [h(k) for k in ("problem_kind", "patient_id", "visit_date", "field",
                "recorded", "expected", "reason")],
                [[f.kind, f.patient_id, f.visit_date.isoformat(), f.field, str(f.recorded), str(f.expected), f.reason]
                 for f in report.findings], freeze_cols=0)
    return Path(path)

def indicator_sheet(book: Book, title: str, rep: Report, areas: AreaNames, lang: Lang,
                    names: Mapping[str, str] | None = None, *, first_header: str | None = None,
                    max_width: int = 24) -> Any:
    """A sheet of one report: a row per group (the total last), a column per indicator, each
    figure in its unit's format, red below its target. The first column is headed by the
    breakdown's name, or ``first_header``; ``names`` overrides indicator names."""
    by = by_name(rep.by)
    inds = list(dict.fromkeys(r.indicator for r in rep.results))
    groups = [g for g in dict.fromkeys(r.group for r in rep.results) if g] + [""]
    cell = {(r.group, r.indicator): r for r in rep.results}
    rows, fmts = [], []
    for g in groups:
        row: list[Any] = [group_label(by, g, areas, lang)]
        fr: list[Any] = [None]
        for i in inds:
            res = cell.get((g, i))
            v, f = book.rate(res.value, res.unit, res.met) if res else (None, None)
            row.append(v)
            fr.append(f)
        rows.append(row)
        fmts.append(fr)
    heads = [first_header or breakdown_name(by, lang),
             *((names or {}).get(i) or indicator_name(i, lang) for i in inds)]
    return book.sheet(title, heads, rows, fmts, max_width=max_width)
