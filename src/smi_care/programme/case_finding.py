"""Case finding (发现报告): the path of a suspected case, the 110 alert, the waiting worklist and
the case-finding indicators.

Sources: township work plans (shared reference, work-plans 000 and 001, "加强患者登记报告",
"对危险疑似精神病患者管理", "患者报告"): committees, hospitals, police, civil affairs and the
disabled persons' federation report suspected patients; a suspected patient whose behaviour
endangers others' lives or seriously disturbs public order is reported to the police at once
by calling 110 and taken to a specialist institution for a diagnosis; a confirmed patient
enters the management programme. The number of days a suspected case may wait for its
diagnosis before it shows on the worklist is not fixed by any source: **[default] 30 days**,
a parameter (:class:`CaseFindingPolicy`).

The unit of the case-finding indicators is the suspected case: :func:`case_facts` gives one
row per case with the facts of :data:`CASE_FACTS`, the indicators are the §6 definition form
over them, and :func:`facts_of_case` gives the same facts for one case (the audit):

>>> import datetime as dt
>>> from smi_care.domain.identity import AreaCode
>>> from smi_care.domain.suspected import SuspectSource
>>> from smi_care.indicators.periods import Period
>>> case = SuspectedCase("S1", dt.date(2025, 7, 3), SuspectSource.POLICE, AreaCode("360102001001"),
...                      endangers_others=True)
>>> print(police_alert(case).reasons[0])
S1 reported 2025-07-03 endangers others: call 110 at once (work plans 000/001, 对危险疑似精神病患者管理)
>>> item = waiting(case, dt.date(2025, 8, 15))
>>> item.days_waiting, item.reasons[0]
(43, 'no diagnosis 43 days after the report of 2025-07-03 (more than 30 days)')
>>> facts = facts_of_case(case, Period.parse("2025Q3"))
>>> facts["reported_in_period"], facts["diagnosed"], facts["waiting_days"]
(True, False, 89)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import polars as pl

from smi_care.domain.suspected import SuspectedCase, SuspectOutcome
from smi_care.indicators.definitions import Condition, Indicator
from smi_care.indicators.expr import as_column, fact
from smi_care.indicators.periods import Period
from smi_care.programme.text import fmt as _fmt
from smi_care.rules.worklist import at_least

SOURCE_PLANS = "乡镇严重精神障碍患者管理工作计划 (work plans 000/001), 加强患者登记报告 / 对危险疑似精神病患者管理"


@attrs.frozen
class CaseFindingPolicy:
    """How long a suspected case may wait for a diagnosis before the worklist shows it
    (**[default] 30 days**; no source fixes it)."""

    waiting_days: int = attrs.field(default=30, validator=at_least(0))


NATIONAL = CaseFindingPolicy()


def _reasons(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value or not all(isinstance(r, str) and r for r in value):
        raise ValueError(f"{type(instance).__name__}: a decision carries at least one reason, got {value!r}")


@attrs.frozen
class CaseItem:
    """A suspected case that needs action (a 110 alert, or a diagnosis overdue), with its reasons."""

    case_id: str
    area_code: str
    reported_on: dt.date
    kind: str  # "police_alert" or "waiting"
    days_waiting: int
    reasons: tuple[str, ...] = attrs.field(validator=_reasons)


def stage_on(case: SuspectedCase, day: dt.date) -> SuspectOutcome | None:
    """Where the case stands on ``day``: None before its report, else open, diagnosed,
    enrolled or excluded by the dates recorded on or before ``day``."""
    if case.reported_on > day:
        return None
    if case.enrolled_on is not None and case.enrolled_on <= day:
        return SuspectOutcome.ENROLLED
    if case.excluded_on is not None and case.excluded_on <= day:
        return SuspectOutcome.EXCLUDED
    if case.diagnosed_on is not None and case.diagnosed_on <= day:
        return SuspectOutcome.DIAGNOSED
    return SuspectOutcome.OPEN


def police_alert(case: SuspectedCase) -> CaseItem | None:
    """A suspected case that endangers others is a police (110) emergency at once (work plans
    000/001, 对危险疑似精神病患者管理: "应立即拨打110向当地公安机关报警")."""
    if not case.endangers_others:
        return None
    return CaseItem(case.case_id, case.area_code.code, case.reported_on, "police_alert", 0,
                    (f"{case.case_id} reported {case.reported_on.isoformat()} endangers others: call 110 at once "
                     "(work plans 000/001, 对危险疑似精神病患者管理)",))


def waiting(case: SuspectedCase, on: dt.date, policy: CaseFindingPolicy = NATIONAL) -> CaseItem | None:
    """The case still has no diagnosis (and is not closed) more than ``policy.waiting_days``
    days after its report, on day ``on``."""
    if stage_on(case, on) is not SuspectOutcome.OPEN:
        return None
    days = (on - case.reported_on).days
    if days <= policy.waiting_days:
        return None
    return CaseItem(case.case_id, case.area_code.code, case.reported_on, "waiting", days,
                    (f"no diagnosis {days} days after the report of {case.reported_on.isoformat()} "
                     f"(more than {policy.waiting_days} days)",))


#: The facts of one suspected case in one period P = [start, D]: name → (kind, meaning).
CASE_FACTS: dict[str, tuple[str, str]] = {
    "case_id": ("text", "the suspected case's identifier"),
    "area": ("text", "the area code where the case lives"),
    "reported_in_period": ("bool", "reported in P"),
    "diagnosed": ("bool", "diagnosed (any result) on or before D"),
    "confirmed": ("bool", "diagnosed with one of the six severe mental disorders on or before D"),
    "enrolled": ("bool", "enrolled as a patient on or before D"),
    "excluded": ("bool", "excluded on or before D"),
    "open": ("bool", "reported on or before D and neither diagnosed nor excluded on D"),
    "days_to_diagnosis": ("int", "days from report to diagnosis, when diagnosed on or before D"),
    "waiting_days": ("int", "days from report to D while open on D"),
    "endangers_others": ("bool", "behaviour that endangers others (a 110 alert)"),
}


def facts_of_case(case: SuspectedCase, period: Period) -> dict[str, Any]:
    """The :data:`CASE_FACTS` of one case (what the per-case interpreter reads)."""
    d = period.end
    stage = stage_on(case, d)
    diagnosed = case.diagnosed_on is not None and case.diagnosed_on <= d
    return {
        "case_id": case.case_id, "area": case.area_code.code,
        "reported_in_period": case.reported_on in period,
        "diagnosed": diagnosed,
        "confirmed": diagnosed and case.disorder is not None,
        "enrolled": stage is SuspectOutcome.ENROLLED,
        "excluded": case.excluded_on is not None and case.excluded_on <= d,
        "open": stage is SuspectOutcome.OPEN,
        "days_to_diagnosis": (case.diagnosed_on - case.reported_on).days if diagnosed and case.diagnosed_on else None,
        "waiting_days": (d - case.reported_on).days if stage is SuspectOutcome.OPEN else None,
        "endangers_others": case.endangers_others,
    }


def case_facts(suspected: pl.DataFrame, period: Period) -> pl.DataFrame:
    """One row per suspected case of the ``suspected_cases`` table with every fact of
    :data:`CASE_FACTS` (columnar; equal to :func:`facts_of_case` case by case)."""
    c = pl.col
    d = pl.lit(period.end)
    le_d = {name: (c(name) <= d).fill_null(False) for name in ("reported_on", "diagnosed_on", "enrolled_on",
                                                                "excluded_on")}
    diagnosed = le_d["diagnosed_on"]
    enrolled = le_d["reported_on"] & le_d["enrolled_on"]
    excluded = le_d["excluded_on"]
    open_ = le_d["reported_on"] & ~enrolled & ~excluded & ~diagnosed
    return suspected.select(
        c("case_id"), area=c("area_code"),
        reported_in_period=((c("reported_on") >= pl.lit(period.start)) & le_d["reported_on"]),
        diagnosed=diagnosed, confirmed=diagnosed & c("disorder").is_not_null(), enrolled=enrolled, excluded=excluded,
        open=open_,
        days_to_diagnosis=pl.when(diagnosed).then((c("diagnosed_on") - c("reported_on")).dt.total_days())
        .otherwise(None).cast(pl.Int64),
        waiting_days=pl.when(open_).then((d - c("reported_on")).dt.total_days()).otherwise(None).cast(pl.Int64),
        endangers_others=c("endangers_others").fill_null(False),
    )


REPORTED = Condition("reported", "suspected case reported in the period", fact("reported_in_period"))
DIAGNOSED = Condition("diagnosed", "diagnosed at a specialist institution by the period's last day", fact("diagnosed"))
CONFIRMED = Condition("confirmed", "diagnosed with one of the six severe mental disorders by the period's last day",
                      fact("confirmed"))
ENROLLED = Condition("enrolled", "enrolled as a patient (建档) by the period's last day", fact("enrolled"))


def waiting_condition(policy: CaseFindingPolicy = NATIONAL) -> Condition:
    return Condition("waiting", f"open more than {policy.waiting_days} days after the report",
                     fact("waiting_days") > policy.waiting_days)


CASE_FINDING_INDICATORS: tuple[Indicator, ...] = (
    Indicator("suspected_diagnosed_rate", "疑似患者诊断率", "suspected cases diagnosed", "%", (DIAGNOSED,),
              (REPORTED,), section=SOURCE_PLANS),
    Indicator("suspected_enrolment_rate", "确诊患者建档率", "confirmed cases enrolled", "%", (ENROLLED,),
              (REPORTED, CONFIRMED), section=SOURCE_PLANS),
)


@attrs.frozen
class CaseFigures:
    """Counts of one group that are not rates: reported in P, diagnosed, enrolled, excluded,
    open on D, 110 alerts among those reported in P, waiting past the policy on D, and the
    median days from report to diagnosis of the cases reported in P (None: none diagnosed)."""

    group: str
    reported: int
    diagnosed: int
    enrolled: int
    excluded: int
    open: int
    alerts: int
    waiting: int
    median_days_to_diagnosis: float | None


def case_figures(facts: pl.DataFrame, groups: pl.Series, policy: CaseFindingPolicy = NATIONAL
                 ) -> list[CaseFigures]:
    """The :class:`CaseFigures` of every group (``groups``: one key per row of ``facts``) and the
    total (group ``""``). The median is not mergeable across partials: it is computed here."""
    c = pl.col
    waiting_col = as_column(waiting_condition(policy).expr)
    f = facts.with_columns(groups.alias("group"), _waiting=waiting_col)
    aggs = [
        c("reported_in_period").sum().alias("reported"),
        (c("reported_in_period") & c("diagnosed")).sum().alias("diagnosed"),
        (c("reported_in_period") & c("enrolled")).sum().alias("enrolled"),
        (c("reported_in_period") & c("excluded")).sum().alias("excluded"),
        c("open").sum().alias("open"),
        (c("reported_in_period") & c("endangers_others")).sum().alias("alerts"),
        c("_waiting").sum().alias("waiting"),
        c("days_to_diagnosis").filter(c("reported_in_period")).median().alias("median"),
    ]
    rows = f.group_by("group").agg(aggs).sort("group").iter_rows(named=True)
    total = f.select(aggs).row(0, named=True)
    out = [CaseFigures(r["group"], int(r["reported"]), int(r["diagnosed"]), int(r["enrolled"]), int(r["excluded"]),
                       int(r["open"]), int(r["alerts"]), int(r["waiting"]), r["median"]) for r in rows]
    out.append(CaseFigures("", int(total["reported"]), int(total["diagnosed"]), int(total["enrolled"]),
                           int(total["excluded"]), int(total["open"]), int(total["alerts"]), int(total["waiting"]),
                           total["median"]))
    return out


def case_items(suspected: pl.DataFrame, on: dt.date, policy: CaseFindingPolicy = NATIONAL,
               since: dt.date | None = None) -> pl.DataFrame:
    """The case-finding worklist on ``on``: 110 alerts for cases reported from ``since`` (default:
    ``on`` less the waiting days) to ``on``, and cases open more than the policy's days. One row
    per item: case_id, area_code, reported_on, kind, days_waiting, reason; alerts first."""
    c = pl.col
    start = since or on - dt.timedelta(days=policy.waiting_days)
    facts = case_facts(suspected, Period(min(start, on), on))
    base = facts.join(suspected.select("case_id", "reported_on"), on="case_id", how="left")
    alerts = base.filter(c("endangers_others") & (c("reported_on") >= start) & (c("reported_on") <= on)).select(
        "case_id", c("area").alias("area_code"), "reported_on", kind=pl.lit("police_alert"),
        days_waiting=(pl.lit(on) - c("reported_on")).dt.total_days().cast(pl.Int64),
        reason=_fmt("{} reported {} endangers others: call 110 at once (work plans 000/001, 对危险疑似精神病患者管理)",
                         c("case_id"), c("reported_on").dt.strftime("%Y-%m-%d")))
    late = base.filter(as_column(waiting_condition(policy).expr)).select(
        "case_id", c("area").alias("area_code"), "reported_on", kind=pl.lit("waiting"),
        days_waiting=c("waiting_days"),
        reason=_fmt(f"no diagnosis {{}} days after the report of {{}} (more than {policy.waiting_days} days)",
                         c("waiting_days"), c("reported_on").dt.strftime("%Y-%m-%d")))
    return pl.concat([alerts, late]).sort(["kind", "days_waiting"], descending=[False, True])
