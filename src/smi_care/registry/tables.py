"""The columnar registry reader: a registry folder as polars tables, validated at column speed.

The promise of :mod:`smi_care.registry.reader` holds unchanged: every bad cell or row becomes a
:class:`~smi_care.registry.problems.Problem` (file, line, column, value, reason), good rows
load, and ``read == accepted + rejected`` in every file. The work is done in two passes:

1. a vectorised **screen** flags every row that might be bad: each distinct value of a column is
   parsed once by the same cell parser the object reader uses (so a cell is judged exactly as
   before), then required cells, cross-field rules (consent date when consent is 1, dates not
   before birth, resident identity number against sex and birth date, assessments required when
   a follow-up reached someone, next visit after the visit, ...), duplicate keys and unknown
   patients are column expressions and joins;
2. the per-row parser of :mod:`smi_care.registry.reader` runs only on the flagged rows, and
   gives each problem its exact text (a row the screen flagged wrongly is accepted).

Codes are the official WS2018 codes; a BPHS2011 registry (``registry.toml``) has its
adherence, class and treatment-effect codes converted as the object reader converts them
(严重精神障碍管理治疗工作规范（2018年版） (WS2018) 附件 and 国家基本公共卫生服务规范（2011年版） (BPHS2011)).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "patients.csv").write_text(
...     "patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date\\n"
...     "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08\\n"
...     "P2,1,1980-01-02,110105001002,8,2020-05-01,2020-05-08,0,\\n", encoding="utf-8")
>>> load = read_tables(d)
>>> load.tables.patients.select("patient_id", "sex", "disorder", "row", "line").rows()
[('P1', 1, 1, 0, 2)]
>>> [(p.line, p.column, p.kind) for p in load.problems]
[(3, 'disorder', 'bad_code')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import polars as pl

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    Consent,
    Disorder,
    EconomicStatus,
    Employment,
    EventKind,
    FollowUpForm,
    FormEdition,
    Hospitalisation,
    HouseholdType,
    Insight,
    LabTests,
    LastTreatmentEffect,
    Lockup,
    LossReason,
    OutpatientHistory,
    PhysicalIllness,
    Rating,
    Referral,
    Rehabilitation,
    SeenPerson,
    Sex,
    Symptom,
    SymptomSeverity,
    TreatmentEffect,
    WorkRating,
)
from smi_care.domain.errors import AreaCodeError, IdentityError
from smi_care.domain.events import Event
from smi_care.domain.followup import REQUIRED_WHEN_REACHED, FollowUp
from smi_care.domain.identity import AreaCode, ResidentId
from smi_care.domain.legacy import adherence_from_2011, classification_from_2011, treatment_effect_from_2011
from smi_care.domain.patient import Patient
from smi_care.domain.records import (
    Coverage,
    PatientRecord,
    PopulationEntry,
    Registry,
    event_conflict,
    followup_conflict,
)
from smi_care.registry import cells, partitioned, reader
from smi_care.registry.cells import CellError
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
    PROGRAMME_FILE_NAMES,
    REQUIRED,
    SUPPORT_FILES,
    described,
)
from smi_care.registry.problems import FileCounts, Problem, RegistryReadError, counts_for
from smi_care.registry.projection import projections
from smi_care.registry.sources import (
    RawFile,
    as_text,
    plain_text,
    read_csv_file,
    read_frame,
    read_parquet_file,
    read_xlsx_sheets,
)

#: The tables of a registry and their CSV files.
TABLE_FILES = {"patients": PATIENTS, "followups": FOLLOWUPS, "events": EVENTS, "population": POPULATION}
WORKBOOK = "registry.xlsx"
#: Files a registry folder may hold besides the tables (``areas.csv``: area names, registry-format.md).
OTHER_FILES = frozenset({"registry.toml", "registry.json", WORKBOOK, "areas.csv", "areas.parquet"}) | PROGRAMME_FILE_NAMES
#: The optional programme files (read by :mod:`smi_care.registry.support_files`), as CSV or Parquet.
SUPPORT_FILE_NAMES = frozenset(SUPPORT_FILES) | {f.replace(".csv", ".parquet") for f in SUPPORT_FILES}
#: Kinds of problems about a whole file rather than a row.
FILE_KINDS = frozenset({"encoding", "missing_column", "empty_file", "no_rows", "unknown_file"})
DISCHARGE_RULE = "date (日期): a discharge must not be before the patient's first admission"

Kind = Literal["code", "int", "date", "codes", "flag", "raw", "area", "text"]


# --- cell parsers, the same as the object reader's -------------------------------------------

code_parser = reader.code_parser
codes_parser = reader.codes_parser


def _patient_specs() -> list[tuple[str, Callable[[str], Any], Kind]]:
    return [
        ("sex", code_parser(Sex), "code"), ("birth_date", cells.parse_date, "date"),
        ("area_code", reader.parse_area, "area"), ("disorder", code_parser(Disorder), "code"),
        ("diagnosis_date", cells.parse_date, "date"), ("registered_on", cells.parse_date, "date"),
        ("consent", code_parser(Consent), "code"), ("consent_date", cells.parse_date, "date"),
        ("household_type", code_parser(HouseholdType), "code"), ("employment", code_parser(Employment), "code"),
        ("economic_status", code_parser(EconomicStatus), "code"), ("past_lockup", code_parser(Lockup), "code"),
        ("first_onset_date", cells.parse_date, "date"), ("past_symptoms", codes_parser(Symptom), "codes"),
        ("past_outpatient", code_parser(OutpatientHistory), "code"),
        ("first_antipsychotic_date", cells.parse_date, "date"),
        ("past_admissions", lambda t: cells.parse_int(t, 0, 1000), "raw"),
        ("last_treatment_effect", code_parser(LastTreatmentEffect), "code"), ("past_acts", cells.parse_acts, "raw"),
    ]


def _followup_specs(edition: FormEdition) -> list[tuple[str, Callable[[str], Any], Kind]]:
    legacy = edition is FormEdition.BPHS2011
    return [
        ("visit_date", cells.parse_date, "date"), ("form", code_parser(FollowUpForm), "code"),
        ("seen", codes_parser(SeenPerson), "codes"), ("loss_reason", code_parser(LossReason), "code"),
        ("risk_level", lambda t: cells.parse_int(t, 0, 5), "int"), ("symptoms", codes_parser(Symptom), "codes"),
        ("symptom_severity", code_parser(SymptomSeverity), "code"), ("insight", code_parser(Insight), "code"),
        ("sleep", code_parser(Rating), "code"), ("diet", code_parser(Rating), "code"),
        ("sf_self_care", code_parser(Rating), "code"), ("sf_housework", code_parser(Rating), "code"),
        ("sf_work", code_parser(WorkRating), "code"), ("sf_learning", code_parser(Rating), "code"),
        ("sf_social", code_parser(Rating), "code"), ("acts", cells.parse_acts, "raw"),
        ("lockup", code_parser(Lockup), "code"), ("hospitalisation", code_parser(Hospitalisation), "code"),
        ("last_discharge_date", cells.parse_date, "date"), ("lab_tests", code_parser(LabTests), "code"),
        ("adherence", (lambda t: adherence_from_2011(cells.parse_int(t, 1, 3))) if legacy else code_parser(Adherence),
         "code"),
        ("adr", code_parser(AdverseReaction), "code"), ("adr_serious", cells.parse_flag, "flag"),
        ("physical_illness", code_parser(PhysicalIllness), "code"),
        ("treatment_effect", (lambda t: treatment_effect_from_2011(cells.parse_int(t, 1, 4))) if legacy
         else code_parser(TreatmentEffect), "code"),
        ("referral", code_parser(Referral), "code"), ("medications", cells.parse_medications, "raw"),
        ("medication_guidance", cells.parse_medications, "raw"),
        ("rehabilitation", codes_parser(Rehabilitation), "codes"),
        ("classification", (lambda t: classification_from_2011(cells.parse_int(t, 0, 3))) if legacy
         else code_parser(Classification), "code"),
        ("next_visit_date", cells.parse_date, "date"), ("counselling", cells.parse_flag, "flag"),
    ]


DTYPES: dict[str, type[pl.DataType]] = {"code": pl.Int8, "int": pl.Int8, "date": pl.Date, "codes": pl.Utf8,
                                         "flag": pl.Boolean, "raw": pl.Utf8, "area": pl.Utf8, "text": pl.Utf8}


def _typed_value(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind == "code":
        return value.code
    if kind == "codes":
        return cells.format_codes(value) or None
    if kind == "area":
        return value.code
    if kind == "text":
        return value.text_code
    return value


def _parse_distinct(keys: list[Any], texts: list[str], parse: Callable[[str], Any], kind: Kind
                    ) -> tuple[list[Any], list[Any], list[Any]]:
    """Parse each distinct cell text once: the keys that parse with their typed values, and the
    keys the parser rejects."""
    ok_keys: list[Any] = []
    ok_vals: list[Any] = []
    bad: list[Any] = []
    for key, text in zip(keys, texts, strict=True):
        try:
            value = parse(text)
        except (CellError, IdentityError, AreaCodeError, ValueError, TypeError, KeyError):
            bad.append(key)
            continue
        ok_keys.append(key)
        ok_vals.append(value if kind == "raw" else _typed_value(value, kind))
    return ok_keys, ok_vals, bad


def _screen_column(name: str, uniques: list[str], parse: Callable[[str], Any], kind: Kind
                   ) -> tuple[pl.Expr, pl.Expr]:
    """The typed column and the mask of cells the parser rejects, as expressions; each distinct
    value (``uniques``) is parsed once, by the same parser as the object reader."""
    s = pl.col(name)
    present = [u for u in uniques if u]
    ok_keys, ok_vals, bad = _parse_distinct(present, present, parse, kind)
    dtype = DTYPES[kind]
    bad_mask = s.is_in(bad) if bad else pl.lit(False)
    ok = (s != "") & ~bad_mask
    if kind == "raw":
        typed = pl.when(s == "").then(None).otherwise(s)
    elif all(k == _canonical(v, kind) for k, v in zip(ok_keys, ok_vals, strict=True)):
        # every accepted text is already the canonical form of its value: a plain cast gives it
        cast = {"code": s.cast(pl.Int8, strict=False), "int": s.cast(pl.Int8, strict=False),
                "date": s.str.strptime(pl.Date, "%Y-%m-%d", strict=False), "flag": s == "1"}
        typed = pl.when(ok).then(cast.get(kind, s)).otherwise(None)
    else:
        typed = s.replace_strict(ok_keys, pl.Series(ok_vals, dtype=dtype), default=None, return_dtype=dtype)
    if kind == "flag" and name == "counselling__text":
        typed = typed.fill_null(False)
    return typed.cast(dtype).alias(name), bad_mask.alias(f"{name}__bad")


def _canonical(value: Any, kind: Kind) -> str | None:
    """The text a typed value has in a clean file (None: no plain cast gives it back)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return None


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
        return _to_registry(self.patients, self.followups, self.events, self.population)

    def record(self, patient_id: str) -> PatientRecord:
        """One patient's record, built from that patient's rows only."""
        def mine(df: pl.DataFrame) -> pl.DataFrame:
            return df.filter(pl.col("patient_id") == patient_id)
        reg = _to_registry(mine(self.patients), mine(self.followups), mine(self.events), self.population.clear())
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

    def to_load_result(self) -> reader.LoadResult:
        """The object reader's :class:`~smi_care.registry.reader.LoadResult` (objects)."""
        return reader.LoadResult(self.tables.to_registry(), self.problems, self.counts, self.edition,
                                 self.extra_columns)


