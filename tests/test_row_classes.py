"""The §4 class of follow-up rows at column speed equals ``classify`` row by row.

Rows are drawn as variants of one follow-up that differ in a single field the classification
may read, so that rows agreeing on everything else land in one group of
:func:`~smi_care.indicators.row_classes.rule_classes`: a field left out of its key gives one of
them the wrong class.
"""

from __future__ import annotations

from typing import Any

import attrs
import hypothesis.strategies as st
from hypothesis import HealthCheck, assume, given, settings

from smi_care.domain import (
    Adherence,
    AdverseReaction,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Insight,
    LossReason,
    PatientRecord,
    PhysicalIllness,
    Rating,
    Registry,
    SeenPerson,
    SocialFunction,
    Symptom,
    SymptomSeverity,
    WorkRating,
)
from smi_care.domain.errors import SmiCareError
from smi_care.indicators.row_classes import rule_classes
from smi_care.rules.classification import ClassificationPolicy, classify
from smi_care.testing import followups
from tests.frames import frames_of
from tests.helpers import D, patient

DAY = D(2025, 3, 1)


def _values() -> dict[str, list[Any]]:
    """Every value of each field the classification may read (multi-code fields: none and one)."""
    def every(kind: Any) -> list[Any]:
        return [None, *kind]
    worst = SocialFunction(*([list(Rating)[-1]] * 2), list(WorkRating)[-1], *([list(Rating)[-1]] * 2))
    return {
        "risk_level": [None, 0, 1, 2, 3, 4, 5], "symptoms": [frozenset(), frozenset({next(iter(Symptom))})],
        "symptom_severity": every(SymptomSeverity), "insight": every(Insight),
        "social": [SocialFunction.all_good(), SocialFunction(), worst, SocialFunction(next(iter(Rating))),
                   SocialFunction(list(Rating)[-1])],
        "hospitalisation": every(Hospitalisation),
        "adr": every(AdverseReaction), "adr_serious": [None, True, False], "physical_illness": every(PhysicalIllness),
        "seen": [frozenset(), frozenset({next(iter(SeenPerson))})], "loss_reason": every(LossReason),
        "adherence": every(Adherence), "form": list(FollowUpForm),
    }


VALUES = _values()


@st.composite
def variants(draw: st.DrawFn) -> list[FollowUp]:
    """A follow-up and its variants, each differing from it in one field (every value of that field)."""
    base = draw(followups("P1", DAY, DAY, reached=True))
    if draw(st.booleans()):  # calm: no unstable criterion, so that each field can change the class
        base = attrs.evolve(base, risk_level=0, symptoms=frozenset(), symptom_severity=None,
                            insight=Insight.COMPLETE, adr_serious=None, physical_illness=None)
    out = [base]
    for name in draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=4, unique=True)):
        for value in VALUES[name]:
            try:
                out.append(attrs.evolve(base, **{name: value}))
            except (SmiCareError, ValueError, TypeError):
                continue
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variants(), st.builds(ClassificationPolicy, st.integers(1, 5), st.booleans()))
def test_rule_classes_equal_classify_row_by_row(rows: list[FollowUp], classes: ClassificationPolicy) -> None:
    assume(len(rows) > 1)
    record = PatientRecord(patient(registered_on=D(2020, 5, 8)), tuple(rows))
    _, table, _ = frames_of(Registry.of([record]))
    expected = [None if (c := classify(f, classes).classification) is None else c.code for f in record.followups]
    assert rule_classes(table, classes).to_list() == expected
