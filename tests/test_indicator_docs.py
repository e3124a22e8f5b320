"""The indicator table of docs/indicators.md is tested against the definitions (issue 12, "one
home per rule"): the definitions in smi_care.indicators.definitions are the one home; the page
must list the same identifiers, in the same order, with the same Chinese names, units and
denominators."""

from __future__ import annotations

from pathlib import Path

from smi_care.indicators.definitions import REGISTERED, STANDARD_INDICATORS, by_id

PAGE = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"


def _table() -> list[list[str]]:
    """The rows of the first table on the page, cells stripped, header and rule left out."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("| identifier |"))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip().strip("|").split("|")])
    return rows


def test_docs_indicator_table_lists_the_definitions() -> None:
    rows = _table()
    assert [r[0].strip("`") for r in rows] == [i.id for i in STANDARD_INDICATORS]
    for ident, zh, _num, den, unit in rows:
        ind = by_id(ident.strip("`"))
        assert (zh, unit) == (ind.zh, ind.unit), ident
        assert (den == "registered on D") is (ind.denominator == (REGISTERED,)), ident
        assert ("population" in den) is ind.population_denominator, ident