# --- reading ------------------------------------------------------------------------------------

def _collector() -> Any:
    return reader.Collector(False)


def _row(raw: RawFile, values: Mapping[str, Any], extra: tuple[str, ...]) -> reader.Row:
    cells_ = {h: values[h] for h in raw.header}
    return reader.Row(raw.file, int(values["line"]), cells_, tuple((h, cells_[h]) for h in extra if cells_[h]))


def _sources(folder: Path, encoding: str | None, wanted: Mapping[str, frozenset[str] | None]
             ) -> tuple[dict[str, RawFile], list[Problem]]:
    """The raw files of a folder (CSV, Parquet or the sheets of ``registry.xlsx``), each with
    the ``wanted`` columns only (None: all), and the unknown files found there."""
    found: dict[str, RawFile] = {}
    notices: list[Problem] = []
    sheets: dict[str, pl.DataFrame] | None = None
    if (folder / WORKBOOK).is_file():
        sheets = read_xlsx_sheets(folder / WORKBOOK)
    for table, file in TABLE_FILES.items():
        csv_path, pq_path = folder / file, folder / f"{table}.parquet"
        if csv_path.is_file():
            found[file] = read_csv_file(csv_path, file, encoding, compact=file == FOLLOWUPS, columns=wanted[file])
        elif pq_path.is_file():
            found[file] = read_parquet_file(pq_path, file, wanted[file])
        elif sheets is not None and table in sheets:
            found[file] = read_frame(file, sheets[table], "xlsx", wanted[file])
    known = OTHER_FILES | set(TABLE_FILES.values()) | {f"{t}.parquet" for t in TABLE_FILES} | SUPPORT_FILE_NAMES
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name not in known:
            notices.append(Problem(path.name, 0, "", "", "is not a file of the registry format and was not read "
                                   "(expected patients, followups, events and population as .csv or .parquet, "
                                   "registry.xlsx, registry.toml, areas.csv)", "unknown_file", rejected=False))
    if sheets is not None:
        for name in sheets:
            if name not in TABLE_FILES:
                notices.append(Problem(WORKBOOK, 0, name, "", f"sheet {name!r} is not a table of the registry "
                                       "format and was not read", "unknown_file", rejected=False))
    return found, notices


