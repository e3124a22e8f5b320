"""Programme lists as workbooks: the key-patient list, the suspected-case worklist and the
assessments due, every row on the first sheet, then one sheet per township (for a township
meeting). Text is written as text, never as a formula (a cell such as ``=1+1`` stays
text); :func:`safe_frame` prefixes such text with ``'`` for CSV."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def write_table(rows: pl.DataFrame, path: str | Path, group: str = "township") -> Path:
    """Write ``rows`` to an ``.xlsx`` file: sheet ``all``, then a sheet per value of ``group``."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    try:
        rows.write_excel(workbook=wb, worksheet="all", autofit=True)
        if group in rows.columns:
            for (name,), part in rows.sort(group).group_by(group, maintain_order=True):
                rows_part = part.drop(group)
                rows_part.write_excel(workbook=wb, worksheet=str(name or "unknown")[:31], autofit=True)
    finally:
        wb.close()
    return path


def safe_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with every text cell that a spreadsheet would read as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with ``'``, for CSV.

    >>> safe_frame(pl.DataFrame({"a": ["=1+1", "ok"], "n": [-1, 2]})).rows()
    [("'=1+1", -1), ('ok', 2)]
    """
    risky = r"^[=+\-@\t\r]"
    return rows.with_columns([pl.when(pl.col(c).str.contains(risky)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c))
                              .alias(c) for c, t in rows.schema.items() if t == pl.String])
