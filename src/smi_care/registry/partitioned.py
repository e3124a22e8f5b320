"""A registry partitioned by county: one sub-folder per county, each a whole registry folder.

A province's working copy (``smi-care convert REG OUT --to parquet --partition county``)::

    OUT/
      partitioned.toml                 partitioned_by = "county"
      county=360102/  patients.parquet followups.parquet events.parquet population.parquet registry.toml
      county=360103/  ...

Each sub-folder is a complete registry folder: ``read_tables(OUT / "county=360102")`` reads one
county as it would read any folder. A patient lives in the partition of the county of their home
(the first six digits of ``area_code``), with all their follow-ups and events; a population row
lives in the partition of its area's first six digits. So the partitions are disjoint, and
reading the top folder (:func:`read_partitioned`, which ``read_tables`` calls for such a folder)
gives the same tables as the unpartitioned registry: the same rows, each patient's rows in the
same order, the same coverage, the same problems counted.

A report does not need the whole province in memory: :func:`smi_care.scale.folders.evaluate_partitioned`
reads one partition at a time (only the columns the report's indicators name) with the coverage
of the whole registry (:func:`coverage_of_partitions`) and adds up the partial counts.

>>> import tempfile
>>> from pathlib import Path
>>> top = Path(tempfile.mkdtemp())
>>> for county in ("360103", "360102"):
...     (top / f"county={county}").mkdir()
>>> [p.name for p in partition_folders(top)]
['county=360102', 'county=360103']
>>> partition_county(top / "county=360102")
'360102'
>>> partition_folders(top, within="360103")[0].name
'county=360103'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from smi_care.domain.identity import AreaCode
from smi_care.domain.records import Coverage
from smi_care.registry.compact import same_codes
from smi_care.registry.problems import FileCounts

if TYPE_CHECKING:
    from smi_care.registry.tables import TableLoad

#: The one partitioning written: by county, the first six digits of an area code.
PARTITION_KEY = "county"
#: The marker file written at the top of a partitioned folder.
MARKER = "partitioned.toml"
_NAME = re.compile(r"^county=([0-9]{6})$")
#: The registry tables of a partition, in the order ``read_tables`` counts them.
TABLES = ("population", "patients", "followups", "events")


def partition_county(folder: Path) -> str:
    """The county code of a partition folder (``county=360102`` → ``'360102'``)."""
    found = _NAME.match(folder.name)
    if found is None:
        raise ValueError(f"{folder.name!r} is not a partition folder; expected county= and six digits, "
                         "as 'county=360102'")
    return found.group(1)


def partition_folders(folder: str | Path, within: str | None = None) -> tuple[Path, ...]:
    """The partition sub-folders of ``folder`` (``county=`` and six digits), sorted by county;
    ``()`` when ``folder`` is not partitioned (it holds its own patients file, or no partition).
    ``within`` (an area code's leading digits, e.g. ``'3601'`` for a city): only the partitions
    of the counties inside it, so the other counties' files are never opened."""
    folder = Path(folder)
    if not folder.is_dir() or any((folder / f"patients.{ext}").exists() for ext in ("csv", "parquet")):
        return ()
    parts = sorted(p for p in folder.iterdir() if p.is_dir() and _NAME.match(p.name))
    if within is not None:
        prefix = within.strip()
        parts = [p for p in parts if partition_county(p).startswith(prefix[:6])]
    return tuple(parts)


def is_partitioned(folder: str | Path) -> bool:
    """True when ``folder`` is a registry partitioned by county (see the module's docs)."""
    return bool(partition_folders(folder))


def coverage_of_partitions(parts: Iterable[Path]) -> Coverage:
    """The areas the whole partitioned registry covers, as ``RegistryTables.coverage`` gives for
    the unpartitioned one: the population files' areas; without them, the partitions' counties
    (the counties of the patients' homes). Reads only the ``area_code`` column of each partition's
    population file (a few rows), never the patients."""
    parts = list(parts)
    areas: set[str] = set()
    for part in parts:
        areas.update(_population_areas(part))
    return Coverage.of((AreaCode(a) for a in areas), (AreaCode(partition_county(p)) for p in parts))


def _population_areas(part: Path) -> list[str]:
    pq, csv = part / "population.parquet", part / "population.csv"
    if pq.is_file():
        column = pl.read_parquet(pq, columns=["area_code"]).get_column("area_code")
    elif csv.is_file():
        column = pl.read_csv(csv, columns=["area_code"], infer_schema=False).get_column("area_code")
    else:
        return []
    return [a.strip() for a in column.cast(pl.Utf8).drop_nulls().to_list() if a and a.strip()]


ReadTables = Callable[..., "TableLoad"]


def read_partitioned(folder: str | Path, read: ReadTables, *, strict: bool = False, encoding: str | None = None,
                     columns: Mapping[str, Iterable[str]] | None = None, compact: bool = False) -> TableLoad:
    """Read every partition of ``folder`` with ``read`` (``read_tables``) and put them together:
    the tables concatenated (each partition's ``row`` numbers shifted past the previous ones', so
    file order is kept and rows stay distinct), the counts added up per file, each problem named
    by its partition's file (``county=360102/followups.csv``, with that file's line)."""
    parts = partition_folders(folder)
    if not parts:
        raise ValueError(f"{Path(folder)} has no partition folder (county= and six digits)")
    loads = [read(part, strict=strict, encoding=encoding, columns=columns, compact=compact) for part in parts]
    return combine(loads, [p.name for p in parts])


def combine(loads: list[TableLoad], names: list[str]) -> TableLoad:
    """One load from the loads of disjoint partitions named ``names`` (see :func:`read_partitioned`)."""
    first = loads[0]
    merged: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        frames, offset = [], 0
        for load in loads:
            df = getattr(load.tables, table)
            if "row" in df.columns:
                df = df.with_columns((pl.col("row").cast(pl.Int64) + offset).cast(df.schema["row"]))
            offset += df.height
            frames.append(df)
        frames = same_codes(frames)  # compact partitions: one Enum of every partition's texts
        merged[table] = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    tables = attrs.evolve(first.tables, patients=merged["patients"], followups=merged["followups"],
                          events=merged["events"], population=merged["population"])
    named = list(zip(loads, names, strict=True))
    file_level = [attrs.evolve(p, file=f"{name}/{p.file}") for load, name in named for p in load.file_problems]
    rows = [attrs.evolve(p, file=f"{name}/{p.file}") for load, name in named for p in load.problems
            if p not in load.file_problems]
    problems = file_level + rows  # file-level problems first, as read_tables gives them
    return attrs.evolve(first, tables=tables, problems=tuple(problems), counts=_added(load.counts for load in loads),
                        extra_columns=_union(load.extra_columns for load in loads),
                        encodings=_union_enc(load.encodings for load in loads))


def _added(counts: Iterable[Iterable[FileCounts]]) -> tuple[FileCounts, ...]:
    total: dict[str, list[int]] = {}
    for group in counts:
        for c in group:
            t = total.setdefault(c.file, [0, 0, 0])
            t[0], t[1], t[2] = t[0] + c.read, t[1] + c.accepted, t[2] + c.rejected
    return tuple(FileCounts(file, *t) for file, t in total.items())


def _union(maps: Iterable[Mapping[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for m in maps:
        for k, v in m.items():
            out[k] = tuple(dict.fromkeys(out.get(k, ()) + tuple(v)))
    return out


def _union_enc(maps: Iterable[Mapping[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in maps:
        for k, v in m.items():
            out.setdefault(k, v)
    return out


def county_of(area_code: pl.Expr) -> pl.Expr:
    """The partition key of an area-code column: its first six digits."""
    return area_code.cast(pl.Utf8).str.strip_chars().str.slice(0, 6)


def split_tables(tables: Any) -> dict[str, dict[str, pl.DataFrame]]:
    """``{county: {table: rows}}``: patients by their home's county with all their follow-ups and
    events (file order kept), population rows by their area's county. Every county of either
    gets a partition (a county with population figures and no patient has empty patient tables)."""
    patients: pl.DataFrame = tables.patients.with_columns(_county=county_of(pl.col("area_code")))
    population: pl.DataFrame = tables.population.with_columns(_county=county_of(pl.col("area_code")))
    home = patients.select("patient_id", "_county")
    followups = tables.followups.join(home, on="patient_id", how="left", maintain_order="left")
    events = tables.events.join(home, on="patient_id", how="left", maintain_order="left")
    counties = sorted(set(patients.get_column("_county").to_list()) | set(population.get_column("_county").to_list()))
    out: dict[str, dict[str, pl.DataFrame]] = {}
    by = {"patients": patients.partition_by("_county", as_dict=True, maintain_order=True),
          "population": population.partition_by("_county", as_dict=True, maintain_order=True),
          "followups": followups.partition_by("_county", as_dict=True, maintain_order=True),
          "events": events.partition_by("_county", as_dict=True, maintain_order=True)}
    for county in counties:
        out[county] = {table: by[table].get((county,), frame.clear()).drop("_county")
                       for table, frame in (("patients", patients), ("population", population),
                                            ("followups", followups), ("events", events))}
    return out
