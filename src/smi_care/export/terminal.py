"""Text for a terminal: widths by display columns (a Chinese character takes two), so columns
line up under Chinese headers and township names.

>>> display_width("东湖街道"), display_width("abc")
(8, 3)
>>> print(text_table(["乡镇", "n"], [["东湖街道", 3], ["x", 12]], right=(1,)))
乡镇       n
东湖街道   3
x         12
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import Any


def display_width(text: object) -> int:
    """The columns ``text`` takes on a terminal or in a spreadsheet cell: two for a wide
    (East Asian wide or full-width) character, none for a combining mark, one otherwise."""
    shown = "" if text is None else str(text)
    width = 0
    for ch in shown:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: object, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` display columns (on the left when ``right``)."""
    shown = "" if text is None else str(text)
    fill = " " * max(0, width - display_width(shown))
    return fill + shown if right else shown + fill


def text_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], right: Collection[int] = (),
               gap: int = 2, indent: str = "") -> str:
    """A table of columns aligned by display width: ``right`` lists the columns (by index) to
    align right (numbers); cells are shown with ``str`` (None as empty). Trailing spaces are cut."""
    body = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in body:
        for c, v in enumerate(row[:len(widths)]):
            widths[c] = max(widths[c], display_width(v))
    sep = " " * gap

    def line(cells: Sequence[str]) -> str:
        return (indent + sep.join(pad(v, widths[c], c in right) for c, v in enumerate(cells[:len(widths)]))).rstrip()

    return "\n".join([line(list(headers)), *(line(row) for row in body)])
