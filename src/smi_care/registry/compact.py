"""Registry tables held compactly: every text column as ``Categorical``.

A ``String`` cell costs a 16-byte view (and its bytes past 12); a ``Categorical`` cell a 4-byte
code into one process-wide table of distinct texts. A province's follow-ups hold a patient id
and three code lists per row (10.5 million rows at 500,000 patients): about 650 MB as text,
under 170 MB as codes. :func:`smi_care.registry.tables.read_tables` with ``compact=True`` gives
such tables (the follow-ups compacted chunk by chunk as they are read, so their text is never
whole), for a caller that only counts over them: the columnar engine
(:func:`smi_care.indicators.columnar.counted_partials`) turns each chunk of patients back to
plain text (:func:`smi_care.indicators.columnar.plain_columns`) just before it makes that
chunk's facts, so what it computes does not change. Rows, problems and line numbers are those of the plain read: compacting
happens after every check.

>>> import polars as pl
>>> df = pl.DataFrame({"patient_id": ["P1", "P2"], "visit_date": [None, None], "seen": ["1", None]})
>>> small = compact_columns(df)
>>> [str(t) for t in small.dtypes]
['Categorical', 'Null', 'Categorical']
>>> small.with_columns(pl.col("patient_id", "seen").cast(pl.String)).equals(df)
True
"""

from __future__ import annotations

import polars as pl


def compact_columns(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every ``String`` column as ``Categorical`` (other columns unchanged)."""
    text = [name for name, dtype in df.schema.items() if dtype == pl.String]
    return df.with_columns(pl.col(text).cast(pl.Categorical)) if text else df



__all__ = ["compact_columns"]
