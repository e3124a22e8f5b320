"""Report output: records (dicts), JSON, CSV, a text table and (extra ``pandas``) a DataFrame.

The JSON is ``{"period": {"start", "end"}, "by", "results": [...]}``, each result with
``indicator``, ``area`` (code, or null for the total), ``numerator``, ``denominator``,
``value`` (a float in the unit, null when the denominator is 0), ``unit``, ``target`` (null
or a number) and ``met`` (null or a boolean); ``group`` and ``name`` (Chinese) are added for
breakdowns that are not by area, and ``name_en`` (English), ``group_label`` (男/女, the disorder's
label, or the area code with its name from ``areas.csv``) for every result. ``warnings`` lists
the report's remarks in plain words (a period with no follow-up recorded, targets not judged on
a quarter or a month); the text table and grid end with them, one ``warning:`` line each.
"""

from __future__ import annotations

import json
from typing import Any

from smi_care.export.cells import BOM, csv_records
from smi_care.export.terminal import display_width, pad, text_table
from smi_care.indicators.evaluate import Report, by_name
from smi_care.labels import Lang, breakdown_name, group_label, header, indicator_name
from smi_care.registry.areas import NO_NAMES, AreaNames

FIELDS = ("indicator", "name", "group", "area", "numerator", "denominator", "value", "unit", "target", "target_year",
          "target_source", "met", "name_en", "group_label")

__all__ = ["BOM", "FIELDS", "to_csv", "to_dataframe", "to_grid", "to_json", "to_json_data", "to_records", "to_table",
           "warning_lines"]


def to_records(report: Report, areas: AreaNames = NO_NAMES) -> list[dict[str, Any]]:
    """One dict per result. ``area`` is null for the total, else the area code (or, for a
    sex, age or disorder breakdown, the group's key, which ``group`` also holds)."""
    by = by_name(report.by)
    return [{
        "indicator": r.indicator, "name": r.zh, "group": r.group or None, "area": r.area or (r.group or None),
        "numerator": r.numerator, "denominator": r.denominator,
        "value": r.value, "unit": r.unit,
        "target": r.target.threshold if r.target else None, "target_year": r.target.year if r.target else None,
        "target_source": r.target.source if r.target else None, "met": r.met,
        "name_en": indicator_name(r.indicator, "en"), "group_label": group_label(by, r.group, areas, "zh"),
    } for r in report.results]


def to_json_data(report: Report, areas: AreaNames = NO_NAMES) -> dict[str, Any]:
    return {"period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
            "by": by_name(report.by), "patients": report.patients, "warnings": list(report.warnings),
            "results": to_records(report, areas)}


def to_json(report: Report, indent: int | None = 2, areas: AreaNames = NO_NAMES) -> str:
    return json.dumps(to_json_data(report, areas), ensure_ascii=False, indent=indent)


def to_csv(report: Report, areas: AreaNames = NO_NAMES, bom: bool = False) -> str:
    """The records as CSV for a spreadsheet (every text cell formula-safe,
    :mod:`smi_care.export.cells`); ``bom=True`` starts it with the UTF-8 byte-order mark Excel needs."""
    return csv_records(FIELDS, to_records(report, areas), bom=bom)


def to_table(report: Report, lang: Lang = "zh", areas: AreaNames = NO_NAMES) -> str:
    """A plain text table for a terminal, each indicator named in ``lang``.

    >>> from smi_care.indicators import Period, report as make
    >>> print(to_table(make([], Period.parse("2025")), "en").splitlines()[2].split("  ")[0])
    reported prevalence
    """
    by = by_name(report.by)
    head = f"Indicators {report.period}" + (f" by {by}" if by is not None else "")
    if lang == "zh":
        head = f"指标 {report.period}" + (f" 按{breakdown_name(by, lang)}" if by is not None else "")
    cols = ("indicator", "group", "numerator", "denominator", "value", "target", "met")
    rows = []
    for r in report.results:
        value = "-" if r.value is None else f"{r.value:.2f}{r.unit}"
        target = "-" if r.target is None else f"{r.target.threshold:g}{r.unit}"
        met = "" if r.met is None else (header("yes" if r.met else "no", lang) if lang == "zh" else
                                        ("yes" if r.met else "NO"))
        den = "-" if r.denominator is None else str(r.denominator)
        rows.append([indicator_name(r.indicator, lang), group_label(by, r.group, areas, lang), r.numerator, den,
                     value, target, met])
    lines = [head, text_table([header(c, lang) for c in cols], rows, right=(2, 3, 4, 5), gap=1)]
    return "\n".join(lines + warning_lines(report))


def warning_lines(report: Report) -> list[str]:
    """The report's warnings, one ``warning:`` line each (none when there are none)."""
    return [f"warning: {w}" for w in report.warnings]


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


def to_grid(report: Report, indicators: tuple[str, ...] = GRID_DEFAULT, areas: AreaNames = NO_NAMES,
            lang: Lang = "zh") -> str:
    """One row per group (the total last, each group with its name), one column per indicator;
    a value below its target is marked ``*``. A legend under the grid names every column in
    Chinese and English; the last line gives the targets.

    >>> from smi_care.indicators import Period, report as make
    >>> out = to_grid(make([], Period.parse("2025")), ("management_rate",)).splitlines()
    >>> out[0].split(), out[3]
    (['group', 'manage'], 'manage   在册患者管理率 / management rate (%)')
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
    by = by_name(report.by)
    shown_groups = {g: group_label(by, g, areas, lang) if g else "total" for g in order}
    first = max([12, *(display_width(v) + 1 for v in shown_groups.values())])
    width = {i: max(len(SHORT.get(i, i)), 7) for i in indicators}
    lines = [pad("group", first) + "".join(SHORT.get(i, i).rjust(width[i] + 1) for i in indicators)]
    for g in order:
        lines.append(pad(shown_groups[g], first) + "".join(cells.get((g, i), "").rjust(width[i] + 1)
                                                            for i in indicators))
    units = {r.indicator: r.unit for r in report.results}
    lines.append("")
    for i in indicators:
        lines.append(f"{SHORT.get(i, i):<9}{indicator_name(i, 'both')} ({units.get(i, '%')})")
    targets = []
    for i in indicators:
        total = next((x for x in report.results if x.indicator == i and x.group == ""), None)
        if total is not None and total.target is not None:
            t = total.target
            targets.append(f"{SHORT.get(i, i)} {t.threshold:g}{total.unit} ({t.source}, {t.year})")
    if targets:
        lines.append("* below target. Targets: " + "; ".join(targets))
    return "\n".join(lines + warning_lines(report))


def to_dataframe(report: Report, areas: AreaNames = NO_NAMES) -> Any:
    """A pandas DataFrame (install the ``pandas`` extra)."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_dataframe needs pandas: pip install 'smi-care[pandas]'") from None
    return pd.DataFrame(to_records(report, areas), columns=list(FIELDS))
