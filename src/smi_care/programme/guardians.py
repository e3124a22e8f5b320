"""Guardians (监护): rewards (以奖代补 / 有奖监护) and liability insurance (监护人责任险).

Source: the social-psychological service pilot plans (shared reference, work plans 004):
"落实严重精神障碍患者监护责任奖励制度和严重精神障碍患者监护责任补偿保险制度" and
"落实严重精神障碍患者有奖监护制度". The plans name the reward, not its conditions, so who is
rewarded is a named, replaceable :class:`GuardianRewardPolicy`; the default rewards a guardian on
record whose patient had no incident (肇事 or 肇祸, national-rules §6 "Incident") in the period,
was on medication at the last follow-up (the §6 medication-rate numerator) and whose guardian was
seen at a follow-up in the period (随访对象 2 家属/监护人, §7.2).

>>> import datetime as dt
>>> facts = {"patient_id": "P1", "registered": True, "guardian_on_record": True, "incident": True,
...          "incident_date": dt.date(2025, 8, 14), "hospital_for_medication": False, "last_adherence": 1,
...          "guardian_present": 2}
>>> print(REWARD_DEFAULT.decide(facts))
P1: not eligible under no_incident_on_medication_present: incident (肇事/肇祸) at the follow-up of 2025-08-14
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from smi_care.domain.codes import DangerousAct, SeenPerson
from smi_care.domain.guardian import Guardianship
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import PatientRecord
from smi_care.indicators.columnar import Tables
from smi_care.indicators.definitions import ON_MEDICATION, REGISTERED, Condition, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.expr import Expr, as_column, fact, holds
from smi_care.indicators.facts_table import INCIDENT_ACTS
from smi_care.indicators.periods import Period
from smi_care.programme.decisions import Check, EligibilityDecision, checks_expression, decide
from smi_care.programme.facts import base_facts, base_patient_facts
from smi_care.programme.medication import partials
from smi_care.rules.status import Covers

_FAMILY = SeenPerson.FAMILY.code
_SEEN_FAMILY = rf"(^|;)\s*0*{_FAMILY}\s*(;|$)"


@attrs.frozen
class GuardianRewardPolicy:
    """Who is rewarded for a period: every check must hold (the checks read
    :data:`GUARDIAN_FACTS` and the §6 facts)."""

    name: str
    source: str
    checks: tuple[Check, ...]

    def __attrs_post_init__(self) -> None:
        if not self.checks:
            raise ValueError(f"guardian reward policy {self.name!r} needs at least one check")

    def expression(self) -> Expr:
        return checks_expression(self.checks)

    def decide(self, facts: Mapping[str, Any]) -> EligibilityDecision:
        return decide(self.name, self.checks, facts)


HAS_GUARDIAN = Check("guardian_on_record", "guardian on record in the period",
                     "no guardian on record in the period (guardians.csv)", fact("guardian_on_record"))
IS_REGISTERED = Check("registered", "patient registered (在册) on the period end",
                      "patient not registered (在册) on the period end", fact("registered"))
NO_INCIDENT = Check("no_incident", "no incident (肇事/肇祸) in the period",
                    "incident (肇事/肇祸) at the follow-up of {incident_date}", ~fact("incident"))
ON_MEDICATION_CHECK = Check("on_medication", "on medication at the last follow-up (adherence {last_adherence})",
                            "not on medication at the last follow-up in the period (adherence {last_adherence}; "
                            "needs 1 规律 or 2 间断, or in hospital)", ON_MEDICATION.expr)
PRESENT = Check("guardian_present", "guardian present at {guardian_present} follow-up(s)",
                "guardian not present at any follow-up in the period (随访对象 2 家属/监护人)",
                fact("guardian_present") >= 1)

#: The default reward policy (work plans 004, 有奖监护; conditions ours, see the module docstring).
REWARD_DEFAULT = GuardianRewardPolicy("no_incident_on_medication_present", "work plans 004 (以奖代补/有奖监护)",
                                      (HAS_GUARDIAN, IS_REGISTERED, NO_INCIDENT, ON_MEDICATION_CHECK, PRESENT))
#: A lighter named alternative: a guardian on record and no incident in the period.
REWARD_NO_INCIDENT = GuardianRewardPolicy("no_incident", "local policy", (HAS_GUARDIAN, IS_REGISTERED, NO_INCIDENT))

GUARDIAN_FACTS: dict[str, tuple[str, str]] = {
    "guardian_on_record": ("bool", "a guardianship in guardians.csv covers some day of P"),
    "insured": ("bool", "a guardian's liability insurance (监护人责任险) in force on D"),
    "guardian_present": ("int", "follow-ups in P at which the family/guardian was seen (随访对象 2)"),
    "incident_date": ("date", "the first follow-up in P recording 肇事 or 肇祸 (null when none)"),
    "reward_eligible": ("bool", "the guardian is rewarded for P under the policy"),
}


def _incident(f: Any) -> bool:
    return bool(f.act_count(DangerousAct.TROUBLE) or f.act_count(DangerousAct.DISASTER))


def patient_guardian_facts(record: PatientRecord, guardianships: Sequence[Guardianship], period: Period,
                           covers: Covers, policy: GuardianRewardPolicy = REWARD_DEFAULT,
                           evaluation: EvaluationPolicy = DEFAULT_POLICY) -> dict[str, Any]:
    """The facts of one patient (the reference engine): the §6 facts and :data:`GUARDIAN_FACTS`."""
    row = base_patient_facts(record, period, covers, evaluation)
    in_p = [f for f in record.followups if period.start <= f.visit_date <= period.end]
    incidents = [f.visit_date for f in in_p if _incident(f)]
    row.update(
        guardian_on_record=any(g.guardian_during(period.start, period.end) for g in guardianships),
        insured=any(g.insured_on(period.end) for g in guardianships),
        guardian_present=sum(1 for f in in_p if SeenPerson.FAMILY in f.seen),
        incident_date=incidents[0] if incidents else None,
    )
    row["reward_eligible"] = holds(policy.expression(), row)
    return row


def guardian_facts(tables: Tables, guardians: pl.DataFrame, period: Period,
                   policy: GuardianRewardPolicy = REWARD_DEFAULT, evaluation: EvaluationPolicy = DEFAULT_POLICY,
                   covers: Covers | None = None, base: pl.DataFrame | None = None) -> pl.DataFrame:
    """The facts of every patient (the province-scale engine), equal to
    :func:`patient_guardian_facts` patient by patient (``base``: the §6 facts when already computed)."""
    facts = base_facts(tables, period, evaluation, covers) if base is None else base
    c = pl.col
    g = guardians.group_by("patient_id").agg(
        guardian_on_record=((c("since") <= period.end) & (c("until").is_null() | (c("until") >= period.start))).any(),
        insured=((c("insured_from") <= period.end) & (c("insured_until") >= period.end)).fill_null(False).any(),
    )
    fu = tables.followups.filter((c("visit_date") >= period.start) & (c("visit_date") <= period.end))
    per = (fu.sort(["patient_id", "visit_date", "row"]).group_by("patient_id").agg(
        guardian_present=c("seen").fill_null("").str.contains(_SEEN_FAMILY).sum().cast(pl.Int64),
        incident_date=c("visit_date").filter(c("acts").fill_null("").str.contains(INCIDENT_ACTS)).first(),
    ))
    out = (facts.join(g, on="patient_id", how="left", maintain_order="left")
           .join(per, on="patient_id", how="left", maintain_order="left")
           .with_columns(guardian_on_record=c("guardian_on_record").fill_null(False),
                         insured=c("insured").fill_null(False),
                         guardian_present=c("guardian_present").fill_null(0)))
    return out.with_columns(reward_eligible=as_column(policy.expression()))


REWARDED = Condition("reward_eligible", "the guardian is rewarded for the period under the policy",
                     fact("reward_eligible"))
GUARDIAN_ON_RECORD = Condition("guardian_on_record", "a guardian on record in the period", fact("guardian_on_record"))
INSURED = Condition("insured", "guardian's liability insurance in force on the period's last day", fact("insured"))

_SOURCE = "work plans 004 (监护责任奖励, 监护责任补偿保险)"
GUARDIAN_INDICATORS: tuple[Indicator, ...] = (
    Indicator("guardian_reward_rate", "监护人以奖代补符合率", "guardians meeting the reward conditions", "%",
              (REWARDED,), (REGISTERED, GUARDIAN_ON_RECORD), _SOURCE),
    Indicator("guardian_insurance_rate", "监护人责任险参保率", "registered patients whose guardian is insured", "%",
              (INSURED,), (REGISTERED,), _SOURCE),
)


def evaluate_guardians(tables: Tables, guardians: pl.DataFrame, period: Period,
                       by: By | Sequence[By] = AreaLevel.TOWNSHIP, policy: GuardianRewardPolicy = REWARD_DEFAULT,
                       evaluation: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None) -> list[Partial]:
    """The guardian indicators by township (or any breakdowns), one partial per breakdown."""
    facts = guardian_facts(tables, guardians, period, policy, evaluation, covers)
    return partials(facts, tables, period, by, GUARDIAN_INDICATORS, evaluation)


@attrs.frozen
class GuardianListing:
    """One line of the guardian list: the patient, the home area, and the decision. The
    guardian's name is filled only when the caller asks for it (national-rules §10)."""

    patient_id: str
    area: str
    decision: EligibilityDecision
    guardian_name: str | None = attrs.field(default=None, repr=False)


def guardian_list(facts: pl.DataFrame, policy: GuardianRewardPolicy = REWARD_DEFAULT,
                  names: Mapping[str, str] | None = None) -> list[GuardianListing]:
    """The guardians on record for the period (registered patients), each with the decision and
    its reasons, by area then patient; ``names`` (patient_id → guardian name) only when asked."""
    rows = (facts.filter(pl.col("registered") & pl.col("guardian_on_record")).sort(["area", "patient_id"])
            .iter_rows(named=True))
    return [GuardianListing(r["patient_id"], r["area"], policy.decide(r),
                            None if names is None else names.get(r["patient_id"])) for r in rows]


__all__ = ["GUARDIAN_FACTS", "GUARDIAN_INDICATORS", "REWARD_DEFAULT", "REWARD_NO_INCIDENT", "GuardianListing",
           "GuardianRewardPolicy", "evaluate_guardians", "guardian_facts", "guardian_list", "patient_guardian_facts"]
