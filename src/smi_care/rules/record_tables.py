"""Patient records as the small typed tables the columnar engine reads.

The columnar engine (:mod:`smi_care.rules.history`, :mod:`smi_care.indicators.facts_table`)
is the one home of every rule over a patient's history. An app, an audit or a test that holds
:class:`~smi_care.domain.records.PatientRecord` objects gets its answers by running that engine
on the records' rows: :func:`record_tables` turns the records into tables with the columns and
types of the registry format v1 as the registry reader gives them (codes as integers, dates as
dates, multi-code cells as text such as ``1;3``, ``row``: the place of the follow-up or event in
its record, which is date order with ties in record order).

>>> import datetime as dt
>>> from smi_care.domain import *
>>> p = Patient(patient_id="P1", sex=Sex.MALE, birth_date=dt.date(1980, 1, 2),
...             area_code=AreaCode("110105001002"), disorder=Disorder.SCHIZOPHRENIA,
...             diagnosis_date=dt.date(2020, 5, 1), registered_on=dt.date(2020, 5, 8), consent=Consent.REFUSED)
>>> visit = FollowUp("P1", dt.date(2025, 3, 1), FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
>>> t = record_tables([PatientRecord(p, (visit,))])
>>> t.patients.height, t.followups.select("hospitalisation", "row").rows(), t.events.height
(1, [(1, 0)], 0)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import polars as pl

from smi_care.domain.records import PatientRecord

#: The column types of the three tables (the registry reader's, for the columns the engine reads).
PATIENTS: dict[str, Any] = {
    "patient_id": pl.String, "sex": pl.Int8, "birth_date": pl.Date, "area_code": pl.String, "disorder": pl.Int8,
    "diagnosis_date": pl.Date, "registered_on": pl.Date, "consent": pl.Int8, "consent_date": pl.Date,
    "past_lockup": pl.Int8, "row": pl.UInt32}
FOLLOWUPS: dict[str, Any] = {
    "patient_id": pl.String, "visit_date": pl.Date, "form": pl.Int8, "seen": pl.String, "loss_reason": pl.Int8,
    "risk_level": pl.Int8, "symptoms": pl.String, "symptom_severity": pl.Int8, "insight": pl.Int8,
    "sf_self_care": pl.Int8, "sf_housework": pl.Int8, "sf_work": pl.Int8, "sf_learning": pl.Int8,
    "sf_social": pl.Int8, "acts": pl.String, "lockup": pl.Int8, "hospitalisation": pl.Int8, "adherence": pl.Int8,
    "adr": pl.Int8, "adr_serious": pl.Boolean, "physical_illness": pl.Int8, "classification": pl.Int8,
    "next_visit_date": pl.Date, "counselling": pl.Boolean, "row": pl.UInt32}
EVENTS: dict[str, Any] = {
    "patient_id": pl.String, "date": pl.Date, "event": pl.String, "detail": pl.String, "other_area": pl.String,
    "contract_end": pl.Date, "row": pl.UInt32}


@attrs.frozen
class RecordTables:
    """Patients, follow-ups and events of some records, as typed polars tables."""

    patients: pl.DataFrame
    followups: pl.DataFrame
    events: pl.DataFrame


def _code(v: Any) -> int | None:
    return None if v is None else int(v.code)


def _codes(values: Iterable[Any]) -> str | None:
    text = ";".join(str(v.code) for v in sorted(values, key=lambda v: v.code))
    return text or None


def _columns(names: Iterable[str]) -> dict[str, list[Any]]:
    return {name: [] for name in names}


def record_tables(records: Iterable[PatientRecord]) -> RecordTables:
    """The records as the engine's tables (rows in record order; ``row`` numbers each record's
    follow-ups and events from 0, so a row maps back to ``record.followups[row]``)."""
    pats, fus, evs = _columns(PATIENTS), _columns(FOLLOWUPS), _columns(EVENTS)
    for i, rec in enumerate(records):
        p = rec.patient
        for name, value in (("patient_id", p.patient_id), ("sex", p.sex.code), ("birth_date", p.birth_date),
                            ("area_code", p.area_code.code), ("disorder", p.disorder.code),
                            ("diagnosis_date", p.diagnosis_date), ("registered_on", p.registered_on),
                            ("consent", p.consent.code), ("consent_date", p.consent_date),
                            ("past_lockup", _code(p.past_lockup)), ("row", i)):
            pats[name].append(value)
        for j, f in enumerate(rec.followups):
            s = f.social
            acts = ";".join(f"{a.act.code}:{a.count}" for a in f.acts) or None
            for name, value in (
                    ("patient_id", f.patient_id), ("visit_date", f.visit_date), ("form", f.form.code),
                    ("seen", _codes(f.seen)), ("loss_reason", _code(f.loss_reason)), ("risk_level", f.risk_level),
                    ("symptoms", _codes(f.symptoms)), ("symptom_severity", _code(f.symptom_severity)),
                    ("insight", _code(f.insight)), ("sf_self_care", _code(s.self_care)),
                    ("sf_housework", _code(s.housework)), ("sf_work", _code(s.work)),
                    ("sf_learning", _code(s.learning)), ("sf_social", _code(s.social)), ("acts", acts),
                    ("lockup", _code(f.lockup)), ("hospitalisation", _code(f.hospitalisation)),
                    ("adherence", _code(f.adherence)), ("adr", _code(f.adr)), ("adr_serious", f.adr_serious),
                    ("physical_illness", _code(f.physical_illness)), ("classification", _code(f.classification)),
                    ("next_visit_date", f.next_visit_date), ("counselling", f.counselling), ("row", j)):
                fus[name].append(value)
        for j, e in enumerate(rec.events):
            for name, value in (("patient_id", e.patient_id), ("date", e.date), ("event", e.kind.text_code),
                                ("detail", e.detail or None),
                                ("other_area", e.other_area.code if e.other_area else None),
                                ("contract_end", e.contract_end), ("row", j)):
                evs[name].append(value)
    return RecordTables(pl.DataFrame(pats, schema=PATIENTS), pl.DataFrame(fus, schema=FOLLOWUPS),
                        pl.DataFrame(evs, schema=EVENTS))
