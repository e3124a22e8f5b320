"""The day's worklist as a workbook for the people who carry it (issue 21): written
through the output layer, :mod:`smi_care.export.sheets` (one function,
:func:`write_day_workbook`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smi_care.export.sheets import Book
from smi_care.export.worklist import day_header, grouped, responsible
from smi_care.labels import Lang

#: The columns of the worklist workbook: the sheet of every item, and each township's sheet
#: (which starts with who carries the item, and is sorted by it).
BOOK_COLUMNS = ("township", "village", "kind_name", "patient_id", "due", "status", "next_action", "last_class_name",
                "last_risk", "team_id", "reason", "rule")


def write_day_workbook(rows: list[dict[str, Any]], path: str | Path, lang: Lang = "zh",
                       group_by: str = "township", title: str = "") -> Path:
    """The worklist as a workbook for the people who carry it: a sheet of every item, then a
    sheet per township (or village), its rows grouped by village doctor (the last follow-up's
    doctor when names are shown, else the village); written through the output layer
    (:class:`smi_care.export.sheets.Book`): Chinese headers, area names, frozen header row,
    columns as wide as their text (CJK counts 2), A4 landscape one page wide, the header row and
    the printed ``title`` (default 随访工作清单 / Worklist) on every page, text never a formula."""
    doctors = any("doctor" in r for r in rows)
    book_columns = (*BOOK_COLUMNS[:9], *(("doctor",) if doctors else ()), *BOOK_COLUMNS[9:])
    shown_title = title or ("随访工作清单" if lang == "zh" else "Worklist")

    def cells(columns: tuple[str, ...], part: list[dict[str, Any]]) -> list[list[Any]]:
        return [[responsible(r) if c == "responsible" else (None if r.get(c) == "" else r.get(c)) for c in columns]
                for r in part]

    with Book(path, shown_title, lang) as book:
        book.sheet("全部" if lang == "zh" else "all", [day_header(c, lang) for c in book_columns],
                   cells(book_columns, rows), max_width=60, freeze_cols=0)
        for name, part in grouped(rows, group_by).items():
            ordered = sorted(part, key=responsible)  # stable: urgency order within a doctor
            columns = ("responsible", *(c for c in book_columns if c != group_by))
            book.sheet(name, [day_header(c, lang) for c in columns], cells(columns, ordered), max_width=60,
                       freeze_cols=0)
    return Path(path)
