"""The loaders of the four tables: screen, cross-field rules and joins as columns, then the per-row
reader on the flagged rows only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import polars as pl

from smi_care.domain.codes import (
    EventKind,
    FormEdition,
    Hospitalisation,
)
from smi_care.domain.errors import IdentityError
from smi_care.domain.events import Event
from smi_care.domain.followup import REQUIRED_WHEN_REACHED, FollowUp
from smi_care.domain.identity import ResidentId
from smi_care.domain.patient import Patient
from smi_care.domain.records import (
    event_conflict,
    followup_conflict,
)
from smi_care.registry import cells
from smi_care.registry.columns import (
    EVENTS,
    FOLLOWUP_COLUMNS,
    FOLLOWUPS,
    PATIENT_COLUMNS,
    PATIENTS,
    REQUIRED,
    described,
)
from smi_care.registry.compact import KEY, compact_columns, small_codes
from smi_care.registry.file_state import FileState, collector, final_table, row_of, unknown_patients
from smi_care.registry.frames import as_text
from smi_care.registry.problems import Problem
from smi_care.registry.raw import plain_text
from smi_care.registry.registry_tables import records_of
from smi_care.registry.row_parsers import (
    Collector,
    Row,
    code_parser,
    parse_event,
    parse_followup,
    parse_patient,
    parse_population,
)
from smi_care.registry.screen import Kind, followup_specs, patient_specs, required_empty, text_frame, with_typed

DISCHARGE_RULE = "date (日期): a discharge must not be before the patient's first admission"

#: A record the re-check parses: a follow-up or an event.
R = TypeVar("R", FollowUp, Event)

def load_patients(f: FileState, out: list[Problem]) -> tuple[pl.DataFrame, pl.Series]:
    """Accepted patients (typed) and every non-empty patient_id of the file."""
    data = f.data
    specs = patient_specs()
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
    required = required_empty(f"{x}__text" if x in names else x for x in REQUIRED[PATIENTS])
    flagged_expr = cell_bad | c("__rid_bad") | required | cross | dup
    typed = typed.with_columns(rid).with_columns(
        __flag=flagged_expr, __first=(c("patient_id") == "") | c("patient_id").is_first_distinct())
    suspects = typed.filter(c("__flag")).sort("row")
    accepted_lines: list[int] = []
    col = collector()
    for values in text_frame(suspects, names).iter_rows(named=True):
        r = row_of(f.raw, values, f.extra)
        if not values["__first"]:
            col.row(r, "patient_id", "duplicate_patient_id", "patient_id (患者编号) appears on an earlier line; "
                    "this row was not loaded")
            continue
        if parse_patient(r, col) is not None:
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


def load_followups(f: FileState, patients: pl.DataFrame, all_ids: pl.Series, edition: FormEdition,
               out: list[Problem], compact: bool = False, read: frozenset[str] | None = None) -> pl.DataFrame:
    """The accepted follow-ups, checked a chunk at a time; ``compact``: each chunk's text columns
    kept as codes once checked, without the typed columns not in ``read`` (the columns read,
    None: all), which the plain read gives all null (:mod:`smi_care.registry.compact`)."""
    specs = followup_specs(edition)
    keep = _compact_keep(read) if compact else _same
    owners = _owners(patients)
    chunks = [keep(_followup_chunk(f, plain_text(data), specs, patients, owners, all_ids, edition))
              for data in f.chunks(_CHUNK)]
    out.extend(f.problems)
    if not chunks:
        data = plain_text(f.data).with_columns(pl.lit("", dtype=pl.Utf8).alias(c) for c in FOLLOWUP_COLUMNS
                                               if c not in f.data.columns)
        return keep(final_table(data, specs, f, empty=True))
    if compact:
        chunks = small_codes(chunks)
    return pl.concat(chunks, how="vertical")


def _compact_keep(read: frozenset[str] | None) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A checked chunk of follow-ups as compact tables hold it: text as ``Categorical``, and
    only ``row``, ``line`` and the columns read."""
    def keep(df: pl.DataFrame) -> pl.DataFrame:
        if read is not None:
            df = df.select(c for c in df.columns if c in read or c in ("row", "line", KEY))
        return compact_columns(df)
    return keep


def _same(df: pl.DataFrame) -> pl.DataFrame:
    return df


#: Follow-up rows validated at a time: the text of one chunk is plain ``Utf8`` only while it is
#: checked, so the peak memory of a province's read grows with its typed tables, not its text
#: (a file read in pieces, :mod:`smi_care.registry.csv_pieces`, is checked piece by piece).
_CHUNK = 250_000


def _owners(patients: pl.DataFrame) -> pl.DataFrame:
    """The accepted patients' ids with the dates a follow-up is checked against, sorted by id
    once for :func:`_chunk_owners`."""
    return patients.select(KEY, __birth="birth_date", __diagnosis="diagnosis_date").sort(KEY)


