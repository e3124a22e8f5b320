"""The accepted rows of a registry as polars tables (:class:`RegistryTables`), what a read gives
(:class:`TableLoad`), and the way back to domain objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import polars as pl

from smi_care.domain.codes import (
    FormEdition,
)
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp
from smi_care.domain.identity import AreaCode
from smi_care.domain.patient import Patient
from smi_care.domain.records import (
    Coverage,
    PatientRecord,
    PopulationEntry,
    Registry,
)
from smi_care.registry.columns import (
    EVENTS,
    FOLLOWUPS,
    PATIENTS,
    POPULATION_COLUMNS,
)
from smi_care.registry.frames import as_text
from smi_care.registry.problems import FileCounts, Problem, counts_for
from smi_care.registry.reader import LoadResult
from smi_care.registry.row_parsers import KNOWN, Collector, Row, parse_event, parse_followup, parse_patient

#: Kinds of problems about a whole file rather than a row.
FILE_KINDS = frozenset({"encoding", "missing_column", "empty_file", "no_rows", "unknown_file"})

# --- the tables ---------------------------------------------------------------------------------

@attrs.frozen
class RegistryTables:
    """The accepted rows of a registry as polars tables (column names and dtypes: docs/registry-format.md).

    Identifying columns are kept (for a lossless writer) but never shown: the repr gives only
    the table sizes.
    """

    patients: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    followups: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    events: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    population: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    edition: FormEdition = FormEdition.WS2018
    _coverage: Coverage = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        covered = self.covered_areas()  # sorted and distinct: Coverage.of's sort is then one pass
        homes = () if covered else self.patients.get_column("area_code").unique().to_list()
        object.__setattr__(self, "_coverage", Coverage.of((AreaCode(a) for a in covered),
                                                          (AreaCode(a) for a in homes)))

    def covered_areas(self) -> tuple[str, ...]:
        """The area codes of the population table (national-rules §6 "Area"), sorted."""
        return tuple(sorted(set(self.population.get_column("area_code").to_list())))

    def coverage(self) -> Coverage:
        """The areas this registry covers, as :meth:`Registry.coverage`: the population table's
        areas; without population figures, the counties (or higher areas) of the patients' homes.
        Worked out once, when the tables are made; it looks an area up in a set."""
        return self._coverage

    def covers(self, area: AreaCode) -> bool:
        """True when ``area`` lies in an area the registry covers (:meth:`coverage`)."""
        return self._coverage(area)

    def to_registry(self) -> Registry:
        """The same :class:`Registry` as :func:`read_registry` gives
        (objects: meant for small registries and tests)."""
        return to_registry(self.patients, self.followups, self.events, self.population)

    def record(self, patient_id: str) -> PatientRecord:
        """One patient's record, built from that patient's rows only."""
        def mine(df: pl.DataFrame) -> pl.DataFrame:
            return df.filter(pl.col("patient_id") == patient_id)
        reg = to_registry(mine(self.patients), mine(self.followups), mine(self.events), self.population.clear())
        if patient_id not in reg.records:
            raise KeyError(f"no patient {patient_id!r} in this registry")
        return reg.records[patient_id]


@attrs.frozen
class TableLoad:
    """What :func:`read_tables` gives: the tables of accepted rows, every problem (file-level
    problems first), the counts per file, the edition, the local columns and each file's
    encoding (``utf-8``, ``utf-8-sig``, ``gb18030``, ``xlsx`` or ``parquet``)."""

    tables: RegistryTables
    problems: tuple[Problem, ...]
    counts: tuple[FileCounts, ...]
    edition: FormEdition
    extra_columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    encodings: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> tuple[Problem, ...]:
        """Problems about a whole file (encoding, missing column, empty file, unknown file)."""
        return tuple(p for p in self.problems if p.kind in FILE_KINDS)

    def counts_for(self, file: str) -> FileCounts:
        return counts_for(self.counts, file)

    def to_load_result(self) -> LoadResult:
        """The object reader's :class:`~smi_care.registry.LoadResult` (objects)."""
        return LoadResult(self.tables.to_registry(), self.problems, self.counts, self.edition,
                                 self.extra_columns)


# --- back to objects ----------------------------------------------------------------------------

def _text_rows(df: pl.DataFrame) -> Iterator[dict[str, Any]]:
    keep = [c for c in df.columns if c not in ("other_area", "contract_end") and not c.startswith("__")]
    yield from as_text(df.select(keep)).iter_rows(named=True)


def records_of(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, *, with_rows: bool = True
             ) -> list[PatientRecord]:
    strict = Collector(True)
    known_p = set(KNOWN[PATIENTS]) | {"row", "line"}
    people: dict[str, Patient] = {}
    for values in _text_rows(patients):
        extras = tuple((k, v) for k, v in values.items() if k not in known_p and v)
        r = Row(PATIENTS, int(values.get("line") or 0), values, extras)
        p = parse_patient(r, strict)
        assert p is not None
        people[p.patient_id] = p
    fus: dict[str, list[FollowUp]] = {}
    known_f = set(KNOWN[FOLLOWUPS]) | {"row", "line"}
    if with_rows:
        for values in _text_rows(followups):
            extras = tuple((k, v) for k, v in values.items() if k not in known_f and v)
            fu = parse_followup(Row(FOLLOWUPS, int(values["line"]), values, extras), strict,
                                  FormEdition.WS2018)
            assert fu is not None
            fus.setdefault(fu.patient_id, []).append(fu)
    evs: dict[str, list[Event]] = {}
    known_e = set(KNOWN[EVENTS]) | {"row", "line"}
    if with_rows:
        for values in _text_rows(events):
            extras = tuple((k, v) for k, v in values.items() if k not in known_e and v)
            ev = parse_event(Row(EVENTS, int(values["line"]), values, extras), strict)
            assert ev is not None
            evs.setdefault(ev.patient_id, []).append(ev)
    return [PatientRecord(p, tuple(fus.get(pid, ())), tuple(evs.get(pid, ()))) for pid, p in people.items()]


def to_registry(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame,
                 population: pl.DataFrame) -> Registry:
    records = records_of(patients.sort("row"), followups.sort("row"), events.sort("row"))
    pop_known = {"row", "line", *POPULATION_COLUMNS}
    entries = []
    for values in population.sort("row").iter_rows(named=True):
        extras = tuple((k, str(v)) for k, v in values.items() if k not in pop_known and v)
        entries.append(PopulationEntry(AreaCode(values["area_code"]), int(values["year"]),
                                       int(values["population"]), extras))
    return Registry({r.patient_id: r for r in records}, tuple(entries))
