"""Edges of the worklist over the tables (:func:`smi_care.indicators.worklist_table.worklist_table`,
what ``smi-care worklist`` runs): a report-deadline item carries no class, even for a patient
seen before registration (WS2018 患者管理; docs/testing.md, "Mutation testing")."""

from __future__ import annotations

from smi_care.domain import Registry
from smi_care.indicators.worklist_table import worklist_table
from smi_care.rules.worklist import ItemKind
from tests.helpers import D, patient, record, visit
from tests.oracle.worklist import worklist
from tests.test_engines_equal import tables_of


def test_a_report_deadline_item_carries_no_class() -> None:
    on = D(2025, 6, 30)
    rec = record(visit(D(2025, 6, 26), "P4", risk_level=3),
                 p=patient("P4", diagnosis_date=D(2025, 6, 25), registered_on=D(2025, 7, 20),
                           consent_date=D(2025, 7, 20)))
    reg = Registry.of([rec])
    t = tables_of(reg)
    got = worklist_table(t.patients, t.followups, t.events, on)
    assert got == worklist(reg, on)
    items = [i for i in got if i.kind is ItemKind.REPORT_DEADLINE]
    assert len(items) == 1
    assert (items[0].last_class, items[0].last_risk) == (None, None)
