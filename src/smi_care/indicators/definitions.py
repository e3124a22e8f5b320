"""Indicator definitions as data (工作指标, national-rules §6).

Each indicator has a stable identifier, Chinese and English names, a unit (% or ‰), a
numerator and a denominator made of named conditions, and its source section. A condition is
an expression (:mod:`smi_care.indicators.expr`) over the facts of one patient in one period
(:data:`~smi_care.indicators.facts.FACTS`): the same definition is evaluated on one patient's
facts for an audit and compiled to column expressions for a province. A caller adds a local
indicator by building an :class:`Indicator` and passing it with the standard ones — no library
code changes, and the indicator pickles, so it travels to worker processes:

>>> home = Condition("home_visit", "had a clinic or home follow-up in P", fact("face_to_face"))
>>> extra = Indicator("home_visit_only", "家访率", "home-visit rate", "%",
...                   numerator=(REGISTERED, home), denominator=(REGISTERED,), section="local")
>>> (*STANDARD_INDICATORS, extra)[-1].id
'home_visit_only'
>>> by_id("management_rate").zh
'在册患者管理率'
>>> print(by_id("stability_rate").describe())
numerator: stable AND registered AND under_management AND at_home
denominator: registered AND under_management AND at_home
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from smi_care.domain.codes import Adherence, Classification, Disorder, Lockup
from smi_care.domain.errors import SmiCareError
from smi_care.domain.named import Named
from smi_care.indicators.expr import Expr, expr_from_data, fact, holds


class UnknownIndicatorError(SmiCareError, KeyError):
    """An indicator identifier that is not defined."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown indicator"


def _same_expr(a: Expr, b: Expr) -> bool:
    return a.same(b)


@attrs.frozen
class Condition:
    """A named test on a patient's facts, with the plain words an audit shows.

    ``expr`` is an expression over the facts (:func:`~smi_care.indicators.expr.fact`);
    calling the condition evaluates it on one patient's facts (a mapping, or a
    :class:`~smi_care.indicators.facts.PatientFacts`)."""

    id: str
    text: str
    expr: Expr = attrs.field(eq=attrs.cmp_using(eq=_same_expr))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.expr, Expr):
            raise TypeError(f"condition {self.id!r}: expr must be an expression over the facts "
                            f"(smi_care.indicators.expr.fact), not {type(self.expr).__name__}")

    def __call__(self, facts: Any) -> bool:
        row = facts.row() if hasattr(facts, "row") else facts
        return holds(self.expr, row)

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "expr": self.expr.to_data()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Condition:
        return cls(str(data["id"]), str(data["text"]), expr_from_data(data["expr"]))


def _conditions(values: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(values)


@attrs.frozen
class Indicator:
    """One reported rate. ``denominator`` empty and ``population_denominator`` True means the
    denominator is the resident population of the area (reported prevalence)."""

    id: str
    zh: str
    en: str
    unit: str
    numerator: tuple[Condition, ...] = attrs.field(converter=_conditions)
    denominator: tuple[Condition, ...] = attrs.field(converter=_conditions)
    section: str = "§6"
    population_denominator: bool = False

    def __attrs_post_init__(self) -> None:
        if self.unit not in ("%", "‰"):
            raise ValueError(f"indicator {self.id}: unit must be % or ‰, not {self.unit!r}")

    @property
    def scale(self) -> int:
        return 100 if self.unit == "%" else 1000

    @property
    def numerator_conditions(self) -> tuple[Condition, ...]:
        """Every condition a patient must meet to count in the numerator: the numerator's and,
        for a rate over patients, the denominator's too."""
        extra = () if self.population_denominator else tuple(c for c in self.denominator if c not in self.numerator)
        return (*self.numerator, *extra)

    @property
    def numerator_expr(self) -> Expr:
        return _all(self.numerator_conditions)

    @property
    def denominator_expr(self) -> Expr:
        return _all(self.denominator)

    def in_denominator(self, facts: Any) -> bool:
        return not self.population_denominator and all(c(facts) for c in self.denominator)

    def in_numerator(self, facts: Any) -> bool:
        return all(c(facts) for c in self.numerator_conditions)

    def describe(self) -> str:
        """The definition in words: condition identifiers joined by AND."""
        num = " AND ".join(c.id for c in self.numerator_conditions)
        den = "resident population (常住人口)" if self.population_denominator else " AND ".join(
            c.id for c in self.denominator)
        return f"numerator: {num}\ndenominator: {den}"

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "zh": self.zh, "en": self.en, "unit": self.unit, "section": self.section,
                "population_denominator": self.population_denominator,
                "numerator": [c.to_data() for c in self.numerator],
                "denominator": [c.to_data() for c in self.denominator]}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Indicator:
        return cls(str(data["id"]), str(data["zh"]), str(data["en"]), str(data["unit"]),
                   tuple(Condition.from_data(c) for c in data["numerator"]),
                   tuple(Condition.from_data(c) for c in data["denominator"]), str(data["section"]),
                   bool(data["population_denominator"]))


def _all(conditions: Iterable[Condition]) -> Expr:
    from smi_care.indicators.expr import AllOf

    return AllOf(tuple(c.expr for c in conditions))


REGISTERED = Condition("registered", "registered (在册) on the period's last day", fact("registered"))
UNDER_MANAGEMENT = Condition("under_management", "has a completed follow-up in the period (在管)",
                             fact("completed_count") >= 1)
