
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import (
    AdverseReaction,
    Classification,
    Insight,
    PhysicalIllness,
    Rating,
    SocialFunction,
    SymptomSeverity,
    WorkRating,
)
from smi_care.rules import Assessment, Criterion, classify, classify_assessment, next_visit_date
from smi_care.rules.classification import STABLE_CRITERIA, UNSTABLE_CRITERIA
from smi_care.rules.interventions import Action, InterventionPolicy, actions_for, second_visit_actions, visit_actions
from smi_care.rules.risk import (
    ArmedViolence,
    ArsonExplosion,
    SelfHarm,
    Setting,
    Smashing,
    Target,
    VerbalThreat,
    observation_level,
    risk_level,
)
from smi_care.testing import codes, followups, social_functions
from tests.helpers import D, visit

observations = st.one_of(
    st.just(VerbalThreat()), st.just(SelfHarm()), st.just(ArmedViolence()), st.just(ArsonExplosion()),
    st.builds(Smashing, st.sampled_from(list(Setting)), st.sampled_from(list(Target)), st.booleans(), st.booleans()))

assessments = st.builds(Assessment, st.integers(0, 5), codes(SymptomSeverity), st.none() | codes(Insight),
                        social_functions | st.just(SocialFunction()), st.booleans(),
                        st.none() | codes(PhysicalIllness))


def test_section3_levels() -> None:
    assert risk_level([]) == 0
    assert risk_level([VerbalThreat()]) == 1
    assert risk_level([Smashing(Setting.HOME, Target.PROPERTY, stopped_by_persuasion=True)]) == 2
    assert risk_level([Smashing(Setting.ANY, Target.PROPERTY)]) == 3
    assert risk_level([Smashing(Setting.ANY, Target.PEOPLE, persistent=True)]) == 4
    assert risk_level([SelfHarm()]) == 4
    assert risk_level([ArmedViolence()]) == 5 and risk_level([ArsonExplosion()]) == 5


@given(st.lists(observations), observations)
def test_section3_adding_an_observation_never_lowers_level(obs: list, extra: object) -> None:
    before = risk_level(obs)
    after = risk_level([*obs, extra])
    assert after >= before and after >= observation_level(extra)  # type: ignore[arg-type]
    assert 0 <= after <= 5


@given(assessments)
def test_section4_classification_is_total_and_reasons_match(a: Assessment) -> None:
    r = classify_assessment(a)
    assert r.classification in set(Classification)
    unstable_any = (a.risk_level >= 3 or a.severity is SymptomSeverity.MARKED or a.insight is Insight.ABSENT
                    or a.adr_serious or a.physical_illness is PhysicalIllness.SERIOUS)
    stable_all = (a.risk_level == 0 and a.severity is SymptomSeverity.BASICALLY_GONE and a.insight is Insight.COMPLETE
                  and a.social.fair_or_good and not a.adr_serious
                  and a.physical_illness in (None, PhysicalIllness.NONE_OR_STABLE))
    assert (r.classification is Classification.UNSTABLE) == unstable_any
    assert (r.classification is Classification.STABLE) == stable_all
    if r.classification is Classification.UNSTABLE:
        assert r.reasons and set(r.reasons) <= set(UNSTABLE_CRITERIA)
    elif r.classification is Classification.STABLE:
        assert r.reasons == STABLE_CRITERIA
    else:
        assert r.reasons and not set(r.reasons) & set(UNSTABLE_CRITERIA)


def _worse(a: Assessment, data: st.DataObject) -> Assessment:
    import attrs
    risk = data.draw(st.integers(a.risk_level, 5))
    sev = data.draw(st.sampled_from([s for s in SymptomSeverity if s.code >= a.severity.code]))
    ins = a.insight if a.insight is None else data.draw(
        st.sampled_from([i for i in Insight if i.code >= a.insight.code]))
    return attrs.evolve(a, risk_level=risk, severity=sev, insight=ins)


@given(assessments, st.data())
def test_section4_more_danger_never_gives_a_later_next_date(a: Assessment, data: st.DataObject) -> None:
    worse = _worse(a, data)
    day = data.draw(st.dates(D(2020, 1, 1), D(2027, 12, 31)))
    c1, c2 = classify_assessment(a).classification, classify_assessment(worse).classification
    assert c1 is not None and c2 is not None
    assert c2.code <= c1.code
    assert next_visit_date(day, c2) <= next_visit_date(day, c1)


@given(followups(reached=True))
def test_section4_next_date_after_visit_and_within_3_months(f: object) -> None:
    from smi_care.domain import FollowUp
    from smi_care.rules import add_months
    assert isinstance(f, FollowUp)
    c = classify(f).classification
    if c is None:
        return
    n = next_visit_date(f.visit_date, c)
    assert f.visit_date < n <= add_months(f.visit_date, 3)


def test_section4_month_end_examples() -> None:
    assert next_visit_date(D(2025, 11, 30), Classification.STABLE) == D(2026, 2, 28)
    assert next_visit_date(D(2023, 11, 30), Classification.STABLE) == D(2024, 2, 29)
    assert next_visit_date(D(2025, 8, 31), Classification.STABLE) == D(2025, 11, 30)
    assert next_visit_date(D(2025, 12, 31), Classification.BASICALLY_STABLE) == D(2026, 1, 14)
    assert next_visit_date(D(2025, 12, 25), Classification.UNSTABLE) == D(2026, 1, 8)


