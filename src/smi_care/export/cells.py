"""Safe cells: no text a county office opens in a spreadsheet can run as a formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some read a leading tab or carriage return the same way), so a ``patient_id`` such as
``=HYPERLINK("http://x","y")`` would become a live link or worse when a clerk opens the
export. The OWASP "CSV Injection" guidance is followed here, in one place: in CSV meant for
spreadsheets such a text cell is prefixed with an apostrophe ``'`` (Excel shows the rest as
text); in a workbook every text cell is written as a string (xlsxwriter's ``write_string``,
:mod:`smi_care.export.sheets`), never guessed as a formula.

Numbers stay numbers (``-3`` as an ``int`` is not prefixed); only text is. The registry's own
data files (registry format v1) are not spreadsheets for people and keep their values exactly.

>>> csv_cell('=HYPERLINK("http://x","y")'), csv_cell("-5"), csv_cell(-5), csv_cell(None)
('\\'=HYPERLINK("http://x","y")', "'-5", '-5', '')
>>> print(csv_text(["patient_id", "reason"], [["@SUM(A1)", "ok"]]), end="")
patient_id,reason
'@SUM(A1),ok
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: The characters that make a spreadsheet read a text cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The byte-order mark Excel needs to read a CSV file as UTF-8 (without it, Chinese is garbled).
BOM = "\ufeff"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def safe_text(text: str) -> str:
    """``text`` with an apostrophe in front when a spreadsheet could read it as a formula, and
    each carriage return made a line feed (the CSV writer quotes a cell with a line feed; a
    bare carriage return it would leave unquoted, and a spreadsheet would start a row there)."""
    shown = "'" + text if is_formula_like(text) else text
    return shown.replace("\r\n", "\n").replace("\r", "\n")


def csv_cell(value: object) -> str:
    """One value as a CSV cell for a spreadsheet: None is empty, a bool ``True``/``False``, a date ISO,
    a number as written, a list joined with ``;``, text made safe (:func:`safe_text`)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return safe_text(";".join("" if v is None else str(v) for v in value))
    return safe_text(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = False) -> str:
    """CSV for a spreadsheet: the header and every row through :func:`csv_cell`; ``bom=True``
    starts it with the byte-order mark Excel needs."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_cell(h) for h in header])
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return (BOM if bom else "") + buf.getvalue()


def csv_records(fields: Sequence[str], records: Iterable[Mapping[str, Any]], header: Sequence[str] | None = None,
                bom: bool = False) -> str:
    """CSV for a spreadsheet from dicts: the ``fields`` of each record, in order (a missing one
    empty), under ``header`` (default: the field names)."""
    return csv_text(list(header or fields), ([r.get(f) for f in fields] for r in records), bom)


def csv_frame(frame: Any, header: Sequence[str] | None = None, bom: bool = False) -> str:
    """CSV for a spreadsheet from a polars DataFrame (dates in ISO form)."""
    return csv_text(list(header or frame.columns), frame.iter_rows(), bom)
