"""Writing a registry folder from tables: CSV of the registry format v1 or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl

from smi_care.registry.columns import (
    EVENT_COLUMNS,
    EVENTS,
    FOLLOWUP_COLUMNS,
    FOLLOWUP_EXTENSIONS,
    FOLLOWUPS,
    PATIENT_COLUMNS,
    PATIENT_EXTENSIONS,
    PATIENTS,
    PII_COLUMNS,
    POPULATION,
    POPULATION_COLUMNS,
)
from smi_care.registry.file_state import TABLE_FILES
from smi_care.registry.frames import as_text
from smi_care.registry.registry_tables import RegistryTables

# --- writing ------------------------------------------------------------------------------------

def write_tables(tables: RegistryTables, folder: str | Path, *, format: Literal["csv", "parquet"] = "csv",
                 include_identifying: bool = False) -> Path:
    """Write a registry folder from tables, losslessly: CSV in the registry format v1 (``row`` and
    ``line`` left out) or Parquet with the same columns and dtypes. Identifying columns are
    written empty unless ``include_identifying=True`` (national-rules §10)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    order = {PATIENTS: PATIENT_COLUMNS + PATIENT_EXTENSIONS, FOLLOWUPS: FOLLOWUP_COLUMNS + FOLLOWUP_EXTENSIONS,
             EVENTS: EVENT_COLUMNS, POPULATION: POPULATION_COLUMNS}
    base = {PATIENTS: PATIENT_COLUMNS, FOLLOWUPS: FOLLOWUP_COLUMNS, EVENTS: EVENT_COLUMNS,
            POPULATION: POPULATION_COLUMNS}
    for table, file in TABLE_FILES.items():
        df: pl.DataFrame = getattr(tables, table).sort("row")
        df = df.drop([c for c in ("row", "line", "other_area", "contract_end") if c in df.columns])
        if not include_identifying:
            df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in PII_COLUMNS if c in df.columns)
        known = order[file]
        present = [c for c in known if c in df.columns and (c in base[file] or df.get_column(c).is_not_null().any())]
        present += [c for c in base[file] if c not in present]
        columns = [c for c in known if c in present] + [c for c in df.columns if c not in known]
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in columns if c not in df.columns)
        df = df.select(columns)
        for gone in (f"{table}.csv", f"{table}.parquet"):
            (folder / gone).unlink(missing_ok=True)
        if format == "parquet":
            df.write_parquet(folder / f"{table}.parquet")
        else:
            as_text(df).write_csv(folder / file, line_terminator="\n")
    (folder / "registry.toml").write_text('format_version = 1\nedition = "WS2018"\n', encoding="utf-8")
    return folder
