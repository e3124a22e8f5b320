"""Compare readings of the indicators: one variant is the report; the flips add up and name their reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import AreaLevel, EventKind, Hospitalisation, Registry
from smi_care.indicators import Period
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.compare import (
    CompareError,
    Comparison,
    Variant,
    compare,
    definition_variants,
    standard_variants,
)
from smi_care.indicators.evaluate import EvaluationPolicy, finalize
from smi_care.indicators.explain import words
from smi_care.indicators.standard import FOLLOWUPS_AND_HEALTH_CHECK, NO_GAP_OVER_3_MONTHS
from smi_care.testing import registries
from tests.helpers import D, event, record, visit
from tests.test_explain import tables_of

Y2025 = Period.parse("2025")
STANDARDS = ["four_followups", "followups_and_health_check", "no_gap_over_3_months"]
DEFINITIONS = ["registered", "followed_up", "with_admissions", "without_admissions"]


def assert_flips_add_up(cmp: Comparison) -> None:
    for row in cmp.rows:
        base = row.figures[0]
        for f in row.figures[1:]:
            assert f.numerator - base.numerator == row.flipped(f.variant, "numerator"), row
            if f.denominator is not None and base.denominator is not None:
                assert f.denominator - base.denominator == row.flipped(f.variant, "denominator"), row
        for _, e in row.flips:
            assert "?" not in e.reason and abs(e.change) == len(e.patients), e


@pytest.mark.parametrize("policy", [EvaluationPolicy(), EvaluationPolicy(standard=FOLLOWUPS_AND_HEALTH_CHECK),
                                    EvaluationPolicy(standard=NO_GAP_OVER_3_MONTHS)])
@given(reg=registries(max_patients=8))
def test_one_variant_is_the_report(policy: EvaluationPolicy, reg: Registry) -> None:
    tables = tables_of(reg)
    cmp = compare(tables, Y2025, [Variant("only", policy)], AreaLevel.TOWNSHIP)
    rep = finalize(evaluate_tables(tables, Y2025, AreaLevel.TOWNSHIP, policy=policy)[0])
    assert cmp.reports == (rep,)
    for r in rep.results:
        fig = cmp.row(r.indicator, r.group).figures[0]
        assert (fig.numerator, fig.denominator, fig.value) == (r.numerator, r.denominator, r.value)


@given(registries(max_patients=8), st.sampled_from([None, AreaLevel.TOWNSHIP]),
       st.sampled_from([STANDARDS, DEFINITIONS, STANDARDS[::-1]]))
def test_flips_add_up_on_random_registries(reg: Registry, by: AreaLevel | None, names: list[str]) -> None:
    variants = standard_variants(names) if names[0] in STANDARDS else definition_variants(names)
    cmp = compare(tables_of(reg), Y2025, variants, by)
    assert_flips_add_up(cmp)
    assert cmp.variants == tuple(names)


QUARTERLY = tuple(visit(D(2025, m, 10)) for m in (2, 5, 8, 11))


def flips_of(reg: Registry, names: list[str], indicator: str) -> set[tuple[str, str, str, int]]:
    variants = standard_variants(names) if names[0] in STANDARDS else definition_variants(names)
    cmp = compare(tables_of(reg), Y2025, variants)
    assert_flips_add_up(cmp)
    return {(v, e.part, e.reason, e.change) for v, e in cmp.row(indicator).flips}


def test_health_check_flips_standard_management() -> None:
    reg = Registry.of([record(*QUARTERLY)])
    assert flips_of(reg, STANDARDS[:2], "standard_management_rate") == {
        ("followups_and_health_check", "numerator", "lost|standard|health_check #other", -1)}
    with_check = Registry.of([record(*QUARTERLY, event(D(2025, 6, 1), EventKind.HEALTH_CHECK))])
    assert flips_of(with_check, STANDARDS[:2], "standard_management_rate") == set()


def test_a_gap_flips_standard_management() -> None:
    reg = Registry.of([record(*(visit(D(2025, m, 10)) for m in (1, 2, 3, 4, 11)))])
    assert flips_of(reg, [STANDARDS[0], STANDARDS[2]], "standard_management_rate") == {
        ("no_gap_over_3_months", "numerator", "lost|standard|gaps_within_limit #other", -1)}


def test_three_followups_without_a_gap() -> None:
    reg = Registry.of([record(*(visit(D(2025, m, 1)) for m in (4, 7, 10)))])
    got = flips_of(reg, [STANDARDS[0], STANDARDS[2]], "standard_management_rate")
    assert got == {("no_gap_over_3_months", "numerator",
                    "gained|standard|completed_count >= required_followups #first", 1)}
    assert words(got.pop()[2], "en") == ("not met, required by the first reading only: enough completed "
                                         "follow-ups for the pro-rated count (standard)")


def test_followed_up_denominator() -> None:
    reg = Registry.of([record()])  # registered, never followed up
    assert flips_of(reg, ["registered", "followed_up"], "medication_rate") == {
        ("followed_up", "denominator", "lost|under_management|completed_count >= 1 #other", -1)}


def test_admissions_not_counted() -> None:
    reg = Registry.of([record(visit(D(2025, 5, 1), adherence=None, risk_level=None,
                                    hospitalisation=Hospitalisation.IN_HOSPITAL_NOW))])
    assert flips_of(reg, ["with_admissions", "without_admissions"], "medication_rate") == {
        ("without_admissions", "numerator", "lost|on_medication|hospital_for_medication #first+", -1)}


def test_bad_variants() -> None:
    tables = tables_of(Registry.of([]))
    with pytest.raises(CompareError, match="at least one"):
        compare(tables, Y2025, [])
    with pytest.raises(CompareError, match="own name"):
        compare(tables, Y2025, [Variant("a"), Variant("a")])
    with pytest.raises(CompareError, match="no standard-management rule 'five'"):
        standard_variants(["five"])
    with pytest.raises(CompareError, match="no definition variant"):
        definition_variants(["over_everyone"])
    with pytest.raises(CompareError, match="other indicators"):
        compare(tables, Y2025, [Variant("a"), Variant("b", indicators=())])


def test_chosen_indicators() -> None:
    cmp = compare(tables_of(Registry.of([record(*QUARTERLY)])), Y2025, standard_variants(STANDARDS),
                  indicators=["在册患者规范管理率"])
    assert {r.indicator for r in cmp.rows} == {"standard_management_rate"}
    assert isinstance(cmp.rows[0].points[0], float)


def test_reason_words() -> None:
    assert words("lost|on_medication|hospital_for_medication #first+", "en") == (
        "counted by the first reading only: in hospital (counted as on medication) (on_medication)")
    assert words("lost|standard|health_check #other", "zh") == "不满足本口径独有的条件：期内有健康体检（standard）"
    assert words("gained|x|some_fact", "en") == "now: some_fact (x)"


def test_compare_command(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from smi_care.cli.main import main
    from smi_care.registry.tables import read_tables
    from smi_care.synth import write_province

    demo = write_province(tmp_path_factory.mktemp("demo"), patients=300, seed=5)
    args = ["compare", str(demo), "--period", "2025", "--by", "township", "--standard", ",".join(STANDARDS)]
    assert main([*args, "--format", "json", "--chart", str(tmp_path_factory.mktemp("c") / "c.svg")]) == 0
    data = json.loads(capsys.readouterr().out)
    cmp = compare(read_tables(demo).tables, Y2025, standard_variants(STANDARDS), AreaLevel.TOWNSHIP)
    assert_flips_add_up(cmp)
    assert len(data["rows"]) == len(cmp.rows) and data["variants"] == STANDARDS
    assert main([*args[:-2], "--definition", "registered,followed_up", "--format", "xlsx", "--output",
                 str(tmp_path_factory.mktemp("x") / "c.xlsx")]) == 0
    assert main(args[:-2]) == 2
    assert "--standard" in capsys.readouterr().err
