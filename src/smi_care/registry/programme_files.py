"""The county programme's casework files: ``suspected_cases.csv``, ``assessments.csv`` and
``unlocking.csv`` (docs/registry-format.md, "Programme files"). Each is optional; when present
it is read with the v1 problem reporting (:mod:`smi_care.registry.optional`).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "suspected_cases.csv").write_text(
...     "case_id,reported_on,source,area_code,endangers_others,diagnosed_on,disorder\\n"
...     "S1,2025-07-03,3,360102001001,1,2025-07-20,1\\n"
...     "S2,2025-07-04,8,360102001001,0,,\\n", encoding="utf-8")
>>> load = read_suspected(d, patients=None)
>>> load.table.select("case_id", "source", "disorder").rows()
[('S1', 3, 1)]
>>> [(p.line, p.column, p.kind) for p in load.problems]
[(3, 'source', 'bad_code')]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from smi_care.domain.assessment import Assessment, AssessmentKind, InstitutionLevel
from smi_care.domain.campaign import UnlockingAction, UnlockingRecord
from smi_care.domain.codes import (
    Adherence,
    Classification,
    Disorder,
    Insight,
    OutpatientHistory,
    PhysicalIllness,
    Rating,
    Symptom,
    SymptomSeverity,
    WorkRating,
)
from smi_care.domain.errors import IdentityError
from smi_care.domain.identity import AreaCode, ResidentId
from smi_care.domain.suspected import ExclusionReason, SuspectedCase, SuspectSource
from smi_care.registry import cells
from smi_care.registry.cells import CellError, E
from smi_care.registry.columns import ASSESSMENTS, SUSPECTED_CASES, UNLOCKING
from smi_care.registry.optional import Column, FileSpec, OptionalLoad, Rule, read_optional
from smi_care.registry.reader import code_parser, codes_parser, parse_area


def _resident_id(text: str) -> str:
    try:
        return ResidentId.parse(text).value
    except IdentityError as exc:
        raise CellError("invalid_identity", f"is not a valid resident identity number: {exc}") from None


def _opt(kind: type[E], value: Any) -> E | None:
    return None if value is None else kind.from_code(value)


def _set(kind: type[E], value: Any) -> frozenset[E]:
    return frozenset(kind.from_code(p) for p in (value or "").split(";") if p.strip())


def suspected_case(row: Mapping[str, Any]) -> SuspectedCase:
    """The domain value of one typed row of ``suspected_cases.csv``."""
    rid = row.get("resident_id")
    return SuspectedCase(
        case_id=row["case_id"], reported_on=row["reported_on"], source=SuspectSource.from_code(row["source"]),
        area_code=AreaCode(row["area_code"]), endangers_others=bool(row.get("endangers_others") or False),
        screened_on=row.get("screened_on"), referred_on=row.get("referred_on"), diagnosed_on=row.get("diagnosed_on"),
        disorder=_opt(Disorder, row.get("disorder")), patient_id=row.get("patient_id") or None,
        enrolled_on=row.get("enrolled_on"), excluded_on=row.get("excluded_on"),
        exclusion_reason=_opt(ExclusionReason, row.get("exclusion_reason")),
        resident_id=ResidentId.parse(rid) if rid else None, name=row.get("name") or None)


def assessment(row: Mapping[str, Any]) -> Assessment:
    """The domain value of one typed row of ``assessments.csv``."""
    fh = row.get("family_history")
    return Assessment(
        patient_id=row["patient_id"], date=row["date"], kind=AssessmentKind.from_code(row["kind"]),
        risk_level=int(row["risk_level"]), institution_level=_opt(InstitutionLevel, row.get("institution_level")),
        symptoms=_set(Symptom, row.get("symptoms")), symptom_severity=_opt(SymptomSeverity, row.get("symptom_severity")),
        insight=_opt(Insight, row.get("insight")), physical_illness=_opt(PhysicalIllness, row.get("physical_illness")),
        adherence=_opt(Adherence, row.get("adherence")), social_function=_opt(Rating, row.get("social_function")),
        living_ability=_opt(Rating, row.get("living_ability")), work_ability=_opt(WorkRating, row.get("work_ability")),
        family_history=None if fh is None else bool(fh), first_onset_date=row.get("first_onset_date"),
        prior_treatment=_opt(OutpatientHistory, row.get("prior_treatment")),
        past_symptoms=_set(Symptom, row.get("past_symptoms")),
        classification=_opt(Classification, row.get("classification")))


def unlocking_record(row: Mapping[str, Any]) -> UnlockingRecord:
    return UnlockingRecord(row["patient_id"], row["date"], UnlockingAction.from_code(row["action"]))


c = pl.col
_PATH = ("reported_on", "screened_on", "referred_on", "diagnosed_on", "enrolled_on")


def _path_out_of_order() -> pl.Expr:
    broken = pl.lit(False)
    for i, later in enumerate(_PATH):
        for earlier in _PATH[:i]:
            broken = broken | (c(later) < c(earlier)).fill_null(False)
    return broken | (c("excluded_on") < c("reported_on")).fill_null(False)


def _enrolled() -> pl.Expr:
    return c("enrolled_on").is_not_null() | (c("patient_id").fill_null("") != "")


SUSPECTED_SPEC = FileSpec(
    SUSPECTED_CASES,
    (Column("case_id", None, required=True), Column("reported_on", cells.parse_date, "date", True),
     Column("source", code_parser(SuspectSource), "code", True), Column("area_code", parse_area, "area", True),
     Column("endangers_others", cells.parse_flag, "flag"), Column("screened_on", cells.parse_date, "date"),
     Column("referred_on", cells.parse_date, "date"), Column("diagnosed_on", cells.parse_date, "date"),
     Column("disorder", code_parser(Disorder), "code"), Column("patient_id", None),
     Column("enrolled_on", cells.parse_date, "date"), Column("excluded_on", cells.parse_date, "date"),
     Column("exclusion_reason", code_parser(ExclusionReason), "code"), Column("name", None),
     Column("resident_id", _resident_id, "raw")),
    key=("case_id",), patient_column="patient_id", patient_required=False,
    rules=(
        Rule("reported_on", _path_out_of_order, "the dates of the path are out of order (reported ≤ screened ≤ "
             "referred ≤ diagnosed ≤ enrolled)"),
        Rule("excluded_on", lambda: _enrolled() & (c("excluded_on").is_not_null()
                                                   | c("exclusion_reason").is_not_null()),
             "a suspected case is either enrolled or excluded, never both"),
        Rule("patient_id", lambda: _enrolled() & (c("enrolled_on").is_null() | (c("patient_id").fill_null("") == "")
                                                  | c("disorder").is_null()),
             "an enrolled case names its patient, its enrolment date and its diagnosis"),
        Rule("exclusion_reason", lambda: c("excluded_on").is_null() != c("exclusion_reason").is_null(),
             "an excluded case carries its date and its reason"),
        Rule("disorder", lambda: c("disorder").is_not_null() & c("diagnosed_on").is_null(),
             "a diagnosis needs its date (diagnosed_on)"),
        Rule("exclusion_reason", lambda: (c("exclusion_reason") == ExclusionReason.NOT_SEVERE_DISORDER.code)
             & c("disorder").is_not_null(), "says the diagnosis is not one of the six, but a disorder is given"),
        Rule("resident_id", lambda: (c("resident_id").is_not_null() & c("patient__resident_id").is_not_null()
                                     & (c("resident_id") != c("patient__resident_id"))),
             "differs from the resident identity number of the enrolled patient in patients.csv: the case and the "
             "patient must be the same person"),
        Rule("name", lambda: ((c("name").fill_null("") != "") & (c("patient__name").fill_null("") != "")
                              & (c("name") != c("patient__name"))),
             "differs from the name of the enrolled patient in patients.csv: the case and the patient must be the "
             "same person"),
    ),
    build=suspected_case,
    patient_fields=("resident_id", "name"),
)

ASSESSMENT_SPEC = FileSpec(
    ASSESSMENTS,
    (Column("patient_id", None, required=True), Column("date", cells.parse_date, "date", True),
     Column("kind", code_parser(AssessmentKind), "code", True),
     Column("institution_level", code_parser(InstitutionLevel), "code"),
     Column("risk_level", lambda t: cells.parse_int(t, 0, 5), "int", True),
     Column("symptoms", codes_parser(Symptom), "codes"), Column("symptom_severity", code_parser(SymptomSeverity), "code"),
     Column("insight", code_parser(Insight), "code"), Column("physical_illness", code_parser(PhysicalIllness), "code"),
     Column("adherence", code_parser(Adherence), "code"), Column("social_function", code_parser(Rating), "code"),
     Column("living_ability", code_parser(Rating), "code"), Column("work_ability", code_parser(WorkRating), "code"),
     Column("family_history", cells.parse_flag, "flag"), Column("first_onset_date", cells.parse_date, "date"),
     Column("prior_treatment", code_parser(OutpatientHistory), "code"),
     Column("past_symptoms", codes_parser(Symptom), "codes"),
     Column("classification", code_parser(Classification), "code")),
    key=("patient_id", "date", "kind"),
    rules=(
        Rule("institution_level", lambda: (c("kind") == AssessmentKind.COMPREHENSIVE.code)
             & (c("institution_level").is_null() | (c("institution_level") < InstitutionLevel.COUNTY.code)),
             "the comprehensive assessment at enrolment is made by a county-level or higher specialist institution"),
        Rule("date", lambda: c("date") < c("first_onset_date"), "must not be before first_onset_date"),
    ),
    build=assessment,
)

UNLOCKING_SPEC = FileSpec(
    UNLOCKING,
    (Column("patient_id", None, required=True), Column("date", cells.parse_date, "date", True),
     Column("action", code_parser(UnlockingAction), "code", True)),
    key=("patient_id", "date", "action"),
    build=unlocking_record,
)


def read_suspected(folder: str | Path, patients: pl.DataFrame | None, encoding: str | None = None) -> OptionalLoad:
    """``suspected_cases.csv`` (or ``.parquet``); ``patients`` is the accepted patients table."""
    return _read(folder, SUSPECTED_SPEC, patients, encoding)


def read_assessments(folder: str | Path, patients: pl.DataFrame | None, encoding: str | None = None) -> OptionalLoad:
    return _read(folder, ASSESSMENT_SPEC, patients, encoding)


def read_unlocking(folder: str | Path, patients: pl.DataFrame | None, encoding: str | None = None) -> OptionalLoad:
    return _read(folder, UNLOCKING_SPEC, patients, encoding)


def _read(folder: str | Path, spec: FileSpec, patients: pl.DataFrame | None, encoding: str | None) -> OptionalLoad:
    return read_optional(folder, spec, patients, encoding)


#: The specs of this module's files, in reading order.
PROGRAMME_SPECS: tuple[FileSpec, ...] = (SUSPECTED_SPEC, ASSESSMENT_SPEC, UNLOCKING_SPEC)
