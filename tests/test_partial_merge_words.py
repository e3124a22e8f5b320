"""What a refused merge of two partials says, word for word (indicators/partial.py): the clerk who
merges county partials reads this sentence to find which file was made differently, so every
part of it is pinned — which breakdown is whose, which indicators only one side has, and which
definitions differ."""

from __future__ import annotations

import hashlib
import re

import attrs
import pytest

from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Partial, PartialMergeError, Period
from smi_care.indicators.definitions import STANDARD_INDICATORS
from smi_care.indicators.partial import AgeBands, EvaluationPolicy, source_of

P = Period.parse("2025")
FIRST, SECOND, THIRD = STANDARD_INDICATORS[0], STANDARD_INDICATORS[1], STANDARD_INDICATORS[2]
POLICY = EvaluationPolicy()


def partial(**changes: object) -> Partial:
    base = Partial(P, None, (FIRST, SECOND), POLICY, {})
    return attrs.evolve(base, **changes)


def refusal(a: Partial, b: Partial) -> str:
    with pytest.raises(PartialMergeError) as caught:
        a.merge(b)
    text = str(caught.value)
    prefix = ("only partials of the same period, breakdown, policy and indicators can be merged; "
              "these differ in ")
    assert text.startswith(prefix), text
    return text[len(prefix):]


@pytest.mark.parametrize(("a", "b", "said"), [
    (partial(), partial(by=AreaLevel.TOWNSHIP), "breakdown total vs township"),
    (partial(by=AreaLevel.TOWNSHIP), partial(), "breakdown township vs total"),
    (partial(indicators=(FIRST, SECOND, THIRD)), partial(),
     f"indicators (only in the first: {THIRD.id})"),
    (partial(), partial(indicators=(FIRST, SECOND, THIRD)),
     f"indicators (only in the second: {THIRD.id})"),
    (partial(indicators=(FIRST, THIRD)), partial(indicators=(FIRST, SECOND)),
     f"indicators (only in the first: {THIRD.id}, only in the second: {SECOND.id})"),
    (partial(indicators=(SECOND, FIRST)), partial(),
     "indicators (the same indicators, with another definition or order)"),
    (partial(indicators=(FIRST, attrs.evolve(SECOND, zh="改过的名称"))), partial(),
     f"indicators (other definitions of {SECOND.id})"),
], ids=["total-township", "township-total", "only-first", "only-second", "both", "order", "definition"])
def test_what_differs_is_said_word_for_word(a: Partial, b: Partial, said: str) -> None:
    assert refusal(a, b) == said


def test_a_policy_difference_names_the_field_and_both_values() -> None:
    other = EvaluationPolicy(age_bands=AgeBands((0, 18, 60)))
    said = refusal(partial(), partial(policy=other))
    assert re.fullmatch(r"policy \(age_bands: .+ vs .+\)", said), said
    assert said.endswith(")") and "XX" not in said
    mine, theirs = said[len("policy (age_bands: "):-1].split(" vs ")
    assert mine == repr(POLICY.age_bands) and theirs == repr(other.age_bands)


def test_several_differences_are_all_said_in_order() -> None:
    said = refusal(partial(), partial(period=Period.parse("2024"), by=AreaLevel.COUNTY))
    assert said == "period 2025-01-01..2025-12-31 vs 2024-01-01..2024-12-31; breakdown total vs county"


def test_the_same_patients_twice_is_said_with_the_source() -> None:
    source = source_of(["P1", "P2"], ["360102001"])
    a, b = partial(sources=frozenset({source})), partial(sources=frozenset({source}))
    with pytest.raises(PartialMergeError) as caught:
        a.merge(b)
    assert str(caught.value) == (f"the same patients are in both partials (source 360102 (2 patients, fingerprint "
                                 f"{source.fingerprint})): merging them would count them twice")


def test_the_fingerprint_is_the_sha256_of_the_sorted_ids_one_per_line() -> None:
    """Partials saved by one version are merged by the next: the fingerprint's recipe is fixed."""
    expected = hashlib.sha256(b"P1\nP2\nP3").hexdigest()[:16]
    assert source_of(["P3", "P1", "P2"], ["360102001"]).fingerprint == expected
