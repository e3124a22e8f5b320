import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import AreaLevel, EventKind, PatientRecord, Registry
from smi_care.indicators import (
    STANDARD_INDICATORS,
    Dimension,
    Period,
    PeriodError,
    evaluate,
    finalize,
    parse_by,
    to_dataframe,
    to_json_data,
)
from smi_care.indicators.evaluate import EvaluationPolicy
from smi_care.indicators.facts import patient_facts
from smi_care.indicators.standard import (
    FOLLOWUPS_AND_HEALTH_CHECK,
    FOUR_FOLLOWUPS,
    NO_GAP_OVER_3_MONTHS,
    StandardPolicy,
)
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.status import NATIONAL as STATUS
from smi_care.rules.status import covers_nothing
from smi_care.testing import followups, patient_records, registries

periods = st.sampled_from([Period.year(2024), Period.year(2025), Period.quarter(2025, 3), Period.month(2025, 2),
                           Period.parse("2024-07-01..2025-06-30")])
bys = st.sampled_from([None, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, Dimension.SEX, Dimension.AGE,
                       Dimension.DISORDER])


def test_period_parsing() -> None:
    assert Period.parse("2025") == Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert Period.parse("2024Q1").end == dt.date(2024, 3, 31)
    assert Period.parse("2024-02").end == dt.date(2024, 2, 29)
    for bad in ("2025Q5", "25", "2025-13", "2025-02-01..2025-01-01", "2025-02-30..2025-03-01"):
        with pytest.raises(PeriodError):
            Period.parse(bad)


#: All three standard-management policies of §6 (规范管理, WS2018 工作指标).
standards = st.sampled_from([FOUR_FOLLOWUPS, FOLLOWUPS_AND_HEALTH_CHECK, NO_GAP_OVER_3_MONTHS])


@given(registries(), periods, bys, standards)
def test_numerator_within_denominator_and_parts_sum_to_total(reg: Registry, period: Period, by: object,
                                                             standard: StandardPolicy) -> None:
    rep = finalize(evaluate(reg, period, by, policy=EvaluationPolicy(standard=standard)))  # type: ignore[arg-type]
    for r in rep.results:
        assert r.numerator >= 0
        if r.indicator != "reported_prevalence":
            assert r.denominator is not None and 0 <= r.numerator <= r.denominator
    if by is not None:
        for ind in STANDARD_INDICATORS:
            total = rep.result(ind.id)
            parts = [r for r in rep.results if r.indicator == ind.id and r.group]
            assert sum(p.numerator for p in parts) == total.numerator
            if ind.id != "reported_prevalence":
                assert sum(p.denominator or 0 for p in parts) == total.denominator


@given(patient_records(), periods, standards)
def test_standard_under_any_policy_means_registered_consented_and_under_management(
        rec: PatientRecord, period: Period, standard: StandardPolicy) -> None:
    """§6: whichever of the three policies, a patient managed to standard is registered on D,
    has given consent and is under management in P; and the policy's own judgement agrees."""
    f = patient_facts(rec, period, covers_nothing, standard, STATUS, CLASSES)
    if f.standard:
        assert f.registered and f.consented and f.under_management
    assert standard.met(f) is f.standard


@given(registries(max_patients=9), periods, bys, st.data())
def test_merge_is_associative_commutative_and_matches_union(reg: Registry, period: Period, by: object,
                                                            data: st.DataObject) -> None:
    records = list(reg)
    cut1 = data.draw(st.integers(0, len(records)))
    cut2 = data.draw(st.integers(cut1, len(records)))
    a, b, c = (evaluate(Registry.of(part, reg.population), period, by)  # type: ignore[arg-type]
               for part in (records[:cut1], records[cut1:cut2], records[cut2:]))
    whole = evaluate(reg, period, by)  # type: ignore[arg-type]
    assert a.merge(b).merge(c).counts == a.merge(b.merge(c)).counts == whole.counts
    assert a.merge(b).counts == b.merge(a).counts
    assert finalize(a.merge(b).merge(c)).results == finalize(whole).results


@given(patient_records(), periods, st.data())
def test_adding_a_completed_followup_never_lowers_management(rec: PatientRecord, period: Period,
                                                              data: st.DataObject) -> None:
    lo = max(rec.patient.registered_on, rec.patient.diagnosis_date)
    if lo > period.end:
        return
    extra = data.draw(followups(rec.patient_id, max(lo, period.start), period.end, reached=True))
    more = attrs.evolve(rec, followups=(*rec.followups, extra))
    before = finalize(evaluate([rec], period)).result("management_rate")
    after = finalize(evaluate([more], period)).result("management_rate")
    assert after.numerator >= before.numerator and after.denominator == before.denominator


@given(patient_records(), periods)
def test_removing_a_death_never_lowers_registered(rec: PatientRecord, period: Period) -> None:
    alive = attrs.evolve(rec, events=tuple(e for e in rec.events if e.kind is not EventKind.DEATH))
    before = finalize(evaluate([rec], period)).result("reported_prevalence").numerator
    after = finalize(evaluate([alive], period)).result("reported_prevalence").numerator
    assert after >= before


def test_parse_by() -> None:
    assert parse_by("township") is AreaLevel.TOWNSHIP and parse_by("sex") is Dimension.SEX and parse_by(None) is None
    with pytest.raises(ValueError):
        parse_by("planet")


def test_json_shape_and_dataframe() -> None:
    rep = finalize(evaluate([], Period.year(2025)))
    data = to_json_data(rep)
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"} and data["by"] is None
    first = data["results"][0]
    assert {"indicator", "area", "numerator", "denominator", "value", "unit", "target", "met"} <= set(first)
    df = to_dataframe(rep)
    assert len(df) == len(STANDARD_INDICATORS)
