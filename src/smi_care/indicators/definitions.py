"""Indicator definitions as data (工作指标, national-rules §6).

Each indicator has a stable identifier, Chinese and English names, a unit (% or ‰), a
numerator and a denominator made of named conditions on :class:`PatientFacts`, and its
source section. A caller adds a local indicator by building an :class:`Indicator` and passing
it with the standard ones — no library code changes:

>>> extra = Indicator("home_visit_only", "家访率", "home-visit rate", "%",
...                   numerator=(REGISTERED, Condition("home_visit", "had a home visit in P",
...                              lambda f: f.face_to_face)),
...                   denominator=(REGISTERED,), section="local")
>>> (*STANDARD_INDICATORS, extra)[-1].id
'home_visit_only'
>>> by_id("management_rate").zh
'在册患者管理率'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from smi_care.domain.codes import Classification, Disorder, Lockup
from smi_care.indicators.facts import PatientFacts


@attrs.frozen
class Condition:
    """A named test on a patient's facts, with the plain words an audit shows."""

    id: str
    text: str
    test: Callable[[PatientFacts], bool] = attrs.field(eq=False)

    def __call__(self, facts: PatientFacts) -> bool:
        return self.test(facts)


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

    def in_denominator(self, f: PatientFacts) -> bool:
        return all(c(f) for c in self.denominator)

    def in_numerator(self, f: PatientFacts) -> bool:
        """In the numerator: every numerator condition holds (and, for a rate over patients,
        the patient is in the denominator too)."""
        return all(c(f) for c in self.numerator) and (self.population_denominator or self.in_denominator(f))


REGISTERED = Condition("registered", "registered (在册) on the period's last day", lambda f: f.registered)
UNDER_MANAGEMENT = Condition("under_management", "has a completed follow-up in the period (在管)",
                             lambda f: bool(f.completed))
STANDARD = Condition("standard", "managed to standard under the chosen policy (规范管理)", lambda f: f.standard)
ON_MEDICATION = Condition("on_medication", "last follow-up adherence regular or intermittent, or in hospital",
                          lambda f: f.on_medication)
REGULAR_MEDICATION = Condition("regular_medication", "last follow-up adherence regular (规律服药)",
                               lambda f: f.regular_medication)
SCHIZOPHRENIA = Condition("schizophrenia", "diagnosis is schizophrenia (精神分裂症)",
                          lambda f: f.disorder is Disorder.SCHIZOPHRENIA)
FACE_TO_FACE = Condition("face_to_face", "has a completed clinic or home follow-up in the period",
                         lambda f: f.face_to_face)
HEALTH_CHECK = Condition("health_check", "has a health check in the period", lambda f: f.health_check)
AT_HOME = Condition("at_home", "at home (not in hospital) on the period's last day", lambda f: f.at_home)
STABLE = Condition("stable", "last completed follow-up in the period is stable",
                   lambda f: f.last_class is Classification.STABLE)
LOST = Condition("lost", "lost to follow-up on the period's last day", lambda f: f.lost)
REHABILITATION = Condition("rehabilitation", "took part in community rehabilitation in the period",
                           lambda f: f.rehabilitation)
COUNSELLING = Condition("counselling", "patient or family received counselling in the period",
                        lambda f: f.counselling)
CONTRACT = Condition("contract", "a family-doctor contract in force on the period's last day", lambda f: f.contract)
INCIDENT = Condition("incident", "a follow-up in the period records 肇事 or 肇祸", lambda f: f.incident)
LOCKUP_RELEASED = Condition("lockup_released", "last recorded lock-up status is 关锁已解除",
                            lambda f: f.lockup is Lockup.RELEASED)
LOCKUP_EVER = Condition("lockup_recorded", "last recorded lock-up status is 关锁 or 关锁已解除",
                        lambda f: f.lockup in (Lockup.LOCKED, Lockup.RELEASED))


def _rate(id: str, zh: str, en: str, num: Iterable[Condition], den: Iterable[Condition] = (REGISTERED,),
          unit: str = "%") -> Indicator:
    return Indicator(id, zh, en, unit, tuple(num), tuple(den))


STANDARD_INDICATORS: tuple[Indicator, ...] = (
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
)


def by_id(indicator_id: str, indicators: Iterable[Indicator] = STANDARD_INDICATORS) -> Indicator:
    """The indicator with this identifier; a clear error lists the known ones."""
    for i in indicators:
        if i.id == indicator_id:
            return i
    known = ", ".join(i.id for i in indicators)
    raise KeyError(f"no indicator {indicator_id!r}; known: {known}")
