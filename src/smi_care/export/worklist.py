"""The worklist where the work is done: cut to an area, grouped by township or village, each
item named and its next action in words (national-rules §2, §4, §5).

>>> from smi_care.synth import generate
>>> from smi_care.rules.worklist import worklist
>>> import datetime as dt
>>> reg = generate(patients=40, seed=1)
>>> rows = worklist_rows(worklist(reg, dt.date(2025, 6, 1), covers=reg.coverage()), reg, lang="en")
>>> sorted(rows[0])[:3]
['days_overdue', 'detail', 'due']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import PatientRecord, Registry
from smi_care.indicators.facts_table import map_unique
from smi_care.labels import Lang, item_kind, item_status, next_action
from smi_care.registry.areas import NO_NAMES, AreaNames
from smi_care.rules.worklist import WorkItem

#: The fields of a worklist row, in the order CSV and JSON give them.
WORKLIST_FIELDS = ("township", "village", "kind_name", "patient_id", "due", "status", "next_action",
                   "last_class_name", "last_risk", "kind", "last_class", "days_overdue", "detail")


def within_area(records: Iterable[PatientRecord], area: str) -> list[PatientRecord]:
    """The patients whose area code lies within ``area`` (any level)."""
    top = AreaCode(area)
    return [r for r in records if r.patient.area_code == top or r.patient.area_code.within(top)]


def patients_within(patients: pl.DataFrame, area: str) -> pl.DataFrame:
    """The rows of a patients table whose area code lies within ``area`` (any level), as
    :func:`within_area` chooses records."""
    top = AreaCode(area)
    inside = map_unique(patients.get_column("area_code"), lambda code: AreaCode(code).within(top), pl.Boolean)
    return patients.filter(inside.fill_null(False))


def homes(patients: pl.DataFrame) -> dict[str, str]:
    """Each patient's home area code (``patient_id`` → ``area_code``) from a patients table."""
    return dict(zip(patients.get_column("patient_id").to_list(), patients.get_column("area_code").to_list(),
                    strict=True))


def _area_at(code: AreaCode, level: AreaLevel) -> str:
    return code.at(level).code if code.level.value >= level.value else ""


def worklist_rows(items: Iterable[WorkItem], registry: Registry | Iterable[PatientRecord] | Mapping[str, str],
                  areas: AreaNames = NO_NAMES, lang: Lang = "zh") -> list[dict[str, Any]]:
    """One dict per item, in the items' order: township and village (code and name), the item
    kind (``kind`` its stable id, ``kind_name`` in words), patient, due date, status in words,
    next action, last class (``last_class`` its code, ``last_class_name`` its label) and risk.
    The patients' home areas come from the records, or from a mapping ``patient_id`` → area
    code (:func:`homes` of a patients table)."""
    where: Mapping[str, AreaCode | str] = (registry if isinstance(registry, Mapping) else
                                           {r.patient.patient_id: r.patient.area_code for r in registry})
    out: list[dict[str, Any]] = []
    for i in items:
        found = where.get(i.patient_id)
        code = AreaCode(found) if isinstance(found, str) else found
        town = _area_at(code, AreaLevel.TOWNSHIP) if code else ""
        village = _area_at(code, AreaLevel.VILLAGE) if code else ""
        out.append({
            "township": areas.label(town), "village": areas.label(village), "kind": i.kind.value,
            "kind_name": item_kind(i.kind.value, lang), "patient_id": i.patient_id, "due": i.due.isoformat(),
            "status": item_status(i.kind.value, i.due.isoformat(), i.days_overdue, i.detail, lang),
            "next_action": next_action(i.kind.value, lang),
            "last_class": i.last_class.code if i.last_class else None,
            "last_class_name": (i.last_class.label if lang == "zh" else i.last_class.name.lower().replace("_", " "))
            if i.last_class else "",
            "last_risk": i.last_risk, "days_overdue": i.days_overdue, "detail": i.detail,
        })
    return out


def grouped(rows: list[dict[str, Any]], by: str = "township") -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by ``township`` or ``village`` (groups sorted, rows kept in order)."""
    if by not in ("township", "village"):
        raise ValueError(f"a worklist is grouped by township or village, not {by!r}")
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r[by] or "-", []).append(r)
    return dict(sorted(out.items()))
