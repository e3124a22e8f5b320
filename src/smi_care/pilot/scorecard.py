"""The county scorecard of the pilot: every pilot indicator, patient and area, for the registry's
whole area (the county) and each area of the breakdown (each township) — value, target, met or
not, and the plan sentence that sets the target — with the report's warnings.

Readings (docs/pilot.md): the whole area's figure is the sum of its parts' counts, units of no
township (a county hospital) included; targets are annual ("到2021年底"), so they judge a year
and a quarter's or a month's figures are shown without a verdict; a figure without a
denominator has no value and no verdict.

>>> from smi_care.indicators import Period
>>> from smi_care.indicators.evaluate import Partial, DEFAULT_POLICY
>>> from smi_care.pilot.indicators import AREA_INDICATORS, PATIENT_INDICATORS
>>> period = Period.parse("2021")
>>> area = Partial(period, None, tuple(a.indicator for a in AREA_INDICATORS), DEFAULT_POLICY,
...                {("village_room_rate", ""): (9, 10)})
>>> pats = Partial(period, None, PATIENT_INDICATORS, DEFAULT_POLICY, {("treatment_rate", ""): (7, 10)})
>>> card = scorecard(PilotPartial(pats, area))
>>> r = card.row("village_room_rate")
>>> (r.value, r.target.threshold, r.met, r.target.plan)
(90.0, 80.0, True, 'yinchuan')
>>> card.row("treatment_rate").met
False
>>> card.warnings[0]
'no awareness survey is dated in the period 2021: the awareness rates (知晓率) have no figure'
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.indicators.definitions import Indicator
from smi_care.indicators.evaluate import UNKNOWN_GROUP, By, Partial, registry_area
from smi_care.indicators.periods import Period
from smi_care.indicators.trend import period_label
from smi_care.pilot.evaluate import PilotPartial
from smi_care.pilot.indicators import AWARENESS
from smi_care.pilot.plans import DEFAULT_PLANS, PilotTarget, PlanChoice, target_for


@attrs.frozen
class ScoreRow:
    """One figure of the scorecard. ``group`` is "" for the whole area, else the area code of
    the breakdown; ``kind`` is ``patient`` or ``area``; ``value`` in % (None without a denominator)."""

    indicator: str
    zh: str
    kind: str
    group: str
    numerator: int
    denominator: int
    value: float | None
    target: PilotTarget | None
    met: bool | None


@attrs.frozen
class Scorecard:
    period: Period
    by: By
    plans: PlanChoice
    area: AreaCode | None
    rows: tuple[ScoreRow, ...]
    warnings: tuple[str, ...] = ()

    def row(self, indicator: str, group: str = "") -> ScoreRow:
        for r in self.rows:
            if r.indicator == indicator and r.group == group:
                return r
        raise KeyError(f"no scorecard row for indicator {indicator!r} group {group!r}")

    def groups(self) -> list[str]:
        """The areas of the breakdown, in code order ("" — the whole area — not included)."""
        return sorted({r.group for r in self.rows if r.group})

    def indicators(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.rows:
            seen.setdefault(r.indicator, None)
        return list(seen)


def _groups(partials: Iterable[Partial], by: By) -> list[str]:
    out: set[str] = set()
    for p in partials:
        out |= {g for (_, g) in p.counts}
        if isinstance(by, AreaLevel):
            out |= {e.area_code.at(by).code for e in p.population if e.area_code.level.value >= by.value}
    out.discard("")
    out.discard(UNKNOWN_GROUP)
    return sorted(out)


def _total(p: Partial, ind: str) -> tuple[int, int]:
    if p.by is None:
        return p.counts.get((ind, ""), (0, 0))
    parts = [v for (i, _), v in p.counts.items() if i == ind]
    return sum(n for n, _ in parts), sum(d for _, d in parts)


def _rows(p: Partial, kind: str, inds: Iterable[Indicator], group: str, year: int | None,
          choice: PlanChoice) -> list[ScoreRow]:
    out: list[ScoreRow] = []
    for ind in inds:
        n, d = _total(p, ind.id) if group == "" else p.counts.get((ind.id, group), (0, 0))
        value = n / d * 100 if d else None
        target = target_for(ind.id, year, choice) if year is not None else None
        out.append(ScoreRow(ind.id, ind.zh, kind, group, n, d, value, target,
                            target.met(value) if target is not None else None))
    return out


def scorecard(partial: PilotPartial, plans: PlanChoice = DEFAULT_PLANS) -> Scorecard:
    """The scorecard of a pilot partial, judged by the targets of ``plans``."""
    period = partial.period
    year = period.end.year if period.kind == "year" else None
    groups = ["", *_groups((partial.patients, partial.area), partial.by)]
    rows: list[ScoreRow] = []
    for g in groups:
        rows += _rows(partial.patients, "patient", partial.patients.indicators, g, year, plans)
        rows += _rows(partial.area, "area", partial.area.indicators, g, year, plans)
    area = registry_area(partial.area.population | partial.patients.population)
    return Scorecard(period, partial.by, plans, area, tuple(rows), _warnings(partial, rows, groups[1:], year))


def _warnings(partial: PilotPartial, rows: list[ScoreRow], groups: list[str], year: int | None) -> tuple[str, ...]:
    period = period_label(partial.period)
    out: list[str] = []
    total = [r for r in rows if r.group == ""]
    if all(r.denominator == 0 for r in total if r.indicator in AWARENESS):
        out.append(f"no awareness survey is dated in the period {period}: the awareness rates (知晓率) have no figure")
    elif groups:
        none = [g for g in groups if all(r.denominator == 0 for r in rows if r.group == g and r.indicator in AWARENESS)]
        if none:
            out.append(f"no awareness survey is dated in the period {period} in {len(none)} of {len(groups)} areas: "
                       + ", ".join(none))
    if partial.patients.followups_in_period == 0 and partial.patients.patients:
        out.append(f"no follow-up is recorded in the period {period} (does the data reach it?): the patient rates "
                   "that count follow-ups are 0")
    surveyed = any(r.denominator for r in total if r.indicator in AWARENESS)
    for r in total:
        if r.denominator == 0 and r.indicator not in AWARENESS:
            out.append(f"{r.indicator} ({r.zh}): the denominator is 0 in the whole area — no figure, not judged")
        elif r.denominator == 0 and surveyed:
            out.append(f"{r.indicator} ({r.zh}): no survey of this population group is dated in the period — the "
                       "denominator is 0, no figure, not judged")
    if groups:
        for ind in dict.fromkeys(r.indicator for r in rows):
            zero = [g for g in groups if any(r.group == g and r.indicator == ind and r.denominator == 0 for r in rows)]
            whole = next(r for r in total if r.indicator == ind)
            # all zero: units of the whole area only (a county hospital), nothing to warn about
            if zero and len(zero) < len(groups) and whole.denominator and ind not in AWARENESS:
                out.append(f"{ind} ({whole.zh}): the denominator is 0 in {len(zero)} of {len(groups)} areas")
    if year is None:
        out.append(f"the plans' targets are set for a year: the figures of {period} ({partial.period.kind}) are not judged")
    return tuple(out)


__all__ = ["ScoreRow", "Scorecard", "scorecard"]
