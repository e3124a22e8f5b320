"""Programme lists as workbooks: the key-patient list, the suspected-case worklist and the
assessments due, every row on the first sheet, then one sheet per township (for a township
meeting)."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def write_table(rows: pl.DataFrame, path: str | Path, group: str = "township") -> Path:
    """Write ``rows`` to an ``.xlsx`` file: sheet ``all``, then a sheet per value of ``group``."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path))
    try:
        rows.write_excel(workbook=wb, worksheet="all", autofit=True)
        if group in rows.columns:
            for (name,), part in rows.sort(group).group_by(group, maintain_order=True):
                rows_part = part.drop(group)
                rows_part.write_excel(workbook=wb, worksheet=str(name or "unknown")[:31], autofit=True)
    finally:
        wb.close()
    return path