def _chunk_owners(owners: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """The rows of ``owners`` (:func:`_owners`) of the patients among ``ids``, found by binary
    search of their distinct ids: a chunk's cost grows with its own patients, not with the
    registry's (a set of every accepted id hashed for each chunk made the read of 500,000
    patients' follow-ups grow with the square of the registry).

    >>> owners = _owners(pl.DataFrame({"patient_id": ["P3", "P1"], "birth_date": [None, None],
    ...                                "diagnosis_date": [None, None]}))
    >>> _chunk_owners(owners, pl.Series(["P1", "P2", "P1", "", None, "P9"])).get_column("patient_id").to_list()
    ['P1']
    """
    keys = owners.get_column(KEY)
    wanted = ids.drop_nulls().unique()
    if keys.len() == 0 or wanted.len() == 0:
        return owners.clear()
    at = keys.search_sorted(wanted).clip(0, keys.len() - 1)
    return owners.select(pl.all().gather(at.filter(keys.gather(at) == wanted)))


def _followup_chunk(f: FileState, data: pl.DataFrame, specs: list[tuple[str, Callable[[str], Any], Kind]],
                    patients: pl.DataFrame, owners: pl.DataFrame, all_ids: pl.Series, edition: FormEdition
                    ) -> pl.DataFrame:
    """The accepted follow-ups of ``data`` (rows of ``f``), typed; their problems go to ``f.problems``.
    ``owners``: :func:`_owners` of ``patients``."""
    mine = _chunk_owners(owners, data.get_column(KEY))
    data = unknown_patients(f, mine.get_column(KEY), all_ids, data)
    typed, cell_bad = with_typed(data, specs)
    typed = typed.join(mine, on=KEY, how="left", maintain_order="left")
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
    required = required_empty(f"{x}__text" if x in names else x for x in REQUIRED[FOLLOWUPS])
    typed = typed.with_columns(__flag=(cell_bad | required | rules.fill_null(False)))
    suspects = typed.filter(c("__flag")).sort("row")
    accepted_lines = _recheck(f, patients, suspects, names, lambda r, col: parse_followup(r, col, edition),
                              followup_conflict)
    kept = typed.filter(~c("__flag") | c("line").is_in(accepted_lines))
    return final_table(kept, specs, f)


def load_events(f: FileState, patients: pl.DataFrame, all_ids: pl.Series, out: list[Problem]) -> pl.DataFrame:
    c = pl.col
    if f.data.height == 0:
        out.extend(f.problems)
        return pl.DataFrame(schema={"row": pl.UInt32, "line": pl.UInt32, "patient_id": pl.Utf8, "date": pl.Date,
                                    "event": pl.Utf8, "detail": pl.Utf8, "other_area": pl.Utf8,
                                    "contract_end": pl.Date})
    data = unknown_patients(f, patients.get_column("patient_id"), all_ids)
    if "detail" not in data.columns:
        data = data.with_columns(detail=pl.lit("", dtype=pl.Utf8))
    specs: list[tuple[str, Callable[[str], Any], Kind]] = [
        ("date", cells.parse_date, "date"), ("event", code_parser(EventKind), "text")]
    typed, cell_bad = with_typed(data, specs)
    detail = _event_details(typed)
    typed = typed.join(detail, on=["event__text", "detail"], how="left", maintain_order="left").join(
        patients.select("patient_id", __birth="birth_date"), on="patient_id", how="left", maintain_order="left")
    rules = (c("__detail_bad") | (c("contract_end") < c("date")) | (c("date") < c("__birth"))).fill_null(False)
    required = required_empty(("patient_id", "date__text", "event__text"))
    typed = typed.with_columns(__flag=cell_bad | required | rules)
    suspects = typed.filter(c("__flag")).sort("row")
    accepted_lines = _recheck(f, patients, suspects, ["date", "event"], parse_event, event_conflict)
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
        row = Row(EVENTS, 0, {"patient_id": "x", "date": "0001-01-01", "event": kind, "detail": detail}, ())
        col = collector()
        e = parse_event(row, col) if kind and detail else None
        bad.append(bool(col.problems) and bool(kind) and bool(detail))
        areas.append(e.other_area.code if e is not None and e.other_area is not None else None)
        ends.append(e.contract_end if e is not None else None)
    return pairs.with_columns(__detail_bad=pl.Series(bad, dtype=pl.Boolean),
                              other_area=pl.Series(areas, dtype=pl.Utf8), contract_end=pl.Series(ends, dtype=pl.Date))


def _recheck(f: FileState, patients: pl.DataFrame, suspects: pl.DataFrame, typed_names: Iterable[str],
             parse: Callable[[Row, Collector], R | None],
             conflict_of: Callable[[Patient, R], tuple[str, Any, str] | None]) -> list[int]:
    """The lines of the flagged rows (``suspects``) that the row parser and the record's conflict
    rule accept after all; every other flagged row gets its problems, added to the file's."""
    accepted_lines: list[int] = []
    col = collector()
    owners = _patient_objects(patients, suspects.get_column("patient_id"))
    for values in text_frame(suspects, typed_names).iter_rows(named=True):
        r = row_of(f.raw, values, f.extra)
        record = parse(r, col)
        if record is None:
            continue
        conflict = conflict_of(owners[record.patient_id], record)
        if conflict:
            col.row(r, conflict[0], "rule", f"{described(conflict[0])}: {conflict[2]}")
            continue
        accepted_lines.append(r.line)
    f.problems.extend(col.problems)
    return accepted_lines


def _patient_objects(patients: pl.DataFrame, ids: pl.Series) -> dict[str, Patient]:
    """Patient objects for the few accepted patients a suspect row belongs to."""
    rows = patients.filter(pl.col("patient_id").is_in(ids.unique().implode()))
    return {r.patient.patient_id: r.patient for r in records_of(rows, rows.clear(), rows.clear(), with_rows=False)}


def load_population(f: FileState, out: list[Problem]) -> pl.DataFrame:
    """Accepted population rows. Rows whose cells are plainly right (an area code of 6, 9 or 12
    ASCII digits, a year and a count of digits in range) are taken by column; the others go
    through the row parser for its exact verdict. A repeated area and year is then refused on
    every line after the first accepted one."""
    col = collector()
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
        r = row_of(f.raw, values, f.extra)
        entry = parse_population(r, col)
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
