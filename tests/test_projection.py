"""Reading only what a report needs (issue 19.2): the projection derived from the indicator
definitions gives the same report as reading everything, on clean registries and on registries
with bad cells in needed and in unneeded columns; the cells read are judged as a full read judges
them (same problems, same line numbers); ``validate`` still reads everything."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.columns_needed import FACT_SOURCES, columns_needed, facts_needed
from smi_care.indicators.definitions import STANDARD_INDICATORS
from smi_care.indicators.evaluate import Dimension, EvaluationPolicy
from smi_care.indicators.facts import FACTS
from smi_care.indicators.standard import StandardPolicy, StandardRule
from smi_care.registry import read_tables, write_registry
from smi_care.registry.projection import closed
from smi_care.synth import generate

PERIOD = Period.parse("2025")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_registry(generate(patients=600, seed=11), tmp_path_factory.mktemp("proj"))


def _spoil(folder: Path, file: str, edits: dict[int, dict[str, str]]) -> None:
    """Set cells of some data rows (0-based data row -> {column: text})."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for column in {c for cells in edits.values() for c in cells} - set(header):
        header.append(column)
        for row in rows[1:]:
            row.append("")
    for i, cells in edits.items():
        for column, text in cells.items():
            rows[i + 1][header.index(column)] = text
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def spoiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = write_registry(generate(patients=600, seed=12), tmp_path_factory.mktemp("spoiled"))
    # bad cells in columns a report needs and in columns it does not
    _spoil(out, "followups.csv", {3: {"risk_level": "9"}, 10: {"medications": "not json"},
                                  20: {"next_visit_date": "2001-01-01"}, 30: {"adherence": "x"},
                                  40: {"sleep": "7"}, 50: {"visit_date": "20250508"}})
    _spoil(out, "patients.csv", {2: {"employment": "99"}, 5: {"consent": "7"}, 8: {"past_symptoms": "x"}})
    return out


def _counts(tables: object, inds: tuple[object, ...], bys: list[object], policy: EvaluationPolicy
            ) -> list[object]:
    return [p.counts for p in evaluate_tables(tables, PERIOD, bys, inds, policy=policy)]  # type: ignore[arg-type]


@pytest.mark.parametrize("indicator", [i.id for i in STANDARD_INDICATORS])
def test_each_indicator_alone_reads_less_and_counts_the_same(folder: Path, indicator: str) -> None:
    inds = tuple(i for i in STANDARD_INDICATORS if i.id == indicator)
    bys: list[object] = [AreaLevel.TOWNSHIP, Dimension.AGE]
    policy = EvaluationPolicy()
    full = read_tables(folder)
    part = read_tables(folder, columns=columns_needed(inds, bys, policy))  # type: ignore[arg-type]
    assert _counts(part.tables, inds, bys, policy) == _counts(full.tables, inds, bys, policy)
    assert part.tables.followups.width <= full.tables.followups.width


@pytest.mark.parametrize("rule", list(StandardRule))
def test_all_indicators_every_standard_policy_same_report(spoiled: Path, rule: StandardRule) -> None:
    policy = EvaluationPolicy(standard=StandardPolicy(rule))
    bys: list[object] = [AreaLevel.TOWNSHIP, Dimension.SEX, Dimension.DISORDER, None]
    need = columns_needed(STANDARD_INDICATORS, bys, policy)  # type: ignore[arg-type]
    part = read_tables(spoiled, columns=need)
    full = read_tables(spoiled)
    # rows rejected only for a cell the report does not read are kept: the counts may then differ,
    # so compare over the rows both accept
    both = set(full.tables.followups.get_column("line").to_list())
    kept = part.tables.followups.filter(part.tables.followups.get_column("line").is_in(list(both)))
    assert kept.height == full.tables.followups.height
    import attrs

    same = attrs.evolve(part.tables, followups=kept,
                        patients=part.tables.patients.filter(
                            part.tables.patients.get_column("line").is_in(
                                full.tables.patients.get_column("line").to_list())))
    assert _counts(same, STANDARD_INDICATORS, bys, policy) == _counts(full.tables, STANDARD_INDICATORS, bys, policy)


def test_problems_of_cells_read_are_the_full_reads(spoiled: Path) -> None:
    need = columns_needed(STANDARD_INDICATORS)
    part = read_tables(spoiled, columns=need)
    full = read_tables(spoiled)
    read_cols = {f: closed(f, cols) for f, cols in need.items()}

    def key(p: object) -> tuple[object, ...]:
        return (p.file, p.line, p.column, p.kind, p.reason)  # type: ignore[attr-defined]

    expected = {key(p) for p in full.problems
                if p.column in (read_cols.get(p.file) or ()) or p.kind == "unknown_patient"}
    got = {key(p) for p in part.problems}
    # every problem of a needed cell is reported, with its line; nothing about a cell not read
    assert {k for k in expected if k[3] != "unknown_patient"} <= got
    assert all(k[2] in (read_cols.get(k[0]) or ()) for k in got)
    lines = {(p.file, p.line) for p in part.problems}
    assert ("followups.csv", 5) in lines  # risk_level 9, data row 3
    assert ("followups.csv", 32) in lines  # adherence x
    assert ("followups.csv", 52) in lines  # visit_date 20250508 is not YYYY-MM-DD
    assert ("patients.csv", 7) in lines  # consent 7
    assert ("followups.csv", 12) not in lines  # medications: not read by a report
    assert ("patients.csv", 4) not in lines  # employment: not read
    # validate (no projection) reports them
    full_lines = {(p.file, p.line) for p in full.problems}
    assert {("followups.csv", 12), ("patients.csv", 4), ("followups.csv", 42)} <= full_lines
    # read == accepted + rejected holds in the projected read too
    for c in part.counts:
        assert c.read == c.accepted + c.rejected


def test_every_fact_has_sources_and_columns_exist() -> None:
    from smi_care.registry.columns import EVENT_COLUMNS, FOLLOWUP_COLUMNS, PATIENT_COLUMNS

    known = {"patients.csv": set(PATIENT_COLUMNS), "followups.csv": set(FOLLOWUP_COLUMNS),
             "events.csv": set(EVENT_COLUMNS)}
    assert set(FACT_SOURCES) | {"standard"} == set(FACTS)
    for fact, sources in FACT_SOURCES.items():
        for file, cols in sources.items():
            assert set(cols) <= known[file], (fact, file)
    assert facts_needed([]) == {"patient_id", "registered", "area"}


def test_projection_reads_fewer_columns_for_the_core_report(folder: Path) -> None:
    need = columns_needed(STANDARD_INDICATORS)
    fu = closed("followups.csv", need["followups.csv"])
    assert fu is not None
    assert {"medications", "medication_guidance", "next_visit_date", "doctor", "lab_text"}.isdisjoint(fu)
    part = read_tables(folder, columns=need)
    assert "medications" in part.tables.followups.columns  # a typed column not read: null
    assert part.tables.followups.get_column("medications").null_count() == part.tables.followups.height
