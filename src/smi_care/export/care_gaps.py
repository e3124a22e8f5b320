"""The day's worklist as FHIR care gaps, in the shape of the Da Vinci DEQM gaps-in-care bundle
(HL7 Data Exchange for Quality Measures, "Gaps in Care Reporting").

One ``Bundle`` of type ``document`` per patient: a ``Composition`` (LOINC 96315-7, gaps in
care report) with a section per measure, the ``Patient`` (the pseudonymous id only), an
individual ``MeasureReport`` per measure the patient is in the denominator of, and a
``DetectedIssue`` with code ``CAREGAP`` per gap, its status in the ``gapStatus`` modifier
extension:

- **open-gap**: an item of the measure's kinds is due on or before the day (overdue or today);
- **prospective-gap**: the measure's items are all due later, within the worklist's horizon;
- **closed-gap**: no item, and the numerator holds in the period (the task was done).

A patient in a denominator with neither an item nor the numerator has a MeasureReport and no
gap. The measures are the indicators whose work the item kinds are (:data:`CARE_GAP_MEASURES`),
with the canonical URLs of :mod:`smi_care.export.fhir`; their denominators and numerators are
the indicators' own conditions over the programme facts
(:func:`~smi_care.programme.report.programme_facts`). Alerts, report deadlines, suspected cases
and guardian rewards are tasks, not gaps in a patient's care measure: they stay in the worklist.

The resources are plain dicts (JSON); the tests validate them with ``fhir.resources`` (R4B).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from smi_care.export.fhir import DEFAULT, POPULATION, FhirPolicy, measure_url
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.expr import as_column
from smi_care.indicators.periods import Period
from smi_care.programme.assessments import COMPREHENSIVE_INDICATOR, QUARTERLY_INDICATOR
from smi_care.programme.medication import MEDICATION_INDICATORS
from smi_care.programme.report import ProgrammeData, programme_facts
from smi_care.programme.teams import TEAM_INDICATORS
from smi_care.programme.worklist import NATIONAL, DayPolicies, day_worklist
from smi_care.rules.worklist import ItemKind

GAP_STATUS = "http://hl7.org/fhir/us/davinci-deqm/CodeSystem/gaps-status"
GAP_STATUS_EXTENSION = "http://hl7.org/fhir/us/davinci-deqm/StructureDefinition/extension-gapStatus"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
LOINC = "http://loinc.org"

_BY_ID = {i.id: i for i in (*STANDARD_INDICATORS, COMPREHENSIVE_INDICATOR, QUARTERLY_INDICATOR,
                            *MEDICATION_INDICATORS, *TEAM_INDICATORS)}

#: Each care-gap measure (an indicator) and the item kinds that are its open work.
CARE_GAP_MEASURES: tuple[tuple[Indicator, tuple[ItemKind, ...]], ...] = (
    (_BY_ID["management_rate"], (ItemKind.FOLLOWUP_OVERDUE, ItemKind.FIRST_FOLLOWUP_DUE, ItemKind.FOLLOWUP_DUE)),
    (_BY_ID["health_check_rate"], (ItemKind.HEALTH_CHECK_DUE,)),
    (QUARTERLY_INDICATOR, (ItemKind.ASSESSMENT_DUE,)),
    (COMPREHENSIVE_INDICATOR, (ItemKind.ENROLMENT_ASSESSMENT_MISSING,)),
    (_BY_ID["free_medication_four_times_rate"], (ItemKind.DISPENSINGS_SHORT,)),
    (_BY_ID["days_covered_80_rate"], (ItemKind.SUPPLY_RUNNING_OUT,)),
    (_BY_ID["key_patients_in_team_rate"], (ItemKind.KEY_PATIENT_NO_TEAM,)),
    (_BY_ID["team_review_on_time_rate"], (ItemKind.TEAM_REVIEW_OVERDUE,)),
)


def _all(conditions: Sequence[Any]) -> pl.Expr:
    out = pl.lit(True)
    for cond in conditions:
        out = out & as_column(cond.expr).fill_null(False)
    return out


def gap_table(data: ProgrammeData, on: dt.date, period: Period, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per patient and measure whose denominator holds: ``patient_id``, ``measure``
    (the indicator id), ``numerator``, ``status`` (``open-gap``, ``prospective-gap``,
    ``closed-gap`` or null: no gap) and ``reason`` (the reasons of the measure's items)."""
    facts, _ = programme_facts(data, period)
    parts: list[pl.DataFrame] = []
    for ind, kinds in CARE_GAP_MEASURES:
        if not all(c.id in facts.columns or _known(facts, c) for c in (*ind.denominator, *ind.numerator)):
            continue
        rows = facts.filter(_all(ind.denominator)).select("patient_id", numerator=_all(ind.numerator))
        items = (frame.filter(pl.col("kind").is_in([k.value for k in kinds]))
                 .group_by("patient_id", maintain_order=True)
                 .agg(_open=(pl.col("due") <= on).any(), reason=pl.col("reason_en").str.join("; ")))
        rows = rows.join(items, on="patient_id", how="left", maintain_order="left")
        parts.append(rows.select(
            "patient_id", measure=pl.lit(ind.id), numerator="numerator",
            status=pl.when(pl.col("_open")).then(pl.lit("open-gap"))
            .when(pl.col("_open").is_not_null()).then(pl.lit("prospective-gap"))
            .when(pl.col("numerator")).then(pl.lit("closed-gap")).otherwise(pl.lit(None, dtype=pl.String)),
            reason=pl.col("reason")))
    return pl.concat(parts) if parts else pl.DataFrame(
        schema={"patient_id": pl.String, "measure": pl.String, "numerator": pl.Boolean, "status": pl.String,
                "reason": pl.String})


