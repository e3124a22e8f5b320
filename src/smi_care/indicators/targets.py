"""Targets (目标值, national-rules §8) as data, and local targets from a small CSV file.

The applicable target for a result is the most specific one whose area contains the result's
area (a local target beats a national one), among those the latest year not after the
period's year. The §8 township plans' 90–95% for standard management have no fixed year and
area, so they are not built in: a township adds its own line.

>>> t = applicable(NATIONAL_TARGETS, "standard_management_rate", 2025)
>>> (t.threshold, t.year, t.source)
(80.0, 2022, '健康中国行动（2019—2030年）')
>>> applicable(NATIONAL_TARGETS, "standard_management_rate", 2031).threshold
85.0
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import attrs

from smi_care.domain.errors import AreaCodeError, SmiCareError
from smi_care.domain.identity import AreaCode
from smi_care.domain.named import Named


class TargetFileError(SmiCareError, ValueError):
    """A targets file that cannot be read; names the line and the column."""


#: The kinds of period a target may judge (:attr:`Period.kind <smi_care.indicators.periods.Period.kind>`).
PERIOD_KINDS = ("year", "quarter", "month", "range")


def _kinds(value: tuple[str, ...] | str) -> tuple[str, ...]:
    kinds = tuple(k for k in re.split(r"[\s;|,]+", value) if k) if isinstance(value, str) else tuple(value)
    for k in kinds:
        if k not in PERIOD_KINDS:
            raise TargetFileError(f"applies_to {k!r} is not a kind of period; expected {', '.join(PERIOD_KINDS)}")
    return kinds


@attrs.frozen
class Target:
    """A threshold (in the indicator's unit) an indicator should reach or exceed.

    ``applies_to``: the kinds of period the target judges **[year]**. The national targets are
    annual: a quarter's or a month's rate is not judged against them (a quarter's community
    rehabilitation rate of 7 % says nothing about the year's 60 %), and the report says so. A
    local target that sets a quarterly value says ``applies_to=("quarter",)`` (in a targets file:
    the column ``applies_to``, e.g. ``year;quarter``).

    >>> Target("management_rate", 80.0, 2025, "local plan", applies_to="year;quarter").applies_to
    ('year', 'quarter')
    """

    indicator: str
    threshold: float
    year: int
    source: str
    area: AreaCode | None = None
    applies_to: tuple[str, ...] = attrs.field(default=("year",), converter=_kinds)

    def judges(self, kind: str) -> bool:
        """Whether the target judges a period of this kind (``year``, ``quarter``, ``month``, ``range``)."""
        return kind in self.applies_to

    def met(self, value: float | None) -> bool | None:
        return None if value is None else value >= self.threshold


_PLAN = "全国精神卫生工作规划（2015—2020年）"
_PILOT = "社会心理服务体系建设试点工作方案"
_PILOT_2021 = "社会心理服务体系建设试点地区县区工作方案"
_HEALTHY = "健康中国行动（2019—2030年）"

NATIONAL_TARGETS: tuple[Target, ...] = Named("NATIONAL_TARGETS", (
    Target("management_rate", 80.0, 2020, _PLAN),
    Target("schizophrenia_treatment_rate", 80.0, 2020, _PLAN),
    Target("reported_prevalence", 4.5, 2020, _PILOT),
    Target("standard_management_rate", 80.0, 2020, _PILOT),
    Target("regular_medication_rate", 60.0, 2020, _PILOT),
    Target("schizophrenia_medication_rate", 80.0, 2020, _PILOT),
    Target("standard_management_rate", 80.0, 2021, _PILOT_2021),
    Target("treatment_rate", 80.0, 2021, _PILOT_2021),
    Target("schizophrenia_treatment_rate", 80.0, 2021, _PILOT_2021),
    Target("community_rehabilitation_rate", 60.0, 2021, _PILOT_2021),
    Target("counselling_rate", 50.0, 2021, _PILOT_2021),
    Target("standard_management_rate", 80.0, 2022, _HEALTHY),
    Target("schizophrenia_treatment_rate", 80.0, 2022, _HEALTHY),
    Target("standard_management_rate", 85.0, 2030, _HEALTHY),
    Target("schizophrenia_treatment_rate", 85.0, 2030, _HEALTHY),
))


def applicable(targets: Iterable[Target], indicator: str, year: int, area: AreaCode | None = None) -> Target | None:
    """The target that applies to ``indicator`` in ``year`` for ``area`` (None: the total)."""
    best: tuple[int, int, int] | None = None
    chosen: Target | None = None
    for i, t in enumerate(targets):
        if t.indicator != indicator or t.year > year:
            continue
        if t.area is not None and (area is None or not area.within(t.area)):
            continue
        depth = 0 if t.area is None else t.area.level.value
        key = (depth, t.year, i)
        if best is None or key > best:
            best, chosen = key, t
    return chosen


def load_targets(path: str | Path, known: Iterable[str] | None = None) -> tuple[Target, ...]:
    """Read local targets from a CSV file with columns ``indicator, year, threshold, source``
    and optionally ``area_code`` and ``applies_to`` (kinds of period, e.g. ``year;quarter``;
    empty: ``year``). Errors name the line, the column and the value."""
    path = Path(path)
    known_ids = set(known) if known is not None else None
    out: list[Target] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in ("indicator", "year", "threshold") if c not in header]
        if missing:
            raise TargetFileError(f"{path.name}: the header lacks column {missing[0]}")
        for n, raw in enumerate(reader, start=2):
            if None in raw:
                raise TargetFileError(f"{path.name} line {n}: {len(header) + len(raw[None])} fields, but the "
                                      f"header has {len(header)} columns")
            row = {k.strip(): (v or "").strip() for k, v in raw.items()}
            ind = row["indicator"]
            if known_ids is not None and ind not in known_ids:
                raise TargetFileError(f"{path.name} line {n} column indicator: {ind!r} is not a known indicator")
            try:
                year = int(row["year"])
            except ValueError:
                raise TargetFileError(f"{path.name} line {n} column year: {row['year']!r} is not a year") from None
            try:
                threshold = float(row["threshold"].rstrip("%‰"))
            except ValueError:
                raise TargetFileError(f"{path.name} line {n} column threshold: {row['threshold']!r} "
                                      "is not a number") from None
            area = None
            if row.get("area_code"):
                try:
                    area = AreaCode(row["area_code"])
                except AreaCodeError as exc:
                    raise TargetFileError(f"{path.name} line {n} column area_code: {exc}") from None
            try:
                kinds = _kinds(row.get("applies_to") or "year")
            except TargetFileError as exc:
                raise TargetFileError(f"{path.name} line {n} column applies_to: {exc}") from None
            out.append(Target(ind, threshold, year, row.get("source") or path.name, area, kinds))
    return tuple(out)
