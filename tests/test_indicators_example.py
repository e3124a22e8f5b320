"""A hand-computed registry of 14 patients, year 2025 (P = 2025-01-01..2025-12-31, D = 2025-12-31).

County 110105 with townships 001 (population 6,000) and 002 (4,000). Each patient, and where
they count:

A  twp 001, schizophrenia: 4 completed home visits (stable, regular), health check,
   rehabilitation, contract in force.            managed, standard, regular med, face-to-face, stable
B  twp 001, bipolar: 2 phone visits, risk 1, intermittent, counselling at the Aug visit.
                                                 managed, on medication (not regular), not face-to-face
C  died 2025-06-01                               not registered on D: in no denominator
D  transferred out 2025-09-01 to an uncovered area: not registered on D
E  diagnosis withdrawn 2025-04-01:               not registered on D
F  twp 002: Jan home visit stable/regular, then 3 failed attempts in April: lost on D; still
   managed, on regular medication and stable (§6: a lost patient's stable last follow-up counts)
G  twp 002: consent refused, never visited, past lock-up 关锁: in every registered denominator,
   in no numerator; in the lock-up release denominator only
H  twp 002: visits Mar/Jun/Sep (Mar records lock-up released), admitted 2025-11-20, Dec 5
   phone visit records "in hospital now": 4 completed → standard; on medication (in hospital) but
   not regular (the last completed follow-up records no adherence); not at home
I  twp 001: registered 2025-07-01 (mid-year): 2 completed visits, 2 required → standard
J  twp 001: one failed attempt only (not lost, not managed); contract ended 2024-12-31
K  twp 002, paranoid psychosis: 5 completed home visits, Feb risk 3 with 肇事, last class basically
   stable, not taking medication; counselling event.   managed, standard, incident
L  registered 2026-01-10:                        not registered on D
M  twp 002: last visit 2024-12-20 only:          registered, unmanaged (a follow-up before P never counts)
N  twp 002: transferred in 2025-04-01, 3 completed visits, 3 required (blocks from 04-01) → standard

Registered on D: A B F G H I J K M N = 10 (township 001: A B I J = 4; 002: F G H K M N = 6).
Schizophrenia registered: A F G H I J M N = 8.
"""

import datetime as dt
from pathlib import Path

import pytest

from smi_care.domain import (
    Adherence,
    AreaCode,
    AreaLevel,
    Classification,
    Consent,
    DangerousAct,
    Disorder,
    EventKind,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Insight,
    Lockup,
    PatientRecord,
    PopulationEntry,
    Registry,
    SeenPerson,
    acts_from,
)
from smi_care.indicators import (
    FOLLOWUPS_AND_HEALTH_CHECK,
    NO_GAP_OVER_3_MONTHS,
    EvaluationPolicy,
    Period,
    audit,
    load_targets,
    report,
)
from smi_care.registry import read_registry, write_registry
from tests.helpers import D, event, miss, patient, visit

T1, T2 = "110105001001", "110105002001"
Y = Period.year(2025)


def rec(pid: str, area: str, *items: object, **pkw: object) -> PatientRecord:
    p = patient(pid, area_code=AreaCode(area), **pkw)
    fus = tuple(i for i in items if isinstance(i, FollowUp))
    evs = tuple(i for i in items if not isinstance(i, FollowUp))
    return PatientRecord(p, fus, evs)  # type: ignore[arg-type]


