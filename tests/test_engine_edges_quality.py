"""Edges of the quality findings over the tables (:func:`smi_care.indicators.quality_table.quality_table`,
what ``smi-care validate`` runs): a follow-up without a recorded class is judged by the §4
rule's class, and the caller's schedule sets the latest next date (BPHS2017 随访评估, 分类干预;
docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import pytest

from smi_care.domain import Classification, Registry
from smi_care.indicators.quality_table import quality_table
from smi_care.rules.schedule import NATIONAL, SchedulePolicy
from tests.helpers import D, record, visit
from tests.oracle.quality import registry_findings
from tests.test_engines_equal import tables_of


def kinds(reg: Registry, schedule: SchedulePolicy = NATIONAL) -> list[str]:
    t = tables_of(reg)
    got = quality_table(t.patients, t.followups, schedule=schedule)
    assert got == registry_findings(reg, schedule=schedule)
    return [f.kind for f in got]


def test_a_missing_class_is_judged_by_the_rules_class_for_the_next_date() -> None:
    """No recorded class, risk 0 (stable by the rule): a next date four months on is too late."""
    reg = Registry.of([record(visit(D(2025, 6, 1), next_visit_date=D(2025, 10, 1)))])
    assert kinds(reg) == ["missing_assessment", "next_date_too_late"]


@pytest.mark.parametrize(("months", "found"), [(3, ["next_date_too_late"]), (4, [])])
def test_the_callers_schedule_sets_the_latest_next_date(months: int, found: list[str]) -> None:
    reg = Registry.of([record(visit(D(2025, 6, 1), classification=Classification.STABLE,
                                    next_visit_date=D(2025, 10, 1)))])
    assert kinds(reg, SchedulePolicy(stable_months=months)) == found


def test_rule_classes_read_missing_and_recorded_social_ratings() -> None:
    """The §4 class of rows (patient in hospital now, so ratings may be missing) whose
    social-function ratings are all, some or none recorded (a missing rating is missing, a recorded one is read), equals
    classify on each row's follow-up."""
    import polars as pl

    from smi_care.indicators.facts_table import followup_of
    from smi_care.indicators.row_classes import rule_classes
    from smi_care.rules.classification import classify
    from smi_care.rules.record_tables import record_tables

    social = ("sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social")
    from smi_care.domain import Hospitalisation

    base = record_tables([record(visit(D(2025, 6, 1)))]).followups.with_columns(
        hospitalisation=pl.lit(Hospitalisation.IN_HOSPITAL_NOW.code, pl.Int8))  # ratings may be missing
    rows = pl.concat([
        base,
        base.with_columns(pl.lit(3, pl.Int8).alias(c) for c in social),
        base.with_columns(pl.lit(None, pl.Int8).alias(c) for c in social[1:]),
        base.with_columns(pl.lit(None, pl.Int8).alias(c) for c in social),
    ]).with_columns(row=pl.int_range(4, dtype=pl.UInt32))
    expected = []
    for row in rows.iter_rows(named=True):
        cls = classify(followup_of(row)).classification
        expected.append(None if cls is None else cls.code)
    assert len(set(expected)) > 1
    assert rule_classes(rows).to_list() == expected
