"""The data-quality findings (national-rules §4), written once: over a registry's tables, at
column speed, and over one or many patient records by the same code.

:func:`quality_table` lists every finding of the registry's tables (kinds, patients, visits,
fields, recorded and expected values, reasons; patients in file order, follow-ups in §6 order)
with polars expressions over the follow-ups table. Apps holding records call
:func:`record_findings` (one patient) and :func:`records_findings` (many, in one pass): this
engine on the records' rows (:func:`~smi_care.rules.record_tables.record_tables`), so a
patient's findings in an app are the ones ``smi-care validate`` reports. Source:
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 随访评估 and 分类干预.

No rule is written twice: the §4 class of each completed follow-up comes from
:func:`~smi_care.rules.classification.classify` applied once per distinct set of inputs
(:mod:`smi_care.indicators.row_classes`), the latest next date from
:func:`~smi_care.rules.schedule.next_visit_date` applied once per distinct date and class, and
each finding is built by the rule's own constructors (:func:`~smi_care.rules.quality.missing_assessment`,
:func:`~smi_care.rules.quality.class_disagrees`, :func:`~smi_care.rules.quality.next_date_too_late`,
:func:`~smi_care.rules.quality.gap_too_long`) for the flagged rows only. The independent
per-patient loop the property tests compare this engine against is ``tests/oracle/quality.py``
(not product code; docs/architecture.md).

>>> import tempfile
>>> from smi_care.synth import generate
>>> from smi_care.registry import write_registry
>>> from smi_care.registry.tables import read_tables
>>> reg = generate(patients=60, seed=2)
>>> t = read_tables(write_registry(reg, tempfile.mkdtemp())).tables
>>> quality_table(t.patients, t.followups) == records_findings(reg)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from smi_care.domain.arguments import checked
from smi_care.domain.codes import Classification
from smi_care.domain.records import PatientRecord
from smi_care.indicators.facts_table import ordered_followups
from smi_care.indicators.row_classes import next_visit_dates, rule_classes
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.quality import (
    NATIONAL,
    Finding,
    QualityPolicy,
    class_disagrees,
    gap_too_long,
    missing_assessment,
    next_date_too_late,
)
from smi_care.rules.record_tables import record_tables
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import SchedulePolicy


def quality_frame(patients: pl.DataFrame, followups: pl.DataFrame, policy: QualityPolicy = NATIONAL,
                  schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                  classes: ClassificationPolicy = NATIONAL_CLASSES) -> pl.DataFrame:
    """The completed, classifiable follow-ups that have at least one finding, in the order the
    findings are listed, with what each finding needs: ``rule_class``, ``recorded_class``,
    ``latest`` (the latest next date the class allows), ``next_attempt`` and the flags
    ``missing``, ``disagrees``, ``too_late``, ``gap``."""
    c = pl.col
    order = patients.sort("row").select("patient_id", _p=pl.int_range(pl.len(), dtype=pl.Int64))
    f = ordered_followups(followups.join(order, on="patient_id", how="semi"), dt.date.max)
    f = f.with_columns(next_attempt=c("visit_date").shift(-1).over("patient_id"))
    done = f.filter(c("_completed"))
    done = done.with_columns(rule_class=rule_classes(done, classes)).filter(c("rule_class").is_not_null())
    effective = pl.coalesce("classification", "rule_class")
    done = done.with_columns(latest=next_visit_dates(done["visit_date"], done.select(effective).to_series(), schedule))
    allowed = c("latest") + pl.duration(days=policy.gap_grace_days)
    flagged = done.select(
        "patient_id", "visit_date", "_i", "rule_class", "latest", "next_attempt",
        recorded_class=c("classification"), next_visit_date=c("next_visit_date"),
        allowed=allowed,
        missing=c("classification").is_null(),
        disagrees=(c("classification") != c("rule_class")).fill_null(False),
        too_late=(c("next_visit_date") > c("latest")).fill_null(False),
        gap=(c("next_attempt") > allowed).fill_null(False),
    ).filter(c("missing") | c("disagrees") | c("too_late") | c("gap"))
    return (flagged.join(order, on="patient_id", how="left", maintain_order="left")
            .sort(["_p", "_i"]).drop("_p", "_i"))


def quality_table(patients: pl.DataFrame, followups: pl.DataFrame, policy: QualityPolicy = NATIONAL,
                  schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                  classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    """Every finding of the registry's tables, patients in file order (``row``) and each
    patient's follow-ups in §6 order."""
    kinds = {k.code: k for k in Classification}
    out: list[Finding] = []
    frame = quality_frame(patients, followups, policy, schedule, classes)
    for row in frame.iter_rows(named=True):
        pid, visit = row["patient_id"], row["visit_date"]
        rule = kinds[row["rule_class"]]
        if row["missing"]:
            out.append(missing_assessment(pid, visit, rule))
        elif row["disagrees"]:
            out.append(class_disagrees(pid, visit, kinds[row["recorded_class"]], rule))
        if row["too_late"]:
            out.append(next_date_too_late(pid, visit, row["next_visit_date"], row["latest"]))
        if row["gap"]:
            out.append(gap_too_long(pid, visit, row["next_attempt"], row["allowed"]))
    return out


@checked
def records_findings(records: Iterable[PatientRecord], policy: QualityPolicy = NATIONAL,
                     schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                     classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    """Every finding of many records in one pass of the engine: record by record in the order
    given, each record's follow-ups in §6 order (the batch call for an app's list of patients,
    and what :func:`smi_care.validation.validate` reports for the records read).

    >>> from smi_care.synth import generate
    >>> records_findings(generate(patients=20, seed=4))  # the generator records clean follow-ups
    []
    """
    t = record_tables(records)
    return quality_table(t.patients, t.followups, policy, schedule, classes)


@checked
def record_findings(record: PatientRecord, policy: QualityPolicy = NATIONAL,
                    schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                    classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    """One patient's findings, in follow-up order: :func:`quality_table` on the record's rows.

    >>> import attrs
    >>> from smi_care.domain import Classification
    >>> from smi_care.synth import generate
    >>> rec = next(iter(generate(patients=1, seed=4)))
    >>> last = attrs.evolve(rec.followups[-1], risk_level=4, classification=Classification.STABLE)
    >>> [f.kind for f in record_findings(attrs.evolve(rec, followups=(*rec.followups[:-1], last)))]
    ['class_disagrees']
    """
    return records_findings((record,), policy, schedule, classes)
