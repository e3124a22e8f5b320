"""Excel workbooks (written with xlsxwriter) for a report, a worklist and a validation.

A report workbook has a sheet of totals, a sheet per breakdown (one row per group, one column
per indicator), a sheet of every figure in long form and a sheet of the targets with their
sources (national-rules §8). Rates are stored as numbers formatted as percentages (‰ for the
reported prevalence); a figure below its target is marked (red fill). Header rows are frozen
and column widths fit their contents. Headers are in Chinese (``lang="zh"``) or English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smi_care.indicators.evaluate import Report, by_name
from smi_care.indicators.targets import Target
from smi_care.labels import Lang, breakdown_name, group_label, header, indicator_name
from smi_care.registry.areas import NO_NAMES, AreaNames

if TYPE_CHECKING:
    from smi_care.validation import ValidationReport


def _workbook(path: str | Path) -> Any:
    try:
        import xlsxwriter
    except ImportError:
        raise ImportError("Excel output needs xlsxwriter: pip install xlsxwriter") from None
    return xlsxwriter.Workbook(str(path))


def _headers(lang: Lang) -> Callable[[str], str]:
    def h(key: str) -> str:
        return header(key, lang)

    return h


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``).

    >>> sheet_name("360102001 东湖街道"), sheet_name("a/b", ["a_b"])
    ('360102001 东湖街道', 'a_b 2')
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", text).strip("'")[:31] or "sheet"
    name, n = base, 1
    used = {t.lower() for t in taken}
    while name.lower() in used:
        n += 1
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
    return name


class _Sheets:
    """Formats and the width bookkeeping shared by the sheets of one workbook."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                   "valign": "top"})
        self.pct = wb.add_format({"num_format": "0.0%"})
        self.pct_low = wb.add_format({"num_format": "0.0%", "bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.ppth = wb.add_format({"num_format": '0.00"‰"'})
        self.ppth_low = wb.add_format({"num_format": '0.00"‰"', "bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.low = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.names: list[str] = []

    def sheet(self, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              formats: Iterable[Sequence[Any]] | None = None) -> Any:
        name = sheet_name(title, self.names)
        self.names.append(name)
        ws = self.wb.add_worksheet(name)
        widths = [_width(h) for h in headers]
        ws.write_row(0, 0, list(headers), self.head)
        fmts = iter(formats) if formats is not None else None
        for n, row in enumerate(rows, start=1):
            fmt_row = next(fmts) if fmts is not None else [None] * len(row)
            for c, (value, fmt) in enumerate(zip(row, fmt_row, strict=False)):
                if value is None or value == "":
                    if fmt is not None:
                        ws.write_blank(n, c, None, fmt)
                    continue
                ws.write(n, c, value, fmt) if fmt is not None else ws.write(n, c, value)
                shown = f"{value:.1f}%" if isinstance(value, float) else value
                widths[c] = max(widths[c], _width(shown))
        for c, w in enumerate(widths):
            ws.set_column(c, c, min(max(w + 2, 6), 60))
        ws.freeze_panes(1, 1)
        return ws

    def rate(self, value: float | None, unit: str, met: bool | None) -> tuple[float | None, Any]:
        """The stored number (a fraction for %, the figure for ‰) and its format."""
        if value is None:
            return None, None
        if unit == "%":
            return value / 100, self.pct_low if met is False else self.pct
        return value, self.ppth_low if met is False else self.ppth


def write_report(reports: Report | Sequence[Report], path: str | Path, lang: Lang = "zh",
                 areas: AreaNames = NO_NAMES) -> Path:
    """A report workbook: totals, a sheet per breakdown, every figure, targets. Several reports
    of one period (for example by township and by village) give a sheet per breakdown each."""
    reps = [reports] if isinstance(reports, Report) else list(reports)
    if not reps:
        raise ValueError("write_report needs at least one report")
    path = Path(path)
    wb = _workbook(path)
    s = _Sheets(wb)
    first = reps[0]
    h = _headers(lang)
    # Totals.
    rows, fmts = [], []
    for r in first.results:
        if r.group:
            continue
        v, f = s.rate(r.value, r.unit, r.met)
        t = None if r.target is None else (r.target.threshold / 100 if r.unit == "%" else r.target.threshold)
        tf = None if r.target is None else (s.pct if r.unit == "%" else s.ppth)
        met = "" if r.met is None else h("yes" if r.met else "no")
        rows.append([indicator_name(r.indicator, lang), r.indicator, r.numerator, r.denominator, v, t, met])
        fmts.append([None, None, None, None, f, tf, s.low if r.met is False else None])
    s.sheet(f"{h('total')} {first.period}"[:31], [h(k) for k in ("indicator", "indicator_id", "numerator",
            "denominator", "value", "target", "met")], rows, fmts)
    # A sheet per breakdown.
    for rep in reps:
        by = by_name(rep.by)
        if by is None:
            continue
        inds = list(dict.fromkeys(r.indicator for r in rep.results))
        groups = [g for g in dict.fromkeys(r.group for r in rep.results) if g] + [""]
        cell = {(r.group, r.indicator): r for r in rep.results}
        rows, fmts = [], []
        for g in groups:
            row: list[Any] = [group_label(by, g, areas, lang)]
            fr: list[Any] = [None]
            for i in inds:
                res = cell.get((g, i))
                v, f = s.rate(res.value, res.unit, res.met) if res else (None, None)
                row.append(v)
                fr.append(f)
            rows.append(row)
            fmts.append(fr)
        title = breakdown_name(by, lang)
        s.sheet(title, [h("group"), *(indicator_name(i, lang) for i in inds)], rows, fmts)
    # Every figure, long form.
    rows, fmts = [], []
    for rep in reps:
        by = by_name(rep.by)
        for r in rep.results:
            v, f = s.rate(r.value, r.unit, r.met)
            rows.append([indicator_name(r.indicator, lang), r.indicator, by or "", group_label(by, r.group, areas, lang),
                         r.numerator, r.denominator, v, r.unit,
                         None if r.target is None else r.target.threshold, "" if r.met is None else
                         h("yes" if r.met else "no")])
            fmts.append([None, None, None, None, None, None, f, None, None, s.low if r.met is False else None])
    s.sheet("明细" if lang == "zh" else "all figures", [h(k) for k in ("indicator", "indicator_id", "group", "area",
            "numerator", "denominator", "value", "unit", "target", "met")], rows, fmts)
    # Targets with sources.
    seen: dict[tuple[str, str], Target] = {}
    for rep in reps:
        for r in rep.results:
            if r.target is not None:
                seen.setdefault((r.target.indicator, r.target.area.code if r.target.area else ""), r.target)
    s.sheet("目标值" if lang == "zh" else "targets", [h(k) for k in ("indicator", "indicator_id", "target", "unit",
            "target_year", "target_source", "area")],
            [[indicator_name(t.indicator, lang), t.indicator, t.threshold,
              next(r.unit for r in first.results if r.indicator == t.indicator), t.year, t.source,
              areas.label(t.area.code) if t.area else h("total")] for t in seen.values()])
    # What the figures cannot say (a period without follow-ups, targets not judged on it).
    remarks = list(dict.fromkeys(w for rep in reps for w in rep.warnings))
    if remarks:
        s.sheet("说明" if lang == "zh" else "remarks", ["说明" if lang == "zh" else "remark"], [[w] for w in remarks])
    wb.close()
    return path


WORKLIST_COLUMNS = ("township", "village", "kind_name", "patient_id", "due", "status", "next_action",
                    "last_class_name", "last_risk")


def write_worklist(rows: Sequence[dict[str, Any]], path: str | Path, lang: Lang = "zh",
                   group_by: str = "township") -> Path:
    """A worklist workbook: every item on the first sheet, then a sheet per township (or village)."""
    from smi_care.export.worklist import grouped

    path = Path(path)
    wb = _workbook(path)
    s = _Sheets(wb)
    heads = [header(c, lang) for c in WORKLIST_COLUMNS]
    s.sheet("全部" if lang == "zh" else "all", heads, [[r[c] for c in WORKLIST_COLUMNS] for r in rows])
    for name, part in grouped(list(rows), group_by).items():
        s.sheet(name, heads, [[r[c] for c in WORKLIST_COLUMNS] for r in part])
    wb.close()
    return path


def write_validation(report: ValidationReport, path: str | Path, lang: Lang = "zh") -> Path:
    """A validation workbook: counts per file, problems, data-quality findings."""
    path = Path(path)
    wb = _workbook(path)
    s = _Sheets(wb)
    h = _headers(lang)
    s.sheet("文件" if lang == "zh" else "files", [h(k) for k in ("file", "read", "accepted", "rejected")],
            [[c.file, c.read, c.accepted, c.rejected] for c in report.counts])
    s.sheet("问题" if lang == "zh" else "problems", [h(k) for k in ("file", "line", "patient_id", "column",
            "problem_kind", "reason")],
            [[p.file, p.line, p.patient_id or "", p.column, p.kind, p.reason] for p in report.problems])
    s.sheet("质量" if lang == "zh" else "findings", [h(k) for k in ("problem_kind", "patient_id", "visit_date", "field",
            "recorded", "expected", "reason")],
            [[f.kind, f.patient_id, f.visit_date.isoformat(), f.field, str(f.recorded), str(f.expected), f.reason]
             for f in report.findings])
    wb.close()
    return path
