"""Boundary tables for the indicator policies that sit on top of the rules (national-rules §6).

Written against the public names the indicator engine keeps (``patient_facts``,
``StandardPolicy.met``, ``blocks_between``, ``required_followups``, ``AgeBands``, ``report``),
so any engine that keeps those names must pass them. Each table row is (day before, on, after)
a boundary; the comment names the section of the reference it comes from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from smi_care.domain import (
    Adherence,
    AreaCode,
    AreaLevel,
    Classification,
    EventKind,
    FollowUp,
    FollowUpForm,
    Hospitalisation,
    Lockup,
    PatientRecord,
    PopulationEntry,
    Registry,
)
from smi_care.domain.codes import DangerousAct, DeathCause
from smi_care.domain.followup import ActCount
from smi_care.indicators import NO_GAP_OVER_3_MONTHS, Period, report
from smi_care.indicators.definitions import (
    REGISTERED,
    STANDARD_INDICATORS,
    Condition,
    Indicator,
    UnknownIndicatorError,
    by_id,
)
from smi_care.indicators.evaluate import (
    AgeBands,
    Dimension,
    EvaluationPolicy,
    by_name,
    evaluate,
    finalize,
    parse_by,
)
from smi_care.indicators.facts import blocks_between, patient_facts, required_followups
from smi_care.indicators.periods import PeriodError
from smi_care.indicators.standard import FOLLOWUPS_AND_HEALTH_CHECK, FOUR_FOLLOWUPS, StandardPolicy, StandardRule
from smi_care.indicators.targets import Target, TargetFileError, applicable, load_targets
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.status import NATIONAL as STATUS
from smi_care.rules.status import StatusPolicy, covers_nothing
from tests.helpers import D, event, miss, patient, record, visit

Y = Period.year(2025)


def facts(rec: PatientRecord, period: Period = Y, standard: StandardPolicy = FOUR_FOLLOWUPS):  # type: ignore[no-untyped-def]
    return patient_facts(rec, period, covers_nothing, standard, STATUS, CLASSES)


# --- §6 pro-rating: one follow-up per started 3-month block ------------------------------------

@pytest.mark.parametrize(("start", "end", "blocks"), [
    (D(2025, 1, 1), D(2025, 1, 1), 1),     # D on the block start: a started block
    (D(2025, 1, 1), D(2025, 3, 31), 1),    # day before the 2nd block starts
    (D(2025, 1, 1), D(2025, 4, 1), 2),     # on the 2nd block's first day
    (D(2025, 1, 1), D(2025, 4, 2), 2),     # day after
    (D(2025, 1, 1), D(2025, 12, 31), 4),   # a whole year
    (D(2025, 11, 30), D(2026, 2, 27), 1),  # month-end clamp: 11-30 + 3 months = 02-28
    (D(2025, 11, 30), D(2026, 2, 28), 2),
    (D(2025, 5, 2), D(2025, 5, 1), 0),     # end before start
])
def test_section6_started_blocks(start: dt.date, end: dt.date, blocks: int) -> None:
    assert blocks_between(start, end) == blocks


@pytest.mark.parametrize(("registered", "period", "required"), [
    (D(2020, 5, 8), Y, 4),                                  # registered before P: 4 a year
    (D(2025, 7, 1), Y, 2),                                  # registered inside P: blocks from registration
    (D(2025, 9, 30), Y, 2),                                 # 09-30 .. 12-29, then 12-30 starts a 2nd block
    (D(2025, 10, 1), Y, 1),
    (D(2020, 5, 8), Period.quarter(2025, 3), 1),            # a quarter: one
    (D(2020, 5, 8), Period(D(2025, 1, 1), D(2025, 4, 1)), 2),
])
def test_section6_required_followups(registered: dt.date, period: Period, required: int) -> None:
    assert required_followups(period, registered) == required
    assert required_followups(period, registered, per_year=2) == blocks_between(max(registered, period.start),
                                                                                 period.end, 6)


# --- §6 standard management: the three policies -------------------------------------------------

def _quarterly(*days: dt.date) -> PatientRecord:
    return record(*(visit(d) for d in days), event(D(2025, 6, 1), EventKind.HEALTH_CHECK))


@pytest.mark.parametrize(("days", "four", "gap"), [
    # 3 months after P's start is 04-01: a first follow-up on it is in time, the day after is not
    ((D(2025, 4, 1), D(2025, 7, 1), D(2025, 10, 1), D(2025, 12, 31)), True, True),
    ((D(2025, 4, 2), D(2025, 7, 1), D(2025, 10, 1), D(2025, 12, 31)), True, False),
    # consecutive follow-ups exactly 3 calendar months apart; then one day more
    ((D(2025, 1, 5), D(2025, 4, 5), D(2025, 7, 5), D(2025, 10, 5)), True, True),
    ((D(2025, 1, 5), D(2025, 4, 5), D(2025, 7, 6), D(2025, 10, 6)), True, False),
    # D within 3 months of the last follow-up: 09-30 + 3 months = 12-30 < 12-31
    ((D(2025, 1, 5), D(2025, 4, 5), D(2025, 7, 5), D(2025, 9, 30)), True, False),
    ((D(2025, 1, 5), D(2025, 4, 5), D(2025, 7, 5), D(2025, 10, 1)), True, True),
    # three follow-ups: short of the four, whatever the gaps
    ((D(2025, 3, 1), D(2025, 6, 1), D(2025, 9, 1)), False, False),
])
def test_section6_standard_policies_at_the_3_month_marks(days: tuple[dt.date, ...], four: bool, gap: bool) -> None:
    r = _quarterly(*days)
    assert facts(r).standard is four
    assert facts(r, standard=FOLLOWUPS_AND_HEALTH_CHECK).standard is four
    assert facts(r, standard=NO_GAP_OVER_3_MONTHS).standard is gap
    assert NO_GAP_OVER_3_MONTHS.met(facts(r)) is gap


def test_section6_gap_policy_needs_a_completed_followup_and_swappable_gap() -> None:
    assert not NO_GAP_OVER_3_MONTHS.met(facts(record()))
    r = _quarterly(D(2025, 1, 5), D(2025, 5, 5), D(2025, 9, 5), D(2025, 12, 31))  # 4-month gaps
    assert not NO_GAP_OVER_3_MONTHS.met(facts(r))
    assert StandardPolicy(StandardRule.NO_GAP_OVER_3_MONTHS, gap_months=4).met(facts(r))


def test_section6_health_check_policy_needs_the_check_in_p() -> None:
    days = (D(2025, 2, 1), D(2025, 5, 1), D(2025, 8, 1), D(2025, 11, 1))
    without = record(*(visit(d) for d in days), event(D(2024, 12, 31), EventKind.HEALTH_CHECK))
    assert FOUR_FOLLOWUPS.met(facts(without)) and not FOLLOWUPS_AND_HEALTH_CHECK.met(facts(without))
    assert FOLLOWUPS_AND_HEALTH_CHECK.met(facts(_quarterly(*days)))


def test_section6_standard_needs_consent_and_registration() -> None:
    days = (D(2025, 2, 1), D(2025, 5, 1), D(2025, 8, 1), D(2025, 11, 1))
    from smi_care.domain import Consent
    refused = record(*(visit(d) for d in days), p=patient(consent=Consent.REFUSED))
    dead = record(*(visit(d) for d in days), event(D(2025, 12, 31), EventKind.DEATH))
    for policy in (FOUR_FOLLOWUPS, FOLLOWUPS_AND_HEALTH_CHECK, NO_GAP_OVER_3_MONTHS):
        assert not policy.met(facts(refused, standard=policy))
        assert not facts(dead, standard=policy).standard


# --- §6 medication rate: in hospital counts ------------------------------------------------------

@pytest.mark.parametrize(("admitted", "discharged", "on_medication"), [
    (D(2025, 12, 31), None, True),            # admitted on D
    (D(2025, 12, 1), D(2025, 12, 31), False),  # discharged on D: home, not taking medication
    (D(2025, 12, 1), D(2026, 1, 1), True),     # discharged the day after D
    (D(2026, 1, 1), None, False),              # admitted the day after D
])
def test_section6_medication_rate_counts_an_admission(admitted: dt.date, discharged: dt.date | None,
                                                      on_medication: bool) -> None:
    items = [visit(D(2025, 11, 1), adherence=Adherence.NOT_TAKING), event(admitted, EventKind.ADMISSION)]
    if discharged is not None:
        items.append(event(discharged, EventKind.DISCHARGE))
    r = record(*items)
    f = facts(r)
    assert f.on_medication is on_medication and f.hospital_for_medication is on_medication
    assert f.last is not None and f.last.hospitalisation is Hospitalisation.NOT_ADMITTED
    assert report([r], Y).result("medication_rate").numerator == int(on_medication)


# --- §6 breakdowns: age bands at D ---------------------------------------------------------------

@pytest.mark.parametrize(("age", "label"), [
    (0, "0-14"), (14, "0-14"), (15, "15-34"), (34, "15-34"), (35, "35-59"), (59, "35-59"), (60, "60+"), (99, "60+"),
])
def test_section6_age_band_labels(age: int, label: str) -> None:
    assert AgeBands().band(age) == label


def test_section6_age_band_below_the_first_bound_and_custom_bounds() -> None:
    assert AgeBands((18, 65)).band(17) == "<18"
    assert AgeBands((18, 65)).band(18) == "18-64" and AgeBands((18, 65)).band(65) == "65+"


def test_section6_age_breakdown_uses_age_on_d() -> None:
    # born 1980-01-02: 45 on 2025-12-31, so 35-59; a patient born 2011-01-01 is 14 on 2025-12-31
    young = record(visit(D(2025, 3, 1), pid="Y"), p=patient("Y", birth_date=D(2011, 1, 1)))
    old = record(visit(D(2025, 3, 1)))
    rep = report([young, old], Y, by=parse_by("age"))
    assert rep.groups() == ["0-14", "35-59"]
    assert rep.result("management_rate", "0-14").numerator == 1


# --- §6 family-doctor contract in force on D ------------------------------------------------------

@pytest.mark.parametrize(("signed", "ends", "in_force"), [
    (D(2025, 1, 1), D(2025, 12, 30), False),   # ended the day before D
    (D(2025, 1, 1), D(2025, 12, 31), True),    # ends on D: still in force on D
    (D(2025, 1, 1), D(2026, 1, 1), True),
    (D(2025, 1, 1), None, True),               # no end date
    (D(2026, 1, 1), None, False),              # signed after D
    (D(2025, 12, 31), D(2025, 12, 31), True),  # signed and ending on D
])
def test_section6_contract_in_force_on_d(signed: dt.date, ends: dt.date | None, in_force: bool) -> None:
    r = record(event(signed, EventKind.FAMILY_DOCTOR_CONTRACT, contract_end=ends))
    assert facts(r).contract is in_force
    assert report([r], Y).result("family_doctor_contract_rate").numerator == int(in_force)


# --- §8 local targets from a file: each column's check, and what a good line gives -----------------

def _targets(tmp_path: Path, text: str, known: tuple[str, ...] | None = ("management_rate",)) -> tuple[Target, ...]:
    f = tmp_path / "targets.csv"
    f.write_bytes(text.encode("utf-8"))
    return load_targets(f, known)


def test_section8_target_file_lines(tmp_path: Path) -> None:
    """§8 (目标值; a township's own line, 全国精神卫生工作规划（2015—2020年） for the national ones):
    a BOM, spaces, a % sign, a source with a line break, no source, an area code."""
    text = ('\ufeffindicator, year ,threshold,source,area_code\r\n'
            ' management_rate ,2025, 65% ,"county\r\nplan",110105\r\n'
            'management_rate,2026,70\r\n')
    assert _targets(tmp_path, text) == (
        Target("management_rate", 65.0, 2025, "county\r\nplan", AreaCode("110105")),
        Target("management_rate", 70.0, 2026, "targets.csv", None),
    )
    assert _targets(tmp_path, "indicator,year,threshold\nlocal_rate,2025,90\n", None) == (
        Target("local_rate", 90.0, 2025, "targets.csv"),)


@pytest.mark.parametrize(("text", "message"), [
    ("indicator,threshold\n", "targets.csv: the header lacks column year"),
    ("indicator,year\n", "targets.csv: the header lacks column threshold"),
    ("year,threshold\n", "targets.csv: the header lacks column indicator"),
    ("indicator,year,threshold\nmanagement_rate,2025,60\nloss_rate,2025,5\n",
     "targets.csv line 3 column indicator: 'loss_rate' is not a known indicator"),
    ("indicator,year,threshold\nmanagement_rate,25Q1,60\n", "targets.csv line 2 column year: '25Q1' is not a year"),
    ("indicator,year,threshold\nmanagement_rate,2025,sixty\n",
     "targets.csv line 2 column threshold: 'sixty' is not a number"),
    ("indicator,year,threshold\nmanagement_rate,2025,60X\n",     # only a unit sign (%, ‰) may follow
     "targets.csv line 2 column threshold: '60X' is not a number"),
    ("indicator,year,threshold,area_code\nmanagement_rate,2025,60,11\n", "targets.csv line 2 column area_code: "),
    ("indicator,year,threshold\nmanagement_rate,2025,60,extra\n",
     "targets.csv line 2: 4 fields, but the header has 3 columns"),
])
def test_section8_target_file_errors_name_line_column_and_value(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TargetFileError) as err:
        _targets(tmp_path, text)
    assert str(err.value).startswith(message)


# --- §6 periods and the standard policies' own words ------------------------------------------------

@pytest.mark.parametrize(("day", "inside"), [
    (D(2024, 12, 31), False), (D(2025, 1, 1), True), (D(2025, 12, 31), True), (D(2026, 1, 1), False),
    ("2025-06-01", False),
])
def test_section6_period_contains_its_first_and_last_day(day: object, inside: bool) -> None:
    assert (day in Y) is inside


@pytest.mark.parametrize(("text", "message"), [
    ("2025Q5", "period '2025Q5' is not a year (2025), quarter (2025Q3), month (2025-07) or date range "
               "(2025-01-01..2025-06-30)"),
    ("2025-13", "period '2025-13' is not valid: month must be 1 to 12, not 13"),
    ("2025-00", "period '2025-00' is not valid: month must be 1 to 12, not 0"),
    ("2025-02-30..2025-03-01", "period '2025-02-30..2025-03-01' is not valid: day is out of range for month"),
    ("2025-03-02..2025-03-01",
     "period '2025-03-02..2025-03-01' is not valid: period end 2025-03-01 is before its start 2025-03-02"),
])
def test_section6_period_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as err:
        Period.parse(text)
    assert str(err.value) == message


@pytest.mark.parametrize(("q", "ok"), [(0, False), (1, True), (4, True), (5, False)])
def test_section6_quarter_bounds(q: int, ok: bool) -> None:
    if ok:
        assert Period.quarter(2025, q).start.month == 3 * q - 2
    else:
        with pytest.raises(PeriodError, match=f"quarter must be 1 to 4, not {q}"):
            Period.quarter(2025, q)
    assert Period.month(2024, 2) == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert [Period.parse(t) for t in (" 2025 ", "2025q1", "2025-01-01 .. 2025-01-31")] == [
        Y, Period.quarter(2025, 1), Period.month(2025, 1)]


def test_section6_standard_policies_describe_themselves_and_say_whether_they_count() -> None:
    """§6 规范管理 (WS2018 工作指标): the words the audit and the CLI show for each policy, and
    whether it has a pro-rated count of follow-ups ("n of required" is printed only then)."""
    assert [(p.describe(), p.counts_required) for p in (FOUR_FOLLOWUPS, FOLLOWUPS_AND_HEALTH_CHECK,
                                                        NO_GAP_OVER_3_MONTHS)] == [
        ("consent given and at least 4 completed follow-ups a year (pro-rated: one per started 3 months)", True),
        ("consent given, at least 4 completed follow-ups a year (pro-rated) and a health check in the period", True),
        ("consent given and no gap longer than 3 months between completed follow-ups", False),
    ]
    assert StandardPolicy(per_year=6).describe().startswith("consent given and at least 6 ")
    assert StandardPolicy(StandardRule.NO_GAP_OVER_3_MONTHS, gap_months=2).describe().endswith(
        "no gap longer than 2 months between completed follow-ups")


# --- §6 the facts of one patient in one period, worked by hand --------------------------------------

def test_section6_facts_of_one_patient_worked_by_hand() -> None:
    """§6 (WS2018 工作指标; BPHS2017 工作指标): every fact the indicators read, for one patient
    with follow-ups before, in and after P, a transfer in inside P, and one event of each kind."""
    r = record(visit(D(2024, 12, 31), form=FollowUpForm.PHONE, lockup=Lockup.LOCKED),   # before P
               visit(D(2025, 2, 1), form=FollowUpForm.PHONE, counselling=True),
               miss(D(2025, 3, 1)),
               visit(D(2025, 6, 1), form=FollowUpForm.CLINIC, risk_level=1, adherence=Adherence.INTERMITTENT,
                     acts=(ActCount(DangerousAct.TROUBLE, 1),), lockup=Lockup.RELEASED),
               visit(D(2026, 1, 1)),                                                    # after D
               event(D(2024, 12, 31), EventKind.COMMUNITY_REHABILITATION),             # before P
               event(D(2025, 3, 15), EventKind.TRANSFER_IN),
               event(D(2025, 4, 1), EventKind.HEALTH_CHECK),
               event(D(2025, 1, 1), EventKind.FAMILY_DOCTOR_CONTRACT, contract_end=D(2025, 12, 31)))
    f = facts(r)
    assert f.row() == {
        "patient_id": "P1", "registered": True, "area": "110105001002", "sex": 1, "age": 45, "disorder": 1,
        "consented": True,
        "registration_start": D(2025, 3, 15),      # the transfer in restarts the registration
        "completed_count": 2, "attempts": 3, "last_date": D(2025, 6, 1),
        "last_adherence": 2, "last_hospitalisation": 0,
        "last_class": 2,                           # risk 1: basically stable by the §4 rule
        "face_to_face": True,                      # the clinic visit
        "in_hospital": False, "hospital_for_medication": False, "lost": False,
        "health_check": True, "rehabilitation": False, "counselling": True, "contract": True, "incident": True,
        "lockup": 3,                               # the last recorded on or before D
        "required_followups": 4,                   # started blocks from 03-15: 03-15, 06-15, 09-15, 12-15
        "gaps_within_limit": False,                # 06-01 + 3 months = 09-01 < D
        "standard": False,
    }
    assert (f.under_management, f.at_home, f.on_medication, f.regular_medication) == (True, True, True, False)
    assert (f.last_adherence, f.completed_count) == (Adherence.INTERMITTENT, 2)
    empty = facts(record(p=patient(birth_date=D(1980, 12, 31))))
    assert {k: v for k, v in empty.row().items() if k.startswith("last_")} == dict.fromkeys(
        ("last_date", "last_adherence", "last_hospitalisation", "last_class"))
    assert (empty.age, empty.under_management, empty.on_medication, empty.last_adherence) == (45, False, False, None)
    assert facts(record(p=patient(birth_date=D(1981, 1, 1)))).age == 44


# --- §6 the definitions: lookup, words, units, round trip ------------------------------------------

def test_section6_lookup_by_id_or_chinese_name_and_the_error_lists_the_known_ids() -> None:
    """§6 (WS2018 工作指标): an indicator is found by its identifier or its Chinese name; an
    unknown one raises the library's own error listing the known identifiers."""
    assert by_id("management_rate") is by_id("在册患者管理率") is STANDARD_INDICATORS[1]
    with pytest.raises(UnknownIndicatorError) as err:
        by_id("managment_rate")
    known = ", ".join(i.id for i in STANDARD_INDICATORS)
    assert str(err.value) == f"no indicator 'managment_rate'; known: {known}"
    assert isinstance(err.value, KeyError)
    with pytest.raises(UnknownIndicatorError, match=r"^no indicator 'management_rate'; known: loss_rate$"):
        by_id("management_rate", [by_id("loss_rate")])
    assert str(UnknownIndicatorError()) == "unknown indicator"


def test_section6_definitions_in_words_and_units() -> None:
    """§6: the audit's words for a rate over patients and for a rate over the population (报告患病率, ‰)."""
    prevalence = by_id("reported_prevalence")
    assert prevalence.describe() == "numerator: registered\ndenominator: resident population (常住人口)"
    assert (prevalence.scale, prevalence.unit, by_id("loss_rate").scale) == (1000, "‰", 100)
    assert prevalence.numerator_conditions == (REGISTERED,)
    row = {"registered": True}
    assert prevalence.in_numerator(row) and not prevalence.in_denominator(row)
    stability = by_id("stability_rate")
    assert [c.id for c in stability.numerator_conditions] == ["stable", "registered", "under_management", "at_home"]
    assert by_id("medication_rate").describe() == "numerator: on_medication AND registered\ndenominator: registered"
    assert stability.describe().endswith("\ndenominator: registered AND under_management AND at_home")
    with pytest.raises(ValueError, match=r"^indicator x: unit must be % or ‰, not 'per cent'$"):
        Indicator("x", "x", "x", "per cent", (REGISTERED,), (REGISTERED,))
    with pytest.raises(TypeError, match=r"^condition 'c': expr must be an expression over the facts "
                                        r"\(smi_care.indicators.expr.fact\), not bool$"):
        Condition("c", "text", True)  # type: ignore[arg-type]


def test_section6_definitions_round_trip_as_data() -> None:
    """A definition is data: it goes out and comes back unchanged, and reads the same facts."""
    for ind in STANDARD_INDICATORS:
        data = ind.to_data()
        assert Indicator.from_data(data) == ind
        assert data["id"] == ind.id and data["population_denominator"] is ind.population_denominator
    assert REGISTERED.to_data() == {"id": "registered", "text": "registered (在册) on the period's last day",
                                    "expr": REGISTERED.expr.to_data()}
    data = by_id("schizophrenia_medication_rate").to_data()
    assert (data["zh"], data["en"], data["unit"], data["section"]) == (
        "精神分裂症服药率", "schizophrenia medication rate", "%", "§6")
    assert [c["id"] for c in data["numerator"]] == ["on_medication"]
    assert [c["id"] for c in data["denominator"]] == ["registered", "schizophrenia"]
    local = Indicator("x", "本地", "local", "‰", (REGISTERED,), (), section="local", population_denominator=True)
    assert Indicator.from_data(local.to_data()) == local
    f = facts(record(visit(D(2025, 3, 1))))
    assert REGISTERED(f) is True and REGISTERED({"registered": False}) is False


# --- §6 standard management judged under another policy's count ------------------------------------

def test_section6_standard_met_under_a_policys_own_count() -> None:
    """§6 规范管理 (WS2018 工作指标): facts computed under one policy can be judged under another;
    the required count is the judging policy's (2 a year: one per started 6 months)."""
    r = record(visit(D(2025, 2, 1)), visit(D(2025, 8, 1)))
    f = facts(r)
    assert (f.required_followups, f.standard, FOUR_FOLLOWUPS.met(f)) == (4, False, False)
    assert StandardPolicy(per_year=2).met(f)
    assert not StandardPolicy(per_year=3).met(f)


# --- §6 evaluation: breakdown names, merging, totals, values, targets --------------------------------

@pytest.mark.parametrize(("text", "by"), [
    (None, None), ("", None), (" Total ", None), ("NONE", None), ("sex", Dimension.SEX), (" Age ", Dimension.AGE),
    ("disorder", Dimension.DISORDER), ("Township", AreaLevel.TOWNSHIP), ("county", AreaLevel.COUNTY),
])
def test_section6_breakdown_names(text: str | None, by: object) -> None:
    assert parse_by(text) == by
    assert by_name(parse_by(text)) == (None if by is None else (text or "").strip().lower())


def test_section6_groups_merge_and_totals_worked_by_hand() -> None:
    """§6 (WS2018 工作指标): partials of two counties merge into the partial of both; the total
    of a breakdown is the sum of its parts; a value is numerator / denominator in the unit; the
    prevalence denominator is the population; a code less specific than the level is "unknown"."""
    a1 = record(visit(D(2025, 3, 1), pid="A1"), p=patient("A1", area_code=AreaCode("110105001002")))
    a2 = record(visit(D(2024, 3, 1), pid="A2"), p=patient("A2", area_code=AreaCode("110105002001")))
    b1 = record(visit(D(2025, 3, 1), pid="B1"), p=patient("B1", area_code=AreaCode("110106")))
    pop = [PopulationEntry(AreaCode("110105001"), 2025, 1000), PopulationEntry(AreaCode("110105002"), 2024, 2000),
           PopulationEntry(AreaCode("110105003"), 2025, 500)]
    left = evaluate([a1, a2], Y, by=AreaLevel.TOWNSHIP, population=pop)
    right = evaluate([b1], Y, by=AreaLevel.TOWNSHIP)
    both = left.merge(right)
    assert both == evaluate([a1, a2, b1], Y, by=AreaLevel.TOWNSHIP, population=pop)
    assert (both.patients, both.counts[("management_rate", "110105001")], both.counts[("management_rate", "unknown")]
            ) == (3, (1, 1), (1, 1))
    assert both.counts[("management_rate", "110105002")] == (0, 1)
    rep = finalize(both)
    assert rep.groups() == ["110105001", "110105002", "110105003", "unknown"]
    total = rep.result("management_rate")
    assert (total.numerator, total.denominator, total.value, total.unit, total.area) == (2, 3, 2 / 3 * 100, "%", None)
    assert total.target is not None and (total.target.threshold, total.met) == (80.0, False)
    town = rep.result("management_rate", "110105001")
    assert (town.area, town.value, town.zh) == ("110105001", 100.0, "在册患者管理率")
    empty = rep.result("management_rate", "110105003")
    assert (empty.numerator, empty.denominator, empty.value, empty.met) == (0, 0, None, None)
    prev = rep.result("reported_prevalence", "110105001")
    assert (prev.numerator, prev.denominator, prev.value, prev.unit) == (1, 1000, 1.0, "‰")
    assert rep.result("reported_prevalence").denominator == 1500   # the latest year's figures only: 1000 + 500
    assert rep.result("reported_prevalence", "unknown").denominator is None
    with pytest.raises(KeyError, match="no result for indicator 'management_rate' group 'x'"):
        rep.result("management_rate", "x")
    assert right.merge(left).population == left.population == frozenset(pop)
    with pytest.raises(ValueError, match=r"^only partials of the same period, breakdown, policy and indicators "
                                         r"can be merged; these differ in breakdown township vs county$"):
        left.merge(evaluate([b1], Y, by=AreaLevel.COUNTY))
    by_sex = report([a1, a2, b1], Y, by=Dimension.SEX)
    assert by_sex.groups() == ["1"] and by_sex.result("management_rate", "1").numerator == 2
    assert report([a1], Y, by=Dimension.DISORDER).groups() == ["1"]


# --- §6 facts at the edges of P ----------------------------------------------------------------------

@pytest.mark.parametrize(("day", "inside"), [
    (D(2024, 12, 31), False), (D(2025, 1, 1), True), (D(2025, 12, 31), True), (D(2026, 1, 1), False),
])
def test_section6_events_and_followups_count_only_inside_p(day: dt.date, inside: bool) -> None:
    """§6 "Only follow-ups dated inside P count" (WS2018 工作指标): events and follow-ups on P's
    first and last day count, the day before and after do not."""
    events = record(event(day, EventKind.HEALTH_CHECK), event(day, EventKind.COMMUNITY_REHABILITATION),
                    event(day, EventKind.COUNSELLING))
    f = facts(events)
    assert (f.health_check, f.rehabilitation, f.counselling) == (inside, inside, inside)
    told = facts(record(visit(day, counselling=True, acts=(ActCount(DangerousAct.DISASTER, 1),))))
    assert (told.counselling, told.incident, told.completed_count, told.attempts) == (inside, inside, int(inside),
                                                                                     int(inside))
    minor = facts(record(visit(day, acts=(ActCount(DangerousAct.MINOR_TROUBLE, 2),))))
    assert not minor.incident


def test_section6_registration_start_and_facts_of_a_patient_no_longer_registered() -> None:
    """§5/§6 (WS2018 患者管理): a transfer in on D starts the registration on D; a patient who
    died in P is neither in hospital, nor lost, nor in hospital for the medication numerator."""
    moved_in = facts(record(event(D(2025, 12, 31), EventKind.TRANSFER_IN)))
    assert (moved_in.registration_start, moved_in.required_followups) == (D(2025, 12, 31), 1)
    assert facts(record(event(D(2026, 1, 1), EventKind.TRANSFER_IN))).registration_start == D(2020, 5, 8)
    gone = record(visit(D(2025, 1, 5)), miss(D(2025, 2, 1)), miss(D(2025, 2, 15)), miss(D(2025, 3, 1)),
                  event(D(2025, 4, 1), EventKind.ADMISSION), event(D(2025, 5, 1), EventKind.DEATH,
                                                                   death_cause=DeathCause.ACCIDENT))
    f = facts(gone)
    assert (f.registered, f.in_hospital, f.lost, f.hospital_for_medication) == (False, False, False, False)
    alive = facts(record(*gone.followups, *gone.events[:1]))
    assert (alive.registered, alive.in_hospital, alive.lost, alive.hospital_for_medication) == (True, True, True, True)


def test_section6_a_rate_is_over_registered_patients_in_percent_unless_said_otherwise() -> None:
    """§6 (WS2018 工作指标): most rates count registered patients on D, in %; the helper that
    builds them says so, and conditions given as any iterable are kept as tuples."""
    from smi_care.indicators.definitions import UNDER_MANAGEMENT, _rate

    built = _rate("x", "某率", "some rate", [UNDER_MANAGEMENT])
    assert built == Indicator("x", "某率", "some rate", "%", (UNDER_MANAGEMENT,), (REGISTERED,))
    assert isinstance(built.numerator, tuple) and isinstance(built.denominator, tuple)
    assert _rate("y", "某率", "rate", [UNDER_MANAGEMENT], [], "‰").unit == "‰"


def test_section6_audit_says_n_of_required_only_under_a_policy_with_a_count() -> None:
    """§6 规范管理: the audit's evidence is in the terms of the policy in force — "n of required"
    under the two counting policies, the gap under NO_GAP_OVER_3_MONTHS, the health check only
    under FOLLOWUPS_AND_HEALTH_CHECK."""
    from smi_care.indicators.audit import audit
    from smi_care.indicators.evaluate import EvaluationPolicy

    r = record(visit(D(2025, 2, 1)), visit(D(2025, 8, 1)))

    def said(policy: StandardPolicy) -> str:
        return str(audit(r, "standard_management_rate", Y, EvaluationPolicy(standard=policy)))

    assert "consent given; 2 of 4 required completed follow-ups in 2025-01-01..2025-12-31" in said(FOUR_FOLLOWUPS)
    assert "health check" not in said(FOUR_FOLLOWUPS)
    assert "; no health check in the period" in said(FOLLOWUPS_AND_HEALTH_CHECK)
    gap = said(NO_GAP_OVER_3_MONTHS)
    assert "2 completed follow-up(s) in 2025-01-01..2025-12-31, a gap over 3 months" in gap
    assert "required" not in gap


# --- §8 which target applies, and when it is met ----------------------------------------------------

def test_section8_target_met_on_the_threshold() -> None:
    """§8 (目标值): a target is met when the value reaches or exceeds it."""
    t = Target("management_rate", 80.0, 2020, "plan")
    assert (t.met(80.0), t.met(79.99), t.met(None)) == (True, False, None)


def test_section8_the_most_specific_area_then_the_latest_year() -> None:
    """§8 (全国精神卫生工作规划（2015—2020年）; 健康中国行动（2019—2030年）; local plans): a target
    for an area containing the result's area beats a national one, however old; among equals the
    latest year not after the period's year; a target for another area is passed over."""
    province = Target("management_rate", 70.0, 2020, "province plan", AreaCode("110000"))
    elsewhere = Target("management_rate", 99.0, 2024, "another county", AreaCode("120101"))
    county = Target("management_rate", 75.0, 2021, "county plan", AreaCode("110105"))
    national = Target("management_rate", 85.0, 2025, "national")
    targets = (elsewhere, province, national, county)
    town = AreaCode("110105001")
    assert applicable(targets, "management_rate", 2025, town) is county
    assert applicable((elsewhere, province, national), "management_rate", 2025, town) is province
    assert applicable((elsewhere, national), "management_rate", 2025, town) is national
    assert applicable(targets, "management_rate", 2025) is national
    assert applicable(targets, "management_rate", 2020, town) is province
    assert applicable(targets, "loss_rate", 2025, town) is None


def test_section6_report_keeps_its_breakdown_and_patient_count() -> None:
    rep = report([record(visit(D(2025, 3, 1))), record(visit(D(2025, 3, 1), pid="P2"), p=patient("P2"))], Y,
                 by=AreaLevel.COUNTY)
    assert (rep.by, rep.patients, rep.period) == (AreaLevel.COUNTY, 2, Y)
    total = report([record(visit(D(2025, 3, 1)))], Y)
    assert (total.by, total.patients, total.groups()) == (None, 1, [])


def test_section6_evaluate_reads_a_registrys_population_and_coverage_and_the_callers_policy() -> None:
    """§6 (WS2018 工作指标; national-rules §6 "Area"): given a Registry, evaluation uses its
    population file and the areas it covers (a transfer inside them keeps the patient
    registered); given records, the caller's coverage; every policy setting reaches the facts."""
    inside = AreaCode("110105002001")
    moved = record(visit(D(2025, 3, 1)), event(D(2025, 6, 1), EventKind.TRANSFER_OUT, other_area=inside))
    pop = [PopulationEntry(AreaCode("110105"), 2025, 4000)]
    reg = Registry.of([moved], pop)
    part = evaluate(reg, Y)
    assert (part.population, part.counts[("management_rate", "")]) == (frozenset(pop), (1, 1))
    assert part.counts[("reported_prevalence", "")] == (1, 0)        # the population is the denominator
    assert finalize(part).result("reported_prevalence").denominator == 4000
    assert evaluate([moved], Y).counts.get(("management_rate", ""), (0, 0)) == (0, 0)
    assert evaluate([moved], Y, covers=lambda a: a == inside).counts[("management_rate", "")] == (1, 1)
    assert evaluate(reg, Y, population=[PopulationEntry(AreaCode("110106"), 2025, 10)]).population == frozenset(
        [*pop, PopulationEntry(AreaCode("110106"), 2025, 10)])
    failing = record(visit(D(2025, 2, 1)), miss(D(2025, 3, 1)))
    one_failure_lost = EvaluationPolicy(status=StatusPolicy(consecutive_failures_lost=1))
    assert evaluate([failing], Y).counts[("loss_rate", "")] == (0, 1)
    assert evaluate([failing], Y, policy=one_failure_lost).counts[("loss_rate", "")] == (1, 1)
    assert evaluate([failing], Y, policy=one_failure_lost).policy == one_failure_lost
    empty = finalize(evaluate([], Y)).result("management_rate")
    assert (empty.numerator, empty.denominator, empty.value) == (0, 0, None)


def test_section6_merge_adds_the_counts_of_a_shared_group_and_a_township_is_its_own_group() -> None:
    a = record(visit(D(2025, 3, 1)), p=patient(area_code=AreaCode("110105001")))
    b = record(visit(D(2024, 3, 1), pid="P2"), p=patient("P2", area_code=AreaCode("110105001")))
    merged = evaluate([a], Y, by=AreaLevel.TOWNSHIP).merge(evaluate([b], Y, by=AreaLevel.TOWNSHIP))
    assert merged.counts[("management_rate", "110105001")] == (1, 2)
    assert AgeBands().band(-1) == "<0"


def test_section8_a_breakdown_row_gets_its_areas_target() -> None:
    local = Target("management_rate", 50.0, 2025, "township plan", AreaCode("110105001"))
    rep = report([record(visit(D(2025, 3, 1)))], Y, by=AreaLevel.TOWNSHIP, targets=(local,))
    assert rep.result("management_rate", "110105001").target is local
    assert rep.result("management_rate").target is None


def test_section6_facts_follow_the_callers_coverage_and_count_and_one_followup_can_be_enough() -> None:
    """§6 (WS2018 工作指标, "Area"; 规范管理): the facts use the caller's coverage and the
    standard policy's count; under NO_GAP_OVER_3_MONTHS a single completed follow-up is enough
    in a quarter when it leaves no gap over 3 months."""
    inside = AreaCode("110105002001")
    moved = record(visit(D(2025, 3, 1)), event(D(2025, 6, 1), EventKind.TRANSFER_OUT, other_area=inside))
    assert not facts(moved).registered
    f = patient_facts(moved, Y, lambda a: a == inside, FOUR_FOLLOWUPS, STATUS, CLASSES)
    assert (f.registered, f.area) == (True, inside)
    assert facts(moved, standard=StandardPolicy(per_year=2)).required_followups == 2
    q1 = Period.quarter(2025, 1)
    once = record(visit(D(2025, 2, 1)))
    assert facts(once, q1, NO_GAP_OVER_3_MONTHS).standard
    assert NO_GAP_OVER_3_MONTHS.met(facts(once, q1))


def test_section6_a_period_of_one_day_and_a_quarter_from_its_first_day() -> None:
    """§6 (reporting periods): a period may be a single day (D = start); a quarter runs from the
    first day of its first month to the last day of its third."""
    assert Period(D(2025, 3, 1), D(2025, 3, 1)).end == D(2025, 3, 1)
    assert Period.quarter(2025, 3) == Period(D(2025, 7, 1), D(2025, 9, 30))
    assert Period.quarter(2024, 1) == Period(D(2024, 1, 1), D(2024, 3, 31))


def test_section6_required_count_for_other_settings_and_facts_under_the_callers_rules() -> None:
    """§6 pro-rating with other settings (5 a year: one per started 2 months; 1 a year: one per
    started 12 months), and the facts under the caller's class and lost rules; a follow-up in P
    that found the patient in hospital puts them on medication without an admission event."""
    assert required_followups(Y, D(2020, 1, 1), per_year=5) == 6
    assert required_followups(Period(D(2024, 1, 1), D(2025, 1, 15)), D(2020, 1, 1), per_year=1) == 2
    r = record(visit(D(2025, 2, 1), risk_level=1), miss(D(2025, 3, 1)))
    f = patient_facts(r, Y, covers_nothing, FOUR_FOLLOWUPS, StatusPolicy(consecutive_failures_lost=1),
                      ClassificationPolicy(unstable_risk_min=1))
    assert (f.last_class, f.lost) == (Classification.UNSTABLE, True)
    assert (facts(r).last_class, facts(r).lost) == (Classification.BASICALLY_STABLE, False)
    hospital = record(FollowUp("P1", D(2025, 6, 1), FollowUpForm.HOME, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW))
    assert (facts(hospital).hospital_for_medication, facts(hospital).on_medication) == (True, True)
