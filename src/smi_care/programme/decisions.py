"""Decisions that carry their reasons: a policy is a tuple of checks over a patient's facts,
each with the words it says when met and when not. The same checks compile to one column for
the province (:func:`checks_expression`) and give one patient's decision with every reason
(:func:`decide`), so a decision is never made twice nor without a reason.

>>> from smi_care.indicators.expr import fact
>>> checks = (Check("registered", "registered on D", "not registered on D", fact("registered")),
...           Check("poor", "poor", "not poor (economic status {economic_status})", fact("economic_status") == 1))
>>> d = decide("poor_patients", checks, {"patient_id": "P3", "registered": True, "economic_status": 2})
>>> print(d)
P3: not eligible under poor_patients: not poor (economic status 2)
>>> d.reasons
('registered on D', 'not poor (economic status 2)')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from smi_care.indicators.definitions import Indicator
from smi_care.indicators.expr import AllOf, Expr, holds


def _same(a: Expr, b: Expr) -> bool:
    return a.same(b)


@attrs.frozen
class Check:
    """One test of a policy: ``met`` and ``unmet`` are the reasons it gives (``{fact}``
    placeholders are filled from the patient's facts; a missing value reads "not recorded")."""

    id: str
    met: str
    unmet: str
    expr: Expr = attrs.field(eq=attrs.cmp_using(eq=_same))


@attrs.frozen
class EligibilityDecision:
    """Whether a patient is eligible under a policy, with one reason per check (so at least one);
    ``failed`` holds the reasons of the checks that were not met."""

    patient_id: str
    policy: str
    eligible: bool
    reasons: tuple[str, ...]
    failed: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not self.reasons:
            raise ValueError(f"the decision for {self.patient_id} under {self.policy} must carry at least one reason")
        if self.eligible == bool(self.failed):
            raise ValueError(f"the decision for {self.patient_id}: eligible exactly when no check failed")

    def __str__(self) -> str:
        if self.eligible:
            return f"{self.patient_id}: eligible under {self.policy}: " + "; ".join(self.reasons)
        return f"{self.patient_id}: not eligible under {self.policy}: " + "; ".join(self.failed)


def _shown(value: Any) -> Any:
    if value is None:
        return "not recorded"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def reason(text: str, facts: Mapping[str, Any]) -> str:
    return text.format_map({k: _shown(v) for k, v in facts.items()})


def checks_expression(checks: Sequence[Check]) -> Expr:
    """Every check holds, as one expression over the facts."""
    return AllOf(tuple(c.expr for c in checks))


def decide(policy: str, checks: Sequence[Check], facts: Mapping[str, Any]) -> EligibilityDecision:
    """The decision for one patient's facts."""
    if not checks:
        raise ValueError(f"policy {policy!r} has no check, so it cannot give a reason")
    results = [(c, holds(c.expr, facts)) for c in checks]
    reasons = tuple(reason(c.met if ok else c.unmet, facts) for c, ok in results)
    failed = tuple(r for r, (_, ok) in zip(reasons, results, strict=True) if not ok)
    return EligibilityDecision(str(facts.get("patient_id", "")), policy, not failed, reasons, failed)


@attrs.frozen
class FactsAudit:
    """Why one patient is or is not counted in a programme indicator: each condition of the
    denominator and the numerator, whether it held, and the facts it read."""

    indicator: str
    in_denominator: bool
    in_numerator: bool
    lines: tuple[str, ...]


def audit_facts(indicator: Indicator, facts: Mapping[str, Any]) -> FactsAudit:
    """The audit of one patient's facts (a row of a programme facts table): the same
    conditions the columnar count compiles, evaluated on this row.

    >>> from smi_care.programme.medication import MEDICATION_INDICATORS
    >>> row = {"registered": True, "free_enrolled": True, "pdc_percent": 64}
    >>> a = audit_facts(MEDICATION_INDICATORS[2], row)
    >>> a.in_denominator, a.in_numerator
    (True, False)
    >>> print(a.lines[-1])
    numerator pdc_80 (80 % or more of the period's days covered): no — pdc_percent=64
    """
    lines = []
    for part, conditions in (("denominator", indicator.denominator), ("numerator", indicator.numerator)):
        for c in conditions:
            read = ", ".join(f"{k}={_shown(facts.get(k))}" for k in sorted(c.expr.columns()))
            lines.append(f"{part} {c.id} ({c.text}): {'yes' if c(facts) else 'no'} — {read}")
    return FactsAudit(indicator.id, indicator.in_denominator(facts), indicator.in_numerator(facts), tuple(lines))


__all__ = ["Check", "EligibilityDecision", "FactsAudit", "audit_facts", "checks_expression", "decide", "reason"]
