"""Population of an area: the indexed lookup equals the definition (most specific entries
inside the area, nothing counted twice, the latest year not after the one asked)."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from smi_care.domain.identity import AreaCode
from smi_care.domain.records import Coverage, PopulationEntry, population_lookup, population_of

# A small tree of areas, so that entries nest, repeat and miss each other.
_CODES = ("360000", "360100", "360102", "360103", "360102001", "360102002", "360103001",
          "360102001001", "360102001002", "360102002001", "360102001000")


def _by_definition(entries: list[PopulationEntry], area: AreaCode | None, year: int) -> int | None:
    """The rule written plainly (quadratic): the reference the index must equal."""
    years = [p.year for p in entries if p.year <= year]
    if not years:
        return None
    now = [p for p in entries if p.year == max(years)]
    if area is not None:
        exact = [p for p in now if p.area_code == area]
        if exact:
            return exact[0].population
        now = [p for p in now if p.area_code.within(area)]
        if not now:
            return None
    return sum(p.population for p in now
               if not any(p is not q and p.area_code.within(q.area_code) for q in now))


entries_st = st.lists(st.builds(PopulationEntry, st.sampled_from(_CODES).map(AreaCode),
                                st.integers(2023, 2025), st.integers(0, 10_000)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(entries_st, st.one_of(st.none(), st.sampled_from(_CODES).map(AreaCode)), st.integers(2022, 2026))
def test_lookup_equals_the_definition(entries: list[PopulationEntry], area: AreaCode | None, year: int) -> None:
    assert population_lookup(entries, year)(area) == _by_definition(entries, area, year)
    assert population_of(entries, area, year) == _by_definition(entries, area, year)


def test_nested_entries_are_counted_once() -> None:
    e = [PopulationEntry(AreaCode("360102"), 2024, 100), PopulationEntry(AreaCode("360102001"), 2024, 60),
         PopulationEntry(AreaCode("360102001001"), 2024, 25), PopulationEntry(AreaCode("360103"), 2024, 40)]
    of = population_lookup(e, 2025)
    assert of(None) == 140                       # the county, not its township again
    assert of(AreaCode("360100")) == 140         # the city: the counties inside it
    assert of(AreaCode("360102001")) == 60       # an exact entry wins
    assert of(AreaCode("360102002")) is None     # nothing known there
    assert population_lookup(e, 2023)(None) is None  # no figures up to 2023


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CODES).map(AreaCode), max_size=6), st.sampled_from(_CODES).map(AreaCode))
def test_coverage_lookup_equals_the_definition(areas: list[AreaCode], area: AreaCode) -> None:
    """A covered area is one of the areas or lies inside one (national-rules §6 "Area")."""
    coverage = Coverage.of(areas, [])
    assert coverage(area) == any(area.within(a) for a in areas)
    assert pickle.loads(pickle.dumps(coverage))(area) == coverage(area)
