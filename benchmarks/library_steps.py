"""The library's side of the province benchmark, in one small module.

Every call the benchmark makes into smi_care goes through here, so that switching the
benchmark from one data path to another means editing this file only:

- reading: ``smi_care.registry.read_tables`` (polars tables, CSV or Parquet) when the
  installed smi_care has it, else ``smi_care.registry.read_registry`` (patient objects,
  CSV only);
- the annual report: ``smi_care.indicators.report`` on whatever the reader gave;
- the worklist for one day and the quality findings: over the tables
  (``smi_care.indicators.worklist_table``, ``smi_care.indicators.quality_table``) when the
  installed smi_care has them; over patient records the engine's record calls
  (``records_worklist``, ``records_findings``), or in versions before issue 25 the per-patient
  rules (``smi_care.rules.worklist.worklist``, ``smi_care.rules.quality.registry_findings``);
- generation: ``smi_care.synth.write_province``, the columnar generator, straight to CSV.

Nothing here is timed: :mod:`run` times each step in its own process.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import smi_care.registry as registry
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import Registry
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



def report_columns() -> Any:
    """The columns the annual report by township reads (projection from the indicator
    definitions), or None when the installed smi_care cannot say."""
    try:
        from smi_care.indicators.columns_needed import columns_needed
    except ImportError:
        return None
    return columns_needed(bys=(AreaLevel.TOWNSHIP,))


def step_columns(step: str) -> Any:
    """The columns a step reads (``{file: columns}``; None: every column, as ``validate``):
    the report's from its indicator definitions, the worklist's and the quality findings' as
    their rules declare them (``smi_care.indicators.rule_columns``), when this smi_care says."""
    if step.startswith("report"):
        return report_columns()
    if step in ("worklist", "quality"):
        try:
            from smi_care.indicators.rule_columns import QUALITY_COLUMNS, WORKLIST_COLUMNS
        except ImportError:
            return None
        return WORKLIST_COLUMNS if step == "worklist" else QUALITY_COLUMNS
    return None


def step_compact(step: str, folder: Path | None = None) -> bool:
    """Whether a step reads compact tables (text columns as codes,
    ``read_tables(..., compact=True)``): the report's steps, which only count, when this
    smi_care has that option, and, when it has a threshold (``COMPACT_WHEN``), only where
    ``smi-care report`` would: from that size of ``folder`` on."""
    import inspect

    if not (step.startswith("report") and HAS_TABLES
            and "compact" in inspect.signature(registry.read_tables).parameters):
        return False
    try:
        from smi_care.registry.compact_when import COMPACT_WHEN
    except ImportError:
        return True
    return folder is None or COMPACT_WHEN.pays(folder)


def read(folder: Path, columns: Any = None, compact: bool = False) -> tuple[Any, int, int]:
    """Read and validate a registry folder: (what the report takes, rows accepted, problems).
    ``columns`` (``{file: columns}``): read and validate only those (a report's projection);
    ``compact``: the tables' text as ``Categorical`` (:func:`step_compact`)."""
    if compact:
        load = registry.read_tables(folder, columns=columns, compact=True)
    elif columns is not None:
        load = registry.read_tables(folder, columns=columns)
    else:
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
    if _has("smi_care.indicators.worklist_table"):
        from smi_care.indicators import worklist_table as engine

        if not isinstance(data, Registry):
            return len(engine.worklist_table(data.patients, data.followups, data.events, day, covers=data.covers))
        if hasattr(engine, "records_worklist"):
            return len(engine.records_worklist(data, day, covers=data.covers))
    from smi_care.rules.worklist import worklist as items  # type: ignore[attr-defined]  # before issue 25

    reg = records(data)
    return len(items(reg, day, covers=reg.covers))


def quality(data: Any) -> int:
    """Data-quality findings over the whole registry: how many."""
    if _has("smi_care.indicators.quality_table"):
        from smi_care.indicators import quality_table as engine

        if not isinstance(data, Registry):
            return len(engine.quality_table(data.patients, data.followups))
        if hasattr(engine, "records_findings"):
            return len(engine.records_findings(data))
    from smi_care.rules.quality import registry_findings  # type: ignore[attr-defined]  # before issue 25

    return len(registry_findings(records(data)))


def write_parquet(csv_folder: Path, parquet_folder: Path) -> bool:
    """The same registry as Parquet, written by the library; False when it cannot."""
    if not (HAS_TABLES and hasattr(registry, "write_tables")):
        return False
    load = registry.read_tables(csv_folder)
    registry.write_tables(load.tables, parquet_folder, format="parquet")
    return True


def report_partitioned(folder: Path, period: Period, by: AreaLevel = AreaLevel.TOWNSHIP) -> tuple[Report, int]:
    """The annual report from a registry partitioned by county, one county in memory at a time
    (``smi_care.scale.folders.evaluate_partitioned``, the projected columns): (report, partitions)."""
    from smi_care.indicators import finalize
    from smi_care.indicators.columns_needed import columns_needed
    from smi_care.scale.folders import evaluate_partitioned

    done = evaluate_partitioned(folder, period, [by], columns=columns_needed(bys=(by,)))
    return finalize(done.partials[0]), len(done.partitions)


def start_dask(workers: int) -> Any:
    """A local Dask cluster of ``workers`` processes of one thread each, and its client."""
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.run(_warm)  # each worker imports smi_care once, before the timed work
    return cluster, client


def _warm() -> None:
    import smi_care.scale.dask  # noqa: F401


def report_dask(client: Any, folder: Path, period: Period, by: AreaLevel = AreaLevel.TOWNSHIP) -> tuple[Report, int]:
    """The annual report with one Dask task per county folder, merged on the client."""
    from smi_care.indicators import finalize
    from smi_care.registry.partitioned import coverage_of_partitions, partition_folders
    from smi_care.scale.dask import evaluate_folders_on_dask

    parts = partition_folders(folder)
    partials = evaluate_folders_on_dask(client, parts, period, [by], coverage=coverage_of_partitions(parts))
    return finalize(partials[0]), len(parts)


def write_partitioned_parquet(csv_folder: Path, folder: Path) -> bool:
    """The same registry as Parquet partitioned by county; False when this smi_care cannot."""
    try:
        from smi_care.registry.writer import write_partitioned
    except ImportError:
        return False
    write_partitioned(registry.read_tables(csv_folder).tables, folder)
    return True


# --- generation ---------------------------------------------------------------------------------

def generate(folder: Path, patients: int, seed: int) -> None:
    """A synthetic province of ``patients`` (three years of history, 2023-2025) written to
    ``folder`` as registry CSV files by ``smi_care.synth.write_province`` (columnar, one worker
    process per core): counties of 3,000 patients, 15 townships each, areas and population."""
    from smi_care.synth import write_province

    write_province(folder, patients=patients, seed=seed)
