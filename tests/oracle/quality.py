"""The oracle of the data-quality findings: one patient's findings computed by a plain loop over the domain objects.

Not product code. The library writes the findings once, in the columnar engine
(:func:`smi_care.indicators.quality_table.quality_frame`; one record's findings are
:func:`~smi_care.indicators.quality_table.record_findings`, many records'
:func:`~smi_care.indicators.quality_table.records_findings`). This independent implementation,
written the way BPHS2017 随访评估 and 分类干预 read (national-rules §4), is what the property
tests (tests/test_quality_table.py) compare the engine against, finding by finding. The scalar
rules it needs (the §4 class of one follow-up, a date and a class to the next date) and the
findings' constructors are the library's own pure functions of :mod:`smi_care.rules`, which the
engine also applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from smi_care.domain.records import PatientRecord
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, classify, effective_class
from smi_care.rules.quality import (
    NATIONAL,
    Finding,
    QualityPolicy,
    class_disagrees,
    gap_too_long,
    missing_assessment,
    next_date_too_late,
)
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import SchedulePolicy, next_visit_date


def findings(record: PatientRecord, policy: QualityPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
             classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    """Every finding for one patient, in follow-up order (the record's, which is §6 order)."""
    out: list[Finding] = []
    pid = record.patient_id
    fus = record.followups
    for i, f in enumerate(fus):
        if not f.completed:
            continue
        rule = classify(f, classes).classification
        if rule is None:
            continue
        if f.classification is None:
            out.append(missing_assessment(pid, f.visit_date, rule))
        elif f.classification is not rule:
            out.append(class_disagrees(pid, f.visit_date, f.classification, rule))
        cls = effective_class(f, classes)
        assert cls is not None
        latest = next_visit_date(f.visit_date, cls, schedule)
        if f.next_visit_date is not None and f.next_visit_date > latest:
            out.append(next_date_too_late(pid, f.visit_date, f.next_visit_date, latest))
        if i + 1 < len(fus):
            nxt = fus[i + 1]
            allowed = latest + dt.timedelta(days=policy.gap_grace_days)
            if nxt.visit_date > allowed:
                out.append(gap_too_long(pid, f.visit_date, nxt.visit_date, allowed))
    return out


def registry_findings(records: Iterable[PatientRecord], policy: QualityPolicy = NATIONAL,
                      schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                      classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    """Every finding of the records, record by record."""
    return [x for r in records for x in findings(r, policy, schedule, classes)]
