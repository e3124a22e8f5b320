"""The day's worklist as a workbook for the people who carry it (issue 21): written with
xlsxwriter through the helpers of :mod:`smi_care.export.xlsx` (one function,
:func:`write_day_workbook`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smi_care.export.terminal import display_width
from smi_care.export.worklist import day_header, grouped, responsible
from smi_care.export.xlsx import sheet_name
from smi_care.labels import Lang

#: The columns of the worklist workbook: the sheet of every item, and each township's sheet
#: (which starts with who carries the item, and is sorted by it).
BOOK_COLUMNS = ("township", "village", "kind_name", "patient_id", "due", "status", "next_action", "last_class_name",
                "last_risk", "team_id", "reason", "rule")


def write_day_workbook(rows: list[dict[str, Any]], path: str | Path, lang: Lang = "zh",
                       group_by: str = "township") -> Path:
    """The worklist as a workbook for the people who carry it: a sheet of every item, then a
    sheet per township (or village), its rows grouped by village doctor (the last follow-up's
    doctor when names are shown, else the village); Chinese headers, area names, frozen header
    row, columns as wide as their text (CJK counts 2), printed landscape on A4, one page wide,
    the header repeated on every page. A text cell is always written as text, never as a formula."""
    try:
        import xlsxwriter
    except ImportError:
        raise ImportError("Excel output needs xlsxwriter: pip install xlsxwriter") from None
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "top"})
    taken: list[str] = []
    doctors = any("doctor" in r for r in rows)

    def sheet(title: str, columns: tuple[str, ...], part: list[dict[str, Any]]) -> None:
        name = sheet_name(title, taken)
        taken.append(name)
        ws = wb.add_worksheet(name)
        heads = [day_header(c, lang) for c in columns]
        widths = [display_width(h) for h in heads]
        ws.write_row(0, 0, heads, head)
        for n, r in enumerate(part, start=1):
            for i, col in enumerate(columns):
                value = responsible(r) if col == "responsible" else r.get(col)
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(n, i, value)
                else:
                    ws.write_number(n, i, value)
                widths[i] = max(widths[i], display_width(value))
        for i, w in enumerate(widths):
            ws.set_column(i, i, min(max(w + 2, 6), 60))
        ws.freeze_panes(1, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)

    book = (*BOOK_COLUMNS[:9], *(("doctor",) if doctors else ()), *BOOK_COLUMNS[9:])
    sheet("全部" if lang == "zh" else "all", book, rows)
    for name, part in grouped(rows, group_by).items():
        ordered = sorted(part, key=responsible)  # stable: urgency order within a doctor
        sheet(name, ("responsible", *(c for c in book if c != group_by)), ordered)
    wb.close()
    return path