@attrs.define
class FileState:
    """The state of one file while it is read."""

    raw: RawFile
    extra: tuple[str, ...]
    data: pl.DataFrame  # readable rows with a usable header, as text
    problems: list[Problem]
    read: int

    @property
    def file(self) -> str:
        return self.raw.file


def open_file(raw: RawFile | None, file: str, known: tuple[str, ...], file_notes: list[Problem]) -> FileState:
    if raw is None:
        empty = RawFile(file, (), pl.DataFrame({"row": pl.Series([], dtype=pl.UInt32),
                                               "line": pl.Series([], dtype=pl.UInt32)}), (), 0, "")
        return FileState(empty, (), empty.data, [], 0)
    file_notes.extend(raw.notices)
    problems = list(raw.problems)
    read = raw.data.height + raw.unreadable
    extra = tuple(h for h in raw.header if h not in known)
    data = raw.data if file == FOLLOWUPS else plain_text(raw.data)  # follow-ups: by chunks (_followups)
    if not raw.header:
        file_notes.append(Problem(file, 0, "", "", "is empty (not even a header line)", "empty_file", rejected=False))
    missing = [c for c in REQUIRED[file] if c not in raw.header]
    if missing and raw.header:
        names = ", ".join(described(c) for c in missing)
        file_notes.append(Problem(file, 1, missing[0], "", f"the file has no column {names}, which is required: "
                                  f"none of its {data.height} row(s) were loaded", "missing_column",
                                  rejected=data.height > 0))
        col = missing[0]
        reason = f"the file has no column {described(col)}, which is required"
        pids = data.get_column("patient_id").to_list() if "patient_id" in data.columns else [""] * data.height
        for line, pid in zip(data.get_column("line").to_list(), pids, strict=True):
            problems.append(Problem(file, line, col, "", reason, "missing_required", pid or None))
        data = data.clear()
    return FileState(raw, extra, data, problems, read)


def _required_empty(columns: Iterable[str]) -> pl.Expr:
    """A required cell is empty: ``""`` in a text column, null in a typed (Parquet) column."""
    return pl.any_horizontal(*((pl.col(c) == "") if c == "patient_id" else _empty(c) for c in columns))


def _empty(column: str) -> pl.Expr:
    col = pl.col(column)
    return col.is_null() | (col.cast(pl.Utf8) == "")


