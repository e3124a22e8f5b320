"""Optional registry files beside format v1, read with the same promise as the v1 tables.

A registry that has none of them stays valid. When one is present, every row is judged: a bad
cell, an empty required cell, a duplicate key, an unknown patient or a row that breaks a rule of
its domain value becomes a :class:`~smi_care.registry.problems.Problem` naming the file, line,
column, value (``<hidden>`` for identifying columns) and the expectation; good rows load, and
``read == accepted + rejected``.

The work runs at column speed: each distinct cell text is parsed once by the cell parser
(the screen of :mod:`smi_care.registry.tables`), rules are column expressions, and the
domain value's own constructor (``FileSpec.build``) re-judges only the rows the screen flagged,
so a row's verdict and message are the domain's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import polars as pl

from smi_care.domain.errors import HIDDEN, SmiCareError
from smi_care.registry.cells import CellError
from smi_care.registry.columns import PII_COLUMNS, described
from smi_care.registry.frames import as_text, read_parquet_file
from smi_care.registry.problems import FileCounts, Problem
from smi_care.registry.raw import RawFile
from smi_care.registry.screen import DTYPES, Kind, with_typed
from smi_care.registry.sources import read_csv_file


@attrs.frozen
class Column:
    """One column: its name, the parser of one cell (raising :class:`CellError`), the kind of
    typed value, and whether every row must fill it."""

    name: str
    parse: Callable[[str], Any] | None
    kind: Kind = "text"
    required: bool = False


@attrs.frozen
class Rule:
    """A rule over the typed columns of one row: ``broken`` is a polars expression true when a
    row breaks it; the problem names ``column`` and says ``reason``."""

    column: str
    broken: Callable[[], pl.Expr]
    reason: str


@attrs.frozen
class FileSpec:
    """An optional file: its name, columns, unique key, the column naming a patient of
    ``patients.csv`` (checked when filled) and the row rules. ``build`` makes the domain value
    of one row (its typed cells by column name) and raises on a row the domain rejects."""

    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    patient_column: str | None = "patient_id"
    patient_required: bool = True
    rules: tuple[Rule, ...] = ()
    build: Callable[[Mapping[str, Any]], Any] | None = None
    #: Columns of ``patients.csv`` the rules read, as ``patient__<column>`` (joined on the patient column).
    patient_fields: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".csv")


@attrs.frozen
class OptionalLoad:
    """The accepted rows (typed, with ``row`` and ``line``), the problems and the counts of one
    optional file. ``present`` is False when the folder has no such file."""

    file: str
    table: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    problems: tuple[Problem, ...]
    counts: FileCounts
    present: bool


def empty_table(spec: FileSpec) -> pl.DataFrame:
    """The table of a file of ``spec`` that is missing or has no accepted row: its columns,
    typed, with ``row`` and ``line``, and no rows."""
    schema: dict[str, Any] = {"row": pl.UInt32, "line": pl.UInt32}
    for c in spec.columns:
        schema[c.name] = pl.Utf8 if c.parse is None else DTYPES[c.kind]
    return pl.DataFrame(schema=schema)


def _shown(column: str, value: str) -> str:
    return HIDDEN if column in PII_COLUMNS and value else value


def find_file(folder: Path, spec: FileSpec, encoding: str | None = None) -> RawFile | None:
    csv_path, pq_path = folder / spec.file, folder / f"{spec.stem}.parquet"
    if csv_path.is_file():
        return read_csv_file(csv_path, spec.file, encoding)
    if pq_path.is_file():
        return read_parquet_file(pq_path, spec.file)
    return None


def read_optional(folder: str | Path, spec: FileSpec, patients: pl.DataFrame | None = None,
                  encoding: str | None = None) -> OptionalLoad:
    """Read one optional file of ``folder`` (``.csv`` or ``.parquet``). ``patients`` is the
    table of accepted patients; rows naming another patient are rejected."""
    raw = find_file(Path(folder), spec, encoding)
    if raw is None:
        return OptionalLoad(spec.file, empty_table(spec), (), FileCounts(spec.file, 0, 0, 0), False)
    return read_raw(raw, spec, patients)


def read_raw(raw: RawFile, spec: FileSpec, patients: pl.DataFrame | None = None) -> OptionalLoad:
    """Judge the rows of a file already read (see :func:`read_optional`)."""
    file = spec.file
    problems: list[Problem] = list(raw.problems)
    read = raw.data.height + raw.unreadable
    data = raw.data
    pcol = spec.patient_column
    for c in spec.columns:
        if c.name not in data.columns:
            data = data.with_columns(pl.lit("", dtype=pl.Utf8).alias(c.name))
    missing = [c.name for c in spec.columns if c.required and c.name not in raw.header]
    if missing and raw.header:
        reason = f"the file has no column {described(missing[0])}, which is required"
        for line, pid in data.select("line", pcol if pcol else pl.lit(None)).iter_rows():
            problems.append(Problem(file, line, missing[0], "", reason, "missing_required", pid or None))
        problems.sort(key=lambda p: p.line)
        return OptionalLoad(file, empty_table(spec), tuple(problems), FileCounts(file, read, 0, read), True)
    parsed = [(c.name, c.parse, c.kind) for c in spec.columns if c.parse is not None]
    typed, _ = with_typed(data, parsed)
    texts = {c.name: (f"{c.name}__text" if c.parse is not None else c.name) for c in spec.columns}
    flags: list[pl.Expr] = []
    for c in spec.columns:
        t = pl.col(texts[c.name])
        empty = t.is_null() | (t.cast(pl.Utf8) == "")
        if c.parse is not None:
            flags.append(pl.col(f"{c.name}__bad").alias(f"__bad_{c.name}"))
        if c.required:
            flags.append(empty.alias(f"__req_{c.name}"))
    if spec.key:
        flags.append(pl.struct(spec.key).is_duplicated().alias("__dup"))
    if pcol is not None and patients is not None:
        p = pl.col(pcol)
        flags.append(((p != "") & ~p.is_in(patients.get_column("patient_id").implode())).alias("__unknown"))
    if spec.patient_fields:
        have = patients.columns if patients is not None else []
        side = (patients.select("patient_id", *[pl.col(f).alias(f"patient__{f}") for f in spec.patient_fields
                                                if f in have])
                if patients is not None else pl.DataFrame(schema={"patient_id": pl.Utf8}))
        side = side.with_columns(pl.lit(None, dtype=pl.Utf8).alias(f"patient__{f}") for f in spec.patient_fields
                                 if f"patient__{f}" not in side.columns)
        typed = typed.join(side, left_on=pcol, right_on="patient_id", how="left", maintain_order="left")
    for i, r in enumerate(spec.rules):
        flags.append(r.broken().fill_null(False).alias(f"__rule{i}"))
    typed = typed.with_columns(flags)
    flag_cols = [e.meta.output_name() for e in flags]
    typed = typed.with_columns(__flag=pl.any_horizontal(*(pl.col(n) for n in flag_cols)) if flag_cols
                               else pl.lit(False))
    suspects = typed.filter(pl.col("__flag"))
    rejected_lines: set[int] = set()
    first_key: set[tuple[Any, ...]] = set()
    for row in suspects.sort("row").iter_rows(named=True):
        found = _row_problems(spec, row, texts, first_key)
        pid = row.get(pcol) if pcol else None
        for column, value, reason, kind in found:
            problems.append(Problem(file, row["line"], column, _shown(column, value), reason, kind, pid or None))
        if found:
            rejected_lines.add(row["line"])
    kept = typed.filter(~pl.col("line").is_in(list(rejected_lines)))
    problems.sort(key=lambda p: p.line)
    out_cols = ["row", "line", *[c.name for c in spec.columns]]
    table = kept.select(
        *[pl.col(n) for n in ("row", "line")],
        *[(pl.when(pl.col(c.name) == "").then(None).otherwise(pl.col(c.name)) if c.parse is None
           else pl.col(c.name)).alias(c.name) for c in spec.columns])
    extra = [h for h in raw.header if h not in spec.names]
    if extra:
        table = table.with_columns(kept.select(*[pl.col(h) for h in extra]))
    return OptionalLoad(file, table.select(*out_cols, *extra), tuple(problems),
                        FileCounts(file, read, table.height, read - table.height), True)


def _row_problems(spec: FileSpec, row: Mapping[str, Any], texts: Mapping[str, str],
                  first_key: set[tuple[Any, ...]]) -> list[tuple[str, str, str, str]]:
    """The problems of one flagged row: (column, cell text, reason, kind)."""
    out: list[tuple[str, str, str, str]] = []
    for c in spec.columns:
        text = row[texts[c.name]]
        text = "" if text is None else str(text)
        if c.parse is not None and row.get(f"{c.name}__bad"):
            try:
                c.parse(text)
                reason, kind = "is not valid", "bad_value"
            except CellError as exc:
                reason, kind = exc.reason, exc.kind
            except (SmiCareError, ValueError) as exc:
                reason, kind = str(exc), "bad_value"
            out.append((c.name, text, f"{described(c.name)} {reason}", kind))
        elif c.required and not text:
            out.append((c.name, "", f"{described(c.name)} is required", "missing_required"))
    if row.get("__unknown"):
        pcol = spec.patient_column or ""
        out.append((pcol, row[pcol], f"{described(pcol)} is unknown: there is no accepted patient "
                    "with this identifier in patients.csv", "unknown_patient"))
    if spec.key and row.get("__dup"):
        key = tuple(row[k] for k in spec.key)
        if key in first_key:
            names = ", ".join(described(k) for k in spec.key)
            out.append((spec.key[0], str(row[spec.key[0]]), f"{names} appears on an earlier line; this row was "
                        "not loaded", "duplicate_key"))
        else:
            first_key.add(key)
    if out:
        return out
    if spec.build is not None:
        try:
            spec.build({c.name: row[c.name] for c in spec.columns})
        except SmiCareError as exc:
            column = getattr(exc, "field", "") or ""
            value = row.get(texts.get(column, column)) if column else ""
            out.append((column, "" if value is None else str(value), str(exc), "rule"))
            return out
    for i, r in enumerate(spec.rules):
        if row.get(f"__rule{i}"):
            value = row.get(texts.get(r.column, r.column))
            out.append((r.column, "" if value is None else str(value), f"{described(r.column)} {r.reason}", "rule"))
    return out


__all__ = ["Column", "FileSpec", "OptionalLoad", "Rule", "find_file", "read_optional", "read_raw"]


def write_rows(table: pl.DataFrame, file: str, columns: Sequence[str], folder: str | Path, *,
               format: Literal["csv", "parquet"] = "csv", include_identifying: bool = False) -> Path:
    """Write the accepted rows of one optional programme file (a table as its reader gave it) to
    ``folder`` in file order: CSV in the documented ``columns`` (``row``, ``line`` and helper
    columns left out), or Parquet with the same cells as text, which the reader takes as it takes
    the CSV. Identifying columns are written empty unless ``include_identifying=True``
    (national-rules §10). Returns the path written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    df = table.sort("row") if "row" in table.columns else table
    df = df.select([c for c in columns if c in df.columns])
    if not include_identifying:
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in PII_COLUMNS if c in df.columns)
    text = as_text(df)
    stem = file.removesuffix(".csv")
    for gone in (f"{stem}.csv", f"{stem}.parquet"):
        (out / gone).unlink(missing_ok=True)
    path = out / (f"{stem}.parquet" if format == "parquet" else f"{stem}.csv")
    if format == "parquet":
        text.write_parquet(path)
    else:
        text.write_csv(path, line_terminator="\n")
    return path
