"""Edges of the columnar evaluation (:mod:`smi_care.indicators.columnar`, what ``smi-care report``
and ``programme`` run): the group key of every breakdown, the counts kept and dropped, the
follow-ups dated in the period (its first day and D), the partial's source and patients, and
the refusal of what is not a registry's tables (docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import attrs
import polars as pl
import pytest

from smi_care.domain import AreaCode, AreaLevel, Sex
from smi_care.domain.errors import ArgumentTypeError
from smi_care.indicators import Period
from smi_care.indicators.columnar import count, evaluate_tables, group_keys, population_entries
from smi_care.indicators.definitions import STANDARD_INDICATORS
from smi_care.indicators.partial import Dimension, source_of
from smi_care.rules.record_tables import record_tables
from tests.helpers import D, miss, patient, record, visit

Q3 = Period(D(2025, 7, 1), D(2025, 9, 30))
POP = pl.DataFrame({"area_code": ["110105001002", "110105"], "year": [2025, 2025], "population": [1000, 5000]},
                   schema={"area_code": pl.String, "year": pl.Int32, "population": pl.Int64})


@attrs.frozen
class Tables:
    patients: pl.DataFrame
    followups: pl.DataFrame
    events: pl.DataFrame
    population: pl.DataFrame
    inside: str = ""

    def covers(self, area: AreaCode) -> bool:
        return area.code == self.inside


def tables() -> Tables:
    a = record(visit(D(2025, 7, 1), "A"), miss(D(2025, 9, 30), "A"), miss(D(2025, 10, 1), "A"), p=patient("A"))
    b = record(visit(D(2025, 6, 30), "B"), p=patient("B", sex=Sex.FEMALE, birth_date=D(2010, 1, 1),
                                                          area_code=AreaCode("110106002003")))
    t = record_tables([a, b])
    return Tables(t.patients, t.followups, t.events, POP)


def test_group_keys_of_every_breakdown() -> None:
    t = tables()
    from smi_care.indicators.facts_table import facts_table
    from smi_care.indicators.partial import DEFAULT_POLICY as P

    facts = facts_table(t.patients, t.followups, t.events, Q3, t.covers, P.standard, P.status, P.classes)
    assert group_keys(facts, None).to_list() == ["", ""]
    assert group_keys(facts, None).name == "group"
    assert group_keys(facts, Dimension.SEX).to_list() == [str(Sex.MALE.code), str(Sex.FEMALE.code)]
    assert group_keys(facts, Dimension.DISORDER).name == "group"
    assert group_keys(facts, Dimension.DISORDER).to_list() == [str(patient().disorder.code)] * 2
    ages = group_keys(facts, Dimension.AGE)
    assert (ages.name, ages.to_list()) == ("group", [P.age_bands.band(45), P.age_bands.band(15)])
    county = group_keys(facts, AreaLevel.COUNTY)
    assert (county.name, county.to_list()) == ("group", ["110105", "110106"])
    assert group_keys(facts, AreaLevel.TOWNSHIP).to_list() == ["110105001", "110106002"]


def test_counts_keep_only_groups_with_a_numerator_or_a_denominator() -> None:
    partial = evaluate_tables(tables(), Q3, by=AreaLevel.COUNTY)[0]
    assert partial.counts[("management_rate", "110105")] == (1, 1)
    assert partial.counts[("management_rate", "110106")] == (0, 1)
    assert all(n or d for n, d in partial.counts.values())
    assert (partial.patients, partial.followups_in_period, partial.by) == (2, 2, AreaLevel.COUNTY)
    assert partial.population == population_entries(POP)
    assert partial.sources == frozenset({source_of(["A", "B"], ["110105001002", "110106002003"])})


def test_a_population_denominator_is_not_counted_from_the_patients() -> None:
    population_based = [i for i in STANDARD_INDICATORS if i.population_denominator]
    assert population_based
    t = tables()
    from smi_care.indicators.facts_table import facts_table
    from smi_care.indicators.partial import DEFAULT_POLICY as P

    facts = facts_table(t.patients, t.followups, t.events, Q3, t.covers, P.standard, P.status, P.classes)
    counts = count(facts, population_based, [None])[0]
    assert all(d == 0 for _, d in counts.values()) and sum(n for n, _ in counts.values()) >= 1


def test_several_breakdowns_in_one_call_and_the_tables_own_coverage() -> None:
    t = tables()
    parts = evaluate_tables(t, Q3, by=[None, Dimension.SEX])
    assert [p.by for p in parts] == [None, Dimension.SEX]
    assert parts[0].counts[("management_rate", "")] == (1, 2)
    assert evaluate_tables(t, Q3, by=(Dimension.SEX,))[0].counts == parts[1].counts
    assert population_entries(POP) == {p for p in parts[0].population}
    assert [(e.area_code.code, e.year, e.population) for e in sorted(population_entries(POP), key=lambda e: e.population)
            ] == [("110105001002", 2025, 1000), ("110105", 2025, 5000)]


def test_evaluate_tables_refuses_what_is_not_tables() -> None:
    with pytest.raises(ArgumentTypeError, match=r"evaluate_tables.*tables.*registry tables"):
        evaluate_tables([], Q3)  # type: ignore[arg-type]


def test_group_keys_of_no_patients_are_text() -> None:
    from smi_care.indicators.fact_names import FACTS

    empty = pl.DataFrame(schema={"sex": pl.Int8, "disorder": pl.Int8, "age": pl.Int64, "area": pl.String})
    assert set(empty.columns) <= set(FACTS)
    for by in (None, Dimension.SEX, Dimension.DISORDER, Dimension.AGE, AreaLevel.COUNTY):
        keys = group_keys(empty, by)
        assert (keys.name, keys.dtype, keys.len()) == ("group", pl.String, 0), by


def test_the_age_breakdown_follows_the_callers_age_bands_and_the_partial_its_arguments() -> None:
    from smi_care.indicators.partial import AgeBands, EvaluationPolicy

    policy = EvaluationPolicy(age_bands=AgeBands((0, 18)))
    part = evaluate_tables(tables(), Q3, by=Dimension.AGE, policy=policy)[0]
    assert part.counts[("management_rate", "18+")] == (1, 1)
    assert part.counts[("management_rate", "0-17")] == (0, 1)
    assert (part.period, part.indicators, part.policy) == (Q3, tuple(STANDARD_INDICATORS), policy)