def _screen_typed(name: str, uniques: list[Any], parse: Callable[[str], Any], kind: Kind, dtype: pl.DataType
                  ) -> tuple[pl.Expr, pl.Expr]:
    """As :func:`_screen_column` for a column that is already typed (Parquet): each distinct
    value is written as the format's text and parsed by the same parser."""
    s = pl.col(name)
    values = [u for u in uniques if u is not None]
    texts = as_text(pl.DataFrame({"v": pl.Series(values, dtype=dtype)})).get_column("v").to_list()
    ok_keys, ok_vals, bad = _parse_distinct(values, texts, parse, kind)
    out = DTYPES[kind]
    bad_mask = s.is_in(pl.Series(bad, dtype=dtype).implode()) if bad else pl.lit(False)
    if all(k == v for k, v in zip(ok_keys, ok_vals, strict=True)):
        typed = pl.when(bad_mask).then(None).otherwise(s)
    else:
        typed = s.replace_strict(pl.Series(ok_keys, dtype=dtype), pl.Series(ok_vals, dtype=out), default=None,
                                 return_dtype=out)
    if kind == "flag" and name == "counselling__text":
        typed = typed.fill_null(False)
    return typed.cast(out).alias(name), bad_mask.fill_null(False).alias(f"{name}__bad")


def _unknown(f: FileState, accepted: pl.Series, all_ids: pl.Series, data: pl.DataFrame | None = None) -> pl.DataFrame:
    """Report rows (of ``data``, else the whole file) whose patient is not accepted; return the others."""
    data = f.data if data is None else data
    pid = pl.col("patient_id")
    unknown = (pid != "") & ~pid.is_in(accepted.implode())
    bad = data.filter(unknown)
    if bad.height:
        rejected = set(bad.filter(pid.is_in(all_ids.implode())).get_column("patient_id").to_list())
        for line, p in bad.select("line", "patient_id").iter_rows():
            why = "its row in patients.csv was rejected" if p in rejected else "there is no such patient in patients.csv"
            f.problems.append(Problem(f.file, line, "patient_id", p, f"patient_id (患者编号) is unknown: {why}",
                                      "unknown_patient", p))
    return data.filter(~unknown)


def with_typed(data: pl.DataFrame, specs: list[tuple[str, Callable[[str], Any], Kind]]
                ) -> tuple[pl.DataFrame, pl.Expr]:
    """Add the typed columns (named ``column``, the text kept as ``column__text``) and return the
    mask of rows with a cell its parser rejects."""
    data = data.with_columns(pl.lit("", dtype=pl.Utf8).alias(c) for c, _, _ in specs if c not in data.columns)
    # a true/false (Parquet) column where the format has a code or a date: its cells as the words,
    # which no parser of a code or a date accepts
    data = data.with_columns(pl.when(pl.col(c)).then(pl.lit("true")).when(~pl.col(c)).then(pl.lit("false"))
                             .otherwise(pl.lit("")).alias(c)
                             for c, _, kind in specs if kind != "flag" and data.schema[c] == pl.Boolean)
    uniques = data.select(pl.col(c).unique().implode() for c, _, _ in specs).row(0) if specs else ()
    exprs = [_screen_column(f"{c}__text", u, parse, kind) if data.schema[c] == pl.Utf8
             else _screen_typed(f"{c}__text", u, parse, kind, data.schema[c])
             for (c, parse, kind), u in zip(specs, uniques, strict=True)]
    text = data.rename({c: f"{c}__text" for c, _, _ in specs})
    out = text.with_columns([t.alias(c) for (c, _, _), (t, _) in zip(specs, exprs, strict=True)]
                            + [b.alias(f"{c}__bad") for (c, _, _), (_, b) in zip(specs, exprs, strict=True)])
    mask = pl.any_horizontal(*(pl.col(f"{c}__bad") for c, _, _ in specs)) if specs else pl.lit(False)
    return out, mask


