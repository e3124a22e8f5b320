"""Writer of the registry interchange format v1.

``read_registry(write_registry(reg, d, include_identifying=True))`` gives back ``reg``: local
columns survive, rows of one patient keep their order. Identifying columns (name, resident_id,
guardian name, phone and address) are written only when the caller asks for them with
``include_identifying=True`` (national-rules §10); otherwise they are left empty.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from smi_care.domain.codes import CodedEnum
from smi_care.domain.events import Event
from smi_care.domain.followup import FollowUp
from smi_care.domain.patient import Patient
from smi_care.domain.records import Registry
from smi_care.registry import cells
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
)
from smi_care.registry.partitioned import MARKER, PARTITION_KEY, partition_county, partition_folders, split_tables

Cells = dict[str, str]


def _c(value: CodedEnum | None) -> str:
    return "" if value is None else str(value.code)


def _d(value: object) -> str:
    return "" if value is None else value.isoformat()  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from smi_care.registry.tables import RegistryTables


def patient_cells(p: Patient, include_identifying: bool) -> Cells:
    row = {
        "patient_id": p.patient_id,
        "name": p.name or "",
        "resident_id": p.resident_id.value if p.resident_id else "",
        "sex": _c(p.sex), "birth_date": _d(p.birth_date), "area_code": p.area_code.code,
        "household_type": _c(p.household_type), "employment": _c(p.employment),
        "economic_status": _c(p.economic_status), "disorder": _c(p.disorder),
        "diagnosis_date": _d(p.diagnosis_date), "registered_on": _d(p.registered_on), "consent": _c(p.consent),
        "consent_date": _d(p.consent_date), "guardian_name": p.guardian.name or "",
        "guardian_phone": p.guardian.phone or "", "guardian_address": p.guardian.address or "",
        "guardian_relation": p.guardian.relation or "", "past_lockup": _c(p.past_lockup),
        "first_onset_date": _d(p.first_onset_date), "past_symptoms": cells.format_codes(p.past_symptoms),
        "past_outpatient": _c(p.past_outpatient), "first_antipsychotic_date": _d(p.first_antipsychotic_date),
        "past_admissions": "" if p.past_admissions is None else str(p.past_admissions),
        "last_treatment_effect": _c(p.last_treatment_effect), "past_acts": cells.format_acts(p.past_acts),
        "diagnosing_hospital": p.diagnosing_hospital or "", "specialist_opinion": p.specialist_opinion or "",
        "village_contact": p.village_contact or "", "village_phone": p.village_phone or "",
    }
    if not include_identifying:
        for col in PII_COLUMNS:
            row[col] = ""
    row.update(p.extras)
    return row


def followup_cells(f: FollowUp, include_identifying: bool = True) -> Cells:
    s = f.social
    row = {
        "patient_id": f.patient_id, "visit_date": _d(f.visit_date), "form": _c(f.form),
        "seen": cells.format_codes(f.seen), "loss_reason": _c(f.loss_reason),
        "risk_level": "" if f.risk_level is None else str(f.risk_level),
        "symptoms": cells.format_codes(f.symptoms), "symptom_severity": _c(f.symptom_severity),
        "insight": _c(f.insight), "sleep": _c(f.sleep), "diet": _c(f.diet), "sf_self_care": _c(s.self_care),
        "sf_housework": _c(s.housework), "sf_work": _c(s.work), "sf_learning": _c(s.learning),
        "sf_social": _c(s.social), "acts": cells.format_acts(f.acts), "lockup": _c(f.lockup),
        "hospitalisation": _c(f.hospitalisation), "last_discharge_date": _d(f.last_discharge_date),
        "adherence": _c(f.adherence), "adr": _c(f.adr),
        "adr_serious": "" if f.adr_serious is None else str(int(f.adr_serious)),
        "physical_illness": _c(f.physical_illness), "treatment_effect": _c(f.treatment_effect),
        "referral": _c(f.referral), "rehabilitation": cells.format_codes(f.rehabilitation),
        "classification": _c(f.classification), "next_visit_date": _d(f.next_visit_date),
        "counselling": "1" if f.counselling else "", "lab_tests": _c(f.lab_tests),
        "medications": cells.format_medications(f.medications),
        "medication_guidance": cells.format_medications(f.medication_guidance),
        "lab_text": f.lab_text or "", "adr_text": f.adr_text or "", "referral_reason": f.referral_reason or "",
        "referral_institution": f.referral_institution or "", "referral_department": f.referral_department or "",
        "doctor": (f.doctor or "") if include_identifying else "",
    }
    row.update(f.extras)
    return row


def event_cells(e: Event) -> Cells:
    row = {"patient_id": e.patient_id, "date": _d(e.date), "event": e.kind.text_code, "detail": e.detail}
    row.update(e.extras)
    return row


def _header(base: Sequence[str], extensions: Sequence[str], rows: Sequence[Cells]) -> list[str]:
    header = list(base)
    header += [c for c in extensions if any(r.get(c) for r in rows)]
    known = set(base) | set(extensions)
    for r in rows:
        for c in r:
            if c not in known and c not in header:
                header.append(c)
    return header


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Cells]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(c, "") for c in header])


def write_registry(registry: Registry, folder: str | Path, *, include_identifying: bool = False) -> Path:
    """Write ``registry`` into ``folder`` (created if needed) as format v1 with current
    (``WS2018``) codes. Returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    records = list(registry)
    prow = [patient_cells(r.patient, include_identifying) for r in records]
    frow = [followup_cells(f, include_identifying) for r in records for f in r.followups]
    erow = [event_cells(e) for r in records for e in r.events]
    poprow = [{"area_code": p.area_code.code, "year": str(p.year), "population": str(p.population), **dict(p.extras)}
              for p in registry.population]
    write_csv(folder / PATIENTS, _header(PATIENT_COLUMNS, PATIENT_EXTENSIONS, prow), prow)
    write_csv(folder / FOLLOWUPS, _header(FOLLOWUP_COLUMNS, FOLLOWUP_EXTENSIONS, frow), frow)
    write_csv(folder / EVENTS, _header(EVENT_COLUMNS, (), erow), erow)
    write_csv(folder / POPULATION, _header(POPULATION_COLUMNS, (), poprow), poprow)
    (folder / "registry.toml").write_text('format_version = 1\nedition = "WS2018"\n', encoding="utf-8")
    return folder


