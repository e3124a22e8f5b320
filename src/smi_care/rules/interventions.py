"""Interventions each class calls for (分类干预), as data with stable ids.

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 分类干预
(``BPHS2011`` for the older second-visit step).

>>> from smi_care.domain import Classification
>>> print(" ".join(a.text_code for a in actions_for(Classification.STABLE)))
continue_regimen health_education rehabilitation_guidance family_support
>>> print(" ".join(a.text_code for a in second_visit_actions(settled=False)))
refer_upward check_referral_within_2_weeks
"""

from __future__ import annotations

import attrs

from smi_care.domain.arguments import checked
from smi_care.domain.checks import int_between, is_type
from smi_care.domain.codes import Classification, FormEdition, StrCodedEnum, titled
from smi_care.domain.errors import ArgumentValueError
from smi_care.domain.named import short_repr
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy


@titled("干预措施")
class Action(StrCodedEnum):
    """One intervention, with a stable identifier and its Chinese label."""

    HANDLE_SYMPTOMS = ("handle_symptoms", "对症处理")
    REFER_NOW = ("refer_now", "立即转诊到上级医院")
    NOTIFY_POLICE = ("notify_police", "报告当地公安部门")
    CHECK_TREATMENT_WITHIN_2_WEEKS = ("check_treatment_within_2_weeks", "2周内了解其治疗情况")
    PSYCHIATRIST_AND_BIWEEKLY_FOLLOWUP = ("psychiatrist_and_biweekly_followup",
                                          "未住院或转诊的，联合精神专科医师并会同村（居）委会和公安至少每2周随访一次")
    ASSESS_CAUSE = ("assess_cause", "判断是病情波动、药物疗效不佳、药物不良反应或躯体症状恶化")
    ADJUST_DOSE = ("adjust_dose", "在规定剂量范围内调整现用药物剂量")
    TREAT_CAUSE = ("treat_cause", "查找原因对症治疗")
    CONTACT_PSYCHIATRIST = ("contact_psychiatrist", "必要时与原主管医生或精神专科医师联系")
    OBSERVE_2_WEEKS = ("observe_2_weeks", "观察2周")
    CONTINUE_REGIMEN = ("continue_regimen", "继续执行上级医院制定的治疗方案")
    RETURN_TO_3_MONTHS = ("return_to_3_months", "恢复3个月随访")
    REFER_UPWARD = ("refer_upward", "建议转诊到上级医院")
    CHECK_REFERRAL_WITHIN_2_WEEKS = ("check_referral_within_2_weeks", "2周内随访转诊情况")
    PSYCHIATRIST_GUIDANCE_1_MONTH = ("psychiatrist_guidance_1_month", "请精神专科医师指导，1个月时随访")
    HEALTH_EDUCATION = ("health_education", "健康教育")
    REHABILITATION_GUIDANCE = ("rehabilitation_guidance", "康复指导")
    FAMILY_SUPPORT = ("family_support", "家属心理支持")


#: Done at every follow-up, whatever the class (§4).
EVERY_VISIT = (Action.HEALTH_EDUCATION, Action.REHABILITATION_GUIDANCE, Action.FAMILY_SUPPORT)


@short_repr
@attrs.frozen
class InterventionPolicy:
    """Choices §4 leaves open. ``police_risk_min`` **[default 3]**: report to the police when
    the risk level is at least this (None: never automatically). ``edition``: ``BPHS2011``
    changes the second-visit step for basically stable patients. Checked at construction
    (``police_risk_min`` a risk level from 0 to 5, or None)."""

    police_risk_min: int | None = attrs.field(default=3, validator=int_between(0, 5))
    edition: FormEdition = attrs.field(default=FormEdition.WS2018, validator=is_type(FormEdition, "a FormEdition"))


NATIONAL = InterventionPolicy()


