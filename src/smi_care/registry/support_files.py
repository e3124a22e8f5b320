"""The optional support files of the programme (free medication, guardians, teams):
``dispensings.csv``, ``guardians.csv``, ``teams.csv`` and ``team_reviews.csv``
(docs/registry-format.md, "Free medication, guardians and teams").

They are read as the v1 files are: each as CSV (UTF-8, UTF-8 with BOM or GB18030) or Parquet,
every distinct cell text parsed once by the cell parsers of :mod:`smi_care.registry.cells`,
every bad row named as a :class:`~smi_care.registry.problems.Problem` (file, line, column,
value, reason) and left out, and ``read == accepted + rejected`` in every file. A missing file
is an empty table: a v1 registry stays valid.

>>> import tempfile, pathlib
>>> from smi_care.registry.tables import read_tables
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "patients.csv").write_text(
...     "patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date\\n"
...     "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08\\n", encoding="utf-8")
>>> _ = (d / "dispensings.csv").write_text(
...     "patient_id,date,drug,quantity,days_supplied,free\\n"
...     "P1,2025-07-01,利培酮,60,30,1\\n"
...     "P1,2025-07-31,利培酮,60,0,1\\n"
...     "P9,2025-07-31,利培酮,60,30,1\\n", encoding="utf-8")
>>> load = read_support_files(d, read_tables(d).tables)
>>> load.dispensings.select("patient_id", "date", "days_supplied", "free").rows()
[('P1', datetime.date(2025, 7, 1), 30, True)]
>>> for p in load.problems: print(p.line, p.column, p.value, p.reason)
3 days_supplied 0 days_supplied (可服用天数) is outside 1 to 366
4 patient_id P9 patient_id (患者编号) is unknown: there is no accepted patient P9 in patients.csv
>>> load.counts_for("dispensings.csv")
FileCounts(file='dispensings.csv', read=3, accepted=1, rejected=2)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from smi_care.domain.guardian import Guardianship
from smi_care.domain.medication import MAX_DAYS_SUPPLIED, MAX_QUANTITY, Dispensing
from smi_care.domain.team import Team, TeamReview, TeamRole
from smi_care.registry import cells
from smi_care.registry.columns import DISPENSINGS, GUARDIANS, SUPPORT_FILES, TEAM_REVIEWS, TEAMS, described
from smi_care.registry.file_state import FileState, final_table, open_file
from smi_care.registry.frames import read_parquet_file
from smi_care.registry.problems import FileCounts, Problem, RegistryReadError, counts_for
from smi_care.registry.raw import RawFile
from smi_care.registry.registry_tables import RegistryTables
from smi_care.registry.row_parsers import Collector, Row, RowParser
from smi_care.registry.screen import Kind, text_frame, with_typed
from smi_care.registry.sources import read_csv_file

Spec = tuple[str, Callable[[str], Any], Kind]


def _text(t: str) -> str:
    return t


def _int(lo: int, hi: int) -> Callable[[str], Any]:
    return lambda t: cells.parse_int(t, lo, hi)


#: Typed columns of each file (name, cell parser, kind); ``raw`` integers are cast after parsing.
SPECS: dict[str, list[Spec]] = {
    DISPENSINGS: [("date", cells.parse_date, "date"), ("drug", _text, "raw"),
                  ("quantity", _int(1, MAX_QUANTITY), "raw"), ("days_supplied", _int(1, MAX_DAYS_SUPPLIED), "raw"),
                  ("free", cells.parse_flag, "flag")],
    GUARDIANS: [("since", cells.parse_date, "date"), ("until", cells.parse_date, "date"),
                ("insured_from", cells.parse_date, "date"), ("insured_until", cells.parse_date, "date")],
    TEAMS: [("formed_on", cells.parse_date, "date"), ("roles", lambda t: cells.parse_codes(TeamRole, t), "codes"),
            ("dissolved_on", cells.parse_date, "date"), ("plan", _text, "raw")],
    TEAM_REVIEWS: [("date", cells.parse_date, "date"), ("next_review", cells.parse_date, "date")],
}
_INTS = {"quantity", "days_supplied"}
_REQUIRED = {DISPENSINGS: ("patient_id", "date", "drug", "quantity", "days_supplied"), GUARDIANS: ("patient_id", "since"),
             TEAMS: ("team_id", "patient_id", "formed_on", "roles"), TEAM_REVIEWS: ("team_id", "date")}


@attrs.frozen
class SupportLoad:
    """The accepted rows of the four files as polars tables (the columns of
    docs/registry-format.md, typed, with ``row`` and ``line``), every problem, and the counts."""

    dispensings: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    guardians: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    teams: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    team_reviews: pl.DataFrame = attrs.field(repr=lambda df: f"<{df.height} rows>")
    problems: tuple[Problem, ...]
    counts: tuple[FileCounts, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts_for(self, file: str) -> FileCounts:
        return counts_for(self.counts, file)


def _raw(folder: Path, file: str, encoding: str | None) -> RawFile | None:
    csv_path, pq_path = folder / file, folder / file.replace(".csv", ".parquet")
    if csv_path.is_file():
        return read_csv_file(csv_path, file, encoding)
    if pq_path.is_file():
        return read_parquet_file(pq_path, file)
    return None


# (column, kind, reason, mask) of each cross-field rule
Rule = tuple[str, str, str, pl.Expr]


def _rules(file: str) -> list[Rule]:
    c = pl.col
    if file == DISPENSINGS:
        return [("date", "rule", "date (日期) must not be before the patient's birth date", c("date") < c("__birth"))]
    if file == GUARDIANS:
        return [("until", "rule", "until (监护终止日期) must not be before since", c("until") < c("since")),
                ("insured_until", "rule", "insured_until (责任险终止日期) must not be before insured_from",
                 c("insured_until") < c("insured_from")),
                ("insured_until", "missing_required", "insured_until (责任险终止日期) is required when insured_from "
                 "is given", c("insured_from").is_not_null() & c("insured_until").is_null()),
                ("insured_from", "missing_required", "insured_from (责任险起始日期) is required when insured_until "
                 "is given", c("insured_until").is_not_null() & c("insured_from").is_null()),
                ("since", "rule", "since (监护起始日期) must not be before the patient's birth date",
                 c("since") < c("__birth"))]
    if file == TEAMS:
        return [("dissolved_on", "rule", "dissolved_on (解散日期) must not be before formed_on",
                 c("dissolved_on") < c("formed_on")),
                ("team_id", "duplicate_team_id", "team_id (小组编号) appears on an earlier line; this row was not loaded",
                 (c("team_id") != "") & ~c("team_id").is_first_distinct())]
    return [("next_review", "rule", "next_review (下次评估日期) must be after the review date",
             c("next_review") <= c("date")),
            ("date", "rule", "date (日期) must not be before the team was formed", c("date") < c("__formed"))]


def _empty(file: str) -> pl.DataFrame:
    schema: dict[str, Any] = {"row": pl.UInt32, "line": pl.UInt32}
    for col in SUPPORT_FILES[file]:
        spec = next((s for s in SPECS[file] if s[0] == col), None)
        schema[col] = (pl.Int64 if col in _INTS else
                       {"date": pl.Date, "flag": pl.Boolean}.get(spec[2], pl.Utf8) if spec else pl.Utf8)
    return pl.DataFrame(schema=schema)


def _read_file(raw: RawFile | None, file: str, owners: pl.DataFrame, key: str, key_what: str,
               notes: list[Problem]) -> tuple[pl.DataFrame, list[Problem], int]:
    """Accepted rows, problems and rows read of one file; ``owners`` holds the accepted keys
    (``key``: ``patient_id`` or ``team_id``) with the columns the rules join (``__birth``,
    ``__formed``)."""
    if raw is None:
        return _empty(file), [], 0
    f: FileState = open_file(raw, file, SUPPORT_FILES[file], notes)
    specs = SPECS[file]
    if f.data.height == 0:
        return _empty(file), list(f.problems), f.read
    c = pl.col
    data = f.data.with_columns(pl.lit("", dtype=pl.Utf8).alias(k) for k in (key, "patient_id")
                               if k not in f.data.columns)
    known = owners.get_column(key)
    unknown_mask = (c(key) != "") & ~c(key).is_in(known.implode())
    for line, k, pid in data.filter(unknown_mask).select("line", c(key).alias("__k"),
                                                            c("patient_id").alias("__p")).iter_rows():
        f.problems.append(Problem(file, line, key, k, f"{described(key)} is unknown: there is no accepted "
                                  f"{key_what} {k} in {'patients.csv' if key == 'patient_id' else 'teams.csv'}",
                                  "unknown_patient" if key == "patient_id" else "unknown_team", pid or None))
    data = data.filter(~unknown_mask)
    typed, cell_bad = with_typed(data, specs)
    typed = typed.join(owners, on=key, how="left", maintain_order="left")
    names = {s[0] for s in specs}
    required = pl.any_horizontal(*((c(f"{x}__text").cast(pl.Utf8).fill_null("") == "") if x in names
                                   else (c(x).fill_null("") == "") for x in _REQUIRED[file]))
    rules = _rules(file)
    typed = typed.with_columns(*(m.fill_null(False).alias(f"__rule{i}") for i, (_, _, _, m) in enumerate(rules)))
    flag = cell_bad | required | pl.any_horizontal(*(c(f"__rule{i}") for i in range(len(rules))))
    typed = typed.with_columns(__flag=flag)
    suspects = typed.filter(c("__flag")).sort("row")
    col = Collector(False)
    for values in text_frame(suspects, names).iter_rows(named=True):
        r = Row(file, int(values["line"]), {h: str(values.get(h) or "") for h in raw.header}, ())
        p = RowParser(r, col)
        for name in (key, *(k for k in ("patient_id",) if k != key and k in raw.header)):
            p.take(name, str, required=name in _REQUIRED[file])
        for name, parse, _ in specs:
            p.take(name, parse, required=name in _REQUIRED[file])
        if not p.bad:
            for i, (column, kind, reason, _) in enumerate(rules):
                if values[f"__rule{i}"]:
                    col.row(r, column, kind, reason)
    f.problems.extend(col.problems)
    kept = typed.filter(~c("__flag"))
    out = final_table(kept, specs, f).with_columns(pl.col(n).cast(pl.Int64) for n in _INTS if n in names)
    if file == DISPENSINGS:
        out = out.with_columns(pl.col("free").fill_null(True))
    if "patient_id" not in SUPPORT_FILES[file]:
        out = out.drop("patient_id")
    for name in SUPPORT_FILES[file]:
        if name not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=_empty(file).schema[name]).alias(name))
    return out, f.problems, f.read


def read_support_files(folder: str | Path, tables: RegistryTables, *, strict: bool = False,
                     encoding: str | None = None) -> SupportLoad:
    """Read the support files of a registry folder against its accepted patients (``tables``:
    what :func:`~smi_care.registry.tables.read_tables` gave). ``strict=True`` raises
    :class:`~smi_care.registry.problems.RegistryReadError` on the first problem."""
    folder = Path(folder)
    patients = tables.patients.select("patient_id", __birth="birth_date")
    notes: list[Problem] = []
    problems: list[Problem] = []
    counts: list[FileCounts] = []
    out: dict[str, pl.DataFrame] = {}
    for file in (DISPENSINGS, GUARDIANS, TEAMS):
        df, probs, read = _read_file(_raw(folder, file, encoding), file, patients, "patient_id", "patient", notes)
        out[file] = df
        problems.extend(sorted(probs, key=lambda q: q.line))
        counts.append(FileCounts(file, read, df.height, read - df.height))
    teams = out[TEAMS].select("team_id", __formed="formed_on")
    df, probs, read = _read_file(_raw(folder, TEAM_REVIEWS, encoding), TEAM_REVIEWS, teams, "team_id", "team", notes)
    problems.extend(sorted(probs, key=lambda q: q.line))
    counts.append(FileCounts(TEAM_REVIEWS, read, df.height, read - df.height))
    everything = tuple(notes) + tuple(problems)
    if strict:
        for p in everything:
            if p.kind != "encoding":
                raise RegistryReadError(p)
    return SupportLoad(out[DISPENSINGS], out[GUARDIANS], out[TEAMS], df, everything, tuple(counts))


# --- rows as domain values (for the per-patient rules and audits) ---------------------------------

def _rows(df: pl.DataFrame) -> Iterable[dict[str, Any]]:
    return df.sort("row").iter_rows(named=True) if "row" in df.columns else df.iter_rows(named=True)


def dispensings_by_patient(df: pl.DataFrame) -> dict[str, list[Dispensing]]:
    out: dict[str, list[Dispensing]] = {}
    for r in _rows(df):
        out.setdefault(r["patient_id"], []).append(Dispensing(r["patient_id"], r["date"], r["drug"], int(r["quantity"]),
                                                              int(r["days_supplied"]), bool(r["free"])))
    return out


def guardianships_by_patient(df: pl.DataFrame) -> dict[str, list[Guardianship]]:
    out: dict[str, list[Guardianship]] = {}
    for r in _rows(df):
        out.setdefault(r["patient_id"], []).append(
            Guardianship(r["patient_id"], r["since"], r["until"], r["insured_from"], r["insured_until"]))
    return out


def teams_by_patient(df: pl.DataFrame) -> dict[str, list[Team]]:
    out: dict[str, list[Team]] = {}
    for r in _rows(df):
        roles = frozenset(TeamRole.from_code(x) for x in (r["roles"] or "").split(";") if x)
        out.setdefault(r["patient_id"], []).append(
            Team(r["team_id"], r["patient_id"], r["formed_on"], roles, r["dissolved_on"], r["plan"]))
    return out


def reviews_by_team(df: pl.DataFrame) -> dict[str, list[TeamReview]]:
    out: dict[str, list[TeamReview]] = {}
    for r in _rows(df):
        out.setdefault(r["team_id"], []).append(TeamReview(r["team_id"], r["date"], r["next_review"]))
    return out


__all__ = ["SupportLoad", "dispensings_by_patient", "guardianships_by_patient", "read_support_files",
           "reviews_by_team", "teams_by_patient"]
