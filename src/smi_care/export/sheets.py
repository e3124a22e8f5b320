"""Workbooks a clerk opens and prints: the one place every ``.xlsx`` the library writes is made.

:class:`Book` opens an xlsxwriter workbook that never turns text into a formula, a URL or a
number (``strings_to_formulas``, ``strings_to_urls``, ``strings_to_numbers`` all off) and
writes each cell by its type (:func:`write_cell`: text with ``write_string``, so a
``patient_id`` of ``=1+1`` stays text, OWASP CSV injection). :meth:`Book.sheet` gives every
sheet the same finish:

- a styled header row (bold, filled, bordered, wrapped), frozen with the first column;
- column widths by display width (a Chinese character counts two), long text wrapped in a
  column of at most ``max_width`` characters, the row made tall enough for it;
- A4 page set-up: landscape when the columns are wider than a portrait page, fitted to one
  page wide, the header row repeated on every printed page, a printed header with the
  workbook's title (period and area) and the sheet's name, page numbers in the footer;
- a safe, unique sheet name (:func:`sheet_name`: at most 31 characters, none of ``[]:*?/\\``).

Numbers in a unit are stored as numbers with the unit's format (:meth:`Book.rate`: a rate in
% as a fraction formatted ``0.0%``, the prevalence in ‰ formatted ``0.00"‰"``), so a target
is shown in the same format as its value.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
>>> with Book(path, "示例 2025") as book:
...     _ = book.sheet("患者", ["患者编号", "原因"], [["=1+1", "东湖街道"]])
>>> import openpyxl
>>> ws = openpyxl.load_workbook(path)["患者"]
>>> ws["A2"].value, ws["A2"].data_type, ws.print_title_rows, ws.sheet_properties.pageSetUpPr.fitToPage
('=1+1', 's', '$1:$1', True)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from smi_care.export.terminal import display_width
from smi_care.labels import Lang

#: xlsxwriter options: text stays text (no formulas, URLs or numbers guessed from strings).
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

#: Columns (in characters) an A4 portrait page prints at 100 %; wider sheets print landscape.
PORTRAIT_WIDTH = 95

LOW_FILL = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
PERCENT = "0.0%"
PER_MILLE = '0.00"‰"'


def workbook(path: str | Path) -> Any:
    """An xlsxwriter workbook with :data:`SAFE_OPTIONS` (use :class:`Book` for sheets)."""
    try:
        import xlsxwriter
    except ImportError:
        raise ImportError("Excel output needs xlsxwriter: pip install xlsxwriter") from None
    return xlsxwriter.Workbook(str(path), SAFE_OPTIONS)


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``).

    >>> sheet_name("360102001 东湖街道"), sheet_name("a/b", ["a_b"]), sheet_name("'历史'")
    ('360102001 东湖街道', 'a_b 2', '历史')
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", text).strip("'")[:31].strip() or "sheet"
    name, n = base, 1
    used = {t.lower() for t in taken}
    while name.lower() in used:
        n += 1
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
    return name


def write_cell(ws: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
    """Write one cell by its type: text always as a string (never a formula), a bool as a
    boolean, a number as a number (NaN as blank), a date as ISO text, None or "" as blank."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_string(row, col, value.isoformat(), fmt)
    elif isinstance(value, list | tuple):
        ws.write_string(row, col, "; ".join(str(v) for v in value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}%"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _escape(text: str) -> str:
    """Text for a printed header: ``&`` is a control character there."""
    return text.replace("&", "&&")


class Book:
    """One workbook being written: the formats, the sheet names taken, the printed title.

    Use it as a context manager (the file is written on leaving), or call :meth:`close`."""

    def __init__(self, path: str | Path, title: str = "", lang: Lang = "zh") -> None:
        self.path = Path(path)
        self.title = title
        self.lang = lang
        self.wb = workbook(self.path)
        wb = self.wb
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                   "valign": "top"})
        self.pct = wb.add_format({"num_format": PERCENT})
        self.pct_low = wb.add_format({"num_format": PERCENT, **LOW_FILL})
        self.ppth = wb.add_format({"num_format": PER_MILLE})
        self.ppth_low = wb.add_format({"num_format": PER_MILLE, **LOW_FILL})
        self.low = wb.add_format(LOW_FILL)
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.names: list[str] = []

    def __enter__(self) -> Book:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> Path:
        """Write the file; returns its path."""
        self.wb.close()
        return self.path

    def rate(self, value: float | None, unit: str, met: bool | None = None) -> tuple[float | None, Any]:
        """The stored number (a fraction for %, the figure for ‰) and its format (red when the
        figure is below its target, ``met`` False)."""
        if value is None:
            return None, None
        if unit == "%":
            return value / 100, self.pct_low if met is False else self.pct
        return value, self.ppth_low if met is False else self.ppth

    def sheet(self, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              formats: Iterable[Sequence[Any]] | None = None, *, max_width: int = 50, freeze_cols: int = 1,
              caption: str | None = None) -> Any:
        """Add a sheet: the header row, then the rows (with a format per cell from ``formats``,
        None for the default), finished as the module says. Returns the xlsxwriter worksheet."""
        name = sheet_name(title, self.names)
        self.names.append(name)
        ws = self.wb.add_worksheet(name)
        body = [list(r) for r in rows]
        fmts = [list(f) for f in formats] if formats is not None else [[None] * len(r) for r in body]
        widths = [display_width(h) for h in headers]
        for row in body:
            for c, value in enumerate(row[:len(widths)]):
                widths[c] = max(widths[c], display_width(_shown(value)))
        shown = [min(max(w + 2, 6), max_width) for w in widths]
        for c, w in enumerate(shown):
            ws.set_column(c, c, w)
        ws.write_row(0, 0, list(headers), self.head)
        head_lines = max([1, *(math.ceil(display_width(h) / max(w - 1, 1)) for h, w in zip(headers, shown,
                                                                                             strict=True))])
        if head_lines > 1:
            ws.set_row(0, 15 * min(head_lines, 4))
        for n, (row, fmt_row) in enumerate(zip(body, fmts, strict=True), start=1):
            lines = 1
            for c, value in enumerate(row[:len(widths)]):
                fmt = fmt_row[c] if c < len(fmt_row) else None
                text = value if isinstance(value, str) else None
                if text is not None and display_width(text) > shown[c] - 1:
                    fmt = fmt or self.wrap
                    lines = max(lines, math.ceil(display_width(text) / max(shown[c] - 2, 1)))
                write_cell(ws, n, c, value, fmt)
            if lines > 1:
                ws.set_row(n, 15 * min(lines, 27))
        ws.freeze_panes(1, min(freeze_cols, len(headers)))
        self._page(ws, name, sum(shown), caption)
        return ws

    def _page(self, ws: Any, name: str, width: int, caption: str | None) -> None:
        """A4, landscape when wide, one page wide, the header row on every page, a printed title."""
        ws.set_paper(9)
        if width > PORTRAIT_WIDTH:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.6)
        title = caption if caption is not None else " — ".join(t for t in (self.title, name) if t)
        ws.set_header(f"&C{_escape(title)[:200]}")
        ws.set_footer("&C第 &P 页，共 &N 页" if self.lang == "zh" else "&CPage &P of &N")