def check_class_and_risk(function: str, classification: Classification | None, risk_level: int | None,
                         classes: ClassificationPolicy = NATIONAL_CLASSES) -> None:
    """Refuse a risk level outside 0–5, and a class that the risk level rules out
    (docs/rules/interventions.md, "A class its risk level rules out"): a stable follow-up has
    risk 0, and a risk of ``classes.unstable_risk_min`` (3) or more makes a follow-up unstable
    (§4, docs/rules/classification.md). The error names the function, the parameter, the value
    and what was expected.

    >>> check_class_and_risk("visit_actions", Classification.STABLE, 3)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: visit_actions(risk_level=3): expected 0 for a stable follow-up
    (stable needs risk 0; a risk of 3 or more makes a follow-up unstable, §4); give the class the risk calls for,
    e.g. classify(followup).classification
    """
    if risk_level is None:
        return
    if not 0 <= risk_level <= 5:
        raise ArgumentValueError(function, "risk_level", risk_level, "a risk level from 0 to 5, or None")
    advice = (f"(stable needs risk 0; a risk of {classes.unstable_risk_min} or more makes a follow-up unstable, §4); "
              "give the class the risk calls for, e.g. classify(followup).classification")
    if classification is Classification.STABLE and risk_level != 0:
        raise ArgumentValueError(function, "risk_level", risk_level, f"0 for a stable follow-up {advice}")
    if classification is Classification.BASICALLY_STABLE and risk_level >= classes.unstable_risk_min:
        raise ArgumentValueError(function, "risk_level", risk_level,
                                 f"less than {classes.unstable_risk_min} for a basically stable follow-up {advice}")


@checked
def actions_for(classification: Classification, risk_level: int | None = None,
                policy: InterventionPolicy = NATIONAL,
                classes: ClassificationPolicy = NATIONAL_CLASSES) -> tuple[Action, ...]:
    """The actions a follow-up of this class calls for (§4 table). A risk level outside 0–5,
    or one the class rules out (:func:`check_class_and_risk`), is refused."""
    check_class_and_risk("actions_for", classification, risk_level, classes)
    if classification is Classification.UNSTABLE:
        core = [Action.HANDLE_SYMPTOMS, Action.REFER_NOW]
        if policy.police_risk_min is not None and risk_level is not None and risk_level >= policy.police_risk_min:
            core.append(Action.NOTIFY_POLICE)
        core += [Action.CHECK_TREATMENT_WITHIN_2_WEEKS, Action.PSYCHIATRIST_AND_BIWEEKLY_FOLLOWUP]
    elif classification is Classification.BASICALLY_STABLE:
        core = [Action.ASSESS_CAUSE, Action.ADJUST_DOSE, Action.TREAT_CAUSE, Action.CONTACT_PSYCHIATRIST,
                Action.OBSERVE_2_WEEKS]
    else:
        core = [Action.CONTINUE_REGIMEN]
    return (*core, *EVERY_VISIT)


@checked
def second_visit_actions(settled: bool, policy: InterventionPolicy = NATIONAL) -> tuple[Action, ...]:
    """After two weeks' observation of a basically stable patient (§4): settled → keep the
    regimen and return to 3-month follow-up; not settled → refer upward and check on the
    referral within 2 weeks (``BPHS2011``: a psychiatrist's guidance, follow-up at 1 month)."""
    if settled:
        return (Action.CONTINUE_REGIMEN, Action.RETURN_TO_3_MONTHS)
    if policy.edition is FormEdition.BPHS2011:
        return (Action.PSYCHIATRIST_GUIDANCE_1_MONTH,)
    return (Action.REFER_UPWARD, Action.CHECK_REFERRAL_WITHIN_2_WEEKS)


def is_second_visit(previous: Classification | None) -> bool:
    """A follow-up is the second-visit check when the previous completed one was basically stable."""
    return previous is Classification.BASICALLY_STABLE


@checked
def visit_actions(classification: Classification | None, risk_level: int | None,
                  previous: Classification | None = None,
                  policy: InterventionPolicy = NATIONAL,
                  classes: ClassificationPolicy = NATIONAL_CLASSES) -> tuple[Action, ...]:
    """All actions for a follow-up, including the second-visit step when the previous
    completed follow-up was basically stable. An unclassified follow-up gets the every-visit
    actions only. A risk level outside 0–5, or one the class rules out (a stable follow-up
    with risk 3: :func:`check_class_and_risk`), is refused with an
    :class:`~smi_care.domain.errors.ArgumentValueError`."""
    check_class_and_risk("visit_actions", classification, risk_level, classes)
    if classification is None:
        return EVERY_VISIT
    own = list(actions_for(classification, risk_level, policy, classes))
    if is_second_visit(previous) and classification is not Classification.UNSTABLE:
        extra = second_visit_actions(classification is Classification.STABLE, policy)
        own = [a for a in own if a not in extra] + list(extra)
    return tuple(dict.fromkeys(own))