def test_section4_stable_needs_all_six() -> None:
    f = visit(D(2025, 3, 1))
    assert classify(f).classification is Classification.STABLE
    # sleep, diet and lock-up do not enter the class
    assert classify(visit(D(2025, 3, 1), sleep=Rating.POOR, diet=Rating.POOR)).classification is Classification.STABLE


def test_section4_basically_stable_examples() -> None:
    r = classify(visit(D(2025, 3, 1), risk_level=2))
    assert r.classification is Classification.BASICALLY_STABLE and r.reasons == (Criterion.RISK_1_TO_2,)
    poor = SocialFunction(Rating.GOOD, Rating.POOR, WorkRating.NOT_APPLICABLE, Rating.GOOD, Rating.GOOD)
    r = classify(visit(D(2025, 3, 1), social=poor))
    assert r.classification is Classification.BASICALLY_STABLE and Criterion.SOCIAL_FUNCTION_POOR in r.reasons
    na = SocialFunction(Rating.GOOD, Rating.FAIR, WorkRating.NOT_APPLICABLE, Rating.GOOD, Rating.GOOD)
    assert classify(visit(D(2025, 3, 1), social=na)).classification is Classification.STABLE


def test_section4_symptom_default_and_adverse_reaction() -> None:
    from smi_care.domain import Symptom
    r = classify(visit(D(2025, 3, 1), symptoms={Symptom.HALLUCINATION}))
    assert r.classification is Classification.BASICALLY_STABLE and Criterion.SYMPTOMS_PRESENT in r.reasons
    present = visit(D(2025, 3, 1), adr=AdverseReaction.PRESENT)
    assert classify(present).classification is Classification.STABLE
    serious = visit(D(2025, 3, 1), adr=AdverseReaction.PRESENT, adr_serious=True)
    assert classify(serious).reasons == (Criterion.SERIOUS_ADVERSE_REACTION,)
    assert classify(visit(D(2025, 3, 1), physical_illness=PhysicalIllness.UNSTABLE)).classification \
        is Classification.BASICALLY_STABLE
    assert classify(visit(D(2025, 3, 1), physical_illness=PhysicalIllness.SERIOUS)).classification \
        is Classification.UNSTABLE


def test_section4_not_reached_and_in_hospital_have_no_class() -> None:
    from smi_care.domain import FollowUp, FollowUpForm, Hospitalisation, SeenPerson
    from tests.helpers import miss
    assert classify(miss(D(2025, 3, 1))).classification is None
    f = FollowUp("P1", D(2025, 3, 1), FollowUpForm.PHONE, seen={SeenPerson.FAMILY},
                 hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    assert classify(f).reasons == (Criterion.IN_HOSPITAL_UNASSESSED,)


def test_section4_interventions() -> None:
    unstable = actions_for(Classification.UNSTABLE, 4)
    assert Action.REFER_NOW in unstable and Action.NOTIFY_POLICE in unstable
    assert Action.CHECK_TREATMENT_WITHIN_2_WEEKS in unstable
    assert Action.NOTIFY_POLICE not in actions_for(Classification.UNSTABLE, 0)
    assert Action.NOTIFY_POLICE not in actions_for(Classification.UNSTABLE, 4, InterventionPolicy(police_risk_min=None))
    basic = actions_for(Classification.BASICALLY_STABLE, 1)
    assert Action.ADJUST_DOSE in basic and Action.OBSERVE_2_WEEKS in basic
    assert actions_for(Classification.STABLE)[0] is Action.CONTINUE_REGIMEN
    for c in Classification:
        assert Action.HEALTH_EDUCATION in actions_for(c)


def test_section4_second_visit_for_basically_stable() -> None:
    from smi_care.domain import FormEdition
    assert second_visit_actions(True) == (Action.CONTINUE_REGIMEN, Action.RETURN_TO_3_MONTHS)
    assert second_visit_actions(False) == (Action.REFER_UPWARD, Action.CHECK_REFERRAL_WITHIN_2_WEEKS)
    legacy = InterventionPolicy(edition=FormEdition.BPHS2011)
    assert second_visit_actions(False, legacy) == (Action.PSYCHIATRIST_GUIDANCE_1_MONTH,)
    acts = visit_actions(Classification.STABLE, 0, previous=Classification.BASICALLY_STABLE)
    assert Action.RETURN_TO_3_MONTHS in acts
    acts = visit_actions(Classification.BASICALLY_STABLE, 1, previous=Classification.BASICALLY_STABLE)
    assert Action.REFER_UPWARD in acts
    assert all(a.text_code.islower() for a in Action)


def test_criterion_codes_are_stable_ids() -> None:
    assert Criterion.RISK_3_TO_5.text_code == "risk_3_to_5"
    codes = [c.text_code for c in Criterion]
    assert len(set(codes)) == len(codes) and all(c == c.lower() and " " not in c for c in codes)
    assert len({c.label for c in Criterion}) == len(codes)
