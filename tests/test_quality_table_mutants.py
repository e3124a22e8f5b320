"""Mutants of :mod:`smi_care.indicators.quality_table` that the worked examples did not kill
(docs/testing.md, "Mutation testing", sixth session): the caller's classification policy reaches
the §4 class the findings compare against (BPHS2017 分类干预; national-rules §4)."""

from __future__ import annotations

import datetime as dt

from smi_care.domain import Classification, Registry
from smi_care.indicators.quality_table import quality_table, record_findings, records_findings
from smi_care.rules.classification import ClassificationPolicy
from tests.helpers import D, record, visit
from tests.oracle.quality import registry_findings
from tests.test_engines_equal import tables_of

STRICT = ClassificationPolicy(unstable_risk_min=2)


def test_the_callers_classification_policy_sets_the_rule_class() -> None:
    """Risk 2 recorded basically stable: the national §4 rule agrees (risk 3 makes a follow-up
    unstable); with ``unstable_risk_min=2`` the rule's class is unstable and the record disagrees."""
    day = D(2025, 6, 1)
    rec = record(visit(day, risk_level=2, classification=Classification.BASICALLY_STABLE,
                       next_visit_date=day + dt.timedelta(days=14)))
    reg = Registry.of([rec])
    t = tables_of(reg)
    assert quality_table(t.patients, t.followups) == [] == registry_findings(reg)
    strict = quality_table(t.patients, t.followups, classes=STRICT)
    assert strict == registry_findings(reg, classes=STRICT)
    assert [(f.kind, f.patient_id, f.visit_date) for f in strict] == [("class_disagrees", "P1", day)]
    assert records_findings([rec], classes=STRICT) == strict == record_findings(rec, classes=STRICT)
    assert records_findings([rec]) == [] == record_findings(rec)


def test_the_frame_holds_what_each_finding_needs_and_no_helper_column() -> None:
    """The frame's columns are the ones its docstring names (the file-order key and the row index
    it sorts by are dropped): one row for the flagged follow-up."""
    from smi_care.indicators.quality_table import quality_frame

    reg = Registry.of([record(visit(D(2025, 6, 1), risk_level=4))])
    t = tables_of(reg)
    frame = quality_frame(t.patients, t.followups)
    assert frame.columns == ["patient_id", "visit_date", "rule_class", "latest", "next_attempt",
                             "recorded_class", "next_visit_date", "allowed", "missing", "disagrees",
                             "too_late", "gap"]
    assert frame.select("patient_id", "missing", "disagrees").rows() == [("P1", True, False)]
