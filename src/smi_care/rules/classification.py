"""Classification of a follow-up (分类干预).

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 随访评估 and 分类干预;
严重精神障碍管理治疗工作规范（2018年版） (WS2018), 随访管理.

Unstable (1) when ANY unstable criterion holds; stable (3) when ALL stable criteria hold;
basically stable (2) is exactly "neither" (§4 rule details). Sleep, diet and lock-up do not
enter the class.

>>> import datetime as dt
>>> from smi_care.domain import *
>>> f = FollowUp("P1", dt.date(2025, 3, 1), FollowUpForm.HOME, seen={SeenPerson.PATIENT}, risk_level=3,
...              insight=Insight.COMPLETE, social=SocialFunction.all_good(),
...              hospitalisation=Hospitalisation.NOT_ADMITTED, adherence=Adherence.REGULAR,
...              adr=AdverseReaction.NONE)
>>> r = classify(f)
>>> r.classification, [c.name for c in r.reasons]
(<Classification.UNSTABLE: 1>, ['RISK_3_TO_5'])
"""

from __future__ import annotations

import attrs

from smi_care.domain.arguments import checked, typed
from smi_care.domain.checks import int_between, is_type
from smi_care.domain.codes import (
    AdverseReaction,
    Classification,
    Insight,
    PhysicalIllness,
    StrCodedEnum,
    SymptomSeverity,
    titled,
)
from smi_care.domain.followup import FollowUp, SocialFunction
from smi_care.domain.named import short_repr


@titled("分类依据")
class Criterion(StrCodedEnum):
    """Why a follow-up got its class: the §4 criteria, with stable identifiers."""

    # unstable: any of
    RISK_3_TO_5 = ("risk_3_to_5", "危险性为3-5级")
    MARKED_SYMPTOMS = ("marked_symptoms", "精神症状明显")
    INSIGHT_ABSENT = ("insight_absent", "自知力缺乏")
    SERIOUS_ADVERSE_REACTION = ("serious_adverse_reaction", "有严重药物不良反应")
    SERIOUS_PHYSICAL_ILLNESS = ("serious_physical_illness", "严重躯体疾病")
    # not stable (basically stable when no unstable criterion holds)
    RISK_1_TO_2 = ("risk_1_to_2", "危险性为1-2级")
    SYMPTOMS_PRESENT = ("symptoms_present", "精神症状未基本消失")
    INSIGHT_PARTIAL = ("insight_partial", "自知力不全")
    SOCIAL_FUNCTION_POOR = ("social_function_poor", "社会功能较差")
    SOCIAL_FUNCTION_UNRECORDED = ("social_function_unrecorded", "社会功能未评估")
    INSIGHT_UNRECORDED = ("insight_unrecorded", "自知力未评估")
    PHYSICAL_ILLNESS_UNSTABLE = ("physical_illness_unstable", "躯体疾病不稳定")
    # stable: all of
    RISK_0 = ("risk_0", "危险性为0级")
    SYMPTOMS_GONE = ("symptoms_gone", "精神症状基本消失")
    INSIGHT_COMPLETE = ("insight_complete", "自知力完全")
    SOCIAL_FUNCTION_FAIR_OR_GOOD = ("social_function_fair_or_good", "社会功能处于一般或良好")
    NO_SERIOUS_ADVERSE_REACTION = ("no_serious_adverse_reaction", "无严重药物不良反应")
    PHYSICAL_ILLNESS_STABLE = ("physical_illness_stable", "躯体疾病稳定")
    # no class
    NOT_REACHED = ("not_reached", "未访到")
    IN_HOSPITAL_UNASSESSED = ("in_hospital_unassessed", "目前正在住院，未评估")


UNSTABLE_CRITERIA = (Criterion.RISK_3_TO_5, Criterion.MARKED_SYMPTOMS, Criterion.INSIGHT_ABSENT,
                     Criterion.SERIOUS_ADVERSE_REACTION, Criterion.SERIOUS_PHYSICAL_ILLNESS)
STABLE_CRITERIA = (Criterion.RISK_0, Criterion.SYMPTOMS_GONE, Criterion.INSIGHT_COMPLETE,
                   Criterion.SOCIAL_FUNCTION_FAIR_OR_GOOD, Criterion.NO_SERIOUS_ADVERSE_REACTION,
                   Criterion.PHYSICAL_ILLNESS_STABLE)


@short_repr
@attrs.frozen
class ClassificationPolicy:
    """Thresholds of §4, as a policy a caller can replace. :data:`NATIONAL` is the default.

    ``unstable_risk_min``: lowest risk level that makes a follow-up unstable (3).
    ``unstable_social_function_poor``: count "poor social function" as unstable (False:
    §4 lists it among the basically-stable examples only).
    Both are checked at construction (``unstable_risk_min`` a risk level from 0 to 5; 0 is the
    strictest reading, every reached follow-up unstable).
    """

    unstable_risk_min: int = attrs.field(default=3, validator=int_between(0, 5))
    unstable_social_function_poor: bool = attrs.field(default=False, validator=is_type(bool, "True or False"))


