"""Registry tables held compactly: text as codes, and only the columns read.

A ``String`` cell costs a 16-byte view (and its bytes past 12); a ``Categorical`` cell a 4-byte
code into one process-wide table of distinct texts; an ``Enum`` cell of a column with at most
:data:`SMALL_CODES` distinct texts one byte. A province's follow-ups hold a patient id and
three code lists per row (10.5 million rows at 500,000 patients): about 650 MB as text, 170 MB
as ``Categorical``, 70 MB with the code lists as ``Enum``.
:func:`smi_care.registry.tables.read_tables` with ``compact=True`` gives such tables (the
follow-ups compacted chunk by chunk as they are read, so their text is never whole; a
follow-up column the caller did not ask for, all null in the plain read, is left out), for a
caller that only counts over them: the columnar engine
(:func:`smi_care.indicators.columnar.counted_partials`) turns each chunk of patients back to
plain text (:func:`smi_care.indicators.columnar.plain_columns`) just before it makes that
chunk's facts, so what it computes does not change. Rows, problems and line numbers are those
of the plain read: compacting happens after every check.

>>> import polars as pl
>>> df = pl.DataFrame({"patient_id": ["P1", "P2"], "visit_date": [None, None], "seen": ["1", None]})
>>> small = compact_columns(df)
>>> [str(t) for t in small.dtypes]
['Categorical', 'Null', 'Categorical']
>>> small.with_columns(pl.col("patient_id", "seen").cast(pl.String)).equals(df)
True
>>> [str(t) for t in small_codes([small])[0].dtypes]  # the code list as one byte a cell; the id stays
['Categorical', 'Null', "Enum(categories=['1'])"]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

#: The most distinct texts a compact column holds as an ``Enum`` (one byte a cell:
#: :func:`small_codes`); a column with more (a patient id, an area) stays ``Categorical``.
SMALL_CODES = 255

#: The column never held as an ``Enum``: the columnar engine cuts tables into chunks by the
#: hash of its ``Categorical`` codes, alike in every table (:func:`smi_care.indicators.columnar.counted_partials`).
KEY = "patient_id"


def compact_columns(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every ``String`` column as ``Categorical`` (other columns unchanged)."""
    text = [name for name, dtype in df.schema.items() if dtype == pl.String]
    return df.with_columns(pl.col(text).cast(pl.Categorical)) if text else df


def small_codes(frames: Sequence[pl.DataFrame]) -> list[pl.DataFrame]:
    """The pieces of one table (e.g. from :func:`compact_columns`) with every ``Categorical``
    column but :data:`KEY` that has at most :data:`SMALL_CODES` distinct texts over all pieces as
    one ``Enum`` of those texts (sorted), so that the pieces still concatenate; the texts are
    unchanged (``cast(pl.String)`` gives them back). Pieces are replaced one at a time, so the
    extra memory is one piece's column. A piece without the column is left as it is.

    >>> codes = {"patient_id": pl.Categorical, "acts": pl.Categorical}
    >>> a = pl.DataFrame({"patient_id": ["P1"], "acts": ["2"]}, schema=codes)
    >>> b = a.with_columns(pl.Series("acts", ["1,3"], dtype=pl.Categorical))
    >>> both = pl.concat(small_codes([a, b]))
    >>> both.schema["acts"], both["acts"].cast(pl.String).to_list()
    (Enum(categories=['1,3', '2']), ['2', '1,3'])
    """
    out = list(frames)
    names = dict.fromkeys(n for f in frames for n, d in f.schema.items() if d == pl.Categorical and n != KEY)
    for name in names:
        texts: set[str] = set()
        for frame in out:
            if name in frame.columns:
                texts.update(t for t in frame.get_column(name).unique().cast(pl.String).to_list() if t is not None)
            if len(texts) > SMALL_CODES:
                break
        if len(texts) > SMALL_CODES:
            continue
        kind = pl.Enum(sorted(texts))
        out = [f.with_columns(pl.col(name).cast(kind)) if name in f.columns else f for f in out]
    return out


def same_codes(frames: Sequence[pl.DataFrame]) -> list[pl.DataFrame]:
    """Tables to be concatenated (the partitions of a registry, each read compact on its own)
    whose ``Enum`` columns differ in their texts, with those columns as one ``Enum`` of all
    their texts again (:func:`small_codes`); tables without such columns are returned as they are.

    >>> a = pl.DataFrame({"acts": ["2"]}, schema={"acts": pl.Enum(["2"])})
    >>> b = pl.DataFrame({"acts": ["1,3"]}, schema={"acts": pl.Enum(["1,3"])})
    >>> pl.concat(same_codes([a, b])).schema["acts"]
    Enum(categories=['1,3', '2'])
    """
    out = list(frames)
    enums = dict.fromkeys(n for f in frames for n, d in f.schema.items() if isinstance(d, pl.Enum))
    differ = [n for n in enums if len({f.schema[n] for f in frames if n in f.columns}) > 1]
    if not differ:
        return out
    texts = [f.with_columns(pl.col(n).cast(pl.String).cast(pl.Categorical) for n in differ if n in f.columns)
             for f in out]
    return small_codes(texts)


__all__ = ["KEY", "SMALL_CODES", "compact_columns", "same_codes", "small_codes"]
