"""The social-psychological service pilot: a hand-built county whose every pilot indicator is
counted by hand, the file problems, the targets and the outputs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from smi_care.cli.main import main
from smi_care.domain.identity import AreaLevel
from smi_care.export.dhis2 import Dhis2Mapping, data_value_set
from smi_care.export.pilot import to_json_data, to_report, to_table, write_xlsx
from smi_care.indicators import Period
from smi_care.pilot.evaluate import evaluate_pilot
from smi_care.pilot.facts import EmergencyPolicy
from smi_care.pilot.plans import DEFAULT_PLANS, PILOT_TARGETS, PlanChoice, UnknownPlanError, target_for
from smi_care.pilot.scorecard import scorecard
from smi_care.registry.pilot_files import read_pilot_files
from smi_care.registry.tables import read_tables

T1, T2 = "360102001", "360102002"

PATIENTS = """patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date
P1,1,1980-01-02,360102001001,1,2019-05-01,2019-05-08,1,2019-05-08
P2,2,1975-03-04,360102002001,4,2019-05-01,2019-05-08,1,2019-05-08
P3,1,1990-06-07,360102002002,1,2019-05-01,2019-05-08,1,2019-05-08
"""
FOLLOWUPS = """patient_id,visit_date,form,risk_level,insight,sleep,diet,sf_self_care,sf_housework,sf_work,sf_learning,\
sf_social,hospitalisation,adherence,adr,physical_illness,classification,counselling
P1,2021-02-01,2,0,1,1,1,1,1,1,1,1,0,1,1,0,3,1
P1,2021-05-01,2,0,1,1,1,1,1,1,1,1,0,1,1,0,3,0
P1,2021-08-01,2,0,1,1,1,1,1,1,1,1,0,1,1,0,3,0
P1,2021-11-01,2,0,1,1,1,1,1,1,1,1,0,1,1,0,3,0
P2,2021-06-01,2,0,2,2,2,2,2,2,2,2,0,3,1,0,2,0
"""
EVENTS = """patient_id,date,event,detail
P1,2021-09-01,community_rehabilitation,
"""
POPULATION = """area_code,year,population
360102001001,2021,1000
360102002001,2021,800
360102002002,2021,700
"""
# D = 2021-12-31. Villages: V1 (T1) room open; V2 (T2) room opened 2022-01-05, after D; V3 (T2) room closed
# on D (closed_on is the first day closed); V4 (T2) social-work room closed 2022-03-01, after D: open on D.
UNITS = """unit_id,kind,area_code,school_level,hospital_kind,hospital_level,name
V1,1,360102001001,,,,
V2,1,360102002001,,,,
V3,1,360102002002,,,,
V4,1,360102002003,,,,
S1,2,360102001,1,,,
S2,2,360102002,4,,,
S3,2,360102,5,,,
H1,3,360102,,1,3,
H2,3,360102,,2,2,
H3,3,360102,,2,3,
H4,3,360102001,,2,1,
E1,4,360102001,,,,
E2,4,360102002,,,,
E3,4,360102002,,,,
TW1,5,360102001,,,,
TW2,5,360102002,,,,
"""
FACILITIES = """facility_id,unit_id,kind,opened_on,closed_on
F1,V1,1,2020-01-01,
F2,V2,1,2022-01-05,
F3,V3,1,2019-01-01,2021-12-31
F4,V4,2,2021-03-01,2022-03-01
F5,S1,3,2021-09-01,
F6,S3,4,2018-01-01,
F7,H1,5,2018-01-01,
F8,H2,5,2021-12-31,
F9,H4,5,2020-01-01,
F10,E2,6,2020-01-01,
F11,TW2,7,2021-06-01,
"""
# S3 (2020-06-01) lies outside P = 2021.
SURVEYS = """survey_id,area_code,date,group,respondents,aware
Q1,360102001,2021-05-01,1,100,60
Q2,360102002,2021-05-02,2,200,90
Q3,360102002,2020-06-01,2,500,500
Q4,360102,2021-07-01,3,50,45
"""
# T1's elderly counted twice in P: only the last count (2021-12-31) counts; 2020's count is outside P.
SPECIAL = """area_code,date,group,identified,served
360102001,2021-06-30,1,40,10
360102001,2021-12-31,1,50,30
360102002,2021-12-31,3,20,12
360102002,2020-12-31,3,99,99
"""
# X1 answered the next day (timely), X2 after 3 days (late), X3 not answered, X4 in 2020 (outside P).
EMERGENCIES = """event_id,area_code,event_date,response_date
X1,360102001,2021-03-01,2021-03-02
X2,360102002,2021-07-01,2021-07-04
X3,360102002,2021-10-01,
X4,360102002,2020-10-01,2020-10-01
"""


def county(folder: Path) -> Path:
    for name, text in (("patients.csv", PATIENTS), ("followups.csv", FOLLOWUPS), ("events.csv", EVENTS),
                       ("population.csv", POPULATION)):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "pilot").mkdir()
    for name, text in (("units.csv", UNITS), ("facilities.csv", FACILITIES), ("surveys.csv", SURVEYS),
                       ("special_groups.csv", SPECIAL), ("emergencies.csv", EMERGENCIES)):
        (folder / "pilot" / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def card(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = county(tmp_path)
    load = read_pilot_files(folder)
    assert load.ok, load.problems
    partial = evaluate_pilot(read_tables(folder).tables, load, Period.parse("2021"), AreaLevel.TOWNSHIP)
    return scorecard(partial)


# (indicator, group) -> (numerator, denominator), counted by hand from the files above
BY_HAND = {
    # patients: P1 4 follow-ups adherence 1, counselling, rehabilitation event; P2 one follow-up, no
    # medication; P3 never visited (in every denominator, in no numerator)
    ("standard_management_rate", ""): (1, 3), ("standard_management_rate", T1): (1, 1),
    ("standard_management_rate", T2): (0, 2),
    ("treatment_rate", ""): (1, 3), ("schizophrenia_treatment_rate", ""): (1, 2),
    ("schizophrenia_treatment_rate", T2): (0, 1),
    ("community_rehabilitation_rate", ""): (1, 3), ("counselling_rate", ""): (1, 3),
    # villages: V1 open; V2 opened after D; V3 closed on D; V4 closed after D -> 2 of 4
    ("village_room_rate", ""): (2, 4), ("village_room_rate", T1): (1, 1), ("village_room_rate", T2): (1, 3),
    # primary/secondary: S1 (room since 2021-09), S2 vocational without one; S3 is a university
    ("school_room_rate", ""): (1, 2), ("school_room_rate", T2): (0, 1),
    ("university_centre_rate", ""): (1, 1), ("university_centre_rate", T1): (0, 0),
    ("psychiatric_clinic_rate", ""): (1, 1),
    # H2 (level 2, clinic opened on D: counted) and H3 (level 3, none); H4 is level 1: not in it
    ("general_hospital_clinic_rate", ""): (1, 2),
    ("employer_room_rate", ""): (1, 3), ("employer_room_rate", T2): (1, 2),
    ("rehabilitation_township_rate", ""): (1, 2), ("rehabilitation_township_rate", T1): (0, 1),
    # surveys in P: Q1 urban 60/100, Q2 rural 90/200, Q4 staff 45/50; Q3 (2020) outside P
    ("awareness_general", ""): (150, 300), ("awareness_urban", ""): (60, 100), ("awareness_rural", ""): (90, 200),
    ("awareness_rural", T2): (90, 200), ("awareness_staff", ""): (45, 50), ("awareness_students", ""): (0, 0),
    # the last count in P of each area and group: T1 elderly 30/50, T2 children 12/20
    ("special_group_counselling_rate", ""): (42, 70), ("special_group_counselling_rate", T1): (30, 50),
    # X1 timely; X2 late; X3 not answered; X4 outside P
    ("emergency_response_rate", ""): (1, 3), ("emergency_response_rate", T2): (0, 2),
}


@pytest.mark.parametrize(("key", "expected"), sorted(BY_HAND.items()))
def test_hand_built_county(card, key, expected) -> None:  # type: ignore[no-untyped-def]
    row = card.row(*key)
    assert (row.numerator, row.denominator) == expected


def test_every_pilot_indicator_is_worked_out_by_hand(card) -> None:  # type: ignore[no-untyped-def]
    assert {i for i, _ in BY_HAND} == set(card.indicators())


def test_verdicts_and_targets(card) -> None:  # type: ignore[no-untyped-def]
    village = card.row("village_room_rate")
    assert village.value == 50.0 and village.target.threshold == 80.0 and village.met is False
    assert village.target.plan == "yinchuan" and "建成率達80%以上" in village.target.sentence
    assert card.row("awareness_students").value is None and card.row("awareness_students").met is None
    assert card.row("standard_management_rate").target.plan == "national"


def test_each_source_of_a_target_is_cited_once(card) -> None:  # type: ignore[no-untyped-def]
    """The list of sources after the table names each sentence once; the national seeds, which
    have no sentence in file 004, are one line naming their document and every target it sets."""
    text = to_table(card)
    sources = text.split("目标依据（work plans 004）:")[1].split("\n\n")[0].strip().splitlines()
    assert len(sources) == len(set(sources))
    national = [line for line in sources if line.strip().startswith("national ")]
    assert len(national) == 1, national
    assert "社会心理服务体系建设试点地区县区工作方案, 2021" in national[0]
    for zh, target in [("在册患者规范管理率", "≥80%"), ("精神分裂症治疗率", "≥80%"), ("心理疏导服务率", "≥50%")]:
        assert f"{zh} {target}" in national[0]
    assert "standard_management_rate" not in text


def test_warnings(card, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert any("awareness_students" in w and "no survey of this population group" in w for w in card.warnings)
    assert any(w.startswith("university_centre_rate") and "0 in" not in w for w in card.warnings) is False
    folder = tmp_path / "later"
    folder.mkdir()
    county(folder)
    late = scorecard(evaluate_pilot(read_tables(folder).tables, read_pilot_files(folder), Period.parse("2023")))
    assert any(w.startswith("no awareness survey is dated in the period 2023") for w in late.warnings)
    quarter = scorecard(evaluate_pilot(read_tables(folder).tables, read_pilot_files(folder), Period.parse("2021Q4")))
    assert quarter.row("village_room_rate").target is None
    assert any("set for a year" in w for w in quarter.warnings)


def test_emergency_policy_is_swappable(tmp_path: Path) -> None:
    folder = county(tmp_path)
    partial = evaluate_pilot(read_tables(folder).tables, read_pilot_files(folder), Period.parse("2021"),
                             emergency=EmergencyPolicy(response_days=3))
    assert partial.area.counts[("emergency_response_rate", T2)] == (1, 2)


@pytest.mark.parametrize(("plan", "indicator", "year", "threshold"), [
    ("wuhan", "general_hospital_clinic_rate", 2020, 20.0), ("wuhan", "general_hospital_clinic_rate", 2021, 40.0),
    ("wuhan", "employer_room_rate", 2020, 50.0), ("wuhan", "employer_room_rate", 2025, 80.0),
    ("wuhan", "village_room_rate", 2020, 50.0), ("wuzhong", "standard_management_rate", 2021, 90.0),
    ("helan", "rehabilitation_township_rate", 2021, 30.0), ("yinchuan", "awareness_urban", 2021, 70.0),
    ("horinger", "awareness_urban", 2021, 50.0), ("wuzhong", "awareness_general", 2021, 60.0),
])
def test_targets_by_plan_and_year(plan: str, indicator: str, year: int, threshold: float) -> None:
    t = target_for(indicator, year, PlanChoice((plan,)))
    assert t is not None and t.threshold == threshold and t.plan == plan


def test_targets_boundaries() -> None:
    assert target_for("general_hospital_clinic_rate", 2019, PlanChoice(("wuhan",))) is None
    assert target_for("employer_room_rate", 2021) is None  # neither national nor yinchuan set one
    assert target_for("employer_room_rate", 2021, PlanChoice(("national", "yinchuan", "wuhan"))).threshold == 80.0
    assert DEFAULT_PLANS.plans == ("national", "yinchuan")
    with pytest.raises(UnknownPlanError, match="known: national"):
        PlanChoice(("nowhere",))
    assert all(t.line is None or 6 <= t.line <= 240 for t in PILOT_TARGETS)


def test_outputs(card, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = to_table(card)
    assert "村（社区）心理咨询室或社会工作室建成率" in text and "銀川市（篇三） 第104行" in text
    data = to_json_data(card)
    assert data["areas"][0]["whole"] and [a["area"] for a in data["areas"]] == ["360102", T1, T2]
    json.dumps(data)
    path = write_xlsx(card, tmp_path / "card.xlsx")
    import openpyxl

    ws = openpyxl.load_workbook(path)["计分卡"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$1"
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows() for c in row)
    mapping = tmp_path / "m.csv"
    mapping.write_text("kind,key,dhis2_id\nindicator,village_room_rate,DE_room\norgunit,total,OU_c\n"
                       f"orgunit,{T1},OU_1\n", encoding="utf-8")
    dvs = data_value_set(to_report(card), Dhis2Mapping.read(mapping))
    assert {(v["orgUnit"], v["value"]) for v in dvs.data_values} == {("OU_c", "50"), ("OU_1", "100")}
    assert f"village_room_rate/{T2}" in dvs.unmapped


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = county(tmp_path)
    assert main(["pilot", str(folder), "--period", "2021"]) == 0
    out = capsys.readouterr().out
    assert "360102001" in out and "突发事件心理援助服务响应及时率" in out
    assert main(["pilot", str(folder), "--period", "2021", "--format", "json", "--plan", "wuhan"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plans"] == ["wuhan"]
    assert main(["pilot", str(folder), "--period", "2021", "--format", "chart",
                 "--output", str(tmp_path / "c.png")]) == 0
    assert (tmp_path / "c.png").stat().st_size > 0
    assert main(["pilot", str(folder), "--period", "2021", "--plan", "nowhere"]) != 0


def test_day_is_a_date() -> None:
    assert Period.parse("2021").end == dt.date(2021, 12, 31)


_IDS = {"patients.csv": (0,), "followups.csv": (0,), "events.csv": (0,), "pilot/units.csv": (0,),
        "pilot/facilities.csv": (0, 1), "pilot/surveys.csv": (0,), "pilot/emergencies.csv": (0,)}


def _other_county(name: str, text: str) -> str:
    """The hand-built county moved to county 360103, its ids prefixed with B, so the two are disjoint."""
    lines = text.replace("360102", "360103").rstrip("\n").split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        for i in _IDS.get(name, ()):
            cells[i] = "B" + cells[i]
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


def test_merge_of_two_counties_equals_evaluation_of_both(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    a = county(tmp_path / "a")
    files = {"patients.csv": PATIENTS, "followups.csv": FOLLOWUPS, "events.csv": EVENTS, "population.csv": POPULATION,
             "pilot/units.csv": UNITS, "pilot/facilities.csv": FACILITIES, "pilot/surveys.csv": SURVEYS,
             "pilot/special_groups.csv": SPECIAL, "pilot/emergencies.csv": EMERGENCIES}
    b, both = tmp_path / "b", tmp_path / "both"
    for folder in (b / "pilot", both / "pilot"):
        folder.mkdir(parents=True)
    for name, text in files.items():
        moved = _other_county(name, text)
        (b / name).write_text(moved, encoding="utf-8")
        (both / name).write_text(text + moved.split("\n", 1)[1], encoding="utf-8")
    period = Period.parse("2021")

    def partial(folder: Path):  # type: ignore[no-untyped-def]
        load = read_pilot_files(folder)
        assert load.ok, load.problems
        return evaluate_pilot(read_tables(folder).tables, load, period)

    merged, together = partial(a).merge(partial(b)), partial(both)
    assert merged.area.counts == together.area.counts
    assert merged.patients.counts == together.patients.counts
    assert scorecard(merged).rows == scorecard(together).rows
    with pytest.raises(Exception, match="same"):
        partial(a).merge(partial(a))
