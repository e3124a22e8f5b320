"""Audit: why one patient is or is not in an indicator's numerator and denominator.

This is what an analyst needs when the county's figure disagrees with the province's: every
condition, whether it held, and the recorded facts behind it, in plain words.

>>> import datetime as dt
>>> from smi_care.domain import *
>>> from smi_care.indicators import Period
>>> p = Patient(patient_id="P1", sex=Sex.MALE, birth_date=dt.date(1980, 1, 2),
...             area_code=AreaCode("110105001002"), disorder=Disorder.SCHIZOPHRENIA,
...             diagnosis_date=dt.date(2020, 5, 1), registered_on=dt.date(2020, 5, 8),
...             consent=Consent.REFUSED)
>>> a = audit(PatientRecord(p), "standard_management_rate", Period.parse("2025"))
>>> a.in_denominator, a.in_numerator
(True, False)
>>> print(a.lines[-1].split(" — ")[1])
consent refused; 0 of 4 required completed follow-ups in 2025-01-01..2025-12-31
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from smi_care.domain.records import PatientRecord
from smi_care.indicators.definitions import STANDARD_INDICATORS, Condition, Indicator, by_id
from smi_care.indicators.evaluate import DEFAULT_POLICY, EvaluationPolicy
from smi_care.indicators.facts import PatientFacts, patient_facts
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy, StandardRule
from smi_care.rules.status import Covers, covers_nothing


def _dates(f: PatientFacts) -> str:
    if not f.completed:
        return f"no completed follow-up in {f.period} ({f.attempts} attempts)"
    return f"{len(f.completed)} completed follow-up(s) in {f.period}: " + ", ".join(d.isoformat() for d in f.completed)


def _last(f: PatientFacts) -> str:
    if f.last is None:
        return f"no completed follow-up in {f.period}"
    adherence = f.last.adherence.label if f.last.adherence else "not recorded"
    cls = f"{f.last_class.code} {f.last_class.label}" if f.last_class else "none"
    return f"last completed follow-up {f.last.visit_date.isoformat()}: adherence {adherence}, class {cls}"


EVIDENCE: dict[str, Callable[[PatientFacts], str]] = {
    "registered": lambda f: (f"registered from {f.registration_start.isoformat()}, area {f.area.code}"
                             if f.registered else f"not registered on {f.period.end.isoformat()}"),
    "under_management": _dates,
    "on_medication": lambda f: ("in hospital on the period's last day; " if f.hospital_for_medication else "")
    + _last(f),
    "regular_medication": _last,
    "stable": _last,
    "face_to_face": _dates,
    "at_home": lambda f: "in hospital" if f.in_hospital else "at home",
    "lost": lambda f: "lost to follow-up" if f.lost else "not lost",
    "schizophrenia": lambda f: f"diagnosis {f.disorder.code} {f.disorder.label}",
    "lockup_released": lambda f: f"last lock-up status {f.lockup.label if f.lockup else 'not recorded'}",
    "lockup_recorded": lambda f: f"last lock-up status {f.lockup.label if f.lockup else 'not recorded'}",
}


@attrs.frozen
class Audit:
    patient_id: str
    indicator: str
    period: Period
    in_denominator: bool
    in_numerator: bool
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join((f"patient {self.patient_id}, {self.indicator}, {self.period}:", *self.lines))


def _standard(f: PatientFacts, policy: StandardPolicy) -> str:
    """The evidence for standard management, in the terms of the policy in force."""
    parts = ["consent given" if f.consented else "consent refused"]
    if policy.counts_required:
        parts.append(f"{len(f.completed)} of {f.required_followups} required completed follow-ups in {f.period}")
    else:
        parts.append(f"{len(f.completed)} completed follow-up(s) in {f.period}, "
                     + ("no gap" if f.gaps_within_limit else "a gap") + f" over {policy.gap_months} months")
    if policy.rule is StandardRule.FOLLOWUPS_AND_HEALTH_CHECK:
        parts.append("health check in the period" if f.health_check else "no health check in the period")
    return "; ".join(parts)


def _line(part: str, c: Condition, f: PatientFacts, policy: EvaluationPolicy) -> str:
    ok = c(f)
    evidence = EVIDENCE.get(c.id)
    text = _standard(f, policy.standard) if c.id == "standard" else evidence(f) if evidence else ""
    tail = f" — {text}" if text else ""
    return f"{part}: {'yes' if ok else 'NO '} {c.text}{tail}"


def audit(record: PatientRecord, indicator: str | Indicator, period: Period,
          policy: EvaluationPolicy = DEFAULT_POLICY, covers: Covers = covers_nothing,
          indicators: Iterable[Indicator] = STANDARD_INDICATORS) -> Audit:
    """Explain one patient's place in one indicator for one period."""
    ind = indicator if isinstance(indicator, Indicator) else by_id(indicator, indicators)
    f = patient_facts(record, period, covers, policy.standard, policy.status, policy.classes)
    lines: list[str] = []
    if ind.population_denominator:
        lines.append("denominator: the resident population of the area (not a count of patients)")
    else:
        lines += [_line("denominator", c, f, policy) for c in ind.denominator]
    lines += [_line("numerator", c, f, policy) for c in ind.numerator]
    in_den = (not ind.population_denominator) and ind.in_denominator(f)
    return Audit(record.patient_id, ind.id, period, in_den, ind.in_numerator(f), tuple(lines))
