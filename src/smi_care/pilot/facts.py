"""The facts of the pilot's units, surveys, special-group counts and emergencies in one period:
one row per unit (or survey, count, event), the columns the pilot indicators' conditions read.
This module is the one home of the rules over the area data's dates:

- **open on D** (:func:`open_on`): a facility counts on the period's last day D when it opened on
  or before D and is not closed by D — ``closed_on`` is its first day closed, so a facility
  closed on D does not count on D, one closed the day after does;
- **surveys in P**: a survey counts in the period P when its date is in P (first to last day);
- **special groups**: the last count in P of each (area, group) counts — the counts are running
  totals, so two counts of one group in one period are not added;
- **emergencies in P**: an event counts in P when its date is in P; its response is **timely**
  when psychological aid reached it within :attr:`EmergencyPolicy.response_days` days of the
  event (**[local default] 1**: the day of the event or the next day); an event without a
  response is not timely.

>>> import datetime as dt
>>> import polars as pl
>>> f = pl.DataFrame({"opened_on": [dt.date(2021, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1)],
...                   "closed_on": [None, dt.date(2021, 12, 31), None]})
>>> f.select(open_on(dt.date(2021, 12, 31))).to_series().to_list()
[True, False, False]
"""

from __future__ import annotations

import datetime as dt

import attrs
import polars as pl

from smi_care.domain.named import short_repr
from smi_care.domain.pilot import FacilityKind
from smi_care.indicators.periods import Period
from smi_care.registry.pilot_files import PilotLoad

c = pl.col


@short_repr
@attrs.frozen
class EmergencyPolicy:
    """``response_days``: the most days from an emergency to the first psychological aid for the
    response to be timely (及时) **[local default 1]**; the plans say "响应及时率100%" without a
    number of days."""

    response_days: int = attrs.field(default=1, validator=attrs.validators.ge(0))


EMERGENCY_DEFAULT = EmergencyPolicy()


def open_on(day: dt.date) -> pl.Expr:
    """True for a facility row open on ``day``: opened on or before it and not closed by it."""
    return (c("opened_on") <= day) & (c("closed_on").is_null() | (c("closed_on") > day))


def facility_column(kind: FacilityKind) -> str:
    """The unit fact that says a facility of ``kind`` is open on D."""
    return f"open_{kind.code}"


def unit_facts(load: PilotLoad, period: Period) -> pl.DataFrame:
    """One row per unit: ``unit_id``, ``area``, ``unit_kind``, ``school_level``, ``hospital_kind``,
    ``hospital_level`` and, per facility kind, ``open_<code>`` (a facility of that kind open on D)."""
    day = period.end
    open_kinds = (load.facilities.filter(open_on(day)).group_by("unit_id")
                  .agg(*(((c("kind") == k.code).any()).alias(facility_column(k)) for k in FacilityKind)))
    units = load.units.select("unit_id", area=c("area_code"), unit_kind=c("kind"), school_level=c("school_level"),
                              hospital_kind=c("hospital_kind"), hospital_level=c("hospital_level"))
    out = units.join(open_kinds, on="unit_id", how="left", maintain_order="left")
    return out.with_columns(c(facility_column(k)).fill_null(False) for k in FacilityKind)


def survey_facts(load: PilotLoad, period: Period) -> pl.DataFrame:
    """One row per survey: ``area``, ``in_period``, ``group``, ``respondents``, ``aware``."""
    s = load.surveys
    return s.select("survey_id", area=c("area_code"), in_period=c("date").is_between(period.start, period.end),
                    group=c("group"), respondents=c("respondents"), aware=c("aware"))


def special_group_facts(load: PilotLoad, period: Period) -> pl.DataFrame:
    """One row per special-group count: ``area``, ``group``, ``counted`` (the last count of its
    area and group in P; same-day rows cannot occur, the key forbids them), ``identified``, ``served``."""
    s = load.special_groups.with_columns(in_period=c("date").is_between(period.start, period.end))
    last = (s.filter(c("in_period")).group_by("area_code", "group").agg(c("date").max().alias("__last")))
    out = s.join(last, on=["area_code", "group"], how="left", maintain_order="left")
    return out.select(area=c("area_code"), group=c("group"), counted=(c("date") == c("__last")).fill_null(False),
                      identified=c("identified"), served=c("served"))


def emergency_facts(load: PilotLoad, period: Period, policy: EmergencyPolicy = EMERGENCY_DEFAULT) -> pl.DataFrame:
    """One row per emergency: ``area``, ``in_period`` (the event in P) and ``timely``."""
    e = load.emergencies
    days = (c("response_date") - c("event_date")).dt.total_days()
    return e.select("event_id", area=c("area_code"),
                    in_period=c("event_date").is_between(period.start, period.end),
                    timely=(days <= policy.response_days).fill_null(False))


__all__ = ["EMERGENCY_DEFAULT", "EmergencyPolicy", "emergency_facts", "facility_column", "open_on",
           "special_group_facts", "survey_facts", "unit_facts"]
