"""The worklist where the work is done: cut to an area, grouped by township or village, each
item named and its next action in words (national-rules §2, §4, §5).

>>> from smi_care.synth import generate
>>> from smi_care.indicators.worklist_table import records_worklist
>>> import datetime as dt
>>> reg = generate(patients=40, seed=1)
>>> rows = worklist_rows(records_worklist(reg, dt.date(2025, 6, 1), covers=reg.coverage()), reg, lang="en")
>>> sorted(rows[0])[:3]
['days_overdue', 'detail', 'due']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from smi_care.domain.codes import Classification
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import PatientRecord, Registry
from smi_care.export.cells import safe_text
from smi_care.export.terminal import display_width, pad
from smi_care.indicators.facts_table import map_unique
from smi_care.labels import Lang, item_kind, item_status, next_action
from smi_care.registry.areas import NO_NAMES, AreaNames
from smi_care.rules.worklist import KIND_TEXT, ItemKind, WorkItem

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


# --- the day's worklist table (smi_care.programme.worklist) ----------------------------------------

#: The fields of a row of the day's worklist, in the order CSV and JSON give them (the first
#: thirteen as :data:`WORKLIST_FIELDS`); ``doctor`` only when names are asked for.
DAY_FIELDS = (*WORKLIST_FIELDS, "urgency", "area_code", "area_name", "team_id", "reason", "rule")

#: Characters that make a spreadsheet read a text cell as a formula (CSV/formula injection).


def csv_safe(value: object) -> object:
    """A cell for CSV: text that a spreadsheet would read as a formula gets a leading ``'``.

    >>> csv_safe("=1+1"), csv_safe("-3 days"), csv_safe(-3), csv_safe("东湖")
    ("'=1+1", "'-3 days", -3, '东湖')
    """
    return safe_text(value) if isinstance(value, str) else value






def aligned(headers: list[str], rows: list[list[Any]]) -> list[str]:
    """A plain text table whose columns line up by display width (Chinese counts 2).

    >>> for line in aligned(["事项", "id"], [["随访逾期", "P1"], ["x", "P22"]]): print(line.rstrip())
    事项      id
    随访逾期  P1
    x         P22
    """
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    return ["  ".join(pad(v, w) for v, w in zip(row, widths, strict=True))
            for row in [list(headers), *rows]]


def day_rows(frame: pl.DataFrame, areas: AreaNames = NO_NAMES, lang: Lang = "zh", include_names: bool = False
             ) -> list[dict[str, Any]]:
    """One dict per item of a :func:`~smi_care.programme.worklist.day_worklist` table, in its
    order: the fields of :func:`worklist_rows` and the urgency, the area (code and name), the
    team, the reason in the language and the rule; the doctor only with ``include_names``."""
    kinds = {k.value: k for k in ItemKind}
    classes = {c.code: c for c in Classification}
    out: list[dict[str, Any]] = []
    for r in frame.iter_rows(named=True):
        kind = kinds[r["kind"]]
        code = AreaCode(r["area_code"]) if r["area_code"] else None
        town = _area_at(code, AreaLevel.TOWNSHIP) if code else ""
        village = _area_at(code, AreaLevel.VILLAGE) if code else ""
        cls = classes.get(r["last_class"]) if r["last_class"] is not None else None
        due = r["due"].isoformat()
        row = {
            "township": areas.label(town), "village": areas.label(village), "kind": kind.value,
            "kind_name": kind.label if lang == "zh" else kind.label_en, "patient_id": r["patient_id"], "due": due,
            "status": item_status(kind.value, due, r["days_overdue"], r["detail"] or "", lang),
            "next_action": KIND_TEXT[kind].action_zh if lang == "zh" else KIND_TEXT[kind].action_en,
            "last_class_name": (cls.label if lang == "zh" else cls.name.lower().replace("_", " ")) if cls else "",
            "last_class": r["last_class"], "last_risk": r["last_risk"], "days_overdue": r["days_overdue"],
            "detail": r["detail"] or "", "urgency": r["urgency"], "area_code": r["area_code"] or "",
            "area_name": areas.name(r["area_code"]) or "", "team_id": r["team_id"] or "",
            "reason": r["reason_zh"] if lang == "zh" else r["reason_en"], "rule": r["rule"],
        }
        if include_names:
            row["doctor"] = r["doctor"] or ""
        out.append(row)
    return out


def responsible(row: Mapping[str, Any]) -> str:
    """Who carries the item: the last follow-up's doctor when known (and shown), else the village."""
    return str(row.get("doctor") or row["village"] or row["township"] or "-")


_MORE_HEADERS = {"urgency": ("紧急程度", "urgency"), "team_id": ("个案管理小组", "team"), "rule": ("依据", "rule"),
                 "doctor": ("随访医生", "doctor"), "responsible": ("村医（村）", "village doctor (village)"),
                 "reason": ("原因", "reason"), "area_name": ("地区名称", "area name")}


def day_header(field: str, lang: Lang = "zh") -> str:
    """The heading of a worklist field (Chinese or English)."""
    from smi_care.labels import header

    pair = _MORE_HEADERS.get(field)
    return header(field, lang) if pair is None else pair[0 if lang == "zh" else 1]
