"""An explanation, a trend and a comparison read only their reports' columns (issue 19.2:
``rule_columns.explain_columns``, ``compare_columns``): on a projected read they give the full
read's answer, for any choice of indicators, breakdown and readings; a column their
indicators need, left out, changes the answer or raises (the check can fail)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi_care.indicators.compare import compare, definition_variants, standard_variants
from smi_care.indicators.definitions import STANDARD_INDICATORS, by_id
from smi_care.indicators.evaluate import parse_by
from smi_care.indicators.explain import explain
from smi_care.indicators.periods import Period
from smi_care.indicators.rule_columns import compare_columns, explain_columns
from smi_care.indicators.trend import trend
from smi_care.registry import read_tables, write_registry
from smi_care.synth import generate

IDS = [i.id for i in STANDARD_INDICATORS]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_registry(generate(patients=300, seed=31), tmp_path_factory.mktemp("explaincols"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.sampled_from(IDS), min_size=1, max_size=4, unique=True),
       by=st.sampled_from([None, "township", "county", "sex", "age", "disorder"]),
       periods=st.sampled_from([("2025Q1", "2025Q2"), ("2024", "2025"), ("2025Q2", "2025Q4")]))
def test_an_explanation_on_its_columns_equals_the_full_read(folder: Path, ids: list[str], by: str | None,
                                                            periods: tuple[str, str]) -> None:
    inds = tuple(by_id(i) for i in ids)
    b = parse_by(by)
    full = read_tables(folder).tables
    projected = read_tables(folder, columns=explain_columns(inds, [b])).tables
    start, end = (Period.parse(p) for p in periods)
    assert explain(projected, start, end, b, inds) == explain(full, start, end, b, inds)
    assert trend(projected, "2025Q1..2025Q3", b, inds) == trend(full, "2025Q1..2025Q3", b, inds)


@pytest.mark.parametrize("variants", [
    standard_variants(["four_followups", "followups_and_health_check", "no_gap_over_3_months"]),
    definition_variants(["registered", "followed_up"]),
    definition_variants(["with_admissions", "without_admissions"]),
])
def test_a_comparison_on_its_columns_equals_the_full_read(folder: Path, variants: list[object]) -> None:
    b = parse_by("township")
    columns = compare_columns([(v.indicators, v.policy) for v in variants], [b])  # type: ignore[attr-defined]
    projected = read_tables(folder, columns=columns).tables
    period = Period.parse("2025")
    assert compare(projected, period, variants, b) == compare(read_tables(folder).tables, period, variants, b)  # type: ignore[arg-type]


def test_the_health_check_reading_reads_more_than_four_followups() -> None:
    """The standard under "follow-ups and health check" reads the events the plain one does not
    need, so the comparison's columns are those of every reading, not the first's."""
    four, with_check = standard_variants(["four_followups", "followups_and_health_check"])
    alone = compare_columns([(four.indicators, four.policy)])
    both = compare_columns([(four.indicators, four.policy), (with_check.indicators, with_check.policy)])
    assert all(alone[f] <= both[f] for f in alone)


def test_a_column_the_indicators_need_left_out_changes_the_answer(folder: Path) -> None:
    """The equality above can fail: without the follow-ups' counselling column the counselling
    rate is not the full read's (a column the reader pairs with no other, so leaving it out of
    the list leaves it unread)."""
    inds = (by_id("counselling_rate"),)
    columns = explain_columns(inds)
    assert "counselling" in columns["followups.csv"]
    short = {**columns, "followups.csv": columns["followups.csv"] - {"counselling"}}
    start, end = Period.parse("2025Q1"), Period.parse("2025Q4")
    full = explain(read_tables(folder).tables, start, end, None, inds)
    assert explain(read_tables(folder, columns=short).tables, start, end, None, inds) != full
