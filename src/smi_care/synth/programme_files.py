"""Synthetic casework files of the programme for a synthetic registry: suspected cases, assessments and
the unlocking campaign, derived from the patients and follow-ups already written.

Shares (assumptions; no source gives them): every patient registered from 2023 on comes from a
suspected case (reported 3–27 days before the diagnosis for about 85 %, 31–120 days for the
rest); for every ten enrolled cases about three more were excluded (diagnosis outside the six
disorders, no mental disorder, refused) and a few are still open, some past 30 days; about 8 %
endanger others (a 110 alert); sources mostly village committees, township hospitals and
police. Each new patient has a comprehensive assessment at a county or city institution on the
registration day, and about a third of patient-quarters a separate condition assessment.
Patients whose lock-up was ever recorded as 关锁 are found locked by the unlocking campaign;
about 70 % are released within 10–60 days, and about one in ten of those is locked again.

Rows are computed as columns from a hash of the patient or case identifier and the seed, so
the same seed gives the same bytes (with the same polars, whose hash this is) and a province
takes seconds.

>>> import tempfile
>>> from smi_care.synth import write_province
>>> folder = write_province(tempfile.mkdtemp(), patients=200, seed=3)
>>> [f for f in ("suspected_cases.csv", "assessments.csv", "unlocking.csv") if (folder / f).exists()]
['suspected_cases.csv', 'assessments.csv', 'unlocking.csv']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from smi_care.domain.assessment import AssessmentKind, InstitutionLevel
from smi_care.domain.campaign import UnlockingAction
from smi_care.domain.codes import Lockup
from smi_care.domain.suspected import ExclusionReason, SuspectSource
from smi_care.registry.columns import ASSESSMENTS, SUSPECTED_CASES, UNLOCKING

#: The first day of the synthetic history (the generator writes 2023–2025).
HISTORY_START = dt.date(2023, 1, 1)
HISTORY_END = dt.date(2025, 12, 31)
SUSPECTED_COLUMNS = ("case_id", "reported_on", "source", "area_code", "endangers_others", "screened_on",
                     "referred_on", "diagnosed_on", "disorder", "patient_id", "enrolled_on", "excluded_on",
                     "exclusion_reason", "name", "resident_id")


def _u(key: pl.Expr, seed: int, salt: int) -> pl.Expr:
    """A deterministic pseudo-random number in [0, 1) per row."""
    return (key.hash(seed * 1_000_003 + salt) % 1_000_000).cast(pl.Float64) / 1_000_000


def _days(base: pl.Expr, n: pl.Expr) -> pl.Expr:
    return base + pl.duration(days=n)


_SOURCES = (SuspectSource.VILLAGE_COMMITTEE, SuspectSource.TOWNSHIP_HOSPITAL, SuspectSource.POLICE,
            SuspectSource.FAMILY, SuspectSource.CIVIL_AFFAIRS, SuspectSource.DISABLED_FEDERATION, SuspectSource.SCHOOL)
_SOURCE_CUM = (0.30, 0.55, 0.75, 0.87, 0.93, 0.97, 1.0)


def _source(u: pl.Expr) -> pl.Expr:
    expr = pl.lit(_SOURCES[-1].code)
    for s, cum in reversed(list(zip(_SOURCES, _SOURCE_CUM, strict=True))[:-1]):
        expr = pl.when(u < cum).then(pl.lit(s.code)).otherwise(expr)
    return expr


def _as_csv(df: pl.DataFrame, path: Path) -> None:
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            out.append(pl.when(col).then(pl.lit("1")).otherwise(pl.lit("0")).alias(name))
        elif dtype == pl.Date:
            out.append(col.dt.strftime("%Y-%m-%d").alias(name))
        else:
            out.append(col.cast(pl.Utf8).alias(name))
    df.select(out).write_csv(path, line_terminator="\n")


def suspected_frame(patients: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Suspected cases: one enrolled case per patient registered from 2023 on, plus excluded and
    open cases."""
    c = pl.col

    def d(name: str) -> pl.Expr:
        return c(name).str.strptime(pl.Date, "%Y-%m-%d")
    new = patients.filter(d("registered_on") >= HISTORY_START)
    key = c("patient_id")
    slow = _u(key, seed, 1) < 0.15
    lag = pl.when(slow).then(31 + (_u(key, seed, 2) * 90).cast(pl.Int64)).otherwise(
        3 + (_u(key, seed, 2) * 25).cast(pl.Int64))
    diag = d("diagnosis_date")
    enrolled = new.select(
        case_id=pl.concat_str([pl.lit("S-"), key]), reported_on=_days(diag, -lag), source=_source(_u(key, seed, 3)),
        area_code=c("area_code"), endangers_others=_u(key, seed, 4) < 0.08,
        screened_on=_days(diag, -lag + lag // 4), referred_on=_days(diag, -lag // 2), diagnosed_on=diag,
        disorder=c("disorder").cast(pl.Int64), patient_id=key,
        enrolled_on=pl.max_horizontal(d("registered_on"), diag),
        excluded_on=pl.lit(None, dtype=pl.Date), exclusion_reason=pl.lit(None, dtype=pl.Int64),
        name=c("name"), resident_id=c("resident_id"))
    # excluded and open cases: about 0.35 per enrolled one, in the same villages
    others = new.filter(_u(key, seed, 5) < 0.35).select(
        key=pl.concat_str([pl.lit("X-"), key]), area_code=c("area_code"), base=diag)
    k = c("key")
    span = (HISTORY_END - HISTORY_START).days
    reported = pl.lit(HISTORY_START) + pl.duration(days=(_u(k, seed, 6) * span).cast(pl.Int64))
    state = _u(k, seed, 7)
    closed_after = (5 + _u(k, seed, 8) * 40).cast(pl.Int64)
    reason = pl.when(_u(k, seed, 9) < 0.45).then(pl.lit(ExclusionReason.NOT_SEVERE_DISORDER.code)).when(
        _u(k, seed, 9) < 0.75).then(pl.lit(ExclusionReason.NO_MENTAL_DISORDER.code)).when(
        _u(k, seed, 9) < 0.90).then(pl.lit(ExclusionReason.REFUSED.code)).otherwise(
        pl.lit(ExclusionReason.DUPLICATE.code))
    diagnosed_reason = reason.is_in([ExclusionReason.NOT_SEVERE_DISORDER.code, ExclusionReason.NO_MENTAL_DISORDER.code])
    open_ = (state >= 0.85) & (reported > pl.lit(HISTORY_END - dt.timedelta(days=150)))
    excluded = others.with_columns(reported_on=reported).select(
        case_id=k, reported_on=c("reported_on"), source=_source(_u(k, seed, 10)), area_code=c("area_code"),
        endangers_others=_u(k, seed, 11) < 0.08,
        screened_on=_days(c("reported_on"), pl.lit(2)),
        referred_on=pl.when(open_ & (state < 0.92)).then(None).otherwise(_days(c("reported_on"), pl.lit(4))),
        diagnosed_on=pl.when(~open_ & diagnosed_reason).then(_days(c("reported_on"), closed_after)).otherwise(None),
        disorder=pl.lit(None, dtype=pl.Int64), patient_id=pl.lit(None, dtype=pl.Utf8),
        enrolled_on=pl.lit(None, dtype=pl.Date),
        excluded_on=pl.when(open_).then(None).otherwise(_days(c("reported_on"), closed_after)),
        exclusion_reason=pl.when(open_).then(None).otherwise(reason),
        name=pl.lit(None, dtype=pl.Utf8), resident_id=pl.lit(None, dtype=pl.Utf8))
    excluded = excluded.with_columns(
        excluded_on=pl.when(c("excluded_on") > pl.lit(HISTORY_END)).then(None).otherwise(c("excluded_on")),
        diagnosed_on=pl.when(c("diagnosed_on") > pl.lit(HISTORY_END)).then(None).otherwise(c("diagnosed_on")))
    excluded = excluded.with_columns(exclusion_reason=pl.when(c("excluded_on").is_null()).then(None)
                                     .otherwise(c("exclusion_reason")),
                                     diagnosed_on=pl.when(c("excluded_on").is_null()).then(None)
                                     .otherwise(c("diagnosed_on")))
    both = pl.concat([enrolled.select(SUSPECTED_COLUMNS), excluded.select(SUSPECTED_COLUMNS)], how="vertical_relaxed")
    return both.sort("reported_on", "case_id")


def assessment_frame(patients: pl.DataFrame, seed: int) -> pl.DataFrame:
    """A comprehensive assessment for each patient registered from 2023 on, and condition
    assessments in about a third of patient-quarters after registration."""
    c = pl.col
    reg = c("registered_on").str.strptime(pl.Date, "%Y-%m-%d")
    key = c("patient_id")

    def risk(u: pl.Expr) -> pl.Expr:
        return pl.when(u < 0.70).then(0).when(u < 0.88).then(1).when(u < 0.96).then(2).when(u < 0.99).then(3) \
            .otherwise(4)
    comp = patients.filter(reg >= HISTORY_START).select(
        "patient_id", date=reg, kind=pl.lit(AssessmentKind.COMPREHENSIVE.code),
        institution_level=pl.when(_u(key, seed, 20) < 0.8).then(pl.lit(InstitutionLevel.COUNTY.code))
        .otherwise(pl.lit(InstitutionLevel.CITY.code)),
        risk_level=risk(_u(key, seed, 21)))
    quarters = pl.DataFrame({"q_start": [dt.date(y, m, 1) for y in (2023, 2024, 2025) for m in (1, 4, 7, 10)]})
    grid = patients.select("patient_id", _reg=reg).join(quarters, how="cross")
    qkey = pl.concat_str([c("patient_id"), pl.lit("|"), c("q_start").cast(pl.Utf8)])
    quarterly = grid.with_columns(date=_days(c("q_start"), (10 + _u(qkey, seed, 22) * 70).cast(pl.Int64))).filter(
        (_u(qkey, seed, 23) < 0.33) & (c("date") > c("_reg"))).select(
        "patient_id", "date", kind=pl.lit(AssessmentKind.QUARTERLY.code),
        institution_level=pl.lit(InstitutionLevel.TOWNSHIP.code), risk_level=risk(_u(qkey, seed, 24)))
    return pl.concat([comp, quarterly], how="vertical_relaxed").sort("patient_id", "date", "kind")


def unlocking_frame(patients: pl.DataFrame, followups: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Found locked (the first 关锁 recorded, or a day in 2023 for a past lock-up), released and relocked."""
    c = pl.col
    locked = str(Lockup.LOCKED.code)
    first = (followups.filter(c("lockup") == locked)
             .group_by("patient_id").agg(found=c("visit_date").min().str.strptime(pl.Date, "%Y-%m-%d")))
    past = patients.filter(c("past_lockup") == locked).select(
        "patient_id", found=pl.lit(HISTORY_START) + pl.duration(days=(_u(c("patient_id"), seed, 30) * 300)
                                                                .cast(pl.Int64)))
    found = pl.concat([first, past]).group_by("patient_id").agg(c("found").min()).sort("patient_id")
    key = c("patient_id")
    release = _days(c("found"), (10 + _u(key, seed, 31) * 50).cast(pl.Int64))
    relock = _days(c("released"), (30 + _u(key, seed, 32) * 200).cast(pl.Int64))
    steps = found.with_columns(released=pl.when(_u(key, seed, 33) < 0.7).then(release).otherwise(None))
    steps = steps.with_columns(relocked=pl.when(c("released").is_not_null() & (_u(key, seed, 34) < 0.1))
                               .then(relock).otherwise(None))
    rows = pl.concat([
        steps.select("patient_id", date=c("found"), action=pl.lit(UnlockingAction.FOUND_LOCKED.code)),
        steps.filter(c("released").is_not_null()).select("patient_id", date=c("released"),
                                                         action=pl.lit(UnlockingAction.RELEASED.code)),
        steps.filter(c("relocked").is_not_null()).select("patient_id", date=c("relocked"),
                                                         action=pl.lit(UnlockingAction.RELOCKED.code)),
    ])
    return rows.filter(c("date") <= HISTORY_END).sort("patient_id", "date", "action")


def write_programme_files(folder: str | Path, seed: int = 7) -> Path:
    """Write ``suspected_cases.csv``, ``assessments.csv`` and ``unlocking.csv`` beside the
    registry in ``folder`` (which must hold its ``patients.csv`` and ``followups.csv``)."""
    out = Path(folder)
    patients = pl.read_csv(out / "patients.csv", infer_schema=False)
    followups = pl.read_csv(out / "followups.csv", infer_schema=False, columns=["patient_id", "visit_date", "lockup"])
    _as_csv(suspected_frame(patients, seed), out / SUSPECTED_CASES)
    _as_csv(assessment_frame(patients, seed), out / ASSESSMENTS)
    _as_csv(unlocking_frame(patients, followups, seed), out / UNLOCKING)
    return out