STANDARD = Condition("standard", "managed to standard under the chosen policy (规范管理)", fact("standard"))
ON_MEDICATION = Condition("on_medication", "last follow-up adherence regular or intermittent, or in hospital",
                          fact("hospital_for_medication")
                          | fact("last_adherence").is_in((Adherence.REGULAR, Adherence.INTERMITTENT)))
REGULAR_MEDICATION = Condition("regular_medication", "last follow-up adherence regular (规律服药)",
                               fact("last_adherence") == Adherence.REGULAR)
SCHIZOPHRENIA = Condition("schizophrenia", "diagnosis is schizophrenia (精神分裂症)",
                          fact("disorder") == Disorder.SCHIZOPHRENIA)
FACE_TO_FACE = Condition("face_to_face", "has a completed clinic or home follow-up in the period",
                         fact("face_to_face"))
HEALTH_CHECK = Condition("health_check", "has a health check in the period", fact("health_check"))
AT_HOME = Condition("at_home", "at home (not in hospital) on the period's last day",
                    fact("registered") & ~fact("in_hospital"))
STABLE = Condition("stable", "last completed follow-up in the period is stable",
                   fact("last_class") == Classification.STABLE)
LOST = Condition("lost", "lost to follow-up on the period's last day", fact("lost"))
REHABILITATION = Condition("rehabilitation", "took part in community rehabilitation in the period",
                           fact("rehabilitation"))
COUNSELLING = Condition("counselling", "patient or family received counselling in the period", fact("counselling"))
CONTRACT = Condition("contract", "a family-doctor contract in force on the period's last day", fact("contract"))
INCIDENT = Condition("incident", "a follow-up in the period records 肇事 or 肇祸", fact("incident"))
LOCKUP_RELEASED = Condition("lockup_released", "last recorded lock-up status is 关锁已解除",
                            fact("lockup") == Lockup.RELEASED)
LOCKUP_EVER = Condition("lockup_recorded", "last recorded lock-up status is 关锁 or 关锁已解除",
                        fact("lockup").is_in((Lockup.LOCKED, Lockup.RELEASED)))


def _rate(id: str, zh: str, en: str, num: Iterable[Condition], den: Iterable[Condition] = (REGISTERED,),
          unit: str = "%") -> Indicator:
    return Indicator(id, zh, en, unit, tuple(num), tuple(den))


STANDARD_INDICATORS: tuple[Indicator, ...] = Named("STANDARD_INDICATORS", (
    Indicator("reported_prevalence", "报告患病率", "reported prevalence", "‰", (REGISTERED,), (),
              population_denominator=True),
    _rate("management_rate", "在册患者管理率", "management rate", (UNDER_MANAGEMENT,)),
    _rate("standard_management_rate", "在册患者规范管理率", "standard management rate", (STANDARD,)),
    _rate("medication_rate", "在册患者服药率", "medication rate", (ON_MEDICATION,)),
    _rate("regular_medication_rate", "在册患者规律服药率", "regular medication rate", (REGULAR_MEDICATION,)),
    _rate("treatment_rate", "在册患者治疗率", "treatment rate", (ON_MEDICATION,)),
    _rate("schizophrenia_medication_rate", "精神分裂症服药率", "schizophrenia medication rate", (ON_MEDICATION,),
          (REGISTERED, SCHIZOPHRENIA)),
    _rate("schizophrenia_regular_medication_rate", "精神分裂症规律服药率", "schizophrenia regular medication rate",
          (REGULAR_MEDICATION,), (REGISTERED, SCHIZOPHRENIA)),
    _rate("schizophrenia_treatment_rate", "精神分裂症治疗率", "schizophrenia treatment rate", (ON_MEDICATION,),
          (REGISTERED, SCHIZOPHRENIA)),
    _rate("face_to_face_rate", "面访率", "face-to-face rate", (FACE_TO_FACE,)),
    _rate("health_check_rate", "体检率", "health-check rate", (HEALTH_CHECK,)),
    _rate("stability_rate", "病情稳定率", "stability rate", (STABLE,), (REGISTERED, UNDER_MANAGEMENT, AT_HOME)),
    _rate("loss_rate", "失访率", "loss rate", (LOST,)),
    _rate("community_rehabilitation_rate", "居家患者社区康复参与率", "community rehabilitation rate",
          (REHABILITATION,), (REGISTERED, AT_HOME)),
    _rate("counselling_rate", "心理疏导服务率", "counselling rate", (COUNSELLING,), (REGISTERED, AT_HOME)),
    _rate("family_doctor_contract_rate", "家庭医生签约率", "family-doctor contract rate", (CONTRACT,)),
    _rate("incident_rate", "肇事肇祸率", "incident rate", (INCIDENT,)),
    _rate("lockup_release_rate", "关锁解除率", "lock-up release rate", (LOCKUP_RELEASED,), (REGISTERED, LOCKUP_EVER)),
))


def by_id(indicator_id: str, indicators: Iterable[Indicator] = STANDARD_INDICATORS) -> Indicator:
    """The indicator with this identifier; a clear error lists the known ones."""
    indicators = tuple(indicators)
    for i in indicators:
        if indicator_id in (i.id, i.zh):
            return i
    known = ", ".join(i.id for i in indicators)
    raise UnknownIndicatorError(f"no indicator {indicator_id!r}; known: {known}")
