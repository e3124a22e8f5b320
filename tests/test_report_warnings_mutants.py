"""The warnings a report carries (:func:`smi_care.indicators.evaluate.finalize`), word for word: no
patient in the data, no follow-up recorded in the period, targets set for another kind of period.
Written for the mutation run of ``indicators/evaluate.py`` (docs/testing.md, "Fifth session"); the
same warnings are tested end to end on the demo county in tests/test_errors.py, which is too slow
for a run.
"""

from __future__ import annotations

from smi_care.domain import Registry
from smi_care.indicators import Period
from smi_care.indicators.evaluate import report
from smi_care.indicators.targets import Target
from tests.helpers import D, record, visit

Q3, Y2025 = Period.parse("2025Q3"), Period.parse("2025")


def test_no_patient_in_the_data() -> None:
    assert report(Registry.of([]), Y2025).warnings == ("no patient is in the data: every figure is empty",)


def test_no_follow_up_in_the_period_and_targets_set_for_a_year() -> None:
    rep = report(Registry.of([record(visit(D(2025, 5, 1)))]), Q3)
    assert rep.warnings[0] == ("no follow-up is recorded in the period 2025-07-01..2025-09-30 (does the data reach "
                               "it?): the rates that count follow-ups are 0")
    assert rep.warnings[1].startswith(
        "targets not judged on this quarter (2025-07-01..2025-09-30): they are set for a year — reported_prevalence "
        "4.5 (社会心理服务体系建设试点工作方案, 2020), management_rate 80 (全国精神卫生工作规划（2015—2020年）, 2020), ")
    assert len(rep.warnings) == 2


def test_a_year_with_follow_ups_has_no_warning() -> None:
    assert report(Registry.of([record(visit(D(2025, 8, 1)))]), Y2025).warnings == ()


def test_targets_set_for_two_kinds_are_named_in_the_kinds_order() -> None:
    targets = [Target("management_rate", 80.5, 2020, "plan A", applies_to=("month", "year"))]
    rep = report(Registry.of([record(visit(D(2025, 8, 1)))]), Q3, targets=targets)
    assert rep.warnings == ("targets not judged on this quarter (2025-07-01..2025-09-30): they are set for a year "
                            "or month — management_rate 80.5 (plan A, 2020)",)


def test_the_area_a_registry_s_total_is_about() -> None:
    """registry_area: the smallest area holding every area of the population file (it decides which
    local target judges the total)."""
    from smi_care.domain import AreaCode, PopulationEntry
    from smi_care.indicators.evaluate import registry_area

    def pop(*codes: str) -> list[PopulationEntry]:
        return [PopulationEntry(AreaCode(c), 2025, 10) for c in codes]

    assert registry_area(pop("360102001", "360102004")) == AreaCode("360102")
    assert registry_area(pop("360102001")) == AreaCode("360102001")
    assert registry_area(pop("360102001", "360103002")) == AreaCode("360100")  # two counties: their city
    assert registry_area([]) is None


def test_every_area_of_the_population_file_is_a_group_even_without_patients() -> None:
    """_area_groups: a report by township lists each township of the population file, the ones
    written at township level and the ones whose villages are written, with or without patients."""
    from smi_care.domain import AreaCode, AreaLevel, PopulationEntry

    pop = [PopulationEntry(AreaCode("360102001"), 2025, 10), PopulationEntry(AreaCode("360102004001"), 2025, 5),
           PopulationEntry(AreaCode("360102"), 2025, 15)]
    rep = report(Registry.of([], population=pop), Y2025, by=AreaLevel.TOWNSHIP)
    assert rep.groups() == ["360102001", "360102004"]
