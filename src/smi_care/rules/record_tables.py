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
    return None if v is None else v._value_  # an int code list's code (``.code`` without its check)


def _codes(values: Iterable[Any]) -> str | None:
    if not values:
        return None
    return ";".join(str(c) for c in sorted(v._value_ for v in values))


def record_tables(records: Iterable[PatientRecord]) -> RecordTables:
    """The records as the engine's tables (rows in record order; ``row`` numbers each record's
    follow-ups and events from 0, so a row maps back to ``record.followups[row]``)."""
    pats: list[tuple[Any, ...]] = []
    fus: list[tuple[Any, ...]] = []
    evs: list[tuple[Any, ...]] = []
    for i, rec in enumerate(records):
        p = rec.patient
        pats.append((p.patient_id, p.sex.code, p.birth_date, p.area_code.code, p.disorder.code, p.diagnosis_date,
                     p.registered_on, p.consent.code, p.consent_date, _code(p.past_lockup), i))
        for j, f in enumerate(rec.followups):
            s = f.social
            fus.append((f.patient_id, f.visit_date, f.form.code, _codes(f.seen), _code(f.loss_reason), f.risk_level,
                        _codes(f.symptoms), _code(f.symptom_severity), _code(f.insight), _code(s.self_care),
                        _code(s.housework), _code(s.work), _code(s.learning), _code(s.social),
                        ";".join(f"{a.act.code}:{a.count}" for a in f.acts) or None, _code(f.lockup),
                        _code(f.hospitalisation), _code(f.adherence), _code(f.adr), f.adr_serious,
                        _code(f.physical_illness), _code(f.classification), f.next_visit_date, f.counselling, j))
        for j, e in enumerate(rec.events):
            evs.append((e.patient_id, e.date, e.kind.text_code, e.detail or None,
                        e.other_area.code if e.other_area else None, e.contract_end, j))
    return RecordTables(_table(pats, PATIENTS), _table(fus, FOLLOWUPS), _table(evs, EVENTS))


def _table(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    # an empty table (a record without events or follow-ups, often) is a cleared copy of one
    # built once: building it from its schema costs more than the engine's whole query on it
    if not rows:
        return _EMPTY[id(schema)].clear()
    return pl.DataFrame(rows, schema=schema, orient="row")


_EMPTY = {id(schema): pl.DataFrame([], schema=schema, orient="row") for schema in (PATIENTS, FOLLOWUPS, EVENTS)}
