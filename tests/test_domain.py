import datetime as dt
import json

import pytest
from hypothesis import given

from smi_care.domain import (
    Adherence,
    Classification,
    CodeError,
    Consent,
    Disorder,
    DomainError,
    Event,
    EventKind,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Insight,
    LossReason,
    Patient,
    PatientRecord,
    SeenPerson,
    Sex,
)
from smi_care.domain.codes import CodedEnum, DeathCause, PhysicalDeathCause
from smi_care.domain.identity import ResidentId
from smi_care.domain.legacy import adherence_from_2011, classification_from_2011, treatment_effect_from_2011
from smi_care.serial import structure_record, unstructure_record
from smi_care.testing import patient_records, patients
from tests.helpers import patient, visit

D = dt.date


def make_patient(**kw: object) -> Patient:
    return patient("P1", **kw)


def reached(**kw: object) -> FollowUp:
    day = kw.pop("visit_date", D(2025, 3, 1))
    return visit(day, "P1", **kw)  # type: ignore[arg-type]


def test_enum_code_and_label() -> None:
    assert Insight.ABSENT.code == 3 and Insight.ABSENT.label == "缺失"
    assert Classification.from_code(2) is Classification.BASICALLY_STABLE
    assert EventKind.from_code("transfer_out").label == "迁出"


def test_every_enum_member_has_code_and_label_and_round_trips() -> None:
    for kind in CodedEnum.__subclasses__():
        for sub in [kind, *kind.__subclasses__()]:
            for member in sub:
                assert member.label
                assert sub.from_code(member._value_) is member


def test_unknown_code_names_enum_and_code() -> None:
    with pytest.raises(CodeError) as err:
        Disorder.from_code(9)
    assert "Disorder" in str(err.value) and "9" in str(err.value)


def test_risk_level_outside_range() -> None:
    with pytest.raises(DomainError) as err:
        reached(risk_level=6)
    assert err.value.field == "risk_level" and err.value.cls == "FollowUp" and "0 to 5" in str(err.value)


def test_followup_error_names_which_followup() -> None:
    """Of a patient's many follow-ups, the error names the wrong one by its visit date."""
    with pytest.raises(DomainError) as err:
        reached(risk_level=6)
    assert err.value.dated == reached().visit_date.isoformat()
    assert f"record P1, dated {err.value.dated}" in str(err.value)
    from smi_care.domain import Event, EventKind
    with pytest.raises(DomainError) as ev:
        Event("P1", D(2025, 4, 2), EventKind.ADMISSION, contract_end=D(2026, 1, 1))
    assert ev.value.dated == "2025-04-02" or ev.value.field != "contract_end"
    with pytest.raises(DomainError) as pe:
        make_patient(diagnosis_date=D(1970, 1, 1))
    assert pe.value.dated is None


def test_reached_followup_needs_its_assessments() -> None:
    with pytest.raises(DomainError) as err:
        reached(insight=None)
    assert err.value.field == "insight" and "required" in err.value.rule


