"""The pilot's area data: the optional files of a registry's ``pilot/`` folder
(docs/registry-format.md, "Social-psychological service pilot"): ``units.csv``,
``facilities.csv``, ``surveys.csv``, ``special_groups.csv`` and ``emergencies.csv``.

They describe areas, not patients, so they live in a folder of their own beside the registry
tables. Each is read with the promise of every registry file (:mod:`smi_care.registry.optional`):
a bad cell, an empty required cell, a duplicate key or a row that breaks a rule becomes a
:class:`~smi_care.registry.problems.Problem` naming the file, line, column, value and reason;
good rows load; ``read == accepted + rejected``. A facility must name an accepted unit of a kind
that holds such a facility (a school counselling room in a school, a clinic in a hospital …).
A registry without the folder stays valid: every table is empty.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "pilot").mkdir()
>>> _ = (d / "pilot" / "units.csv").write_text(
...     "unit_id,kind,area_code,school_level,hospital_kind,hospital_level\\n"
...     "V1,1,360102001001,,,\\n"
...     "S1,2,360102001,1,,\\n"
...     "S2,2,360102001,,,\\n", encoding="utf-8")
>>> _ = (d / "pilot" / "facilities.csv").write_text(
...     "facility_id,unit_id,kind,opened_on,closed_on\\n"
...     "F1,V1,1,2020-03-01,\\n"
...     "F2,S1,5,2020-03-01,\\n"
...     "F3,X9,1,2020-03-01,\\n", encoding="utf-8")
>>> load = read_pilot_files(d)
>>> load.units.get_column("unit_id").to_list(), load.facilities.get_column("facility_id").to_list()
(['V1', 'S1'], ['F1'])
>>> for p in load.problems: print(p.file, p.line, p.column, p.reason)  # doctest: +NORMALIZE_WHITESPACE
units.csv 4 school_level Unit: field school_level = None: a school, and only a school, carries its level
  (unit S2 is of kind 2 学校)
facilities.csv 3 kind kind: a 心理门诊 belongs to a unit of kind 3 医疗机构, but unit S1 is of kind 2 学校
facilities.csv 4 unit_id unit_id: there is no accepted unit X9 in units.csv
>>> load.counts_for("facilities.csv")
FileCounts(file='facilities.csv', read=3, accepted=1, rejected=2)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import polars as pl

from smi_care.domain.errors import AreaCodeError
from smi_care.domain.identity import AreaCode
from smi_care.domain.pilot import (
    MAX_COUNT,
    Emergency,
    Facility,
    FacilityKind,
    HospitalKind,
    HospitalLevel,
    PopulationGroup,
    SchoolLevel,
    SpecialGroup,
    SpecialGroupCount,
    Survey,
    Unit,
    UnitKind,
)
from smi_care.registry import cells
from smi_care.registry.cells import CellError, E
from smi_care.registry.optional import Column, FileSpec, OptionalLoad, Rule, read_optional, write_rows
from smi_care.registry.problems import FileCounts, Problem, counts_for

#: The folder of a registry that holds the pilot's files.
PILOT_FOLDER = "pilot"
UNITS, FACILITIES, SURVEYS, SPECIAL_GROUPS, EMERGENCIES = (
    "units.csv", "facilities.csv", "surveys.csv", "special_groups.csv", "emergencies.csv")


def _code(kind: type[E]) -> Callable[[str], E]:
    return lambda t: cells.parse_code(kind, t)


def _area(text: str) -> AreaCode:
    try:
        return AreaCode(text)
    except AreaCodeError:
        raise CellError("bad_code", "is not an area code of 6, 9 or 12 digits") from None


def _count(text: str) -> str:
    cells.parse_int(text, 0, MAX_COUNT)
    return text


def _opt(kind: type[E], value: Any) -> E | None:
    return None if value is None else kind.from_code(value)


def _unit(row: Mapping[str, Any]) -> Unit:
    return Unit(row["unit_id"], UnitKind.from_code(row["kind"]), AreaCode(row["area_code"]),
                _opt(SchoolLevel, row.get("school_level")), _opt(HospitalKind, row.get("hospital_kind")),
                _opt(HospitalLevel, row.get("hospital_level")))


def _facility(row: Mapping[str, Any]) -> Facility:
    return Facility(row["facility_id"], row["unit_id"], FacilityKind.from_code(row["kind"]), row["opened_on"],
                    row.get("closed_on"))


def _survey(row: Mapping[str, Any]) -> Survey:
    return Survey(row["survey_id"], AreaCode(row["area_code"]), row["date"], PopulationGroup.from_code(row["group"]),
                  int(row["respondents"]), int(row["aware"]))


def _special(row: Mapping[str, Any]) -> SpecialGroupCount:
    return SpecialGroupCount(AreaCode(row["area_code"]), row["date"], SpecialGroup.from_code(row["group"]),
                             int(row["identified"]), int(row["served"]))


def _emergency(row: Mapping[str, Any]) -> Emergency:
    return Emergency(row["event_id"], AreaCode(row["area_code"]), row["event_date"], row.get("response_date"))


c = pl.col
_SCHOOL, _HOSPITAL = UnitKind.SCHOOL.code, UnitKind.HOSPITAL.code


def _int(name: str) -> pl.Expr:
    return c(name).cast(pl.Int64, strict=False)


UNIT_SPEC = FileSpec(
    UNITS,
    (Column("unit_id", None, required=True), Column("kind", _code(UnitKind), "code", True),
     Column("area_code", _area, "area", True), Column("school_level", _code(SchoolLevel), "code"),
     Column("hospital_kind", _code(HospitalKind), "code"), Column("hospital_level", _code(HospitalLevel), "code"),
     Column("name", None)),
    key=("unit_id",), patient_column=None,
    rules=(Rule("school_level", lambda: (c("kind") == _SCHOOL) != c("school_level").is_not_null(),
                "is given for a school, and only for a school"),
           Rule("hospital_kind", lambda: (c("kind") == _HOSPITAL)
                != (c("hospital_kind").is_not_null() & c("hospital_level").is_not_null()),
                "and hospital_level are given for a hospital, and only for a hospital")),
    build=_unit)

FACILITY_SPEC = FileSpec(
    FACILITIES,
    (Column("facility_id", None, required=True), Column("unit_id", None, required=True),
     Column("kind", _code(FacilityKind), "code", True), Column("opened_on", cells.parse_date, "date", True),
     Column("closed_on", cells.parse_date, "date")),
    key=("facility_id",), patient_column=None,
    rules=(Rule("closed_on", lambda: c("closed_on") < c("opened_on"), "must not be before opened_on"),),
    build=_facility)

SURVEY_SPEC = FileSpec(
    SURVEYS,
    (Column("survey_id", None, required=True), Column("area_code", _area, "area", True),
     Column("date", cells.parse_date, "date", True), Column("group", _code(PopulationGroup), "code", True),
     Column("respondents", _count, "raw", True), Column("aware", _count, "raw", True)),
    key=("survey_id",), patient_column=None,
    rules=(Rule("respondents", lambda: _int("respondents") < 1, "must be at least 1"),
           Rule("aware", lambda: _int("aware") > _int("respondents"), "must not exceed respondents")),
    build=_survey)

SPECIAL_GROUP_SPEC = FileSpec(
    SPECIAL_GROUPS,
    (Column("area_code", _area, "area", True), Column("date", cells.parse_date, "date", True),
     Column("group", _code(SpecialGroup), "code", True), Column("identified", _count, "raw", True),
     Column("served", _count, "raw", True)),
    key=("area_code", "date", "group"), patient_column=None,
    rules=(Rule("served", lambda: _int("served") > _int("identified"), "must not exceed identified"),),
    build=_special)

EMERGENCY_SPEC = FileSpec(
    EMERGENCIES,
    (Column("event_id", None, required=True), Column("area_code", _area, "area", True),
     Column("event_date", cells.parse_date, "date", True), Column("response_date", cells.parse_date, "date")),
    key=("event_id",), patient_column=None,
    rules=(Rule("response_date", lambda: c("response_date") < c("event_date"), "must not be before event_date"),),
    build=_emergency)

#: The pilot's files in reading order, with the columns written back.
PILOT_SPECS: tuple[FileSpec, ...] = (UNIT_SPEC, FACILITY_SPEC, SURVEY_SPEC, SPECIAL_GROUP_SPEC, EMERGENCY_SPEC)
_COUNTS = {SURVEYS: ("respondents", "aware"), SPECIAL_GROUPS: ("identified", "served")}


def _df_repr(df: pl.DataFrame) -> str:
    return f"<{df.height} rows>"


@attrs.frozen
class PilotLoad:
    """The accepted rows of the pilot's files (typed polars tables with ``row`` and ``line``;
    codes as their integer codes, counts as Int64), every problem and the counts per file."""

    units: pl.DataFrame = attrs.field(repr=_df_repr)
    facilities: pl.DataFrame = attrs.field(repr=_df_repr)
    surveys: pl.DataFrame = attrs.field(repr=_df_repr)
    special_groups: pl.DataFrame = attrs.field(repr=_df_repr)
    emergencies: pl.DataFrame = attrs.field(repr=_df_repr)
    problems: tuple[Problem, ...] = ()
    counts: tuple[FileCounts, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def present(self) -> bool:
        """Whether any of the files had a row."""
        return any(c.read for c in self.counts)

    def counts_for(self, file: str) -> FileCounts:
        return counts_for(self.counts, file)

    def table(self, file: str) -> pl.DataFrame:
        """The table of one file by its name (``units.csv`` …)."""
        return {UNITS: self.units, FACILITIES: self.facilities, SURVEYS: self.surveys,
                SPECIAL_GROUPS: self.special_groups, EMERGENCIES: self.emergencies}[file]


def _typed_counts(load: OptionalLoad) -> pl.DataFrame:
    cols = _COUNTS.get(load.file, ())
    return load.table.with_columns(c(n).cast(pl.Int64) for n in cols)


def _check_facilities(load: OptionalLoad, units: pl.DataFrame) -> OptionalLoad:
    """Reject facilities naming no accepted unit, or a unit of a kind that holds no such facility."""
    kinds = dict(units.select("unit_id", "kind").iter_rows())
    problems = list(load.problems)
    bad: set[int] = set()
    for line, uid, kind in load.table.select("line", "unit_id", "kind").iter_rows():
        if uid not in kinds:
            problems.append(Problem(FACILITIES, line, "unit_id", uid, f"unit_id: there is no accepted unit {uid} in "
                                    f"{UNITS}", "unknown_unit"))
            bad.add(line)
            continue
        fk = FacilityKind.from_code(kind)
        if fk.unit_kind.code != kinds[uid]:
            have = UnitKind.from_code(kinds[uid])
            problems.append(Problem(FACILITIES, line, "kind", str(kind),
                                    f"kind: a {fk.label} belongs to a unit of kind {fk.unit_kind.code} "
                                    f"{fk.unit_kind.label}, but unit {uid} is of kind {have.code} {have.label}",
                                    "rule"))
            bad.add(line)
    table = load.table.filter(~c("line").is_in(sorted(bad)))
    problems.sort(key=lambda p: p.line)
    read = load.counts.read
    return attrs.evolve(load, table=table, problems=tuple(problems),
                        counts=FileCounts(FACILITIES, read, table.height, read - table.height))


def read_pilot_files(folder: str | Path, encoding: str | None = None) -> PilotLoad:
    """Read the ``pilot/`` folder of a registry folder (``folder`` itself when it has no
    ``pilot/`` but holds ``units.csv``). Missing files are empty tables."""
    base = Path(folder)
    sub = base / PILOT_FOLDER if (base / PILOT_FOLDER).is_dir() else base
    loads = {spec.file: read_optional(sub, spec, None, encoding) for spec in PILOT_SPECS}
    units = loads[UNITS].table
    loads[FACILITIES] = _check_facilities(loads[FACILITIES], units)
    problems = tuple(p for spec in PILOT_SPECS for p in loads[spec.file].problems)
    tables = {f: _typed_counts(x) for f, x in loads.items()}
    return PilotLoad(tables[UNITS], tables[FACILITIES], tables[SURVEYS], tables[SPECIAL_GROUPS], tables[EMERGENCIES],
                     problems, tuple(loads[s.file].counts for s in PILOT_SPECS))


def write_pilot_files(load: PilotLoad, folder: str | Path,
                      format: Literal["csv", "parquet"] = "csv") -> Path:
    """Write the accepted rows of ``load`` into ``folder``/``pilot/`` in the documented columns;
    reading the folder back gives the same tables. Returns the ``pilot/`` folder."""
    out = Path(folder) / PILOT_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    for spec in PILOT_SPECS:
        write_rows(load.table(spec.file), spec.file, spec.names, out, format=format)
    return out


__all__ = ["EMERGENCIES", "FACILITIES", "PILOT_FOLDER", "PILOT_SPECS", "SPECIAL_GROUPS", "SURVEYS", "UNITS",
           "PilotLoad", "read_pilot_files", "write_pilot_files"]
