"""The quality findings computed over the registry's tables equal the per-patient findings, one by one.

Registries are generated with recorded classes that agree or disagree with the §4 rule or are
missing, recorded next dates before and after what the class allows, follow-ups that reached
nobody or found the patient in hospital, same-day follow-ups (ties broken by file order, which
only the ``row`` column gives: the tables are stored in reverse), and every policy parameter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from smi_care.domain import Classification, FollowUp, Registry
from smi_care.indicators.quality_table import quality_frame, quality_table, record_findings, records_findings
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.quality import NATIONAL as NATIONAL_QUALITY
from smi_care.rules.quality import QualityPolicy
from smi_care.rules.schedule import SchedulePolicy
from smi_care.synth.dirty import write_dirty
from smi_care.testing import registries as wide_registries
from smi_care.validation import validate, validate_tables
from tests.helpers import D, miss, patient, record, visit
from tests.oracle.quality import registry_findings
from tests.test_engines_equal import registries as dense_registries
from tests.test_engines_equal import tables_of

schedules = st.one_of(st.just(SchedulePolicy()), st.builds(
    SchedulePolicy, unstable_days=st.integers(1, 30), basically_stable_days=st.integers(1, 45),
    stable_months=st.integers(1, 6)))
class_policies = st.builds(ClassificationPolicy, st.integers(1, 5), st.booleans())
quality_policies = st.builds(QualityPolicy, st.integers(0, 30))

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(wide_registries(max_patients=6), dense_registries()), quality_policies, schedules, class_policies)
def test_table_findings_equal_patient_findings(reg: Registry, policy: QualityPolicy, schedule: SchedulePolicy,
                                               classes: ClassificationPolicy) -> None:
    t = tables_of(reg)
    expected = registry_findings(reg, policy, schedule, classes)
    assert quality_table(t.patients, t.followups, policy, schedule, classes) == expected
    # the record calls apps use (the records turned into tables in memory, not read from files)
    assert records_findings(reg, policy, schedule, classes) == expected
    assert [f for r in reg for f in record_findings(r, policy, schedule, classes)] == expected


def _both(*fus: FollowUp, policy: QualityPolicy = NATIONAL_QUALITY) -> list[str]:
    reg = Registry.of([record(*fus)])
    t = tables_of(reg)
    expected = registry_findings(reg, policy)
    assert quality_table(t.patients, t.followups, policy) == expected
    return [f.kind for f in expected]


@pytest.mark.parametrize(("nxt", "kinds"), [
    (D(2025, 6, 14), []), (D(2025, 6, 15), []), (D(2025, 6, 16), ["gap_too_long"])])
def test_boundary_gap_after_an_unstable_followup(nxt: dt.date, kinds: list[str]) -> None:
    """An unstable follow-up allows 14 days to the next attempt (reached or not)."""
    assert _both(visit(D(2025, 6, 1), risk_level=4, classification=Classification.UNSTABLE), miss(nxt)) == kinds


@pytest.mark.parametrize(("grace", "kinds"), [(0, ["gap_too_long"]), (1, []), (2, [])])
def test_boundary_gap_grace(grace: int, kinds: list[str]) -> None:
    assert _both(visit(D(2025, 6, 1), risk_level=4, classification=Classification.UNSTABLE), miss(D(2025, 6, 16)),
                 policy=QualityPolicy(grace)) == kinds


@pytest.mark.parametrize(("next_date", "kinds"), [
    (D(2025, 8, 31), []), (D(2025, 9, 1), []), (D(2025, 9, 2), ["next_date_too_late"])])
def test_boundary_next_date_after_a_stable_followup(next_date: dt.date, kinds: list[str]) -> None:
    """A stable follow-up allows three calendar months."""
    assert _both(visit(D(2025, 6, 1), classification=Classification.STABLE, next_visit_date=next_date)) == kinds


def test_class_findings_come_before_next_date_and_gap_findings() -> None:
    kinds = _both(visit(D(2025, 6, 1), risk_level=4, classification=Classification.STABLE,
                        next_visit_date=D(2025, 9, 20)), visit(D(2025, 10, 1), classification=Classification.STABLE))
    assert kinds == ["class_disagrees", "next_date_too_late", "gap_too_long"]


def test_missing_class_is_found_and_the_rule_class_used() -> None:
    assert _both(visit(D(2025, 6, 1), risk_level=4), visit(D(2025, 6, 10))) == ["missing_assessment",
                                                                                 "missing_assessment"]


def test_patients_come_in_file_order_and_the_frame_lists_flagged_rows_only() -> None:
    recs = [record(visit(D(2025, 6, 1), pid, risk_level=4), p=patient(pid)) for pid in ("P9", "P1", "P5")]
    reg = Registry.of(recs)
    t = tables_of(reg)
    got = quality_table(t.patients, t.followups)
    assert [f.patient_id for f in got] == ["P9", "P1", "P5"] == [f.patient_id for f in registry_findings(reg)]
    assert quality_frame(t.patients, t.followups).height == 3
    clean = Registry.of([record(visit(D(2025, 6, 1), classification=Classification.STABLE))])
    ct = tables_of(clean)
    assert quality_frame(ct.patients, ct.followups).height == 0


def test_validate_over_tables_equals_validate_on_the_dirty_demo(tmp_path: Path) -> None:
    """The planted errors of the dirty demo: the same problems and findings, in the same order."""
    folder, _ = write_dirty(tmp_path, patients=300, seed=7)
    objects, tables = validate(folder), validate_tables(folder)
    assert {f.kind for f in objects.findings} == {"class_disagrees", "gap_too_long", "missing_assessment",
                                                   "next_date_too_late"}
    assert tables.findings == objects.findings
    assert tables.problems == objects.problems
