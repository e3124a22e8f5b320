"""Programme lists as workbooks: the key-patient list, the suspected-case worklist and the
assessments due, every row on the first sheet, then one sheet per township (for a township
meeting). Text is written as text, never as a formula (a cell such as ``=1+1`` stays
text); CSV goes through :mod:`smi_care.export.cells`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from smi_care.labels import Lang


def write_table(rows: pl.DataFrame, path: str | Path, group: str = "township", lang: Lang = "zh") -> Path:
    """Write ``rows`` to an ``.xlsx`` file through the output layer
    (:func:`smi_care.export.lists.write_list`): sheet ``全部``, then a sheet per value of ``group``."""
    from smi_care.export.lists import write_list

    return write_list(rows, path, lang, group)
