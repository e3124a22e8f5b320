"""Campaigns: the annual free health check against its deadline, and the unlocking campaign.

Sources: township work plans (shared reference, work-plans 000 and 001): "今年将对精神疾病患者免费
健康体检 … 力争免费健康体检率达到100%。此项工作在8月之前完成" — every registered patient gets a free
health check, target 100 %, done before August (**[default]** deadline 31 July of the year,
:class:`HealthCheckCampaign`); work-plan 001: "大力开展关锁重型精神病人解锁行动" — find the patients
locked up at home and release them (``unlocking.csv``, :mod:`smi_care.domain.campaign`).

>>> import datetime as dt
>>> HealthCheckCampaign.for_year(2025).deadline
datetime.date(2025, 7, 31)
>>> unlock_state([(dt.date(2025, 1, 5), 1), (dt.date(2025, 3, 1), 2)], dt.date(2025, 6, 30)).label
'解除关锁'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
import polars as pl

from smi_care.domain.campaign import UnlockingAction
from smi_care.domain.codes import EventKind
from smi_care.indicators.definitions import AT_HOME, REGISTERED, Condition, Indicator
from smi_care.indicators.expr import fact
from smi_care.indicators.periods import Period

SOURCE_CHECK = "乡镇严重精神障碍患者管理工作计划 (work plans 000/001), 免费健康体检率达到100%，8月之前完成"
SOURCE_UNLOCK = "精神卫生工作计划 (work plan 001), 关锁重型精神病人解锁行动"


@attrs.frozen
class HealthCheckCampaign:
    """The free health-check campaign of one year: checks from 1 January to ``deadline`` count."""

    year: int
    deadline: dt.date
    target: float = 100.0
    source: str = SOURCE_CHECK

    def __attrs_post_init__(self) -> None:
        if self.deadline.year != self.year:
            raise ValueError(f"HealthCheckCampaign {self.year}: the deadline {self.deadline.isoformat()} is not in "
                             "the campaign's year")

    @classmethod
    def for_year(cls, year: int) -> HealthCheckCampaign:
        """The work plans' campaign: before August (**[default]** 31 July)."""
        return cls(year, dt.date(year, 7, 31))


def unlock_state(steps: Iterable[tuple[dt.date, int]], on: dt.date) -> UnlockingAction | None:
    """The last unlocking step on or before ``on`` (same day: the later row), or None."""
    last: UnlockingAction | None = None
    for day, code in steps:
        if day <= on:
            last = UnlockingAction.from_code(code)
    return last


CAMPAIGN_FACTS: dict[str, tuple[str, str]] = {
    "campaign_checked": ("bool", "a health check from 1 January to min(deadline, D) of the campaign year"),
    "found_locked": ("bool", "found locked up (unlocking campaign) on or before D"),
    "unlock_state": ("code", "the last unlocking step on or before D: 1 found locked, 2 released, 3 relocked"),
    "released_on": ("date", "the last release on or before D"),
    "relocked": ("bool", "locked again after a release, on or before D"),
}


def campaign_facts(base: pl.DataFrame, events: pl.DataFrame, unlocking: pl.DataFrame, period: Period,
                   campaign: HealthCheckCampaign | None = None) -> pl.DataFrame:
    """The :data:`CAMPAIGN_FACTS` of every patient of ``base``, in its order. The campaign is
    that of the period's year unless given."""
    c = pl.col
    end = period.end
    camp = campaign or HealthCheckCampaign.for_year(end.year)
    until = min(camp.deadline, end)
    checks = (events.filter((c("event") == EventKind.HEALTH_CHECK.text_code) & (c("date") >= dt.date(camp.year, 1, 1))
                            & (c("date") <= until))
              .select("patient_id").unique().with_columns(campaign_checked=pl.lit(True)))
    u = unlocking.filter(c("date") <= end).sort(["patient_id", "date", "row"])
    steps = u.group_by("patient_id").agg(
        found_locked=(c("action") == UnlockingAction.FOUND_LOCKED.code).any(),
        unlock_state=c("action").last().cast(pl.Int8),
        released_on=c("date").filter(c("action") == UnlockingAction.RELEASED.code).max(),
        relocked=(c("action") == UnlockingAction.RELOCKED.code).any(),
    )
    out = (base.select("patient_id").join(checks, on="patient_id", how="left", maintain_order="left")
           .join(steps, on="patient_id", how="left", maintain_order="left"))
    return out.with_columns(campaign_checked=c("campaign_checked").fill_null(False),
                            found_locked=c("found_locked").fill_null(False),
                            relocked=c("relocked").fill_null(False)).select("patient_id", *CAMPAIGN_FACTS)


CHECKED = Condition("campaign_checked", "free health check in the campaign (1 January to the deadline)",
                    fact("campaign_checked"))
FOUND_LOCKED = Condition("found_locked", "found locked up (关锁) by the unlocking campaign", fact("found_locked"))
RELEASED = Condition("released", "last unlocking step is a release (解除关锁)",
                     fact("unlock_state") == UnlockingAction.RELEASED)

CAMPAIGN_INDICATORS: tuple[Indicator, ...] = (
    Indicator("health_check_campaign_rate", "免费健康体检率", "free health-check campaign progress", "%", (CHECKED,),
              (REGISTERED, AT_HOME), section=SOURCE_CHECK),
    Indicator("unlocking_rate", "解锁率", "patients found locked now released", "%", (RELEASED,),
              (REGISTERED, FOUND_LOCKED), section=SOURCE_UNLOCK),
)


@attrs.frozen
class UnlockingFigures:
    """The unlocking campaign in one group on D (``""``: the total), among registered patients:
    ever found locked, released now (the last step is a release), locked again at some time,
    and the last release's date."""

    group: str
    found_locked: int
    released: int
    relocked: int
    last_release: dt.date | None


def unlocking_figures(facts: pl.DataFrame, groups: pl.Series) -> list[UnlockingFigures]:
    """:class:`UnlockingFigures` per group (``groups``: one key per row of the per-patient
    facts, which hold ``registered`` and :data:`CAMPAIGN_FACTS`) and the total, last."""
    c = pl.col
    reg = c("registered").fill_null(False)
    aggs = [(reg & c("found_locked")).sum().alias("found"),
            (reg & (c("unlock_state") == UnlockingAction.RELEASED.code).fill_null(False)).sum().alias("released"),
            (reg & c("relocked")).sum().alias("relocked"),
            c("released_on").filter(reg).max().alias("last")]
    f = facts.with_columns(groups.alias("group"))
    rows = [r for r in f.group_by("group").agg(aggs).sort("group").iter_rows(named=True) if r["found"]]
    total = f.select(aggs).row(0, named=True)
    return [*(UnlockingFigures(r["group"], int(r["found"]), int(r["released"]), int(r["relocked"]), r["last"])
              for r in rows),
            UnlockingFigures("", int(total["found"]), int(total["released"]), int(total["relocked"]), total["last"])]
