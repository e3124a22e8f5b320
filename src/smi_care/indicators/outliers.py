"""Which figures of a trend to explain first: values far from an area's own history or its peers.

The test is the modified z-score of Iglewicz and Hoaglin (1993, *How to Detect and Handle
Outliers*), the one DHIS2's outlier detection offers for aggregate values:
``M = 0.6745 × (x − median) / MAD``, with MAD the median absolute deviation from the median, and
a value is an outlier when ``|M| > 3.5``. It is read on the *rate* (the indicator's value), in
two ways:

- **history**: an area's value in one period against the same area's values in every period of
  the trend (a township whose rate fell from its usual level);
- **peers**: an area's value against the other areas' values in the same period (a township far
  from the county's others).

Readings taken **[defaults]**, named in :class:`OutlierPolicy`: at least ``min_values`` (5)
values are needed for a score (fewer say nothing reliable); when the MAD is 0 (more than half the
values equal), the mean absolute deviation scaled by 1.253314 takes its place (so that a single
departure from a flat history is still found; the alternative, giving no score, would hide it);
when that is 0 too, every value is the median and none is an outlier. Missing values (no
denominator) are left out. The total ("" group) is judged on its history only.

>>> [round(m, 2) if m is not None else None for m in modified_z([80.0, 81.0, 79.0, 80.5, 60.0])]
[0.0, 0.67, -0.67, 0.34, -13.49]
>>> modified_z([50.0, 50.0, 50.0])
[None, None, None]
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

import attrs

from smi_care.domain.named import short_repr
from smi_care.indicators.trend import TrendRow

#: 0.6745: the 0.75 quantile of the standard normal, so that M is a z-score for normal data.
CONSISTENCY = 0.6745
#: sqrt(pi/2): scales the mean absolute deviation to the standard deviation for normal data.
MEAN_AD_SCALE = 1.253314


@short_repr
@attrs.frozen
class OutlierPolicy:
    """When a value is an outlier: ``|M| > threshold`` **[3.5]**, from at least ``min_values``
    **[5]** values."""

    threshold: float = 3.5
    min_values: int = 5

    def __attrs_post_init__(self) -> None:
        if self.threshold <= 0:
            raise ValueError(f"OutlierPolicy.threshold must be above 0, not {self.threshold!r}")
        if self.min_values < 3:
            raise ValueError(f"OutlierPolicy.min_values must be at least 3, not {self.min_values!r}")


@attrs.frozen
class Outlier:
    """One flagged figure: ``against`` is ``history`` (the area's own periods) or ``peers`` (the
    other areas in the period); ``median`` is the reference it departs from."""

    period: str
    group: str
    indicator: str
    value: float
    against: str
    score: float
    median: float


def modified_z(values: Sequence[float]) -> list[float | None]:
    """The modified z-score of each value (None when every value is the median)."""
    if not values:
        return []
    med = statistics.median(values)
    deviations = [abs(v - med) for v in values]
    mad = statistics.median(deviations)
    if mad > 0:
        return [CONSISTENCY * (v - med) / mad for v in values]
    mean_ad = statistics.fmean(deviations)
    if mean_ad > 0:
        return [(v - med) / (MEAN_AD_SCALE * mean_ad) for v in values]
    return [None] * len(values)


def _flag(rows: Sequence[TrendRow], against: str, policy: OutlierPolicy) -> list[Outlier]:
    known = [r for r in rows if r.value is not None]
    if len(known) < policy.min_values:
        return []
    values = [float(r.value) for r in known if r.value is not None]
    med = statistics.median(values)
    return [Outlier(r.period, r.group, r.indicator, v, against, m, med)
            for r, v, m in zip(known, values, modified_z(values), strict=True)
            if m is not None and abs(m) > policy.threshold]


def outliers(rows: Iterable[TrendRow], policy: OutlierPolicy = OutlierPolicy()) -> list[Outlier]:
    """The figures of a trend (:func:`~smi_care.indicators.trend.trend`) that depart from their
    area's history or from their peers, the largest departure first."""
    rows = list(rows)
    history: dict[tuple[str, str], list[TrendRow]] = {}
    peers: dict[tuple[str, str], list[TrendRow]] = {}
    for r in rows:
        history.setdefault((r.group, r.indicator), []).append(r)
        if r.group:
            peers.setdefault((r.period, r.indicator), []).append(r)
    found = [o for group in history.values() for o in _flag(group, "history", policy)]
    found += [o for group in peers.values() for o in _flag(group, "peers", policy)]
    return sorted(found, key=lambda o: (-abs(o.score), o.indicator, o.group, o.period, o.against))
