"""Report output: records (dicts), JSON, CSV, a text table and (extra ``pandas``) a DataFrame.

The JSON is ``{"period": {"start", "end"}, "by", "results": [...]}``, each result with
``indicator``, ``area`` (code, or null for the total), ``numerator``, ``denominator``,
``value`` (a float in the unit, null when the denominator is 0), ``unit``, ``target`` (null
or a number) and ``met`` (null or a boolean); ``group`` and ``name`` are added for
breakdowns that are not by area.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from smi_care.indicators.evaluate import Report, by_name

FIELDS = ("indicator", "name", "group", "area", "numerator", "denominator", "value", "unit", "target", "target_year",
          "target_source", "met")


def to_records(report: Report) -> list[dict[str, Any]]:
    """One dict per result. ``area`` is null for the total, else the area code (or, for a
    sex, age or disorder breakdown, the group's key, which ``group`` also holds)."""
    return [{
        "indicator": r.indicator, "name": r.zh, "group": r.group or None, "area": r.area or (r.group or None),
        "numerator": r.numerator, "denominator": r.denominator,
        "value": r.value, "unit": r.unit,
        "target": r.target.threshold if r.target else None, "target_year": r.target.year if r.target else None,
        "target_source": r.target.source if r.target else None, "met": r.met,
    } for r in report.results]


def to_json_data(report: Report) -> dict[str, Any]:
    return {"period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
            "by": by_name(report.by), "patients": report.patients, "results": to_records(report)}


def to_json(report: Report, indent: int | None = 2) -> str:
    return json.dumps(to_json_data(report), ensure_ascii=False, indent=indent)


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    for r in to_records(report):
        w.writerow({k: "" if v is None else v for k, v in r.items()})
    return buf.getvalue()


def to_table(report: Report) -> str:
    """A plain text table for a terminal."""
    head = f"Indicators {report.period}" + (f" by {by_name(report.by)}" if report.by is not None else "")
    lines = [head, f"{'indicator':<40} {'group':<13} {'num':>7} {'den':>7} {'value':>9} {'target':>8} met"]
    for r in report.results:
        value = "-" if r.value is None else f"{r.value:.2f}{r.unit}"
        target = "-" if r.target is None else f"{r.target.threshold:g}{r.unit}"
        met = "" if r.met is None else ("yes" if r.met else "NO")
        den = "-" if r.denominator is None else str(r.denominator)
        lines.append(f"{r.indicator:<40} {r.group or 'total':<13} {r.numerator:>7} {den:>7} {value:>9} {target:>8} "
                     f"{met}")
    return "\n".join(lines)


#: Short column headings for :func:`to_grid`.
SHORT = {
    "reported_prevalence": "prev‰", "management_rate": "manage", "standard_management_rate": "standard",
    "medication_rate": "medic", "regular_medication_rate": "regular", "treatment_rate": "treat",
    "schizophrenia_medication_rate": "sz-med", "schizophrenia_regular_medication_rate": "sz-reg",
    "schizophrenia_treatment_rate": "sz-treat", "face_to_face_rate": "face", "health_check_rate": "check",
    "stability_rate": "stable", "loss_rate": "lost", "community_rehabilitation_rate": "rehab",
    "counselling_rate": "counsel", "family_doctor_contract_rate": "contract", "incident_rate": "incident",
    "lockup_release_rate": "unlock",
}

GRID_DEFAULT = ("reported_prevalence", "management_rate", "standard_management_rate", "regular_medication_rate",
                "schizophrenia_treatment_rate", "stability_rate", "community_rehabilitation_rate", "counselling_rate")


def to_grid(report: Report, indicators: tuple[str, ...] = GRID_DEFAULT) -> str:
    """One row per group (the total last), one column per indicator; a value below its
    target is marked ``*``. The last lines give the targets.

    >>> from smi_care.indicators import Period, report as make
    >>> print(to_grid(make([], Period.parse("2025")), ("management_rate",)).splitlines()[0])
    group         manage
    """
    cells: dict[tuple[str, str], str] = {}
    groups: list[str] = []
    for r in report.results:
        if r.indicator not in indicators:
            continue
        if r.group not in groups:
            groups.append(r.group)
        mark = "*" if r.met is False else " "
        shown = "-" if r.value is None else f"{r.value:.1f}"
        if r.value is not None and r.target is not None and r.met is False and float(shown) >= r.target.threshold:
            shown = f"{r.value:.2f}"  # 59.96 is below 60: do not print it as 60.0
        cells[(r.group, r.indicator)] = shown if r.value is None else shown + mark
    order = [g for g in groups if g] + [""]
    width = {i: max(len(SHORT.get(i, i)), 7) for i in indicators}
    lines = ["group".ljust(12) + "".join(SHORT.get(i, i).rjust(width[i] + 1) for i in indicators)]
    for g in order:
        lines.append((g or "total").ljust(12) + "".join(cells.get((g, i), "").rjust(width[i] + 1)
                                                        for i in indicators))
    targets = []
    for i in indicators:
        total = next((x for x in report.results if x.indicator == i and x.group == ""), None)
        if total is not None and total.target is not None:
            t = total.target
            targets.append(f"{SHORT.get(i, i)} {t.threshold:g}{total.unit} ({t.source}, {t.year})")
    if targets:
        lines.append("* below target. Targets: " + "; ".join(targets))
    return "\n".join(lines)


def to_dataframe(report: Report) -> Any:
    """A pandas DataFrame (install the ``pandas`` extra)."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_dataframe needs pandas: pip install 'smi-care[pandas]'") from None
    return pd.DataFrame(to_records(report), columns=list(FIELDS))
