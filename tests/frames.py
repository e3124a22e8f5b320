"""Registry tables built from domain objects, for tests that compare the two engines."""

from __future__ import annotations

from typing import Any

import polars as pl

from smi_care.domain.records import Registry
from smi_care.registry.cells import format_acts, format_codes

PATIENTS = {"patient_id": pl.String, "sex": pl.Int8, "birth_date": pl.Date, "area_code": pl.String,
            "disorder": pl.Int8, "diagnosis_date": pl.Date, "registered_on": pl.Date, "consent": pl.Int8,
            "past_lockup": pl.Int8, "row": pl.UInt32}
FOLLOWUPS = {"patient_id": pl.String, "visit_date": pl.Date, "form": pl.Int8, "seen": pl.String,
             "loss_reason": pl.Int8, "risk_level": pl.Int8, "symptoms": pl.String, "symptom_severity": pl.Int8,
             "insight": pl.Int8, "sf_self_care": pl.Int8, "sf_housework": pl.Int8, "sf_work": pl.Int8,
             "sf_learning": pl.Int8, "sf_social": pl.Int8, "acts": pl.String, "lockup": pl.Int8,
             "hospitalisation": pl.Int8, "adherence": pl.Int8, "adr": pl.Int8, "adr_serious": pl.Boolean,
             "physical_illness": pl.Int8, "classification": pl.Int8, "counselling": pl.Boolean, "row": pl.UInt32}
EVENTS = {"patient_id": pl.String, "date": pl.Date, "event": pl.String, "detail": pl.String,
          "other_area": pl.String, "contract_end": pl.Date, "row": pl.UInt32}


def _code(v: Any) -> int | None:
    return None if v is None else int(v.code)


def frames_of(registry: Registry) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Patients, follow-ups and events as typed tables, rows in record order."""
    pats: list[dict[str, Any]] = []
    fus: list[dict[str, Any]] = []
    evs: list[dict[str, Any]] = []
    for rec in registry:
        p = rec.patient
        pats.append({"patient_id": p.patient_id, "sex": p.sex.code, "birth_date": p.birth_date,
                     "area_code": p.area_code.code, "disorder": p.disorder.code, "diagnosis_date": p.diagnosis_date,
                     "registered_on": p.registered_on, "consent": p.consent.code, "past_lockup": _code(p.past_lockup),
                     "row": len(pats)})
        for f in rec.followups:
            s = f.social
            fus.append({"patient_id": f.patient_id, "visit_date": f.visit_date, "form": f.form.code,
                        "seen": format_codes(f.seen) or None, "loss_reason": _code(f.loss_reason),
                        "risk_level": f.risk_level, "symptoms": format_codes(f.symptoms) or None,
                        "symptom_severity": _code(f.symptom_severity), "insight": _code(f.insight),
                        "sf_self_care": _code(s.self_care), "sf_housework": _code(s.housework),
                        "sf_work": _code(s.work), "sf_learning": _code(s.learning), "sf_social": _code(s.social),
                        "acts": format_acts(f.acts) or None, "lockup": _code(f.lockup),
                        "hospitalisation": _code(f.hospitalisation), "adherence": _code(f.adherence),
                        "adr": _code(f.adr), "adr_serious": f.adr_serious,
                        "physical_illness": _code(f.physical_illness), "classification": _code(f.classification),
                        "counselling": f.counselling, "row": len(fus)})
        for e in rec.events:
            evs.append({"patient_id": e.patient_id, "date": e.date, "event": e.kind.text_code,
                        "detail": str(e.emergency.code) if e.emergency else "",
                        "other_area": e.other_area.code if e.other_area else None, "contract_end": e.contract_end,
                        "row": len(evs)})
    return (pl.DataFrame(pats, schema=PATIENTS), pl.DataFrame(fus, schema=FOLLOWUPS),
            pl.DataFrame(evs, schema=EVENTS))
