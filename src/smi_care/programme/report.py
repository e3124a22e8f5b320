"""The quarterly programme report: the §6 indicators and the programme's counts and rates, by
township, with the national targets and the work plans' targets and their sources.

The report gathers its indicators from :data:`SECTIONS`. A section names its unit (``patient``:
its facts are joined to the §6 facts of every patient; ``case``: its own unit table with an
``area`` column), its indicator list and the function that computes its facts. Adding a list is
one line in :data:`SECTIONS`, and its optional files are one line in :data:`SPECS`. The files of
free medication, guardians and teams have their own reader
(:func:`~smi_care.registry.support_files.read_support_files`): :func:`read_programme` calls it and
keeps its load in :attr:`ProgrammeData.support`, and the sections ``medication``, ``guardians``
and ``teams`` add the facts of :mod:`smi_care.programme.medication`, :mod:`~smi_care.programme.guardians`
and :mod:`~smi_care.programme.teams` (their default policies, or those of :class:`SupportPolicies`)
to the same per-patient table, so their counts are those of
:func:`~smi_care.programme.support.evaluate_support`.

Targets of the work plans (shared reference, work-plans 001 and 000) are in :data:`PLAN_TARGETS`:
规范管理率 90–95 % (two township plans: 90 % and 95 %), 建档率 and 随访率 100 %, free health-check
rate 100 %, a condition assessment every quarter for every managed patient.

>>> from smi_care.indicators.periods import Period
>>> [s.id for s in SECTIONS]
['case_finding', 'assessments', 'key_patients', 'campaigns', 'medication', 'guardians', 'teams']
>>> plan_target("standard_management_rate").shown
'90–95%'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import polars as pl

from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.records import PopulationEntry
from smi_care.export.terminal import display_width, pad
from smi_care.indicators.columnar import Tables, count, group_keys, population_entries
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial, Report, by_name, finalize
from smi_care.indicators.output import to_json_data
from smi_care.indicators.periods import Period
from smi_care.indicators.targets import NATIONAL_TARGETS, Target
from smi_care.programme import assessments, campaigns, case_finding, guardians, key_patients, medication, teams
from smi_care.programme.facts import base_facts
from smi_care.registry.optional import FileSpec, OptionalLoad, read_optional
from smi_care.registry.problems import FileCounts, Problem
from smi_care.registry.programme_files import PROGRAMME_SPECS
from smi_care.registry.support_files import SupportLoad, read_support_files
from smi_care.rules.status import Covers

#: The optional files the programme reads with :func:`~smi_care.registry.optional.read_optional`
#: (the files of free medication, guardians and teams are read by their own reader).
SPECS: tuple[FileSpec, ...] = (*PROGRAMME_SPECS,)


@attrs.frozen
class SupportPolicies:
    """The named, replaceable policies of free medication, guardian rewards and teams the report
    uses (the modules' defaults unless given)."""

    free_medication: medication.FreeMedicationPolicy = medication.POOR_PATIENTS
    rule: medication.DispensingPolicy = medication.FOUR_A_YEAR
    reward: guardians.GuardianRewardPolicy = guardians.REWARD_DEFAULT
    team: teams.TeamPolicy = teams.TEAM_DEFAULT


@attrs.frozen
class ProgrammeData:
    """The registry's tables and the programme files' tables (by file stem, e.g. ``suspected_cases``),
    with the programme files' problems and counts; ``support``: the free-medication, guardian and
    team files (None: not read, the report leaves their sections out)."""

    registry: Tables
    files: Mapping[str, pl.DataFrame] = attrs.field(repr=lambda m: f"<{', '.join(m)}>")
    problems: tuple[Problem, ...] = ()
    counts: tuple[FileCounts, ...] = ()
    present: frozenset[str] = frozenset()
    support: SupportLoad | None = None
    policies: SupportPolicies = SupportPolicies()

    def table(self, stem: str) -> pl.DataFrame:
        return self.files[stem]


def read_programme(folder: str | Path, registry: Tables, encoding: str | None = None,
                   specs: Sequence[FileSpec] = SPECS, policies: SupportPolicies = SupportPolicies()
                   ) -> ProgrammeData:
    """Read every optional programme file of ``folder`` against the registry's accepted patients:
    those of ``specs`` and the free-medication, guardian and team files."""
    loads: list[OptionalLoad] = [read_optional(folder, s, registry.patients, encoding) for s in specs]
    support = read_support_files(folder, registry, encoding=encoding)  # type: ignore[arg-type]
    return ProgrammeData(registry, {s.stem: ld.table for s, ld in zip(specs, loads, strict=True)},
                         tuple(p for ld in loads for p in ld.problems) + support.problems,
                         tuple(ld.counts for ld in loads) + support.counts,
                         frozenset(s.stem for s, ld in zip(specs, loads, strict=True) if ld.present), support, policies)


Facts = Callable[[ProgrammeData, Period, pl.DataFrame], pl.DataFrame]


@attrs.frozen
class Section:
    """One part of the programme: its unit, indicators and facts (see the module's docstring)."""

    id: str
    zh: str
    unit: Literal["patient", "case"]
    indicators: tuple[Indicator, ...]
    facts: Facts


def _case_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    return case_finding.case_facts(data.table("suspected_cases"), period)


def _assessment_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    return assessments.assessment_facts(base, data.table("assessments"), data.registry.followups, period)


def _key_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    return key_patients.key_facts(base, data.registry.followups, data.registry.events, data.table("assessments"),
                                  period)


def _campaign_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    return campaigns.campaign_facts(base, data.registry.events, data.table("unlocking"), period)


def _support(data: ProgrammeData) -> SupportLoad:
    if data.support is None:
        raise ValueError("the free-medication, guardian and team files were not read: use read_programme")
    return data.support


def _added(facts: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    return facts.select("patient_id", *columns)


def _medication_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    p = data.policies
    f = medication.medication_facts(data.registry, _support(data).dispensings, period, p.free_medication, p.rule, base=base)
    return _added(f, [c for c in f.columns if c not in base.columns])


def _guardian_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    f = guardians.guardian_facts(data.registry, _support(data).guardians, period, data.policies.reward, base=base)
    return _added(f, list(guardians.GUARDIAN_FACTS))


def _team_facts(data: ProgrammeData, period: Period, base: pl.DataFrame) -> pl.DataFrame:
    s = _support(data)
    f = teams.team_facts(data.registry, s.teams, s.team_reviews, period, data.policies.team, base=base,
                         assessments=data.table("assessments"))
    return _added(f, [*key_patients.KEY_FACTS, *teams.TEAM_FACTS])


#: The sections of the free-medication, guardian and team files (left out when not read).
SUPPORT_SECTIONS = ("medication", "guardians", "teams")

SECTIONS: tuple[Section, ...] = (
    Section("case_finding", "发现报告", "case", case_finding.CASE_FINDING_INDICATORS, _case_facts),
    Section("assessments", "病情评估", "patient", assessments.ASSESSMENT_INDICATORS, _assessment_facts),
    Section("key_patients", "重点管理", "patient", key_patients.KEY_INDICATORS, _key_facts),
    Section("campaigns", "专项行动", "patient", campaigns.CAMPAIGN_INDICATORS, _campaign_facts),
    Section("medication", "免费服药", "patient", medication.MEDICATION_INDICATORS, _medication_facts),
    Section("guardians", "监护", "patient", guardians.GUARDIAN_INDICATORS, _guardian_facts),
    Section("teams", "个案管理", "patient", teams.TEAM_INDICATORS, _team_facts),
)


@attrs.frozen
class PlanTarget:
    """A target of the work plans: a threshold (or a range, low–high) and where it is written."""

    indicator: str
    low: float
    high: float | None
    name: str
    source: str

    @property
    def shown(self) -> str:
        if self.high is None:
            return f"{self.low:g}%"
        return f"{self.low:g}–{self.high:g}%"

    def met(self, value: float | None) -> bool | None:
        return None if value is None else value >= self.low


_TOWNSHIP_PLANS = "乡镇重性精神疾病患者管理工作计划 (work plan 001)"
PLAN_TARGETS: tuple[PlanTarget, ...] = (
    PlanTarget("standard_management_rate", 90.0, 95.0, "规范管理率",
               _TOWNSHIP_PLANS + ": 规范管理率达90% / 达95%以上"),
    PlanTarget("management_rate", 100.0, None, "随访率", _TOWNSHIP_PLANS + ": 管理率100%，建档率、随访率达100%"),
    PlanTarget("suspected_enrolment_rate", 100.0, None, "建档率", _TOWNSHIP_PLANS + ": 建档率达100%"),
    PlanTarget("health_check_campaign_rate", 100.0, None, "免费健康体检率",
               "乡镇工作计划 (work plans 000/001): 力争免费健康体检率达到100%，此项工作在8月之前完成"),
    PlanTarget("quarterly_assessment_rate", 100.0, None, "季度病情评估",
               "乡镇工作计划 (work plan 000): 每季度对管理的患者进行1次评估"),
)


def plan_target(indicator: str, targets: Sequence[PlanTarget] = PLAN_TARGETS) -> PlanTarget | None:
    return next((t for t in targets if t.indicator == indicator), None)


@attrs.frozen
class ProgrammeReport:
    """The §6 report, the programme report (rates of every section), the case-finding figures
    by group, and the work plans' targets."""

    period: Period
    by: By
    standard: Report
    programme: Report
    case_figures: tuple[case_finding.CaseFigures, ...]
    unlocking: tuple[campaigns.UnlockingFigures, ...] = ()
    plan_targets: tuple[PlanTarget, ...] = PLAN_TARGETS
    units: Mapping[str, int] = attrs.field(factory=dict)


def covers_of(tables: Tables) -> Covers:
    """The registry's coverage (:meth:`RegistryTables.covers`) as a set look-up per ancestor:
    the same answer, computed once for the population table rather than once per call."""
    covered = getattr(tables, "covered_areas", None)
    areas = covered() if callable(covered) else ()
    if not areas:
        return tables.covers
    codes = frozenset(AreaCode(a) for a in areas)

    def covers(area: AreaCode) -> bool:
        return area in codes or any(a in codes for a in area.ancestors())

    return covers


def programme_facts(data: ProgrammeData, period: Period, policy: EvaluationPolicy = DEFAULT_POLICY,
                    sections: Sequence[Section] = SECTIONS) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The per-patient facts (the §6 facts joined with every patient section's) and each case
    section's unit table. A fact two sections give (the key-patient facts of ``key_patients`` and
    ``teams``) is taken from the first."""
    reg = data.registry
    base = base_facts(reg, period, policy, covers_of(reg))
    patients = base
    units: dict[str, pl.DataFrame] = {}
    for s in _read_sections(data, sections):
        f = s.facts(data, period, base)
        if s.unit == "patient":
            new = [c for c in f.columns if c not in patients.columns]
            patients = patients.join(f.select("patient_id", *new), on="patient_id", how="left", maintain_order="left")
        else:
            units[s.id] = f
    return patients, units


def _read_sections(data: ProgrammeData, sections: Sequence[Section]) -> tuple[Section, ...]:
    """``sections`` without the free-medication, guardian and team ones when their files were not read."""
    return tuple(s for s in sections if data.support is not None or s.id not in SUPPORT_SECTIONS)


def _year_entries(population: frozenset[PopulationEntry], year: int) -> frozenset[PopulationEntry]:
    """The entries :func:`~smi_care.domain.records.population_of` reads for ``year`` (the latest
    year not after it): the same figures, fewer entries to scan per group."""
    years = [p.year for p in population if p.year <= year]
    if not years:
        return population
    latest = max(years)
    return frozenset(p for p in population if p.year == latest)


def programme_report(data: ProgrammeData, period: Period, by: By = AreaLevel.TOWNSHIP,
                     policy: EvaluationPolicy = DEFAULT_POLICY, sections: Sequence[Section] = SECTIONS,
                     targets: Sequence[Target] = NATIONAL_TARGETS,
                     case_policy: case_finding.CaseFindingPolicy = case_finding.NATIONAL) -> ProgrammeReport:
    """Evaluate the §6 indicators and every section's indicators for ``period``, by ``by``."""
    sections = _read_sections(data, sections)
    patients, units = programme_facts(data, period, policy, sections)
    population = _year_entries(population_entries(data.registry.population), period.end.year)
    std = Partial(period, by, STANDARD_INDICATORS, policy, count(patients, STANDARD_INDICATORS, [by], policy)[0],
                  population, patients.height)
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    inds: list[Indicator] = []
    patient_inds = tuple(i for s in sections if s.unit == "patient" for i in s.indicators)
    counts.update(count(patients, patient_inds, [by], policy)[0])
    figures: list[case_finding.CaseFigures] = []
    for s in sections:
        inds.extend(s.indicators)
        if s.unit == "case":
            u = units[s.id]
            counts.update(count(u, s.indicators, [by], policy)[0])
            if s.id == "case_finding":
                figures = case_finding.case_figures(u, group_keys(u, by, policy), case_policy)
    plan = tuple(Target(t.indicator, t.low, period.end.year, t.source) for t in PLAN_TARGETS)
    prog = Partial(period, by, tuple(inds), policy, counts, population, patients.height)
    unlocking: tuple[campaigns.UnlockingFigures, ...] = ()
    if "found_locked" in patients.columns:
        unlocking = tuple(campaigns.unlocking_figures(patients, group_keys(patients, by, policy)))
    return ProgrammeReport(period, by, finalize(std, targets), finalize(prog, plan), tuple(figures), unlocking,
                           units={"patients": patients.height,
                                  **{k: v.height for k, v in units.items()}})


def audit_unit(indicator: Indicator, facts: Mapping[str, Any]) -> list[str]:
    """Why one unit (a patient's or a suspected case's facts row) is or is not counted: each
    condition of the numerator and denominator, whether it holds, and the facts it reads —
    the same expressions the columnar count compiles.

    >>> from smi_care.programme.case_finding import CASE_FINDING_INDICATORS
    >>> facts = {"reported_in_period": True, "diagnosed": False, "confirmed": False}
    >>> print("\\n".join(audit_unit(CASE_FINDING_INDICATORS[0], facts)))
    suspected_diagnosed_rate: denominator yes, numerator no
      diagnosed: no — diagnosed at a specialist institution by the period's last day [diagnosed=False]
      reported: yes — suspected case reported in the period [reported_in_period=True]
    """
    from smi_care.indicators.expr import holds

    den = not indicator.population_denominator and holds(indicator.denominator_expr, facts)
    num = holds(indicator.numerator_expr, facts)
    lines = [f"{indicator.id}: denominator {'yes' if den else 'no'}, numerator {'yes' if num else 'no'}"]
    for cond in indicator.numerator_conditions:
        shown = ", ".join(f"{k}={facts.get(k)}" for k in sorted(cond.expr.columns()))
        lines.append(f"  {cond.id}: {'yes' if holds(cond.expr, facts) else 'no'} — {cond.text} [{shown}]")
    return lines


# --- output -------------------------------------------------------------------------------------

def _grid(rep: Report, ids: Sequence[str], names: Mapping[str, str], group_name: Callable[[str], str]) -> list[str]:
    cells = {(r.group, r.indicator): ("-" if r.value is None else f"{r.value:.1f}" + ("*" if r.met is False else ""))
             for r in rep.results}
    groups = [*sorted({r.group for r in rep.results if r.group}), ""]
    width = max([14, *(display_width(group_name(g)) + 2 for g in groups)])
    cols = [max(8, len(str(k + 1)) + 2) for k, _ in enumerate(ids)]
    lines = [pad("group", width) + "".join(f"[{k + 1}]".rjust(w) for k, w in enumerate(cols))]
    for g in groups:
        lines.append(pad(group_name(g), width) + "".join(cells.get((g, i), "").rjust(w) for i, w in zip(ids, cols,
                                                                                                       strict=True)))
    lines.append("")
    lines += [f"[{k + 1}] {names.get(i, i)}" for k, i in enumerate(ids)]
    return lines


def to_text(rep: ProgrammeReport, area_name: Callable[[str], str] = lambda code: code) -> str:
    """The report as plain text: the programme rates by group (``*`` below the work plans'
    target), the work plans' targets with their sources, and the case-finding figures."""
    def gname(g: str) -> str:
        return "total / 合计" if g == "" else area_name(g)

    ids = [r.indicator for r in rep.programme.results if r.group == ""]
    names = {r.indicator: f"{r.zh} ({r.indicator})" for r in rep.programme.results}
    out = [f"Programme report {rep.period} by {by_name(rep.by) or 'total'} / 严重精神障碍管理项目报告", ""]
    out += _grid(rep.programme, ids, names, gname)
    out += ["", "Work-plan targets / 工作计划目标 (total):"]
    for t in rep.plan_targets:
        std = [r for r in (*rep.standard.results, *rep.programme.results) if r.indicator == t.indicator and r.group == ""]
        value = std[0].value if std else None
        verdict = {True: "met", False: "NOT met", None: "no data"}[t.met(value)]
        shown = "-" if value is None else f"{value:.1f}%"
        out.append(f"  {t.name} ({t.indicator}) target {t.shown}: {shown} {verdict} — {t.source}")
    out += ["", "Case finding / 发现报告 (suspected cases reported in the period):",
            "  " + "group".ljust(22) + "reported diagnosed enrolled excluded  open  110 alerts  waiting  median days"]
    for f in rep.case_figures:
        median = "-" if f.median_days_to_diagnosis is None else f"{f.median_days_to_diagnosis:.1f}"
        out.append("  " + pad(gname(f.group), 22) + f"{f.reported:>8} {f.diagnosed:>9} {f.enrolled:>8} "
                   f"{f.excluded:>8} {f.open:>5} {f.alerts:>11} {f.waiting:>8} {median:>12}")
    if rep.unlocking:
        out += ["", "Unlocking campaign / 解锁行动 (registered patients, on the period's last day):",
                "  " + "group".ljust(22) + "found locked  released now  locked again  last release"]
        for u in rep.unlocking:
            last = u.last_release.isoformat() if u.last_release else "-"
            out.append("  " + pad(gname(u.group), 22) + f"{u.found_locked:>12} {u.released:>13} {u.relocked:>13}  "
                       f"{last}")
    return "\n".join(out)


def to_json_report(rep: ProgrammeReport) -> str:
    """The report as JSON: the §6 and programme reports (as ``smi-care report --format json``
    gives them), the case-finding figures and the work plans' targets."""
    data: dict[str, Any] = {
        "period": str(rep.period), "by": by_name(rep.by),
        "standard": to_json_data(rep.standard), "programme": to_json_data(rep.programme),
        "case_figures": [attrs.asdict(f) for f in rep.case_figures],
        "unlocking": [attrs.asdict(u) for u in rep.unlocking],
        "plan_targets": [attrs.asdict(t) | {"shown": t.shown} for t in rep.plan_targets],
        "units": dict(rep.units),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