def test_in_hospital_followup_may_lack_assessments() -> None:
    f = FollowUp("P1", D(2025, 3, 1), FollowUpForm.PHONE, seen={SeenPerson.FAMILY},
                 hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
    assert f.completed and f.classification is None


def test_loss_reason_only_when_not_reached() -> None:
    with pytest.raises(DomainError) as err:
        reached(loss_reason=LossReason.MOVED)
    assert err.value.field == "loss_reason"
    f = FollowUp("P1", D(2025, 3, 1), FollowUpForm.HOME, loss_reason=LossReason.MOVED)
    assert not f.reached and not f.completed and f.failed


def test_not_reached_followup_has_no_class() -> None:
    with pytest.raises(DomainError):
        FollowUp("P1", D(2025, 3, 1), FollowUpForm.HOME, classification=Classification.STABLE)


def test_next_date_after_visit() -> None:
    with pytest.raises(DomainError) as err:
        reached(next_visit_date=D(2025, 3, 1))
    assert err.value.field == "next_visit_date"


def test_count_must_not_be_negative() -> None:
    from smi_care.domain import ActCount, DangerousAct
    with pytest.raises(DomainError):
        ActCount(DangerousAct.TROUBLE, -1)


def test_patient_dates_in_order() -> None:
    with pytest.raises(DomainError) as err:
        make_patient(diagnosis_date=D(1970, 1, 1))
    assert err.value.field == "diagnosis_date" and "birth_date" in err.value.rule


def test_consent_needs_date() -> None:
    with pytest.raises(DomainError) as err:
        make_patient(consent_date=None)
    assert err.value.field == "consent_date"
    assert make_patient(consent=Consent.REFUSED, consent_date=None).consented is False


def test_resident_id_must_agree_and_is_hidden() -> None:
    rid = ResidentId.parse("11010519491231002X")
    with pytest.raises(DomainError) as err:
        make_patient(resident_id=rid, name="张三")
    assert "11010519491231002X" not in str(err.value)
    ok = make_patient(resident_id=rid, sex=Sex.FEMALE, birth_date=D(1949, 12, 31), name="张三")
    assert "张三" not in repr(ok) and "1949123" not in repr(ok) and "张三" not in str(ok)


def test_followup_before_diagnosis_rejected() -> None:
    with pytest.raises(DomainError) as err:
        PatientRecord(make_patient(), (reached(visit_date=D(2019, 1, 1)),))
    assert err.value.field == "visit_date" and err.value.record == "P1"


def test_discharge_before_admission_rejected() -> None:
    evs = (Event("P1", D(2025, 1, 1), EventKind.DISCHARGE), Event("P1", D(2025, 2, 1), EventKind.ADMISSION))
    with pytest.raises(DomainError):
        PatientRecord(make_patient(), (), evs)


def test_death_event_detail() -> None:
    e = Event("P1", D(2025, 1, 1), EventKind.DEATH, death_cause=DeathCause.PHYSICAL_DISEASE,
              death_subcause=PhysicalDeathCause.CEREBROVASCULAR)
    assert e.detail == "1.4"
    with pytest.raises(DomainError):
        Event("P1", D(2025, 1, 1), EventKind.DEATH, death_cause=DeathCause.SUICIDE,
              death_subcause=PhysicalDeathCause.TUMOUR)


def test_bphs2011_codes_convert_without_loss() -> None:
    assert [adherence_from_2011(c) for c in (1, 2, 3)] == [Adherence.REGULAR, Adherence.INTERMITTENT,
                                                           Adherence.NOT_TAKING]
    assert classification_from_2011(0) is None
    assert classification_from_2011(3) is Classification.STABLE
    with pytest.raises(CodeError):
        adherence_from_2011(4)
    with pytest.raises(CodeError):
        treatment_effect_from_2011(9)


def test_records_keep_date_order_stable_for_ties() -> None:
    a = reached(visit_date=D(2025, 3, 1), risk_level=1)
    b = reached(visit_date=D(2025, 3, 1), risk_level=2)
    c = reached(visit_date=D(2025, 1, 1))
    rec = PatientRecord(make_patient(), (a, b, c))
    assert rec.followups == (c, a, b)


@given(patient_records())
def test_unstructure_structure_round_trip(rec: PatientRecord) -> None:
    data = json.loads(json.dumps(unstructure_record(rec)))
    assert structure_record(data) == rec


@given(patients())
def test_patient_repr_hides_identifying_fields(p: Patient) -> None:
    text = repr(p)
    if p.name:
        assert p.name not in text
    if p.resident_id:
        assert p.resident_id.value not in text
    if p.guardian.phone:
        assert p.guardian.phone not in text


@pytest.mark.parametrize(("f", "completed"), [
    (visit(D(2025, 3, 1)), True),                                             # reached, risk recorded
    (FollowUp("P1", D(2025, 3, 1), FollowUpForm.HOME), False),                # nobody reached
    (FollowUp("P1", D(2025, 3, 1), FollowUpForm.HOME, loss_reason=LossReason.MOVED), False),
    (FollowUp("P1", D(2025, 3, 1), FollowUpForm.PHONE, seen={SeenPerson.FAMILY},
              hospitalisation=Hospitalisation.IN_HOSPITAL_NOW), True),        # in hospital, no assessment
])
def test_completed_followup_table(f: FollowUp, completed: bool) -> None:
    """§6 "completed follow-up": reached with a risk level, or recorded as in hospital now."""
    assert f.completed is completed and f.failed is not completed


@given(patient_records())
def test_unstructure_hides_identifying_fields_unless_asked(rec: PatientRecord) -> None:
    from smi_care.serial import unstructure
    text = json.dumps(unstructure(rec), ensure_ascii=False)
    p = rec.patient
    for secret in (p.name, p.resident_id.value if p.resident_id else None, p.guardian.phone, p.guardian.name,
                   p.village_phone, p.village_contact, *(f.doctor for f in rec.followups)):
        if secret:
            assert f'"{secret}"' not in text
    assert structure_record(json.loads(json.dumps(unstructure(rec, include_identifying=True)))) == rec


def test_every_strategy_builds_valid_values() -> None:
    from hypothesis import find

    from smi_care import testing
    from smi_care.domain import ActCount, Guardian, Medication, PopulationEntry, SocialFunction
    for name, kind in (("guardians", Guardian), ("act_counts", ActCount), ("population_entries", PopulationEntry),
                       ("social_functions", SocialFunction), ("medications", Medication)):
        assert isinstance(find(getattr(testing, name), lambda _: True), kind), name
