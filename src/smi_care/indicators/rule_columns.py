"""The registry columns the worklist, the quality findings and the explanations read, declared beside
:mod:`smi_care.indicators.columns_needed` (the report's).

A report's columns follow from its indicator definitions
(:func:`~smi_care.indicators.columns_needed.columns_needed`); the worklist for one day
(:func:`smi_care.indicators.worklist_table.worklist_table`) and the data-quality findings
(:func:`smi_care.indicators.quality_table.quality_table`) are fixed rules, so their columns are
declared once here, built from the same named groups the rules themselves read:

- the §6 order and completion of follow-ups (:func:`smi_care.rules.history.ordered_followups`:
  :data:`~smi_care.indicators.columns_needed.COMPLETION`), the §4 class when none is recorded
  (:data:`smi_care.indicators.row_classes.CLASS_INPUTS`) and the recorded class;
- registration and home area on the day (:func:`smi_care.rules.history.registration_at`): the
  patient's registration date and home, and every column of events.csv;
- the worklist's own patient columns (diagnosis date for the report deadline, consent and its
  date) and the quality findings' next visit date.

``tests/test_rule_columns.py`` runs both rules on tables holding only these columns (and the
reader's own ``row``/``line``/derived columns): a rule that reads a column not declared here
fails there. Read with ``read_tables(folder, columns=WORKLIST_COLUMNS)``; the reader adds the
columns its checks pair with them (:func:`smi_care.registry.projection.closed`) and validates
exactly those cells, with the full read's problems and line numbers.

An explanation, a trend and a comparison read their reports' columns
(:func:`explain_columns`, :func:`compare_columns`).

>>> sorted(QUALITY_COLUMNS["patients.csv"])
['patient_id']
>>> sorted({"medications", "sleep", "counselling"} & WORKLIST_COLUMNS["followups.csv"])
[]
>>> "diagnosis_date" in WORKLIST_COLUMNS["patients.csv"], "next_visit_date" in QUALITY_COLUMNS["followups.csv"]
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from smi_care.indicators.columns_needed import (
    ALL_EVENTS,
    COMPLETION,
    EVENTS,
    FOLLOWUPS,
    PATIENTS,
    POPULATION,
    columns_needed,
)
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy
from smi_care.indicators.row_classes import CLASS_INPUTS

#: Follow-up columns of the §6 order, the completion flags and the effective class (recorded, else §4).
_FOLLOWUP_CLASS = ("patient_id", *COMPLETION, *CLASS_INPUTS, "classification")
#: The population file's columns: the registry's coverage (which transfers stay inside it).
_POPULATION = ("area_code", "year", "population")

#: ``{file: columns}`` the worklist for one day reads (:func:`~smi_care.indicators.worklist_table.worklist_table`).
WORKLIST_COLUMNS: Mapping[str, frozenset[str]] = {
    PATIENTS: frozenset({"patient_id", "registered_on", "area_code", "diagnosis_date", "consent", "consent_date"}),
    FOLLOWUPS: frozenset(_FOLLOWUP_CLASS),
    EVENTS: frozenset(ALL_EVENTS),
    POPULATION: frozenset(_POPULATION),
}

#: ``{file: columns}`` the quality findings read (:func:`~smi_care.indicators.quality_table.quality_table`):
#: events.csv is not used (only its required columns are read, so that its rows are still judged).
QUALITY_COLUMNS: Mapping[str, frozenset[str]] = {
    PATIENTS: frozenset({"patient_id"}),
    FOLLOWUPS: frozenset({*_FOLLOWUP_CLASS, "next_visit_date"}),
    EVENTS: frozenset({"patient_id"}),
    POPULATION: frozenset(_POPULATION),
}

#: What an explanation reads beyond its reports' columns: why a patient entered or left the
#: register between the two days (:func:`smi_care.indicators.explain.explain`: the registration
#: date, and each event's kind and date).
_REGISTER_REASONS: Mapping[str, frozenset[str]] = {
    PATIENTS: frozenset({"registered_on"}),
    EVENTS: frozenset({"event", "date"}),
}


def _union(*mappings: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for m in mappings:
        for file, columns in m.items():
            out[file] = out.get(file, frozenset()) | columns
    return out


def explain_columns(indicators: Iterable[Indicator] = STANDARD_INDICATORS, bys: Iterable[By] = (None,),
                    policy: EvaluationPolicy = DEFAULT_POLICY) -> dict[str, frozenset[str]]:
    """``{file: columns}`` an explanation of ``indicators`` by each of ``bys`` reads
    (:func:`smi_care.indicators.explain.explain`), and so a trend of them
    (:func:`smi_care.indicators.trend.trend`): the columns of their reports
    (:func:`~smi_care.indicators.columns_needed.columns_needed`, the same facts for every
    period) and those of the register's reasons.

    >>> cols = explain_columns()
    >>> "registered_on" in cols["patients.csv"], "medications" in cols["followups.csv"]
    (True, False)
    """
    bys = tuple(bys)
    return _union(columns_needed(indicators, bys, policy), _REGISTER_REASONS)


def compare_columns(readings: Iterable[tuple[Iterable[Indicator], EvaluationPolicy]],
                    bys: Iterable[By] = (None,)) -> dict[str, frozenset[str]]:
    """``{file: columns}`` a comparison of readings reads
    (:func:`smi_care.indicators.compare.compare`): the columns of an explanation under each
    reading (its indicators and policy: a variant's ``indicators`` and ``policy``), together.

    >>> from smi_care.indicators.standard import FOLLOWUPS_AND_HEALTH_CHECK
    >>> base = (STANDARD_INDICATORS, DEFAULT_POLICY)
    >>> other = (STANDARD_INDICATORS, EvaluationPolicy(standard=FOLLOWUPS_AND_HEALTH_CHECK))
    >>> compare_columns([base])["events.csv"] <= compare_columns([base, other])["events.csv"]
    True
    """
    bys = tuple(bys)
    return _union(*(explain_columns(inds, bys, policy) for inds, policy in readings))


__all__ = ["QUALITY_COLUMNS", "WORKLIST_COLUMNS", "compare_columns", "explain_columns"]
