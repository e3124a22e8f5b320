"""Indicators as FHIR R4 resources: a ``Measure`` per indicator and a ``MeasureReport`` per
indicator of a report, gathered in a ``Bundle`` (type ``collection``).

Each Measure gives the indicator's definition (numerator and denominator conditions, in the
words of national-rules §6), ``scoring`` ``proportion`` and ``improvementNotation``
(``increase``, or ``decrease`` for the loss and incident rates). Each MeasureReport (type
``summary``) gives the numerator and denominator counts and the score for the report's area,
and one ``stratifier`` for the report's breakdown (township, sex, ...), with a stratum per
group. The counts are the report's, unchanged.

The resources are plain dicts (JSON); the tests validate them with the ``fhir.resources``
models.

>>> from smi_care.indicators import Period, report
>>> m = measure(by_id("loss_rate"))
>>> m["scoring"]["coding"][0]["code"], m["improvementNotation"]["coding"][0]["code"]
('proportion', 'decrease')
>>> b = bundle(report([], Period.parse("2025")))
>>> b["resourceType"], len(b["entry"])
('Bundle', 36)
"""

from __future__ import annotations

from typing import Any

import attrs

from smi_care.domain.checks import members_of, text
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator, by_id
from smi_care.indicators.evaluate import IndicatorResult, Report, by_name
from smi_care.labels import group_label
from smi_care.registry.areas import NO_NAMES, AreaNames

SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
UCUM = "http://unitsofmeasure.org"


@attrs.frozen
class FhirPolicy:
    """Where the resources say they come from: ``base`` **[urn:smi-care:]** prefixes the
    canonical URLs (``{base}Measure/{indicator id}``); ``lower_is_better`` lists the indicators
    whose improvement notation is ``decrease``. Checked at construction: ``base`` and ``version``
    a text that is not empty, ``lower_is_better`` a frozenset of indicator ids."""

    base: str = attrs.field(default="urn:smi-care:", validator=text("a URL or URN prefix"))
    lower_is_better: frozenset[str] = attrs.field(default=frozenset({"loss_rate", "incident_rate"}),
                                                  validator=members_of(str, "indicator ids (str)"))
    version: str = attrs.field(default="2018", validator=text("a version"))


DEFAULT = FhirPolicy()


def _code(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def measure_url(indicator_id: str, policy: FhirPolicy = DEFAULT) -> str:
    return f"{policy.base}Measure/{indicator_id}"


def measure(ind: Indicator, policy: FhirPolicy = DEFAULT) -> dict[str, Any]:
    """The ``Measure`` resource of one indicator."""
    den = ("resident population of the area (常住人口)" if ind.population_denominator
           else "; ".join(c.text for c in ind.denominator))
    num = "; ".join(c.text for c in ind.numerator)
    return {
        "resourceType": "Measure", "id": ind.id.replace("_", "-"), "url": measure_url(ind.id, policy),
        "version": policy.version, "name": "".join(w.capitalize() for w in ind.id.split("_")),
        "title": f"{ind.zh} / {ind.en}", "status": "active",
        "description": f"{ind.en} ({ind.zh}), in {ind.unit}: numerator {num}; denominator {den}. "
                       f"严重精神障碍管理治疗工作规范（2018年版） (WS2018), national-rules {ind.section}.",
        "scoring": _code(SCORING, "proportion"),
        "improvementNotation": _code(IMPROVEMENT, "decrease" if ind.id in policy.lower_is_better else "increase"),
        "group": [{"population": [
            {"code": _code(POPULATION, "numerator"), "description": num,
             "criteria": {"language": "text/plain", "expression": num}},
            {"code": _code(POPULATION, "denominator"), "description": den,
             "criteria": {"language": "text/plain", "expression": den}},
        ]}],
    }


def _populations(r: IndicatorResult) -> list[dict[str, Any]]:
    pops = [{"code": _code(POPULATION, "numerator"), "count": r.numerator}]
    if r.denominator is not None:
        pops.append({"code": _code(POPULATION, "denominator"), "count": r.denominator})
    return pops


def _score(r: IndicatorResult) -> dict[str, Any] | None:
    if r.value is None:
        return None
    return {"value": round(r.value, 6), "unit": r.unit, "system": UCUM, "code": "%" if r.unit == "%" else "[ppth]"}


def measure_report(report: Report, indicator: str, areas: AreaNames = NO_NAMES,
                   policy: FhirPolicy = DEFAULT) -> dict[str, Any]:
    """The ``MeasureReport`` of one indicator of a report, with a stratifier for its breakdown."""
    rows = [r for r in report.results if r.indicator == indicator]
    total = next(r for r in rows if r.group == "")
    group: dict[str, Any] = {"population": _populations(total)}
    if (score := _score(total)) is not None:
        group["measureScore"] = score
    by = by_name(report.by)
    if by is not None:
        strata = []
        for r in rows:
            if not r.group:
                continue
            stratum: dict[str, Any] = {"value": {"coding": [{"code": r.group}], "text": group_label(by, r.group, areas)},
                                       "population": _populations(r)}
            if (score := _score(r)) is not None:
                stratum["measureScore"] = score
            strata.append(stratum)
        group["stratifier"] = [{"code": [{"text": by}], "stratum": strata}]
    return {
        "resourceType": "MeasureReport", "id": f"{indicator.replace('_', '-')}-{report.period.start.isoformat()}",
        "status": "complete", "type": "summary", "measure": measure_url(indicator, policy),
        "date": f"{report.period.end.isoformat()}T00:00:00+08:00",
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "group": [group],
    }


def bundle(report: Report, areas: AreaNames = NO_NAMES, policy: FhirPolicy = DEFAULT,
           indicators: tuple[Indicator, ...] = STANDARD_INDICATORS) -> dict[str, Any]:
    """A ``Bundle`` (collection) of the Measure and the MeasureReport of every indicator in the report."""
    shown = list(dict.fromkeys(r.indicator for r in report.results))
    known = {i.id: i for i in indicators}
    entries: list[dict[str, Any]] = []
    for ind_id in shown:
        ind = known.get(ind_id) or by_id(ind_id)
        entries.append({"fullUrl": measure_url(ind_id, policy), "resource": measure(ind, policy)})
    for ind_id in shown:
        mr = measure_report(report, ind_id, areas, policy)
        entries.append({"fullUrl": f"{policy.base}MeasureReport/{mr['id']}", "resource": mr})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
