"""One worklist for the day: every dated task of national-rules §2, §4, §5 and of the county
programme, for a registry's tables, most urgent first.

The items of §2, §4 and §5 (follow-ups due and overdue, a retry after a failed attempt, the
first visit after enrolment or a discharge, health checks, report deadlines and the alerts)
come from :func:`~smi_care.indicators.worklist_table.worklist_frame`; the programme's (suspected
cases, assessments, free medication, teams, guardian rewards) from the builders of
:mod:`smi_care.programme.day_items`, which read the same definitions as the separate lists. One
table holds them all (:data:`ITEM_FIELDS`); :func:`day_worklist` gives it for a registry and
:func:`patient_worklist` for one patient, by running the same code on that patient's rows.

Each item carries its kind (:class:`~smi_care.rules.worklist.ItemKind`: code, Chinese and
English names, the rule it comes from), the patient (pseudonymous id), the area code, the
patient's active case-management team and last follow-up doctor where known (the doctor is a
name: shown only when asked, national-rules §10), the due date, the days overdue, the urgency,
and the reason in Chinese and English.

**Urgency** (1 is the most urgent): 1 an alert; 2 a follow-up overdue; 3 any other task overdue;
4 due within the horizon. Within a level: unstable patients, then the higher last risk level,
then the earliest due, then the patient; a patient's items that tie keep their order.

>>> import datetime as dt, tempfile
>>> from smi_care.synth import generate
>>> from smi_care.registry import write_registry
>>> from smi_care.registry.tables import read_tables
>>> from smi_care.programme.report import read_programme
>>> folder = write_registry(generate(patients=80, seed=3), tempfile.mkdtemp())
>>> data = read_programme(folder, read_tables(folder).tables)
>>> items = day_worklist(data, dt.date(2025, 9, 30), within=30)
>>> items.columns[:6]
['kind', 'patient_id', 'area_code', 'team_id', 'doctor', 'due']
>>> items["urgency"].is_sorted()
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
import polars as pl

from smi_care.domain.codes import Classification
from smi_care.domain.identity import AreaCode
from smi_care.indicators.facts_table import map_unique, ordered_followups
from smi_care.indicators.periods import Period
from smi_care.indicators.worklist_table import worklist_frame
from smi_care.programme import case_finding, guardians, medication, teams
from smi_care.programme.assessments import quarter_start
from smi_care.programme.day_items import (
    PART_SCHEMA,
    assessment_items,
    dispensing_items,
    empty_part,
    guardian_items,
    supply_items,
    suspected_items,
    team_items,
)
from smi_care.programme.facts import base_facts
from smi_care.programme.report import ProgrammeData
from smi_care.programme.text import fmt
from smi_care.registry.programme_files import ASSESSMENT_SPEC
from smi_care.rules.worklist import (
    KIND_TEXT,
    NO_CONSENT,
    NO_HEALTH_CHECK,
    PROVISIONAL_CALENDAR,
    TRANSFER_OUT_ALERT,
    ItemKind,
    WorklistPolicy,
    at_least,
)
from smi_care.rules.worklist import NATIONAL as NATIONAL_WORKLIST

#: The columns of the worklist table, in order.
ITEM_FIELDS = ("kind", "patient_id", "area_code", "team_id", "doctor", "due", "days_overdue", "urgency",
               "last_class", "last_risk", "detail", "reason_zh", "reason_en", "rule")

#: The urgency levels: number → (Chinese, English).
URGENCY = {1: ("预警", "alert"), 2: ("随访逾期", "follow-up overdue"), 3: ("逾期", "overdue"), 4: ("到期", "due")}


@attrs.frozen
class DayPolicies:
    """The named policies of every item kind (each module's default unless given).
    ``supply_lookback_days`` **[30]**: a supply that ran out this many days ago still shows; a
    supply shows when it runs out within the worklist's horizon."""

    worklist: WorklistPolicy = NATIONAL_WORKLIST
    case_finding: case_finding.CaseFindingPolicy = case_finding.NATIONAL
    dispensing: medication.DispensingPolicy = medication.FOUR_A_YEAR
    team: teams.TeamPolicy = teams.TEAM_DEFAULT
    reward: guardians.GuardianRewardPolicy = guardians.REWARD_DEFAULT
    supply_lookback_days: int = attrs.field(default=30, validator=at_least(0))


NATIONAL = DayPolicies()


def _core(data: ProgrammeData, on: dt.date, within: int, policy: WorklistPolicy) -> pl.DataFrame:
    t = data.registry
    frame = worklist_frame(t.patients, t.followups, t.events, on, within, covers=t.covers, policy=policy)
    area = t.patients.select("patient_id", "area_code")
    return (frame.join(area, on="patient_id", how="left", maintain_order="left")
            .with_columns(reason_zh=pl.lit(None, dtype=pl.String)))


def _status(lang: str) -> pl.Expr:
    """When, in words (as :func:`smi_care.labels.item_status`)."""
    d, due = pl.col("days_overdue"), pl.col("due").dt.strftime("%Y-%m-%d")
    if lang == "zh":
        return (pl.when(d > 90).then(fmt("自{}起逾期", due)).when(d > 0).then(fmt("逾期{}天", d))
                .when(d == 0).then(pl.lit("今天到期")).otherwise(fmt("{}天后到期", -d)))
    return (pl.when(d > 90).then(fmt("overdue since {}", due)).when(d > 0).then(fmt("{} days late", d))
            .when(d == 0).then(pl.lit("due today")).otherwise(fmt("due in {} days", -d)))


_DUE_ZH = {"first_after_enrolment": "建档后首次随访", "after_discharge": "出院后首次随访",
           "retry_not_reached": "上次未访到，再次随访", "scheduled": "按分类定期随访", "in_hospital": "住院中，出院后随访",
           NO_HEALTH_CHECK: "无体检记录", NO_CONSENT: "未签知情同意书而随访",
           TRANSFER_OUT_ALERT: "高风险患者迁出：立即报告公安", PROVISIONAL_CALENDAR: "按暂定日历计算"}
_DUE_EN = {"first_after_enrolment": "first after enrolment", "after_discharge": "first after discharge",
           "retry_not_reached": "retry after a failed attempt", "scheduled": "scheduled by the last class",
           "in_hospital": "in hospital: after discharge"}


def _words(frame: pl.DataFrame) -> pl.DataFrame:
    """``reason_zh``, ``reason_en`` and ``rule`` of every row (the programme's builders give
    their own Chinese reason; the §2–§5 items are worded here from kind, status and detail)."""
    kinds = [k.value for k in ItemKind]
    zh_kind = pl.col("kind").replace_strict(kinds, [KIND_TEXT[k].zh for k in ItemKind])
    en_kind = pl.col("kind").replace_strict(kinds, [KIND_TEXT[k].en for k in ItemKind])
    detail = pl.col("detail").fill_null("")
    zh_detail = detail.replace(list(_DUE_ZH), list(_DUE_ZH.values()))
    zh_detail = pl.when(detail.str.contains("^(went missing|is lost)")).then(pl.lit("走失或失访：立即报告公安")).when(
        detail.str.starts_with("emergency without its record")).then(pl.lit("应急处置记录（类别）缺失")).otherwise(
        zh_detail)
    en_detail = detail.replace(list(_DUE_EN), list(_DUE_EN.values()))
    core_zh = pl.concat_str([zh_kind, pl.lit("："), _status("zh"),
                             pl.when(detail == "").then(pl.lit("")).otherwise(pl.concat_str([pl.lit("（"), zh_detail,
                                                                                            pl.lit("）")]))])
    core_en = pl.concat_str([en_kind, pl.lit(": "), _status("en"),
                             pl.when(detail == "").then(pl.lit("")).otherwise(pl.concat_str([pl.lit(" ("), en_detail,
                                                                                            pl.lit(")")]))])
    programme = pl.col("reason_zh").is_not_null()
    return frame.with_columns(
        reason_zh=pl.when(programme).then(pl.concat_str([zh_kind, pl.lit("："), pl.col("reason_zh")])).otherwise(core_zh),
        reason_en=pl.when(programme).then(pl.concat_str([en_kind, pl.lit(": "), detail])).otherwise(core_en),
        rule=pl.col("kind").replace_strict(kinds, [KIND_TEXT[k].rule for k in ItemKind]),
    )


def _doctors(followups: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """Each patient's doctor of the last follow-up on or before ``on`` that names one."""
    if "doctor" not in followups.columns:
        return pl.DataFrame(schema={"patient_id": pl.String, "doctor": pl.String})
    f = ordered_followups(followups, on).filter(pl.col("doctor").is_not_null() & (pl.col("doctor") != ""))
    return f.group_by("patient_id").agg(doctor=pl.col("doctor").last())


def _urgency(frame: pl.DataFrame) -> pl.DataFrame:
    alert = pl.col("kind").str.starts_with("alert_")
    late = pl.col("days_overdue") > 0
    level = (pl.when(alert).then(1).when(pl.col("kind") == ItemKind.FOLLOWUP_OVERDUE.value).then(2)
             .when(late).then(3).otherwise(4).cast(pl.Int8))
    frame = frame.with_columns(urgency=level, _late=~late,
                               _stable=pl.col("last_class") != Classification.UNSTABLE.code,
                               _risk=-pl.col("last_risk").fill_null(0).cast(pl.Int64))
    frame = frame.with_columns(_stable=pl.col("_stable").fill_null(True))
    return frame.sort(["urgency", "_late", "_stable", "_risk", "due", "patient_id"], maintain_order=True)


def day_worklist(data: ProgrammeData, on: dt.date, within: int = 14, policies: DayPolicies = NATIONAL,
                 kinds: Iterable[ItemKind | str] | None = None, area: str | None = None,
                 doctor: str | None = None) -> pl.DataFrame:
    """Every item of the registry and programme files of ``data`` on ``on``, due within
    ``within`` days (:data:`ITEM_FIELDS`), most urgent first; ``kinds``, ``area`` (a code of any
    level: items of patients or cases living inside it) and ``doctor`` (the last follow-up's
    doctor) keep only those items."""
    if within < 0:
        raise ValueError(f"day_worklist: within is a number of days, expected 0 or more, got {within}")
    t = data.registry
    horizon = on + dt.timedelta(days=within)
    support = data.support
    files = data.files
    assessments = files.get("assessments")
    if assessments is None:
        from smi_care.registry.optional import empty_table

        assessments = empty_table(ASSESSMENT_SPEC)
    quarter = Period(quarter_start(on), on)
    base = base_facts(t, quarter, covers=t.covers)
    parts: list[pl.DataFrame] = [_core(data, on, within, policies.worklist)]
    programme: list[pl.DataFrame] = []
    if "suspected_cases" in files:
        programme += suspected_items(files["suspected_cases"], on, policies.case_finding)
    programme += assessment_items(base, assessments, t.followups, on)
    team_of = pl.DataFrame(schema={"patient_id": pl.String, "team_id": pl.String})
    if support is not None:
        supply = medication.SupplyAlertPolicy(within, policies.supply_lookback_days)
        programme.append(supply_items(support.dispensings, base, on, supply))
        programme.append(dispensing_items(base, t, support.dispensings, on, policies.dispensing))
        team_parts, team_of = team_items(t, support.teams, support.team_reviews, assessments, base, on, policies.team)
        programme += team_parts
        programme.append(guardian_items(t, support.guardians, base, on, policies.reward))
    extra = pl.concat([empty_part(), *programme]).filter(pl.col("due") <= horizon)
    extra = extra.with_columns(days_overdue=(pl.lit(on) - pl.col("due")).dt.total_days().cast(pl.Int64),
                               last_class=pl.lit(None, dtype=pl.Int8), last_risk=pl.lit(None, dtype=pl.Int8))
    parts.append(extra)
    frame = pl.concat([p.select(*PART_SCHEMA, "days_overdue", "last_class", "last_risk") for p in parts],
                      how="vertical_relaxed")
    frame = (frame.join(team_of, on="patient_id", how="left", maintain_order="left")
             .join(_doctors(t.followups, on), on="patient_id", how="left", maintain_order="left"))
    frame = _urgency(_words(frame))
    if kinds is not None:
        wanted = [k.value if isinstance(k, ItemKind) else ItemKind(k).value for k in kinds]
        frame = frame.filter(pl.col("kind").is_in(wanted))
    if area:
        top = AreaCode(area)
        inside = map_unique(frame["area_code"], lambda code: AreaCode(code).within(top) or code == top.code,
                            pl.Boolean)
        frame = frame.filter(inside.fill_null(False))
    if doctor:
        frame = frame.filter(pl.col("doctor") == doctor)
    return frame.select(ITEM_FIELDS)


@attrs.frozen
class _Rows:
    """Some rows of a registry's tables, answering coverage as the whole registry does."""

    patients: pl.DataFrame
    followups: pl.DataFrame
    events: pl.DataFrame
    population: pl.DataFrame
    whole: Any

    def covers(self, area: AreaCode) -> bool:
        return bool(self.whole.covers(area))


def rows_of(data: ProgrammeData, ids: Iterable[str]) -> ProgrammeData:
    """``data`` cut to the rows of some patients (and of the suspected cases with these
    ``case_id``), keeping the registry's coverage and population."""
    wanted = list(ids)
    t = data.registry
    mine = pl.col("patient_id").is_in(wanted)
    registry = _Rows(t.patients.filter(mine), t.followups.filter(mine), t.events.filter(mine), t.population, t)
    files = {name: (df.filter(pl.col("case_id").is_in(wanted)) if name == "suspected_cases"
                    else df.filter(mine) if "patient_id" in df.columns else df) for name, df in data.files.items()}
    support = data.support
    if support is not None:
        teams_of = support.teams.filter(mine)
        support = attrs.evolve(support, dispensings=support.dispensings.filter(mine),
                               guardians=support.guardians.filter(mine), teams=teams_of,
                               team_reviews=support.team_reviews.filter(pl.col("team_id").is_in(teams_of["team_id"].to_list())))
    return attrs.evolve(data, registry=registry, files=files, support=support)


def patient_worklist(data: ProgrammeData, patient_id: str, on: dt.date, within: int = 14,
                     policies: DayPolicies = NATIONAL) -> pl.DataFrame:
    """One patient's items (or one suspected case's, by its ``case_id``): :func:`day_worklist`
    run on that patient's rows, so the answer is the one the whole registry's list gives."""
    return day_worklist(rows_of(data, [patient_id]), on, within, policies)