def text_frame(df: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """The text columns back under their own names (for the per-row parser)."""
    names = {f"{c}__text": c for c in columns if f"{c}__text" in df.columns}
    typed = [k for k in names if df.schema[k] != pl.Utf8]
    if typed:
        df = df.with_columns(as_text(df.select(typed)))
    return df.select([pl.col(k).alias(v) for k, v in names.items()]
                     + [pl.col(c) for c in df.columns if c not in names and c not in names.values()
                        and not c.endswith("__bad")])


def _missing(column: str, data: pl.DataFrame) -> pl.Expr:
    return pl.col(column).is_null() if column in data.columns else pl.lit(True)


def _patients(f: FileState, out: list[Problem]) -> tuple[pl.DataFrame, pl.Series]:
    """Accepted patients (typed) and every non-empty patient_id of the file."""
    data = f.data
    specs = _patient_specs()
    if data.height == 0:
        out.extend(f.problems)
        return final_table(data.with_columns(pl.lit("", dtype=pl.Utf8).alias(c) for c in PATIENT_COLUMNS
                                        if c not in data.columns), specs, f, empty=True), pl.Series([], dtype=pl.Utf8)
    all_ids = data.filter(pl.col("patient_id") != "").get_column("patient_id").unique()
    typed, cell_bad = with_typed(data, specs)
    rid = _resident_id_columns(typed)
    c = pl.col
    cross = (
        (c("diagnosis_date") < c("birth_date")) | (c("registered_on") < c("birth_date"))
        | (c("consent_date") < c("birth_date")) | ((c("consent") == 1) & c("consent_date").is_null())
        | (c("first_onset_date") < c("birth_date"))
        | (c("__rid_sex").is_in([1, 2]) & c("sex").is_in([1, 2]) & (c("__rid_sex") != c("sex")))
        | (c("__rid_birth") != c("birth_date"))
    ).fill_null(False)
    dup = (c("patient_id") != "") & c("patient_id").is_duplicated()
    names = {s[0] for s in specs}
    required = _required_empty(f"{x}__text" if x in names else x for x in REQUIRED[PATIENTS])
    flagged_expr = cell_bad | c("__rid_bad") | required | cross | dup
    typed = typed.with_columns(rid).with_columns(
        __flag=flagged_expr, __first=(c("patient_id") == "") | c("patient_id").is_first_distinct())
    suspects = typed.filter(c("__flag")).sort("row")
    accepted_lines: list[int] = []
    col = _collector()
    for values in text_frame(suspects, names).iter_rows(named=True):
        r = _row(f.raw, values, f.extra)
        if not values["__first"]:
            col.row(r, "patient_id", "duplicate_patient_id", "patient_id (患者编号) appears on an earlier line; "
                    "this row was not loaded")
            continue
        if reader.parse_patient(r, col) is not None:
            accepted_lines.append(r.line)
    f.problems.extend(col.problems)
    kept = typed.filter(~c("__flag") | c("line").is_in(accepted_lines))
    out.extend(f.problems)
    return final_table(kept, specs, f), all_ids


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id_columns(typed: pl.DataFrame) -> list[pl.Series]:
    """Whether a resident identity number is invalid (``__rid_bad``), and the sex and birth date
    it holds (null when absent or invalid). The common 18-character form is checked as columns
    (GB 11643 check character, birth date); any other form is parsed by :meth:`ResidentId.parse`."""
    n = typed.height
    if "resident_id" not in typed.columns:
        return [pl.Series("__rid_bad", [False] * n, dtype=pl.Boolean),
                pl.Series("__rid_sex", [None] * n, dtype=pl.Int8), pl.Series("__rid_birth", [None] * n, dtype=pl.Date)]
    s = typed.get_column("resident_id")
    common = s.str.contains(r"^[0-9]{17}[0-9X]$")
    digits = [s.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(17)]
    total = sum((d * w for d, w in zip(digits, _WEIGHTS, strict=True)), pl.Series([0] * n, dtype=pl.Int32))
    check = (total % 11).replace_strict(list(range(11)), list("10X98765432"), default=None, return_dtype=pl.Utf8)
    birth = s.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    sex = pl.select(pl.when(digits[16] % 2 == 1).then(1).otherwise(2).cast(pl.Int8)).to_series()
    valid = common & (s.str.slice(17, 1) == check) & birth.is_not_null()
    rare = [u for u in s.filter(~common & (s != "")).unique().to_list()]
    keys: list[str] = []
    sexes: list[int] = []
    births: list[dt.date] = []
    for u in rare:
        try:
            rid = ResidentId.parse(u)
            sex_u, birth_u = rid.sex.code, rid.birth_date
        except (IdentityError, ValueError):
            continue
        keys.append(u)
        sexes.append(sex_u)
        births.append(birth_u)
    rare_sex = s.replace_strict(keys, pl.Series(sexes, dtype=pl.Int8), default=None, return_dtype=pl.Int8)
    rare_birth = s.replace_strict(keys, pl.Series(births, dtype=pl.Date), default=None, return_dtype=pl.Date)
    ok = valid.fill_null(False)
    return [((s != "") & ~ok & rare_sex.is_null()).alias("__rid_bad"),
            pl.select(pl.when(ok).then(sex).otherwise(rare_sex)).to_series().alias("__rid_sex"),
            pl.select(pl.when(ok).then(birth).otherwise(rare_birth)).to_series().alias("__rid_birth")]


def final_table(df: pl.DataFrame, specs: list[tuple[str, Callable[[str], Any], Kind]], f: FileState,
           empty: bool = False) -> pl.DataFrame:
    """The table as published: row, line, the header's columns (typed, or text with null when
    empty), then the typed columns the file lacks (null)."""
    typed = {s[0]: DTYPES[s[2]] for s in specs}
    cols: list[pl.Expr] = [pl.col("row").cast(pl.UInt32), pl.col("line").cast(pl.UInt32)]
    names = [h for h in f.raw.header if h in df.columns] + [c for c in ("patient_id",) if c not in f.raw.header]
    names += [s[0] for s in specs if s[0] not in names]
    for h in names:
        if h in typed and not empty:
            cols.append(pl.col(h))
        elif h in typed:
            cols.append(pl.lit(None, dtype=typed[h]).alias(h))
        else:
            cols.append(pl.when(pl.col(h) == "").then(None).otherwise(pl.col(h)).alias(h))
    return df.select(cols)


def _followups(f: FileState, patients: pl.DataFrame, all_ids: pl.Series, edition: FormEdition,
               out: list[Problem]) -> pl.DataFrame:
    specs = _followup_specs(edition)
    if f.data.height == 0:
        out.extend(f.problems)
        data = plain_text(f.data).with_columns(pl.lit("", dtype=pl.Utf8).alias(c) for c in FOLLOWUP_COLUMNS
                                               if c not in f.data.columns)
        return final_table(data, specs, f, empty=True)
    chunks = [_followup_chunk(f, plain_text(f.data.slice(start, _CHUNK)), specs, patients, all_ids, edition)
              for start in range(0, f.data.height, _CHUNK)]
    out.extend(f.problems)
    return pl.concat(chunks, how="vertical")


#: Follow-up rows validated at a time: the text of one chunk is plain ``Utf8`` only while it is
#: checked, so the peak memory of a province's read grows with its typed tables, not its text.
_CHUNK = 250_000


def _followup_chunk(f: FileState, data: pl.DataFrame, specs: list[tuple[str, Callable[[str], Any], Kind]],
                    patients: pl.DataFrame, all_ids: pl.Series, edition: FormEdition) -> pl.DataFrame:
    """The accepted follow-ups of ``data`` (rows of ``f``), typed; their problems go to ``f.problems``."""
    data = _unknown(f, patients.get_column("patient_id"), all_ids, data)
    typed, cell_bad = with_typed(data, specs)
    typed = typed.join(patients.select("patient_id", __birth="birth_date", __diagnosis="diagnosis_date"),
                       on="patient_id", how="left", maintain_order="left")
    c = pl.col
    names = {s[0] for s in specs}

    def val(name: str) -> pl.Expr:
        return c(name) if name in names else pl.lit(None)

    seen = val("seen").is_not_null()
    loss = val("loss_reason").is_not_null()
    in_hospital = val("hospitalisation") == Hospitalisation.IN_HOSPITAL_NOW.code
    reached = seen | (~loss & pl.any_horizontal(*(val(n).is_not_null() for n in
                                                  ("risk_level", "insight", "hospitalisation", "adherence"))))
    required_missing = pl.any_horizontal(*(val(n).is_null() for n in REQUIRED_WHEN_REACHED))
    rules = (
        (seen & loss)
        | (reached & ~loss & ~in_hospital.fill_null(False) & required_missing)
        | (~reached & val("classification").is_not_null())
        | (val("next_visit_date") <= c("visit_date"))
        | (val("last_discharge_date") > c("visit_date"))
        | (c("visit_date") < c("__birth")) | (c("visit_date") < c("__diagnosis"))
    )
    if edition is FormEdition.BPHS2011 and "classification__text" in typed.columns:
        rules = rules | ((c("classification__text").cast(pl.Utf8) == "0") & (seen | ~loss))
    required = _required_empty(f"{x}__text" if x in names else x for x in REQUIRED[FOLLOWUPS])
    typed = typed.with_columns(__flag=(cell_bad | required | rules.fill_null(False)))
    suspects = typed.filter(c("__flag")).sort("row")
    accepted_lines: list[int] = []
    col = _collector()
    owners = _patient_objects(patients, suspects.get_column("patient_id"))
    for values in text_frame(suspects, names).iter_rows(named=True):
        r = _row(f.raw, values, f.extra)
        fu = reader.parse_followup(r, col, edition)
        if fu is None:
            continue
        conflict = followup_conflict(owners[fu.patient_id], fu)
        if conflict:
            col.row(r, conflict[0], "rule", f"{described(conflict[0])}: {conflict[2]}")
            continue
        accepted_lines.append(r.line)
    f.problems.extend(col.problems)
    kept = typed.filter(~c("__flag") | c("line").is_in(accepted_lines))
    return final_table(kept, specs, f)


def _events(f: FileState, patients: pl.DataFrame, all_ids: pl.Series, out: list[Problem]) -> pl.DataFrame:
    c = pl.col
    if f.data.height == 0:
        out.extend(f.problems)
        return pl.DataFrame(schema={"row": pl.UInt32, "line": pl.UInt32, "patient_id": pl.Utf8, "date": pl.Date,
                                    "event": pl.Utf8, "detail": pl.Utf8, "other_area": pl.Utf8,
                                    "contract_end": pl.Date})
    data = _unknown(f, patients.get_column("patient_id"), all_ids)
    if "detail" not in data.columns:
        data = data.with_columns(detail=pl.lit("", dtype=pl.Utf8))
    specs: list[tuple[str, Callable[[str], Any], Kind]] = [
        ("date", cells.parse_date, "date"), ("event", code_parser(EventKind), "text")]
    typed, cell_bad = with_typed(data, specs)
    detail = _event_details(typed)
    typed = typed.join(detail, on=["event__text", "detail"], how="left", maintain_order="left").join(
        patients.select("patient_id", __birth="birth_date"), on="patient_id", how="left", maintain_order="left")
    rules = (c("__detail_bad") | (c("contract_end") < c("date")) | (c("date") < c("__birth"))).fill_null(False)
    required = _required_empty(("patient_id", "date__text", "event__text"))
    typed = typed.with_columns(__flag=cell_bad | required | rules)
    suspects = typed.filter(c("__flag")).sort("row")
    accepted_lines: list[int] = []
    col = _collector()
    owners = _patient_objects(patients, suspects.get_column("patient_id"))
    for values in text_frame(suspects, ["date", "event"]).iter_rows(named=True):
        r = _row(f.raw, values, f.extra)
        e = reader.parse_event(r, col)
        if e is None:
            continue
        conflict = event_conflict(owners[e.patient_id], e)
        if conflict:
            col.row(r, conflict[0], "rule", f"{described(conflict[0])}: {conflict[2]}")
            continue
        accepted_lines.append(r.line)
    f.problems.extend(col.problems)
    kept = typed.filter(~c("__flag") | c("line").is_in(accepted_lines))
    # discharges before the first admission (records.discharge_conflicts)
    first_admission = kept.filter(c("event") == EventKind.ADMISSION.text_code).group_by("patient_id").agg(
        __first_admission=c("date").min())
    kept = kept.join(first_admission, on="patient_id", how="left", maintain_order="left")
    early = (c("event") == EventKind.DISCHARGE.text_code) & (c("date") < c("__first_admission")).fill_null(False)
    for line, pid, value in kept.filter(early).select("line", "patient_id", c("date__text").cast(pl.Utf8)).iter_rows():
        f.problems.append(Problem(f.file, line, "date", value, DISCHARGE_RULE, "rule", pid))
    kept = kept.filter(~early)
    out.extend(sorted(f.problems, key=lambda p: p.line))
    cols: list[pl.Expr] = [c("row"), c("line")]
    for h in [*f.raw.header, *(["detail"] if "detail" not in f.raw.header else [])]:
        if h in ("date", "event", "patient_id"):
            cols.append(c(h))
        else:
            cols.append(pl.when(c(h) == "").then(None).otherwise(c(h)).alias(h))
    cols += [c("other_area"), c("contract_end")]
    return kept.select(cols)


def _event_details(typed: pl.DataFrame) -> pl.DataFrame:
    """For each distinct (event, detail) pair: whether the object reader rejects it, and the
    transfer's other area and the contract's end date it holds."""
    pairs = typed.select("event__text", "detail").unique()
    bad: list[bool] = []
    areas: list[str | None] = []
    ends: list[dt.date | None] = []
    for kind, detail in pairs.iter_rows():
        row = reader.Row(EVENTS, 0, {"patient_id": "x", "date": "0001-01-01", "event": kind, "detail": detail}, ())
        col = _collector()
        e = reader.parse_event(row, col) if kind and detail else None
        bad.append(bool(col.problems) and bool(kind) and bool(detail))
        areas.append(e.other_area.code if e is not None and e.other_area is not None else None)
        ends.append(e.contract_end if e is not None else None)
    return pairs.with_columns(__detail_bad=pl.Series(bad, dtype=pl.Boolean),
                              other_area=pl.Series(areas, dtype=pl.Utf8), contract_end=pl.Series(ends, dtype=pl.Date))


def _patient_objects(patients: pl.DataFrame, ids: pl.Series) -> dict[str, Patient]:
    """Patient objects for the few accepted patients a suspect row belongs to."""
    rows = patients.filter(pl.col("patient_id").is_in(ids.unique().implode()))
    return {r.patient.patient_id: r.patient for r in _records(rows, rows.clear(), rows.clear(), with_rows=False)}


def _population(f: FileState, out: list[Problem]) -> pl.DataFrame:
    """Accepted population rows. Rows whose cells are plainly right (an area code of 6, 9 or 12
    ASCII digits, a year and a count of digits in range) are taken by column; the others go
    through the row parser for its exact verdict. A repeated area and year is then refused on
    every line after the first accepted one."""
    col = _collector()
    c = pl.col
    data = f.data.with_columns(as_text(f.data.drop("row", "line")))
    for name in ("area_code", "year", "population"):
        if name not in data.columns:
            data = data.with_columns(pl.lit("", dtype=pl.Utf8).alias(name))
    year = c("year").cast(pl.Int64, strict=False)
    count = c("population").cast(pl.Int64, strict=False)
    plain = (c("area_code").str.contains(r"^[0-9]{6}(?:[0-9]{3}){0,2}$")
             & c("year").str.contains(r"^[0-9]{1,6}$") & year.is_between(1900, 2200)
             & c("population").str.contains(r"^[0-9]{1,12}$") & count.is_between(0, 2_000_000_000))
    data = data.with_columns(__plain=plain.fill_null(False))
    taken: list[tuple[int, int, str, int, int, dict[str, str | None]]] = []
    for values in data.filter(~c("__plain")).iter_rows(named=True):
        r = _row(f.raw, values, f.extra)
        entry = reader.parse_population(r, col)
        if entry is not None:
            taken.append((int(values["row"]), r.line, entry.area_code.code, entry.year, entry.population,
                          {h: dict(entry.extras).get(h) for h in f.extra}))
    fast = data.filter(c("__plain")).select(
        c("row").cast(pl.UInt32), c("line").cast(pl.UInt32), c("area_code"), year.cast(pl.Int32).alias("year"),
        count.alias("population"), *[pl.when(c(h) == "").then(None).otherwise(c(h)).alias(h) for h in f.extra])
    slow = pl.DataFrame({
        "row": pl.Series([t[0] for t in taken], dtype=pl.UInt32),
        "line": pl.Series([t[1] for t in taken], dtype=pl.UInt32),
        "area_code": pl.Series([t[2] for t in taken], dtype=pl.Utf8),
        "year": pl.Series([t[3] for t in taken], dtype=pl.Int32),
        "population": pl.Series([t[4] for t in taken], dtype=pl.Int64),
        **{h: pl.Series([t[5][h] for t in taken], dtype=pl.Utf8) for h in f.extra},
    })
    accepted = pl.concat([fast, slow], how="vertical").sort("line")
    first = pl.struct("area_code", "year").is_first_distinct()
    for values in accepted.filter(~first).select("line", "area_code", "year").iter_rows(named=True):
        col.problems.append(Problem(f.file, values["line"], "area_code", values["area_code"],
                                    "the same area_code and year appear on an earlier line", "duplicate_population"))
    f.problems.extend(col.problems)
    out.extend(sorted(f.problems, key=lambda p: p.line))
    return accepted.filter(first)


def read_tables(folder: str | Path, *, strict: bool = False, encoding: str | None = None,
                columns: Mapping[str, Iterable[str]] | None = None) -> TableLoad:
    """Read and validate a registry folder into polars tables.

    The folder holds ``patients``, ``followups``, ``events`` and ``population`` as ``.csv``
    (UTF-8 with or without BOM; GB18030/GBK is detected and noted, or give ``encoding``),
    as ``.parquet``, or as sheets of ``registry.xlsx``. ``strict=True`` raises
    :class:`RegistryReadError` on the first problem (a notice about the encoding excepted).
    A folder without patients raises in either mode.

    ``columns`` (``{file: columns}``, e.g. from
    :func:`smi_care.indicators.columns_needed.columns_needed`) reads only those columns of the
    files it names (with the columns the format's checks need: :mod:`smi_care.registry.projection`)
    and validates exactly those cells; a column not read is absent from the table, as when the
    file lacks it (a typed column is then null). None reads and validates everything.
    """
    folder = Path(folder)
    if partitioned.is_partitioned(folder):  # county=… sub-folders: each read here, put together there
        return partitioned.read_partitioned(folder, read_tables, strict=strict, encoding=encoding, columns=columns)
    wanted = projections(columns, TABLE_FILES.values())
    raws, notices = _sources(folder, encoding, wanted)
    if PATIENTS not in raws:
        raise RegistryReadError(Problem(PATIENTS, 0, "", "", f"there is no {PATIENTS} (nor patients.parquet, nor a "
                                        f"patients sheet in {WORKBOOK}) in {folder.name or folder}", "bad_file"))
    edition = reader.read_edition(folder)
    file_notes: list[Problem] = list(notices)
    files = {name: open_file(raws.get(name), name, reader.KNOWN[name], file_notes)
             for name in (POPULATION, PATIENTS, FOLLOWUPS, EVENTS)}
    others = {name: files[name].read for name in (FOLLOWUPS, EVENTS) if files[name].read}
    if files[PATIENTS].read == 0 and others:
        which = " and ".join(f"the {n} row(s) of {name}" for name, n in others.items())
        file_notes.append(Problem(PATIENTS, 0, "", "", f"has no rows, so {which} refer to unknown patients",
                                  "no_rows", rejected=False))
    problems: list[Problem] = []
    population = _population(files[POPULATION], problems)
    patients, all_ids = _patients(files[PATIENTS], problems)
    followups = _followups(files[FOLLOWUPS], patients, all_ids, edition, problems)
    events = _events(files[EVENTS], patients, all_ids, problems)
    order = {f: i for i, f in enumerate((POPULATION, PATIENTS, FOLLOWUPS, EVENTS))}
    problems.sort(key=lambda q: (order.get(q.file, 9), q.line))
    all_problems = tuple(file_notes) + tuple(problems)
    if strict:
        for p in all_problems:
            if p.kind != "encoding" and p.kind != "unknown_file":
                raise RegistryReadError(p)
    tables = RegistryTables(patients, followups, events, population, edition)
    counts = tuple(FileCounts(name, files[name].read, table.height, files[name].read - table.height)
                   for name, table in ((POPULATION, population), (PATIENTS, patients), (FOLLOWUPS, followups),
                                       (EVENTS, events)))
    extra = {name: f.extra for name, f in files.items() if f.extra}
    encodings = {name: raw.encoding for name, raw in raws.items()}
    return TableLoad(tables, all_problems, counts, edition, extra, encodings)


def read_registry(folder: str | Path, *, strict: bool = False, encoding: str | None = None) -> reader.LoadResult:
    """Read a registry folder. ``strict=True`` raises :class:`RegistryReadError` on the first
    problem; otherwise every problem is returned and the good rows load.

    The folder is read by the columnar reader (:func:`smi_care.registry.tables.read_tables`:
    CSV in UTF-8 or GB18030, Parquet or ``registry.xlsx``) and turned into objects. A folder
    without patients (or with an unreadable header) is unusable and raises
    :class:`RegistryReadError` in either mode.
    """
    return read_tables(folder, strict=strict, encoding=encoding).to_load_result()


# --- back to objects ----------------------------------------------------------------------------

def _text_rows(df: pl.DataFrame) -> Iterator[dict[str, Any]]:
    keep = [c for c in df.columns if c not in ("other_area", "contract_end") and not c.startswith("__")]
    yield from as_text(df.select(keep)).iter_rows(named=True)


def _records(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame, *, with_rows: bool = True
             ) -> list[PatientRecord]:
    strict = reader.Collector(True)
    known_p = set(reader.KNOWN[PATIENTS]) | {"row", "line"}
    people: dict[str, Patient] = {}
    for values in _text_rows(patients):
        extras = tuple((k, v) for k, v in values.items() if k not in known_p and v)
        r = reader.Row(PATIENTS, int(values.get("line") or 0), values, extras)
        p = reader.parse_patient(r, strict)
        assert p is not None
        people[p.patient_id] = p
    fus: dict[str, list[FollowUp]] = {}
    known_f = set(reader.KNOWN[FOLLOWUPS]) | {"row", "line"}
    if with_rows:
        for values in _text_rows(followups):
            extras = tuple((k, v) for k, v in values.items() if k not in known_f and v)
            fu = reader.parse_followup(reader.Row(FOLLOWUPS, int(values["line"]), values, extras), strict,
                                  FormEdition.WS2018)
            assert fu is not None
            fus.setdefault(fu.patient_id, []).append(fu)
    evs: dict[str, list[Event]] = {}
    known_e = set(reader.KNOWN[EVENTS]) | {"row", "line"}
    if with_rows:
        for values in _text_rows(events):
            extras = tuple((k, v) for k, v in values.items() if k not in known_e and v)
            ev = reader.parse_event(reader.Row(EVENTS, int(values["line"]), values, extras), strict)
            assert ev is not None
            evs.setdefault(ev.patient_id, []).append(ev)
    return [PatientRecord(p, tuple(fus.get(pid, ())), tuple(evs.get(pid, ()))) for pid, p in people.items()]


def _to_registry(patients: pl.DataFrame, followups: pl.DataFrame, events: pl.DataFrame,
                 population: pl.DataFrame) -> Registry:
    records = _records(patients.sort("row"), followups.sort("row"), events.sort("row"))
    pop_known = {"row", "line", *POPULATION_COLUMNS}
    entries = []
    for values in population.sort("row").iter_rows(named=True):
        extras = tuple((k, str(v)) for k, v in values.items() if k not in pop_known and v)
        entries.append(PopulationEntry(AreaCode(values["area_code"]), int(values["year"]),
                                       int(values["population"]), extras))
    return Registry({r.patient_id: r for r in records}, tuple(entries))


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


__all__ = ["RegistryTables", "TableLoad", "read_registry", "read_tables", "write_tables"]