def _known(facts: pl.DataFrame, cond: Any) -> bool:
    try:
        facts.head(0).select(as_column(cond.expr))
    except pl.exceptions.ColumnNotFoundError:
        return False
    return True


def _code(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code, **({"display": display} if display else {})}
    return {"coding": [coding]}


def patient_bundle(patient_id: str, rows: list[dict[str, Any]], on: dt.date, period: Period,
                   policy: FhirPolicy = DEFAULT) -> dict[str, Any]:
    """The gaps-in-care document of one patient from their :func:`gap_table` rows."""
    stamp = f"{on.isoformat()}T00:00:00+08:00"
    subject = {"reference": f"Patient/{patient_id}"}
    span = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    entries: list[dict[str, Any]] = [{"fullUrl": f"{policy.base}Patient/{patient_id}",
                                      "resource": {"resourceType": "Patient", "id": patient_id}}]
    sections: list[dict[str, Any]] = []
    for r in rows:
        ind = _BY_ID[r["measure"]]
        mr_id = f"{patient_id}-{ind.id.replace('_', '-')}"[:64]
        entries.append({"fullUrl": f"{policy.base}MeasureReport/{mr_id}", "resource": {
            "resourceType": "MeasureReport", "id": mr_id, "status": "complete", "type": "individual",
            "measure": measure_url(ind.id, policy), "subject": subject, "date": stamp, "period": span,
            "group": [{"population": [
                {"code": _code(POPULATION, "initial-population"), "count": 1},
                {"code": _code(POPULATION, "denominator"), "count": 1},
                {"code": _code(POPULATION, "numerator"), "count": int(bool(r["numerator"]))}]}]}})
        section: dict[str, Any] = {"title": f"{ind.zh} / {ind.en}", "focus": {"reference": f"MeasureReport/{mr_id}"}}
        if r["status"] is not None:
            di_id = f"{mr_id}-gap"[:64]
            issue = {"resourceType": "DetectedIssue", "id": di_id, "status": "final",
                     "modifierExtension": [{"url": GAP_STATUS_EXTENSION,
                                            "valueCodeableConcept": _code(GAP_STATUS, r["status"])}],
                     "code": _code(ACT_CODE, "CAREGAP", "Care Gaps"), "patient": subject,
                     "identifiedDateTime": stamp,
                     "evidence": [{"detail": [{"reference": f"MeasureReport/{mr_id}"}]}]}
            if r["reason"]:
                issue["detail"] = r["reason"]
            entries.append({"fullUrl": f"{policy.base}DetectedIssue/{di_id}", "resource": issue})
            section["entry"] = [{"reference": f"DetectedIssue/{di_id}"}]
        sections.append(section)
    composition = {"resourceType": "Composition", "id": f"{patient_id}-gaps"[:64], "status": "final",
                   "type": _code(LOINC, "96315-7", "Gaps in care report"), "subject": subject, "date": stamp,
                   "author": [{"display": "smi-care"}], "title": "Gaps in care report (严重精神障碍患者管理)",
                   "section": sections}
    return {"resourceType": "Bundle", "id": f"{patient_id}-{on.isoformat()}"[:64], "type": "document",
            "identifier": {"system": f"{policy.base}care-gaps", "value": f"{patient_id}-{on.isoformat()}"},
            "timestamp": stamp,
            "entry": [{"fullUrl": f"{policy.base}Composition/{composition['id']}", "resource": composition}, *entries]}


def care_gap_bundles(data: ProgrammeData, on: dt.date, within: int, period: Period,
                     policies: DayPolicies = NATIONAL, frame: pl.DataFrame | None = None,
                     patients: Sequence[str] | None = None, policy: FhirPolicy = DEFAULT) -> list[dict[str, Any]]:
    """A gaps-in-care document per patient with at least one gap (open, prospective or
    closed), in patient order; ``frame``: the day's worklist when already computed (its items
    are the open and prospective gaps); ``patients``: only these patients (an area's)."""
    items = day_worklist(data, on, within, policies) if frame is None else frame
    table = gap_table(data, on, period, items)
    if patients is not None:
        table = table.filter(pl.col("patient_id").is_in(list(patients)))
    with_gap = table.filter(pl.col("status").is_not_null())["patient_id"].unique()
    table = table.filter(pl.col("patient_id").is_in(with_gap.to_list())).sort("patient_id", maintain_order=True)
    return [patient_bundle(str(pid), part.to_dicts(), on, period, policy)
            for (pid,), part in table.group_by(["patient_id"], maintain_order=True)]
