"""The worklist, the dates it lists and the quality findings of some records, asked of the engine that reports and
checked against the oracle on the way.

The boundary tables and worked examples of tests/test_rules_*.py call these: each answer is the
columnar engine's (:mod:`smi_care.indicators.worklist_table`, :mod:`smi_care.indicators.quality_table`,
the code ``smi-care worklist`` and ``smi-care validate`` run), and each call also asserts that
the independent per-patient loops of ``tests/oracle/`` give the same answer, so a boundary
pins both and the property tests that compare the two on random registries keep their meaning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from smi_care.domain.records import PatientRecord
from smi_care.indicators import due_dates
from smi_care.indicators.quality_table import record_findings, records_findings
from smi_care.indicators.worklist_table import record_items, records_worklist
from smi_care.rules.quality import Finding
from smi_care.rules.schedule import NextDue
from smi_care.rules.worklist import WorkItem
from tests.oracle import quality as quality_oracle
from tests.oracle import worklist as worklist_oracle


def worklist(records: Iterable[PatientRecord], on: dt.date, *args: Any, **kw: Any) -> list[WorkItem]:
    """:func:`~smi_care.indicators.worklist_table.records_worklist`, equal to the oracle's list."""
    records = list(records)
    got = records_worklist(records, on, *args, **kw)
    assert got == worklist_oracle.worklist(records, on, *args, **kw)
    return got


def patient_items(record: PatientRecord, on: dt.date, *args: Any, **kw: Any) -> list[WorkItem]:
    """:func:`~smi_care.indicators.worklist_table.record_items`, equal to the oracle's items."""
    got = record_items(record, on, *args, **kw)
    assert got == worklist_oracle.patient_items(record, on, *args, **kw)
    return got


def findings(record: PatientRecord, *args: Any, **kw: Any) -> list[Finding]:
    """:func:`~smi_care.indicators.quality_table.record_findings`, equal to the oracle's findings."""
    got = record_findings(record, *args, **kw)
    assert got == quality_oracle.findings(record, *args, **kw)
    return got


def registry_findings(records: Iterable[PatientRecord], *args: Any, **kw: Any) -> list[Finding]:
    """:func:`~smi_care.indicators.quality_table.records_findings`, equal to the oracle's findings."""
    records = list(records)
    got = records_findings(records, *args, **kw)
    assert got == quality_oracle.registry_findings(records, *args, **kw)
    return got


def next_due(record: PatientRecord, on: dt.date, *args: Any, **kw: Any) -> NextDue | None:
    """:func:`~smi_care.indicators.due_dates.next_due`, equal to the oracle's answer."""
    got = due_dates.next_due(record, on, *args, **kw)
    assert got == worklist_oracle.next_due(record, on, *args, **kw)
    return got


def health_check_due(record: PatientRecord, on: dt.date, *args: Any, **kw: Any) -> dt.date | None:
    """:func:`~smi_care.indicators.due_dates.health_check_due`, equal to the oracle's answer."""
    got = due_dates.health_check_due(record, on, *args, **kw)
    assert got == worklist_oracle.health_check_due(record, on, *args, **kw)
    return got
