"""The §6 facts every programme table starts from, for one patient and for every patient.

A programme indicator counts registered patients in their home area on D, exactly as the §6
indicators do, so its facts begin with the §6 facts (:data:`smi_care.indicators.facts.FACTS`)
and add the economic status of the personal information supplement (§7.1). Both engines are
the §6 ones: :func:`base_patient_facts` for one record, :func:`base_facts` for the tables.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from smi_care.domain.records import PatientRecord
from smi_care.indicators.columnar import Tables
from smi_care.indicators.evaluate import DEFAULT_POLICY, EvaluationPolicy
from smi_care.indicators.facts import patient_facts
from smi_care.indicators.facts_table import facts_table
from smi_care.indicators.periods import Period
from smi_care.rules.status import Covers

#: Facts added to the §6 facts for the programme.
BASE_EXTRA = {"economic_status": ("code", "economic status code (§7.1: 1 贫困, 2 非贫困, 3 不详), null when not recorded")}


def base_patient_facts(record: PatientRecord, period: Period, covers: Covers,
                       policy: EvaluationPolicy = DEFAULT_POLICY) -> dict[str, Any]:
    """The §6 facts of one patient as a mapping, with ``economic_status``."""
    row = patient_facts(record, period, covers, policy.standard, policy.status, policy.classes).row()
    status = record.patient.economic_status
    row["economic_status"] = None if status is None else status.code
    return row


def base_facts(tables: Tables, period: Period, policy: EvaluationPolicy = DEFAULT_POLICY,
               covers: Covers | None = None) -> pl.DataFrame:
    """The §6 facts table of every patient, with ``economic_status`` (null where the patients
    table has no such column)."""
    facts = facts_table(tables.patients, tables.followups, tables.events, period, covers or tables.covers,
                        policy.standard, policy.status, policy.classes)
    pats = tables.patients
    status = (pats.select("patient_id", pl.col("economic_status").cast(pl.Int8)) if "economic_status" in pats.columns
              else pats.select("patient_id", economic_status=pl.lit(None, dtype=pl.Int8)))
    return facts.join(status, on="patient_id", how="left", maintain_order="left")
