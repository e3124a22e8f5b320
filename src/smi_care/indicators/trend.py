"""Indicators over consecutive periods (national-rules §6: monthly, quarterly and annual
reporting): a tidy table with one row per period × group × indicator.

>>> [str(p) for p in consecutive("2024Q4..2025Q1")]
['2024-10-01..2024-12-31', '2025-01-01..2025-03-31']
>>> [period_label(p) for p in consecutive("2025-11..2026-01")]
['2025-11', '2025-12', '2026-01']
>>> rows = trend([], "2024..2025")
>>> len(rows), rows[0].period, rows[0].indicator
(36, '2024', 'reported_prevalence')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from smi_care.domain.records import PatientRecord, Registry
from smi_care.indicators.columnar import Tables, evaluate_tables
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Report, finalize, report
from smi_care.indicators.periods import Period, PeriodError
from smi_care.indicators.targets import NATIONAL_TARGETS, Target
from smi_care.registry.areas import NO_NAMES, AreaNames

_YEAR, _QUARTER, _MONTH = r"(\d{4})", r"(\d{4})[Qq]([1-4])", r"(\d{4})-(\d{2})"


def consecutive(text: str) -> list[Period]:
    """The consecutive periods from the first to the last, both included, of one kind:
    ``2024..2025`` (years), ``2024Q1..2025Q4`` (quarters) or ``2025-01..2025-12`` (months)."""
    first, sep, last = text.partition("..")
    a, b = first.strip(), last.strip()
    if not sep:
        raise PeriodError(f"periods {text!r} must be FIRST..LAST, e.g. 2024Q1..2025Q4")
    if re.fullmatch(_YEAR, a) and re.fullmatch(_YEAR, b):
        out = [Period.year(y) for y in range(int(a), int(b) + 1)]
    elif (ma := re.fullmatch(_QUARTER, a)) and (mb := re.fullmatch(_QUARTER, b)):
        lo, hi = int(ma[1]) * 4 + int(ma[2]) - 1, int(mb[1]) * 4 + int(mb[2]) - 1
        out = [Period.quarter(q // 4, q % 4 + 1) for q in range(lo, hi + 1)]
    elif (ma := re.fullmatch(_MONTH, a)) and (mb := re.fullmatch(_MONTH, b)):
        lo, hi = int(ma[1]) * 12 + int(ma[2]) - 1, int(mb[1]) * 12 + int(mb[2]) - 1
        out = [Period.month(m // 12, m % 12 + 1) for m in range(lo, hi + 1)]
    else:
        raise PeriodError(f"periods {text!r}: both ends must be of one kind: years (2024..2025), quarters "
                          "(2024Q1..2025Q4) or months (2025-01..2025-12)")
    if not out:
        raise PeriodError(f"periods {text!r}: the last period is before the first")
    return out


def period_label(period: Period) -> str:
    """``2025``, ``2025Q3``, ``2025-07`` for a whole year, quarter or month, else ``start..end``."""
    s, e = period.start, period.end
    if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1] and s.year == e.year:
        if (s.month, e.month) == (1, 12):
            return str(s.year)
        if s.month == e.month:
            return f"{s.year}-{s.month:02d}"
        if s.month % 3 == 1 and e.month == s.month + 2:
            return f"{s.year}Q{(s.month - 1) // 3 + 1}"
    return str(period)


@attrs.frozen
class TrendRow:
    """One figure of a trend: a period, a group ("" for the total), an indicator."""

    period: str
    start: dt.date
    end: dt.date
    group: str
    area: str | None
    indicator: str
    numerator: int
    denominator: int | None
    value: float | None
    unit: str
    target: float | None
    met: bool | None


def rows_of(rep: Report) -> list[TrendRow]:
    """The tidy rows of one report."""
    label = period_label(rep.period)
    return [TrendRow(label, rep.period.start, rep.period.end, r.group, r.area, r.indicator, r.numerator,
                     r.denominator, r.value, r.unit, r.target.threshold if r.target else None, r.met)
            for r in rep.results]


def trend_reports(registry: Registry | Iterable[PatientRecord] | Tables, periods: str | Sequence[Period],
                  by: By = None, indicators: Iterable[Indicator] = STANDARD_INDICATORS,
                  policy: EvaluationPolicy = DEFAULT_POLICY, targets: Iterable[Target] = NATIONAL_TARGETS) -> list[Report]:
    """The report of every period (``2024Q1..2025Q4`` or a list of periods), in period order, each
    with its warnings (a period without follow-ups, targets not judged on a quarter). Given
    registry tables, each period is counted by the columnar engine on the tables read once."""
    chosen = consecutive(periods) if isinstance(periods, str) else list(periods)
    inds, tgts = tuple(indicators), tuple(targets)
    if isinstance(registry, Tables):
        return [finalize(evaluate_tables(registry, p, by, inds, policy)[0], tgts) for p in chosen]
    records = registry if isinstance(registry, Registry) else tuple(registry)
    return [report(records, p, by, inds, policy, tgts) for p in chosen]


def trend(registry: Registry | Iterable[PatientRecord] | Tables, periods: str | Sequence[Period], by: By = None,
          indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
          targets: Iterable[Target] = NATIONAL_TARGETS) -> list[TrendRow]:
    """Every indicator for every period (``2024Q1..2025Q4`` or a list of periods), as tidy rows
    in period order. Each period's figures equal :func:`report` for that period. Given registry
    tables (:func:`smi_care.registry.read_tables`), each period is counted by the columnar engine
    on the tables read once. :func:`trend_reports` gives the reports, with their warnings."""
    return [row for rep in trend_reports(registry, periods, by, indicators, policy, targets) for row in rows_of(rep)]


def trend_warnings(reports: Iterable[Report]) -> list[str]:
    """The warnings of a trend's reports, each once per run: warnings that differ only in the
    period they name are one warning naming every period (``targets not judged on this quarter
    (2024Q1, 2024Q2): ...``).

    >>> trend_warnings([])
    []
    """
    periods: dict[str, list[str]] = {}
    for rep in reports:
        for w in rep.warnings:
            found = _PERIOD_IN_TEXT.search(w)
            if found is None:
                periods.setdefault(w, [])
                continue
            key = w[:found.start(1)] + "{}" + w[found.end(1):]
            label = period_label(rep.period) if found.group(1) == str(rep.period) else found.group(1)
            shown = periods.setdefault(key, [])
            if label not in shown:
                shown.append(label)
    out = []
    for key, shown in periods.items():
        text = key.replace("{}", ", ".join(shown), 1) if shown else key
        if len(shown) > 1:
            text = text.replace("on this quarter", "on these quarters").replace("on this month", "on these months")
        out.append(text)
    return out


_PERIOD_IN_TEXT = re.compile(r"\((\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})\)")


TREND_FIELDS = tuple(f.name for f in attrs.fields(TrendRow))


def trend_records(rows: Iterable[TrendRow]) -> list[dict[str, Any]]:
    """Rows as dicts (dates in ISO form), for JSON, CSV or a DataFrame."""
    return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.asdict(r).items()} for r in rows]


def trend_dataframe(rows: Iterable[TrendRow], areas: AreaNames = NO_NAMES, by: str | None = None) -> Any:
    """A pandas DataFrame of the rows (install the ``pandas`` extra), with the indicator's
    ``name`` (Chinese) and ``name_en`` and each group's ``group_label`` (an area with its name
    from ``areas.csv``, 男/女 for ``by="sex"``, 合计 for the total); like
    :func:`smi_care.indicators.output.to_dataframe`, the total's ``group`` and ``area`` are
    missing (NaN), not ""."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("trend_dataframe needs pandas: pip install 'smi-care[pandas]'") from None
    from smi_care.labels import group_label, indicator_name

    records = trend_records(rows)
    for r in records:
        r["name"] = indicator_name(r["indicator"], "zh")
        r["name_en"] = indicator_name(r["indicator"], "en")
        r["group_label"] = (areas.label(r["area"]) if r["area"] else group_label(by, r["group"], areas, "zh"))
        r["group"] = r["group"] or None
        r["area"] = r["area"] or None
    return pd.DataFrame(records, columns=[*TREND_FIELDS, "name", "name_en", "group_label"])
