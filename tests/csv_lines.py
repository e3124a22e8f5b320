"""A hypothesis strategy shared by the CSV reader's tests: the body lines of a small CSV file
under the header ``HEADER``, with the shapes a clerk's export holds — full rows, short rows,
blank lines, lines of commas or spaces, cells with blanks around them, Chinese text and a
stray CR — and, when asked, rows wider than the header."""

from __future__ import annotations

from hypothesis import strategies as st

HEADER = ("patient_id", "visit_date", "form")
CELL = st.sampled_from(["", "P1", "2025-01-02", "1", " 2 ", "\t3", "中文", "a\rb", " "])


@st.composite
def csv_lines(draw: st.DrawFn, max_lines: int = 8, wide: bool = False) -> list[str]:
    """Between 1 and ``max_lines`` body lines; rows wider than the header only if ``wide``."""
    kinds = ["row", "row", "short", "blank", "commas", "spaces"] + (["row", "wide"] if wide else [])
    out = []
    for _ in range(draw(st.integers(1, max_lines))):
        kind = draw(st.sampled_from(kinds))
        if kind == "row":
            out.append(",".join(draw(st.lists(CELL, min_size=3, max_size=3))))
        elif kind == "short":
            out.append(",".join(draw(st.lists(CELL, min_size=1, max_size=2))))
        elif kind == "wide":
            out.append(",".join(draw(st.lists(CELL, min_size=4, max_size=5))))
        elif kind == "blank":
            out.append("")
        elif kind == "commas":
            out.append(",,")
        else:
            out.append("  ")
    return out
