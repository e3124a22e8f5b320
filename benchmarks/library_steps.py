"""The library's side of the province benchmark, in one small module.

Every call the benchmark makes into smi_care goes through here, so that switching the
benchmark from one data path to another means editing this file only:

- reading: ``smi_care.registry.read_tables`` (polars tables, CSV or Parquet) when the
  installed smi_care has it, else ``smi_care.registry.read_registry`` (patient objects,
  CSV only);
- the annual report: ``smi_care.indicators.report`` on whatever the reader gave;
- the worklist for one day and the quality findings: over the tables
  (``smi_care.indicators.worklist_table``, ``smi_care.indicators.quality_table``) when the
  installed smi_care has them, else the per-patient rules (``smi_care.rules.worklist.worklist``,
  ``smi_care.rules.quality.registry_findings``) over the patient records;
- generation: ``smi_care.synth`` county by county, streamed to CSV so that memory stays flat.

Nothing here is timed: :mod:`run` times each step in its own process.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import smi_care.registry as registry
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import PatientRecord, Registry
from smi_care.indicators import Period, Report, report

#: True when the columnar reader is installed: reading goes through it, and Parquet is read.
HAS_TABLES = hasattr(registry, "read_tables")

#: The six core indicators the baseline computes, as (name, indicator id, numerator or denominator).
CORE_COUNTS = (
    ("registered", "management_rate", "denominator"),
    ("managed", "management_rate", "numerator"),
    ("standard", "standard_management_rate", "numerator"),
    ("medication", "medication_rate", "numerator"),
    ("regular_medication", "regular_medication_rate", "numerator"),
    ("stability_denominator", "stability_rate", "denominator"),
    ("stable", "stability_rate", "numerator"),
)

#: Patients per synthetic county when a province is generated (one county below that).
COUNTY_SIZE = 25_000


def read(folder: Path) -> tuple[Any, int, int]:
    """Read and validate a registry folder: (what the report takes, rows accepted, problems)."""
    load = registry.read_tables(folder) if HAS_TABLES else registry.read_registry(folder)
    accepted = sum(c.accepted for c in load.counts)
    return (load.tables if HAS_TABLES else load.registry), accepted, len(load.problems)


def records(data: Any) -> Registry:
    """The patient records of what :func:`read` gave (for the per-patient rules)."""
    return data if isinstance(data, Registry) else data.to_registry()


def annual_report(data: Any, period: Period, by: AreaLevel = AreaLevel.TOWNSHIP) -> Report:
    return report(data, period, by)


def core_counts(rep: Report) -> dict[str, dict[str, int]]:
    """The six core indicators of a report, per group: ``{group: {count name: value}}``.
    Groups where every count is 0 are left out (the baseline knows no empty groups)."""
    out: dict[str, dict[str, int]] = {}
    for r in rep.results:
        for name, indicator, part in CORE_COUNTS:
            if r.indicator == indicator and r.group:
                value = r.numerator if part == "numerator" else r.denominator
                out.setdefault(r.group, {})[name] = int(value or 0)
    return {g: c for g, c in out.items() if any(c.values())}


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def worklist(data: Any, day: dt.date) -> int:
    """Work items due on ``day`` (within the default 14 days): how many."""
    if not isinstance(data, Registry) and _has("smi_care.indicators.worklist_table"):
        from smi_care.indicators.worklist_table import worklist_table

        return len(worklist_table(data.patients, data.followups, data.events, day, covers=data.covers))
    from smi_care.rules.worklist import worklist as items

    reg = records(data)
    return len(items(reg, day, covers=reg.covers))


def quality(data: Any) -> int:
    """Data-quality findings over the whole registry: how many."""
    if not isinstance(data, Registry) and _has("smi_care.indicators.quality_table"):
        from smi_care.indicators.quality_table import quality_table

        return len(quality_table(data.patients, data.followups))
    from smi_care.rules.quality import registry_findings

    return len(registry_findings(records(data)))


def write_parquet(csv_folder: Path, parquet_folder: Path) -> bool:
    """The same registry as Parquet, written by the library; False when it cannot."""
    if not (HAS_TABLES and hasattr(registry, "write_tables")):
        return False
    load = registry.read_tables(csv_folder)
    registry.write_tables(load.tables, parquet_folder, format="parquet")
    return True


# --- generation ---------------------------------------------------------------------------------

def county_codes(patients: int) -> list[tuple[str, int]]:
    """Synthetic counties of a province and their patients: (6-digit code, patients)."""
    n = max(1, -(-patients // COUNTY_SIZE))
    sizes = [patients // n + (1 if i < patients % n else 0) for i in range(n)]
    return [(f"36{1 + i // 10:02d}{2 + i % 10:02d}", size) for i, size in enumerate(sizes)]


def generate(folder: Path, patients: int, seed: int) -> None:
    """A synthetic province of ``patients`` (three years of history, 2023-2025) written to
    ``folder`` as registry CSV files, county by county, without holding it in memory."""
    from smi_care.registry.columns import (
        EVENT_COLUMNS,
        EVENTS,
        FOLLOWUP_COLUMNS,
        FOLLOWUPS,
        PATIENT_COLUMNS,
        PATIENTS,
        POPULATION,
        POPULATION_COLUMNS,
    )
    from smi_care.registry.writer import event_cells, followup_cells, patient_cells
    from smi_care.synth import CountyShape, iter_records, population

    folder.mkdir(parents=True, exist_ok=True)
    shapes = [(CountyShape(county=code, patients=size), seed * 1000 + i)
              for i, (code, size) in enumerate(county_codes(patients))]

    def all_records() -> Iterator[PatientRecord]:
        for shape, s in shapes:
            yield from iter_records(shape, s)

    files = {name: (folder / name).open("w", encoding="utf-8", newline="")
             for name in (PATIENTS, FOLLOWUPS, EVENTS, POPULATION)}
    try:
        writers = {name: csv.writer(fh, lineterminator="\n") for name, fh in files.items()}
        headers = {PATIENTS: PATIENT_COLUMNS, FOLLOWUPS: FOLLOWUP_COLUMNS, EVENTS: EVENT_COLUMNS,
                   POPULATION: POPULATION_COLUMNS}
        for name, header in headers.items():
            writers[name].writerow(header)

        def put(name: str, rows: Iterable[dict[str, str]]) -> None:
            writers[name].writerows([row.get(c, "") for c in headers[name]] for row in rows)

        for r in all_records():
            put(PATIENTS, [patient_cells(r.patient, False)])
            put(FOLLOWUPS, (followup_cells(f, False) for f in r.followups))
            put(EVENTS, (event_cells(e) for e in r.events))
        for shape, s in shapes:
            put(POPULATION, ({"area_code": p.area_code.code, "year": str(p.year), "population": str(p.population)}
                             for p in population(shape, s)))
    finally:
        for fh in files.values():
            fh.close()
    (folder / "registry.toml").write_text('format_version = 1\nedition = "WS2018"\n', encoding="utf-8")
