"""What the comparison of readings (:mod:`smi_care.indicators.compare`) promises, in small cases
that each take milliseconds (docs/testing.md, "Score of the columnar engine (issue 25)"): a
refused comparison says exactly what is wrong, naming the variants and the names known.
"""

from __future__ import annotations

import re

import attrs
import pytest

from smi_care.domain import Registry
from smi_care.indicators import Period
from smi_care.indicators.compare import (
    CompareError,
    Variant,
    compare,
    definition_variants,
    over_followed_up,
    standard_variants,
)
from smi_care.indicators.definitions import REGISTERED, UNDER_MANAGEMENT
from tests.test_explain import tables_of

Y2025 = Period.year(2025)


def _refused(message: str) -> pytest.RaisesContext[CompareError]:
    return pytest.raises(CompareError, match="^" + re.escape(message) + "$")


def test_a_refused_comparison_says_what_is_wrong() -> None:
    tables = tables_of(Registry.of([]))
    with _refused("compare needs at least one variant"):
        compare(tables, Y2025, [])
    with _refused("every variant needs its own name: a, b, a"):
        compare(tables, Y2025, [Variant("a"), Variant("b"), Variant("a")])
    with _refused("variant 'b' has other indicators than 'a': a variant changes definitions, it keeps their "
                  "identifiers and order"):
        compare(tables, Y2025, [Variant("a"), Variant("b", indicators=())])
    with _refused("variant 'c' has other indicators than 'a': a variant changes definitions, it keeps their "
                  "identifiers and order"):
        compare(tables, Y2025, [Variant("a"), Variant("b"), Variant("c", indicators=Variant("a").indicators[::-1])])
    with _refused("no standard-management rule ' five'; known: four_followups, followups_and_health_check, "
                  "no_gap_over_3_months"):
        standard_variants([" five"])
    with _refused("no definition variant 'everyone '; known: registered, followed_up, with_admissions, "
                  "without_admissions"):
        definition_variants(["everyone "])


def test_variants_are_named_after_their_reading() -> None:
    assert [v.name for v in standard_variants([" four_followups", "no_gap_over_3_months "])] == [
        "four_followups", "no_gap_over_3_months"]
    assert [v.name for v in definition_variants([" followed_up", "without_admissions "])] == [
        "followed_up", "without_admissions"]


def test_over_followed_up_adds_the_managed_condition_once_and_only_over_registered_patients() -> None:
    # The "followed up" denominator: registered and under management; an indicator already over
    # managed patients, or not over registered ones, is left as it is.
    ind = next(i for i in Variant("a").indicators
               if REGISTERED in i.denominator and UNDER_MANAGEMENT not in i.denominator and not i.population_denominator)
    assert over_followed_up(ind).denominator == (*ind.denominator, UNDER_MANAGEMENT)
    managed = attrs.evolve(ind, denominator=(*ind.denominator, UNDER_MANAGEMENT))
    assert over_followed_up(managed) == managed
    elsewhere = attrs.evolve(ind, denominator=tuple(c for c in ind.denominator if c != REGISTERED))
    assert over_followed_up(elsewhere) == elsewhere
