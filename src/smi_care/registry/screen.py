"""The vectorised screen: each distinct cell text of a column parsed once by the per-row reader's
cell parser, giving the typed column and the mask of cells it rejects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Literal

import polars as pl

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    Consent,
    Disorder,
    EconomicStatus,
    Employment,
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
from smi_care.domain.legacy import adherence_from_2011, classification_from_2011, treatment_effect_from_2011
from smi_care.registry import cells
from smi_care.registry.cells import CellError
from smi_care.registry.frames import as_text
from smi_care.registry.row_parsers import code_parser, codes_parser, parse_area

Kind = Literal["code", "int", "date", "codes", "flag", "raw", "area", "text"]


def patient_specs() -> list[tuple[str, Callable[[str], Any], Kind]]:
    return [
        ("sex", code_parser(Sex), "code"), ("birth_date", cells.parse_date, "date"),
        ("area_code", parse_area, "area"), ("disorder", code_parser(Disorder), "code"),
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


def followup_specs(edition: FormEdition) -> list[tuple[str, Callable[[str], Any], Kind]]:
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


def screen_column(name: str, uniques: list[str], parse: Callable[[str], Any], kind: Kind
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


def required_empty(columns: Iterable[str]) -> pl.Expr:
    """A required cell is empty: ``""`` in a text column, null in a typed (Parquet) column."""
    return pl.any_horizontal(*((pl.col(c) == "") if c == "patient_id" else _empty(c) for c in columns))


def _empty(column: str) -> pl.Expr:
    col = pl.col(column)
    return col.is_null() | (col.cast(pl.Utf8) == "")


def screen_typed(name: str, uniques: list[Any], parse: Callable[[str], Any], kind: Kind, dtype: pl.DataType
                  ) -> tuple[pl.Expr, pl.Expr]:
    """As :func:`screen_column` for a column that is already typed (Parquet): each distinct
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
    exprs = [screen_column(f"{c}__text", u, parse, kind) if data.schema[c] == pl.Utf8
             else screen_typed(f"{c}__text", u, parse, kind, data.schema[c])
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