NATIONAL = ClassificationPolicy()


@attrs.frozen
class Assessment:
    """The six inputs of the §4 classification. ``adr_serious``: an adverse reaction marked
    serious; ``physical_illness`` None counts as 0 (none or stable)."""

    risk_level: int = attrs.field(validator=[typed(int), int_between(0, 5)])
    severity: SymptomSeverity = attrs.field(validator=typed(SymptomSeverity))
    insight: Insight | None = attrs.field(validator=typed(Insight | None))
    social: SocialFunction = attrs.field(validator=typed(SocialFunction))
    adr_serious: bool = attrs.field(default=False, validator=typed(bool))
    physical_illness: PhysicalIllness | None = attrs.field(default=None, validator=typed(PhysicalIllness | None))

    @classmethod
    def of(cls, f: FollowUp) -> Assessment:
        """The inputs a follow-up records, with the §4 defaults for what it leaves out."""
        assert f.risk_level is not None
        serious = bool(f.adr_serious) and f.adr is not AdverseReaction.NOT_APPLICABLE
        return cls(f.risk_level, f.effective_severity, f.insight, f.social, serious, f.physical_illness)


@attrs.frozen
class ClassificationResult:
    """The class (None when the follow-up cannot be classified) and the criteria that decided it.

    For unstable: the unstable criteria that hold. For basically stable: the stable criteria
    that fail. For stable: all six stable criteria.
    """

    classification: Classification | None
    reasons: tuple[Criterion, ...]


@checked
def classify_assessment(a: Assessment, policy: ClassificationPolicy = NATIONAL) -> ClassificationResult:
    """Classify the six §4 inputs. Total: every combination gets exactly one class."""
    unstable: list[Criterion] = []
    if a.risk_level >= policy.unstable_risk_min:
        unstable.append(Criterion.RISK_3_TO_5)
    if a.severity is SymptomSeverity.MARKED:
        unstable.append(Criterion.MARKED_SYMPTOMS)
    if a.insight is Insight.ABSENT:
        unstable.append(Criterion.INSIGHT_ABSENT)
    if a.adr_serious:
        unstable.append(Criterion.SERIOUS_ADVERSE_REACTION)
    if a.physical_illness is PhysicalIllness.SERIOUS:
        unstable.append(Criterion.SERIOUS_PHYSICAL_ILLNESS)
    if policy.unstable_social_function_poor and a.social.poor:
        unstable.append(Criterion.SOCIAL_FUNCTION_POOR)
    if unstable:
        return ClassificationResult(Classification.UNSTABLE, tuple(unstable))
    failing: list[Criterion] = []
    if a.risk_level != 0:
        failing.append(Criterion.RISK_1_TO_2)
    if a.severity is not SymptomSeverity.BASICALLY_GONE:
        failing.append(Criterion.SYMPTOMS_PRESENT)
    if a.insight is None:
        failing.append(Criterion.INSIGHT_UNRECORDED)
    elif a.insight is not Insight.COMPLETE:
        failing.append(Criterion.INSIGHT_PARTIAL)
    if a.social.missing():
        failing.append(Criterion.SOCIAL_FUNCTION_UNRECORDED)
    elif not a.social.fair_or_good:
        failing.append(Criterion.SOCIAL_FUNCTION_POOR)
    if a.physical_illness is PhysicalIllness.UNSTABLE:
        failing.append(Criterion.PHYSICAL_ILLNESS_UNSTABLE)
    if failing:
        return ClassificationResult(Classification.BASICALLY_STABLE, tuple(failing))
    return ClassificationResult(Classification.STABLE, STABLE_CRITERIA)


@checked
def classify(f: FollowUp, policy: ClassificationPolicy = NATIONAL) -> ClassificationResult:
    """Classify a follow-up by §4. A follow-up that reached nobody has no class; one that
    records the patient in hospital with no risk level is completed but unclassified."""
    if not f.reached and not f.in_hospital_now:
        return ClassificationResult(None, (Criterion.NOT_REACHED,))
    if f.risk_level is None:
        return ClassificationResult(None, (Criterion.IN_HOSPITAL_UNASSESSED,))
    return classify_assessment(Assessment.of(f), policy)


@checked
def effective_class(f: FollowUp, policy: ClassificationPolicy = NATIONAL) -> Classification | None:
    """The class recorded on the form; where none is recorded, the class §4 gives (§6 "Class")."""
    if f.classification is not None:
        return f.classification
    return classify(f, policy).classification