def build() -> Registry:
    S = Classification.STABLE
    records = [
        rec("A", T1, *(visit(D(2025, m, 10), "A", classification=S) for m in (3, 6, 9, 12)),
            event(D(2025, 5, 1), EventKind.HEALTH_CHECK, "A"),
            event(D(2025, 7, 1), EventKind.COMMUNITY_REHABILITATION, "A"),
            event(D(2025, 1, 10), EventKind.FAMILY_DOCTOR_CONTRACT, "A")),
        rec("B", T1, *(visit(D(2025, m, 5), "B", form=FollowUpForm.PHONE, risk_level=1, adherence=Adherence.INTERMITTENT,
                             classification=Classification.BASICALLY_STABLE, counselling=(m == 8)) for m in (2, 8)),
            disorder=Disorder.BIPOLAR),
        rec("C", T1, visit(D(2025, 2, 1), "C"), event(D(2025, 6, 1), EventKind.DEATH, "C")),
        rec("D", T2, visit(D(2025, 2, 1), "D"),
            event(D(2025, 9, 1), EventKind.TRANSFER_OUT, "D", other_area=AreaCode("320102001001"))),
        rec("E", T2, event(D(2025, 4, 1), EventKind.DIAGNOSIS_WITHDRAWN, "E")),
        rec("F", T2, visit(D(2025, 1, 15), "F"), miss(D(2025, 4, 1), "F"), miss(D(2025, 4, 15), "F"),
            miss(D(2025, 4, 29), "F")),
        rec("G", T2, consent=Consent.REFUSED, registered_on=D(2021, 3, 1), past_lockup=Lockup.LOCKED),
        rec("H", T2, visit(D(2025, 3, 10), "H", lockup=Lockup.RELEASED), visit(D(2025, 6, 10), "H"),
            visit(D(2025, 9, 10), "H"), event(D(2025, 11, 20), EventKind.ADMISSION, "H"),
            FollowUp("H", D(2025, 12, 5), FollowUpForm.PHONE, seen={SeenPerson.FAMILY},
                     hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)),
        rec("I", T1, visit(D(2025, 7, 10), "I"), visit(D(2025, 10, 10), "I", form=FollowUpForm.CLINIC),
            diagnosis_date=D(2025, 6, 20), registered_on=D(2025, 7, 1), consent_date=D(2025, 7, 1)),
        rec("J", T1, miss(D(2025, 3, 1), "J"),
            event(D(2024, 1, 1), EventKind.FAMILY_DOCTOR_CONTRACT, "J", contract_end=D(2024, 12, 31))),
        rec("K", T2, visit(D(2025, 2, 10), "K", risk_level=3, classification=Classification.UNSTABLE,
                           acts=acts_from([(DangerousAct.TROUBLE, 1)])),
            *(visit(D(2025, m, 10), "K", adherence=Adherence.NOT_TAKING) for m in (3, 5, 8)),
            visit(D(2025, 11, 10), "K", insight=Insight.PARTIAL, adherence=Adherence.NOT_TAKING,
                  classification=Classification.BASICALLY_STABLE),
            event(D(2025, 6, 1), EventKind.COUNSELLING, "K"), disorder=Disorder.PARANOID_PSYCHOSIS),
        rec("L", T1, diagnosis_date=D(2025, 12, 20), registered_on=D(2026, 1, 10), consent_date=D(2026, 1, 10)),
        rec("M", T2, visit(D(2024, 12, 20), "M")),
        rec("N", T2, *(visit(D(2025, m, 10), "N") for m in (5, 8, 11)),
            event(D(2025, 4, 1), EventKind.TRANSFER_IN, "N", other_area=AreaCode("320102001001")),
            registered_on=D(2019, 6, 1), diagnosis_date=D(2019, 5, 1), consent_date=D(2019, 6, 1)),
    ]
    population = [PopulationEntry(AreaCode("110105"), 2025, 10_000),
                  PopulationEntry(AreaCode("110105001"), 2025, 6_000),
                  PopulationEntry(AreaCode("110105002"), 2025, 4_000)]
    return Registry.of(records, population)


EXPECTED = {  # indicator: (numerator, denominator)
    "reported_prevalence": (10, 10_000),           # 1.0‰
    "management_rate": (7, 10),                    # A B F H I K N
    "standard_management_rate": (5, 10),           # A H I K N
    "medication_rate": (6, 10),                    # A B F H I N (H in hospital)
    "regular_medication_rate": (4, 10),            # A F I N
    "treatment_rate": (6, 10),
    "schizophrenia_medication_rate": (5, 8),       # A F H I N of A F G H I J M N
    "schizophrenia_regular_medication_rate": (4, 8),
    "schizophrenia_treatment_rate": (5, 8),
    "face_to_face_rate": (6, 10),                  # A F H I K N (B phone only)
    "health_check_rate": (1, 10),                  # A
    "stability_rate": (4, 6),                      # A F I N of managed at home A B F I K N
    "loss_rate": (1, 10),                          # F
    "community_rehabilitation_rate": (1, 9),       # A of the 9 at home (H in hospital)
    "counselling_rate": (2, 9),                    # B (at a follow-up), K (event)
    "family_doctor_contract_rate": (1, 10),        # A (J's ended 2024-12-31)
    "incident_rate": (1, 10),                      # K
    "lockup_release_rate": (1, 2),                 # H released; G locked
}


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_section6_hand_computed_totals(indicator: str) -> None:
    r = report(build(), Y).result(indicator)
    assert (r.numerator, r.denominator) == EXPECTED[indicator]
    num, den = EXPECTED[indicator]
    assert r.value == pytest.approx(num / den * (1000 if indicator == "reported_prevalence" else 100))


def test_section6_by_township() -> None:
    rep = report(build(), Y, by=AreaLevel.TOWNSHIP)
    prev1, prev2 = rep.result("reported_prevalence", "110105001"), rep.result("reported_prevalence", "110105002")
    assert (prev1.numerator, prev1.denominator, prev2.numerator, prev2.denominator) == (4, 6000, 6, 4000)
    assert prev2.value == pytest.approx(1.5)
    m1, m2 = rep.result("management_rate", "110105001"), rep.result("management_rate", "110105002")
    assert (m1.numerator, m1.denominator) == (3, 4)   # A B I
    assert (m2.numerator, m2.denominator) == (4, 6)   # F H K N
    assert rep.result("management_rate").numerator == 7


