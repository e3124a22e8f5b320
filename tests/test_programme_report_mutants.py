"""The programme report (:mod:`smi_care.programme.report`) on a small synthetic county: what the
survivors of the module's sampled mutation run showed untested (docs/testing.md, "The programme
tables").
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from smi_care.domain import AreaLevel
from smi_care.indicators.periods import Period
from smi_care.programme.case_finding import CASE_FINDING_INDICATORS
from smi_care.programme.report import ProgrammeReport, audit_unit, programme_report, read_programme, to_text
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province

YEAR = Period.parse("2025")  # the work plans' targets judge a year, not a quarter


@pytest.fixture(scope="module")
def report() -> ProgrammeReport:
    county = write_province(Path(tempfile.mkdtemp()) / "county", patients=150, seed=5)
    return programme_report(read_programme(county, read_tables(county).tables), YEAR, AreaLevel.TOWNSHIP)


def test_a_rate_below_the_work_plans_target_is_starred_in_the_grid(report: ProgrammeReport) -> None:
    """The grid marks a rate with ``*`` exactly when the work plans' target is not met (乡镇重性精神疾病
    患者管理工作计划: 规范管理率达90%, 建档率达100% …)."""
    ids = {r.indicator for r in report.programme.results if r.group == ""}
    grid = to_text(report).split("Work-plan targets")[0]
    shown = [r for r in report.programme.results if r.indicator in ids and r.value is not None]
    below = [r for r in shown if r.met is False]
    assert below, "the county must miss some target for this test to mean anything"
    assert [r for r in shown if r.met is True or r.met is None]
    assert grid.count("*") == len(below)
    for r in below:
        assert f"{r.value:.1f}*" in grid


@pytest.mark.parametrize(("facts", "first"), [
    ({"reported_in_period": True, "diagnosed": True, "confirmed": True},
     "suspected_diagnosed_rate: denominator yes, numerator yes"),
    ({"reported_in_period": True, "diagnosed": False, "confirmed": False},
     "suspected_diagnosed_rate: denominator yes, numerator no"),
    ({"reported_in_period": False, "diagnosed": True, "confirmed": False},
     "suspected_diagnosed_rate: denominator no, numerator no"),
])
def test_the_audit_of_one_case_says_which_counts_hold(facts: dict[str, bool], first: str) -> None:
    """A suspected case counts in the denominator of the diagnosis rate when reported in the period,
    in the numerator when also diagnosed (乡镇工作计划: 发现报告)."""
    lines = audit_unit(CASE_FINDING_INDICATORS[0], facts)
    assert lines[0] == first
    assert lines[1:] == [
        f"  diagnosed: {'yes' if facts['diagnosed'] else 'no'} — diagnosed at a specialist institution by the "
        f"period's last day [diagnosed={facts['diagnosed']}]",
        f"  reported: {'yes' if facts['reported_in_period'] else 'no'} — suspected case reported in the period "
        f"[reported_in_period={facts['reported_in_period']}]"]


def test_the_text_names_the_breakdown_and_judges_each_target(report: ProgrammeReport) -> None:
    """The title names the period and the breakdown; each work-plan target's line shows the
    county's total rate and whether it reaches the target's lower bound (规范管理率达90% …)."""
    lines = to_text(report).splitlines()
    assert lines[0] == "Programme report 2025-01-01..2025-12-31 by township / 严重精神障碍管理项目报告"
    totals = {r.indicator: r.value for r in (*report.standard.results, *report.programme.results) if r.group == ""}
    verdicts = []
    for t in report.plan_targets:
        value = totals.get(t.indicator)
        verdict = "no data" if value is None else ("met" if value >= t.low else "NOT met")
        shown = "-" if value is None else f"{value:.1f}%"
        assert f"  {t.name} ({t.indicator}) target {t.shown}: {shown} {verdict} — {t.source}" in lines
        verdicts.append(verdict)
    assert {"met", "NOT met"} <= set(verdicts)


def test_the_text_shows_the_case_finding_figures_under_their_heading(report: ProgrammeReport) -> None:
    lines = to_text(report).splitlines()
    heading = lines.index("Case finding / 发现报告 (suspected cases reported in the period):")
    assert lines[heading + 1] == ("  group                 reported diagnosed enrolled excluded  open  110 alerts  waiting"
                                  "  median days")
    total = next(f for f in report.case_figures if f.group == "")
    assert total.reported > 0
    row = next(line for line in lines[heading + 2:] if line.startswith("  total / 合计"))
    assert row.split()[3:8] == [str(total.reported), str(total.diagnosed), str(total.enrolled), str(total.excluded),
                                str(total.open)]


def test_the_text_shows_the_unlocking_figures_under_their_heading(report: ProgrammeReport) -> None:
    """解锁行动 (work plans 000/001): patients found locked up, released, locked again, by group."""
    lines = to_text(report).splitlines()
    assert report.unlocking
    heading = lines.index("Unlocking campaign / 解锁行动 (registered patients, on the period's last day):")
    assert lines[heading + 1] == "  group                 found locked  released now  locked again  last release"
    total = next(u for u in report.unlocking if u.group == "")
    row = next(line for line in lines[heading + 2:] if line.startswith("  total / 合计 "))
    last = total.last_release.isoformat() if total.last_release else "-"
    assert row.split()[3:] == [str(total.found_locked), str(total.released), str(total.relocked), last]
