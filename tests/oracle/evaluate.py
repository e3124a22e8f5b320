"""The oracle of the counts: every indicator counted patient by patient over the oracle's facts.

Not product code: :func:`smi_care.indicators.evaluate` counts with the columnar engine only.
This loop groups each patient by its own reading of the breakdowns and adds the numerator and
denominator of each indicator, the way national-rules §6 reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.facts import PatientFacts
from smi_care.indicators.partial import DEFAULT_POLICY, By, Dimension, EvaluationPolicy, Partial, area_group, source_of
from smi_care.indicators.periods import Period
from smi_care.rules.status import Covers, covers_nothing
from tests.oracle.facts import patient_facts


def group_of(facts: PatientFacts, by: By, policy: EvaluationPolicy) -> str:
    """The group key of a patient for a breakdown."""
    if by is None:
        return ""
    if by is Dimension.SEX:
        return str(facts.sex.code)
    if by is Dimension.DISORDER:
        return str(facts.disorder.code)
    if by is Dimension.AGE:
        return policy.age_bands.band(facts.age)
    assert isinstance(by, AreaLevel)
    return area_group(facts.area, by)


def evaluate(records: Iterable[PatientRecord] | Registry, period: Period, by: By = None,
             indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
             covers: Covers | None = None, population: Iterable[PopulationEntry] = ()) -> Partial:
    inds = tuple(indicators)
    pop = frozenset(population)
    if isinstance(records, Registry):
        pop = pop | frozenset(records.population)
        covers = covers or records.coverage()
    covers = covers or covers_nothing
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    n = seen = 0
    ids: list[str] = []
    areas: list[str] = []
    for record in records:
        n += 1
        ids.append(record.patient.patient_id)
        areas.append(record.patient.area_code.code)
        seen += sum(1 for f in record.followups if period.start <= f.visit_date <= period.end)
        facts = patient_facts(record, period, covers, policy.standard, policy.status, policy.classes)
        group = group_of(facts, by, policy)
        for ind in inds:
            num = ind.in_numerator(facts)
            den = not ind.population_denominator and ind.in_denominator(facts)
            if num or den:
                c = counts.get((ind.id, group), (0, 0))
                counts[(ind.id, group)] = (c[0] + num, c[1] + den)
    return Partial(period, by, inds, policy, counts, pop, n, seen, frozenset({source_of(ids, areas)}))