def test_section8_targets_applied() -> None:
    rep = report(build(), Y)
    r = rep.result("standard_management_rate")
    assert r.target is not None and r.target.threshold == 80.0 and r.target.year == 2022 and r.met is False
    assert rep.result("loss_rate").target is None and rep.result("loss_rate").met is None


def test_section8_local_target_from_file(tmp_path: Path) -> None:
    f = tmp_path / "targets.csv"
    f.write_text("indicator,year,threshold,source,area_code\nmanagement_rate,2025,65,county plan,110105\n",
                 encoding="utf-8")
    from smi_care.indicators import NATIONAL_TARGETS
    rep = report(build(), Y, by=AreaLevel.TOWNSHIP, targets=(*NATIONAL_TARGETS, *load_targets(f)))
    r = rep.result("management_rate", "110105001")
    assert r.target is not None and r.target.source == "county plan" and r.met is True
    # the registry's population is all in county 110105: its total is the county's, judged by the county's target
    assert rep.result("management_rate").target.threshold == 65.0


def test_section6_standard_management_alternatives() -> None:
    hc = report(build(), Y, policy=EvaluationPolicy(standard=FOLLOWUPS_AND_HEALTH_CHECK))
    assert hc.result("standard_management_rate").numerator == 1  # only A had a health check
    gap = report(build(), Y, policy=EvaluationPolicy(standard=NO_GAP_OVER_3_MONTHS))
    # A: 03-10 is within 3 months of 01-01, gaps of 3 months, 12-10 to 12-31: yes.
    # H: 03-10, 06-10, 09-10, 12-05: yes.  I: from 07-01: 07-10, 10-10, D within 3 months: yes.
    # K: 02-10, 03-10, 05-10, 08-10, 11-10: yes.  N: from 04-01: 05-10, 08-10, 11-10: yes.
    assert gap.result("standard_management_rate").numerator == 5


def test_section6_audit_explains() -> None:
    reg = build()
    a = audit(reg.records["M"], "management_rate", Y)
    assert a.in_denominator and not a.in_numerator
    assert "no completed follow-up" in str(a)
    c = audit(reg.records["C"], "management_rate", Y)
    assert not c.in_denominator and "not registered" in str(c)
    h = audit(reg.records["H"], "regular_medication_rate", Y)
    assert h.in_denominator and not h.in_numerator and "2025-12-05" in str(h)


def test_hand_registry_survives_the_file_format(tmp_path: Path) -> None:
    reg = build()
    res = read_registry(write_registry(reg, tmp_path / "r", include_identifying=True))
    assert res.ok and res.registry == reg
    assert report(res.registry, Y).results == report(reg, Y).results
    assert dt.date(2025, 12, 31) == Y.end


def test_section6_in_hospital_before_p_keeps_patient_off_home_but_not_on_medication() -> None:
    """A completed follow-up in December 2024 recording "in hospital now", nothing after: on
    2025-12-31 the patient is in hospital (§6 "In hospital on D" looks at follow-ups on or
    before D), so not at home; but a follow-up before P never puts a patient on medication in P."""
    r = rec("O", T2, FollowUp("O", D(2024, 12, 5), FollowUpForm.PHONE, seen={SeenPerson.FAMILY},
                               hospitalisation=Hospitalisation.IN_HOSPITAL_NOW))
    rep = report([r], Y)
    assert rep.result("medication_rate").numerator == 0
    assert rep.result("community_rehabilitation_rate").denominator == 0
    assert rep.result("management_rate").denominator == 1


def test_section6_prevalence_uses_latest_population_not_after_the_year() -> None:
    reg = build()
    older = Registry.of(reg, [PopulationEntry(AreaCode("110105"), 2024, 8_000)])
    r = report(older, Y).result("reported_prevalence")
    assert (r.numerator, r.denominator) == (10, 8_000)
    none = report(Registry.of(reg, [PopulationEntry(AreaCode("110105"), 2026, 8_000)]), Y)
    assert none.result("reported_prevalence").value is None


def test_section6_registry_without_population_covers_its_patients_counties() -> None:
    moved = rec("Q", T1, visit(D(2025, 2, 1), "Q"),
                event(D(2025, 3, 1), EventKind.TRANSFER_OUT, "Q", other_area=AreaCode(T2)))
    left = rec("R", T1, visit(D(2025, 2, 1), "R"),
               event(D(2025, 3, 1), EventKind.TRANSFER_OUT, "R", other_area=AreaCode("320102001001")))
    reg = Registry.of([moved, left])
    assert reg.covers(AreaCode(T2)) and not reg.covers(AreaCode("320102001001"))
    rep = report(reg, Y, by=AreaLevel.TOWNSHIP)
    assert rep.result("management_rate").denominator == 1
    assert rep.result("management_rate", "110105002").denominator == 1   # Q counts where Q lives on D
    assert rep.result("reported_prevalence").value is None               # no population file
