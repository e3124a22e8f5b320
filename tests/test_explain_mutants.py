"""The explanation of a change (:mod:`smi_care.indicators.explain`) on hand-built registries: what
each change carries besides its entries. Written for the mutation run of the module
(docs/testing.md, "Fifth session"); under a second beyond tests/test_explain.py's helpers.
"""

from __future__ import annotations

from smi_care.domain import AreaLevel, EventKind, Registry
from smi_care.indicators.explain import explain, to_json_data
from tests.helpers import D, event, record
from tests.test_explain import OTHER_TOWNSHIP, Q2, Q2_VISIT, Q3, Q3_VISIT, tables_of

MOVED = Registry.of([record(Q2_VISIT, Q3_VISIT, event(D(2025, 7, 20), EventKind.TRANSFER_OUT,
                                                      other_area=OTHER_TOWNSHIP))])


def test_each_change_names_the_area_of_its_group_as_the_report_does() -> None:
    ex = explain(tables_of(MOVED), Q2, Q3, AreaLevel.TOWNSHIP)
    assert {(c.group, c.area) for c in ex.changes} == {("", None), ("110105001", "110105001"),
                                                        ("110105002", "110105002")}
    areas = {(r.group, r.area) for report in ex.reports for r in report.results}
    assert {(c.group, c.area) for c in ex.changes} == areas
    data = to_json_data(ex)
    assert {(c["group"], c["area"]) for c in data["changes"]} == {(c.group, c.area) for c in ex.changes}


def test_each_change_carries_both_reports_figures_and_their_difference() -> None:
    ex = explain(tables_of(MOVED), Q2, Q3, AreaLevel.TOWNSHIP)
    a = {(r.indicator, r.group): r for r in ex.reports[0].results}
    b = {(r.indicator, r.group): r for r in ex.reports[1].results}
    seen = 0
    for c in ex.changes:
        ra, rb = a.get((c.indicator, c.group)), b.get((c.indicator, c.group))
        assert (c.numerator_from, c.value_from) == ((ra.numerator, ra.value) if ra else (0, None))
        assert (c.numerator_to, c.value_to) == ((rb.numerator, rb.value) if rb else (0, None))
        if c.value_from is not None and c.value_to is not None:
            assert c.points == c.value_to - c.value_from
            seen += 1
    assert seen > 0 and any(c.value_to is not None for c in ex.changes)


def test_the_json_of_an_explanation_word_for_word() -> None:
    """The data `smi-care explain --json` writes: the periods, the breakdown, each change with both
    figures and its entries in both languages; the patients only when asked."""
    ex = explain(tables_of(MOVED), Q2, Q3, AreaLevel.TOWNSHIP)
    data = to_json_data(ex)
    assert {k: v for k, v in data.items() if k != "changes"} == {
        "from": "2025-04-01..2025-06-30", "to": "2025-07-01..2025-09-30", "by": "township"}
    moved_in = [{"part": part, "reason": "moved:in", "en": "moved in from another area", "zh": "由其他地区迁入本地区",
                 "change": 1, "patients": ["P1"]} for part in ("denominator", "numerator")]
    assert next(c for c in data["changes"] if (c["indicator"], c["group"]) == ("management_rate", "110105002")) == {
        "indicator": "management_rate", "zh": "在册患者管理率", "unit": "%", "group": "110105002", "area": "110105002",
        "from": {"numerator": 0, "denominator": 0, "value": None},
        "to": {"numerator": 1, "denominator": 1, "value": 100.0}, "points": None, "entries": moved_in}
    hidden = to_json_data(ex, patients=False)
    assert all("patients" not in e for c in hidden["changes"] for e in c["entries"])
    assert [len(c["entries"]) for c in hidden["changes"]] == [len(c["entries"]) for c in data["changes"]]
