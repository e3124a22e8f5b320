"""The registry columns a report reads: projection derived from the indicator definitions.

An indicator's numerator and denominator are expressions over named facts
(:data:`~smi_care.indicators.facts.FACTS`), and each expression lists the facts it reads
(:meth:`~smi_care.indicators.expr.Expr.columns`). :data:`FACT_SOURCES` says which columns of
which registry file each fact of the facts table (:func:`~smi_care.indicators.facts_table.facts_table`)
is computed from, so the columns a report needs follow from its indicators, its breakdowns and its
standard-management policy, and the reader can leave every other column unread
(:func:`smi_care.registry.read_tables`, ``columns=``).

The facts every report reads are ``registered`` and ``area`` (the denominator of every rate, and
the home area the report groups by and a partial names as its source):

>>> from smi_care.indicators.definitions import by_id
>>> need = columns_needed([by_id("health_check_rate")])
>>> sorted(need["patients.csv"]), sorted(need["followups.csv"])
(['area_code', 'patient_id', 'registered_on'], ['patient_id'])
>>> sorted(need["events.csv"])
['date', 'detail', 'event', 'patient_id']
>>> "risk_level" in columns_needed([by_id("stability_rate")])["followups.csv"]
True

The reader adds what its own checks need (required columns, and the columns a rule checks
together): see :func:`smi_care.registry.projection.closed`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from smi_care.domain.identity import AreaLevel
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, Dimension, EvaluationPolicy
from smi_care.indicators.facts import FACTS

PATIENTS, FOLLOWUPS, EVENTS, POPULATION = "patients.csv", "followups.csv", "events.csv", "population.csv"

#: The follow-up columns that decide whether an attempt reached someone and was completed (§6).
COMPLETION = ("visit_date", "seen", "loss_reason", "risk_level", "insight", "hospitalisation", "adherence")
#: The follow-up columns the §4 rule reads when a class was not recorded, and the recorded class.
CLASS_INPUTS = ("form", "symptoms", "symptom_severity", "sf_self_care", "sf_housework", "sf_work", "sf_learning",
                "sf_social", "adr", "adr_serious", "physical_illness", "classification")
#: Every column of events.csv: the status events decide registration, area and hospital stays.
ALL_EVENTS = ("patient_id", "date", "event", "detail")
_STATUS = {PATIENTS: ("registered_on", "area_code"), EVENTS: ALL_EVENTS}

#: Fact -> the columns of each registry file it is computed from (facts_table).
FACT_SOURCES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "patient_id": {PATIENTS: ("patient_id",)},
    "registered": _STATUS,
    "area": _STATUS,
    "sex": {PATIENTS: ("sex",)},
    "age": {PATIENTS: ("birth_date",)},
    "disorder": {PATIENTS: ("disorder",)},
    "consented": {PATIENTS: ("consent",)},
    "registration_start": _STATUS,
    "completed_count": {FOLLOWUPS: COMPLETION},
    "attempts": {FOLLOWUPS: ("visit_date",)},
    "last_date": {FOLLOWUPS: COMPLETION},
    "last_adherence": {FOLLOWUPS: COMPLETION},
    "last_hospitalisation": {FOLLOWUPS: COMPLETION},
    "last_class": {FOLLOWUPS: COMPLETION + CLASS_INPUTS},
    "face_to_face": {FOLLOWUPS: (*COMPLETION, "form")},
    "in_hospital": {FOLLOWUPS: COMPLETION, **_STATUS},
    "hospital_for_medication": {FOLLOWUPS: COMPLETION, **_STATUS},
    "lost": {FOLLOWUPS: COMPLETION, **_STATUS},
    "health_check": {EVENTS: ALL_EVENTS},
    "rehabilitation": {EVENTS: ALL_EVENTS},
    "counselling": {EVENTS: ALL_EVENTS, FOLLOWUPS: ("visit_date", "counselling")},
    "contract": {EVENTS: ALL_EVENTS},
    "incident": {FOLLOWUPS: ("visit_date", "acts")},
    "lockup": {FOLLOWUPS: ("visit_date", "lockup"), PATIENTS: ("past_lockup",)},
    "required_followups": _STATUS,
    "gaps_within_limit": {FOLLOWUPS: COMPLETION, **_STATUS},
}

_BY_FACT = {Dimension.SEX: "sex", Dimension.AGE: "age", Dimension.DISORDER: "disorder"}


def facts_needed(indicators: Iterable[Indicator] = STANDARD_INDICATORS, bys: Iterable[By] = (None,),
                 policy: EvaluationPolicy = DEFAULT_POLICY) -> frozenset[str]:
    """The facts a report reads: those of its indicators' conditions, of its breakdowns, and of
    the standard policy's expression when ``standard`` is among them; always ``registered``,
    ``area`` and ``patient_id``."""
    out = {"patient_id", "registered", "area"}
    for ind in indicators:
        for cond in (*ind.numerator, *ind.denominator):
            out |= cond.expr.columns()
    for by in bys:
        if isinstance(by, Dimension):
            out.add(_BY_FACT[by])
        elif by is not None and not isinstance(by, AreaLevel):  # pragma: no cover - By is closed
            raise TypeError(f"unknown breakdown {by!r}")
    if "standard" in out:
        out |= policy.standard.expression().columns()
    unknown = out - set(FACTS)
    if unknown:
        raise KeyError(f"facts {sorted(unknown)} are not facts of the facts table")
    return frozenset(out)


def columns_needed(indicators: Iterable[Indicator] = STANDARD_INDICATORS, bys: Iterable[By] = (None,),
                   policy: EvaluationPolicy = DEFAULT_POLICY) -> dict[str, frozenset[str]]:
    """``{file: columns}`` the report of ``indicators`` by ``bys`` reads, for the four registry
    tables (``patient_id`` of every table, and the whole population file, always)."""
    out: dict[str, set[str]] = {PATIENTS: {"patient_id"}, FOLLOWUPS: {"patient_id"}, EVENTS: {"patient_id"},
                                POPULATION: {"area_code", "year", "population"}}
    for name in facts_needed(indicators, bys, policy):
        for file, columns in FACT_SOURCES.get(name, {}).items():
            out[file] |= set(columns)
    return {file: frozenset(columns) for file, columns in out.items()}


__all__ = ["CLASS_INPUTS", "COMPLETION", "FACT_SOURCES", "columns_needed", "facts_needed"]