def write_partitioned(tables: RegistryTables, folder: str | Path, *, format: Literal["csv", "parquet"] = "parquet",
                      include_identifying: bool = False) -> dict[str, int]:
    """Write ``tables`` partitioned by county (:mod:`smi_care.registry.partitioned`): one
    sub-folder ``county=NNNNNN`` per county, each a complete registry folder written by
    :func:`~smi_care.registry.tables.write_tables` (Parquet with column statistics, zstd), and
    ``partitioned.toml`` at the top. Partition folders of counties no longer present are removed,
    so the folder holds exactly this registry. Returns the patients written per county.

    >>> import tempfile
    >>> from smi_care.registry import read_tables
    >>> from smi_care.synth.province import ProvinceShape, write_province
    >>> source = write_province(tempfile.mkdtemp(), patients=60, shape=ProvinceShape(patients_per_county=30))
    >>> whole = read_tables(source).tables
    >>> out = tempfile.mkdtemp()
    >>> write_partitioned(whole, out)
    {'360102': 30, '360103': 30}
    >>> read_tables(Path(out) / "county=360102").tables.patients.height
    30
    >>> read_tables(out).tables.followups.height == whole.followups.height
    True
    """
    from smi_care.registry.tables import write_tables

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = split_tables(tables)
    for old in partition_folders(folder):
        if partition_county(old) not in parts:
            shutil.rmtree(old)
    written: dict[str, int] = {}
    for county, frames in parts.items():
        part = attrs.evolve(tables, patients=frames["patients"], followups=frames["followups"],
                            events=frames["events"], population=frames["population"])
        write_tables(part, folder / f"{PARTITION_KEY}={county}", format=format, include_identifying=include_identifying)
        written[county] = frames["patients"].height
    (folder / MARKER).write_text(f'partitioned_by = "{PARTITION_KEY}"\nformat = "{format}"\n', encoding="utf-8")
    return written
