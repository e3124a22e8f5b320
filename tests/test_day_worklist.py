"""The day's worklist (issue 21): every kind of the demo counted against the separate commands,
one patient's items equal to that patient's items in the whole list, the workbook for the
village doctors, the CSV cells that would read as formulas, the filters."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi_care.cli.main import main
from smi_care.domain.errors import ArgumentValueError
from smi_care.export.terminal import display_width
from smi_care.export.worklist import aligned, csv_safe
from smi_care.export.worklist_book import write_day_workbook
from smi_care.indicators.worklist_table import worklist_frame
from smi_care.programme.case_finding import CaseFindingPolicy
from smi_care.programme.key_patients import KeyPatientPolicy
from smi_care.programme.medication import DispensingPolicy, SupplyAlertPolicy
from smi_care.programme.report import ProgrammeData, read_programme
from smi_care.programme.teams import TeamPolicy
from smi_care.programme.worklist import ITEM_FIELDS, DayPolicies, day_worklist, patient_worklist
from smi_care.registry.tables import read_tables
from smi_care.rules.worklist import KIND_TEXT, ItemKind, WorklistPolicy
from smi_care.synth import write_province

ON = dt.date(2025, 9, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_province(folder, patients=600, seed=7)
    return folder


@pytest.fixture(scope="module")
def data(demo: Path) -> ProgrammeData:
    return read_programme(demo, read_tables(demo).tables)


@pytest.fixture(scope="module")
def items(data: ProgrammeData) -> pl.DataFrame:
    return day_worklist(data, ON, within=30)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def counts(frame: pl.DataFrame) -> dict[str, int]:
    return dict(collections.Counter(frame["kind"].to_list()))


# --- every kind, with the counts of the separate commands ------------------------------------

#: What the demo's data cannot produce on 2025-09-30: no emergency lacks its record, every patient
#: followed up has consented, no suspected case reported in the last 30 days endangers others, and
#: every patient registered this year has the comprehensive assessment.
NOT_IN_DEMO = {ItemKind.ALERT_EMERGENCY_RECORD_MISSING, ItemKind.ALERT_VISITED_WITHOUT_CONSENT,
               ItemKind.ALERT_SUSPECTED_110, ItemKind.ENROLMENT_ASSESSMENT_MISSING}


def test_the_demo_worklist_holds_every_kind_its_data_can_produce(items: pl.DataFrame) -> None:
    assert {ItemKind(k) for k in counts(items)} == set(ItemKind) - NOT_IN_DEMO
    assert items.columns == list(ITEM_FIELDS)
    assert items["urgency"].is_sorted() and items["reason_zh"].null_count() == items["reason_en"].null_count() == 0
    assert set(items["rule"].to_list()) <= {KIND_TEXT[k].rule for k in ItemKind}


def test_the_followup_kinds_are_those_of_the_core_worklist(data: ProgrammeData, items: pl.DataFrame) -> None:
    t = data.registry
    core = worklist_frame(t.patients, t.followups, t.events, ON, 30, covers=t.covers)
    core_kinds = {k.value for k in list(ItemKind)[:8]}
    assert counts(core) == {k: n for k, n in counts(items).items() if k in core_kinds}


def test_each_programme_kind_counts_as_its_separate_command(capsys: pytest.CaptureFixture[str], demo: Path,
                                                           items: pl.DataFrame) -> None:
    n = counts(items)
    code, out, _ = run(capsys, "suspected", str(demo), "--on", ON.isoformat(), "--format", "csv")
    suspected = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert code == 0 and sum(r["kind"] == "waiting" for r in suspected) == n[ItemKind.SUSPECTED_WAITING.value] >= 1
    assert sum(r["kind"] == "police_alert" for r in suspected) == n.get(ItemKind.ALERT_SUSPECTED_110.value, 0)
    code, out, _ = run(capsys, "assessments-due", str(demo), "--on", ON.isoformat(), "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))) == n[ItemKind.ASSESSMENT_DUE.value] >= 1
    code, out, _ = run(capsys, "supplies", str(demo), "--on", ON.isoformat(), "--within", "30", "--format", "json")
    flags = collections.Counter(i["kind"] for i in json.loads(out)["items"])
    assert flags["supply"] == n[ItemKind.SUPPLY_RUNNING_OUT.value] >= 1
    assert flags["no_team"] == n[ItemKind.KEY_PATIENT_NO_TEAM.value] >= 1
    assert flags["review_overdue"] == n[ItemKind.TEAM_REVIEW_OVERDUE.value] >= 1
    code, out, _ = run(capsys, "guardians", str(demo), "--period", "2025Q3", "--format", "json")
    assert json.loads(out)["eligible"] == n[ItemKind.GUARDIAN_REWARD_TO_CONFIRM.value] >= 1
    code, out, _ = run(capsys, "programme", str(demo), "--period", "2025-01-01..2025-09-30", "--by", "total",
                       "--format", "json")
    rows = [r for r in json.loads(out)["programme"]["results"] if r["indicator"] == "free_medication_four_times_rate"]
    assert rows[0]["denominator"] - rows[0]["numerator"] == n[ItemKind.DISPENSINGS_SHORT.value] >= 1


def test_the_command_shows_the_whole_worklist(capsys: pytest.CaptureFixture[str], demo: Path,
                                              items: pl.DataFrame) -> None:
    code, out, _ = run(capsys, "worklist", str(demo), "--on", ON.isoformat(), "--within", "30", "--format", "json")
    rows = json.loads(out)["items"]
    assert code == 0 and counts(pl.DataFrame({"kind": [r["kind"] for r in rows]})) == counts(items)
    assert {r["kind_name"] for r in rows} == {ItemKind(k).label for k in counts(items)}
    assert all(r["reason"] and r["rule"] and r["area_name"] for r in rows)
    assert all("doctor" not in r for r in rows)  # a name: only with --include-names


def test_filters_kind_area_within(capsys: pytest.CaptureFixture[str], demo: Path, data: ProgrammeData,
                                  items: pl.DataFrame) -> None:
    two = day_worklist(data, ON, 30, kinds=["supply_running_out", ItemKind.SUSPECTED_WAITING])
    assert counts(two) == {k: v for k, v in counts(items).items() if k in ("supply_running_out", "suspected_waiting")}
    town = day_worklist(data, ON, 30, area="360102001")
    assert town.height and town["area_code"].str.starts_with("360102001").all()
    assert town.height == items.filter(pl.col("area_code").str.starts_with("360102001")).height
    near = day_worklist(data, ON, 3)
    assert (near["due"] <= ON + dt.timedelta(days=3)).all() and near.height < items.height
    code, out, _ = run(capsys, "worklist", str(demo), "--on", ON.isoformat(), "--within", "30", "--kind",
                       "supply_running_out,assessment_due", "--format", "csv")
    assert code == 0 and {r["kind"] for r in csv.DictReader(io.StringIO(out.lstrip("\ufeff")))} == {
        "supply_running_out", "assessment_due"}
    code, _, err = run(capsys, "worklist", str(demo), "--on", ON.isoformat(), "--kind", "nothing")
    assert code == 2 and "nothing" in err and "supply_running_out" in err


# --- one patient --------------------------------------------------------------------------------

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_patients_items_equal_those_of_that_patient_alone(data: ProgrammeData, items: pl.DataFrame,
                                                            drawn: Any) -> None:
    ids = sorted(set(items["patient_id"].to_list()))
    others = sorted(set(data.registry.patients["patient_id"].to_list()) - set(ids))[:5]
    pid = drawn.draw(st.sampled_from(ids + others))
    assert patient_worklist(data, pid, ON, 30).equals(items.filter(pl.col("patient_id") == pid))


def test_one_patient_of_every_kind_alone(data: ProgrammeData, items: pl.DataFrame) -> None:
    for (kind,), part in items.group_by(["kind"]):
        pid = part["patient_id"][0]
        assert patient_worklist(data, pid, ON, 30).equals(items.filter(pl.col("patient_id") == pid)), kind


# --- policies -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "field"), [
    (lambda: WorklistPolicy(alert_lookback_days=-1), "alert_lookback_days"),
    (lambda: WorklistPolicy(alert_risk_min=6), "alert_risk_min"),
    (lambda: WorklistPolicy(emergency_record_hours=-1), "emergency_record_hours"),
    (lambda: CaseFindingPolicy(-1), "waiting_days"),
    (lambda: KeyPatientPolicy(revisit_days=-3), "revisit_days"),
    (lambda: DispensingPolicy(per_year=0), "per_year"),
    (lambda: DispensingPolicy(per_year=13), "per_year"),
    (lambda: SupplyAlertPolicy(-1), "within_days"),
    (lambda: SupplyAlertPolicy(7, -1), "lookback_days"),
    (lambda: TeamPolicy(review_days=-1), "review_days"),
    (lambda: DayPolicies(supply_lookback_days=-1), "supply_lookback_days"),
])
def test_policies_refuse_what_breaks_them(make: Any, field: str) -> None:
    with pytest.raises(ArgumentValueError, match=rf"\({field}=-?\d+\): expected a whole number"):
        make()


def test_the_edges_of_the_policies_are_accepted(data: ProgrammeData) -> None:
    assert CaseFindingPolicy(0).waiting_days == 0 and DispensingPolicy(per_year=12).per_year == 12
    assert SupplyAlertPolicy(0, 0).within_days == 0 and WorklistPolicy(alert_risk_min=0).alert_risk_min == 0
    with pytest.raises(ValueError, match="within"):
        day_worklist(data, ON, -1)


# --- output ------------------------------------------------------------------------------------------

def test_text_that_reads_as_a_formula_is_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    # a bare carriage return becomes a line feed (the CSV writer quotes it; export.cells.safe_text)
    assert [csv_safe(v) for v in ("=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx", "ok", 5)] == [
        "'=SUM(A1)", "'+1", "'-1", "'@x", "'\tx", "'\nx", "ok", 5]
    row = {"township": "360102001 东湖街道", "village": "=HYPERLINK(\"x\")", "kind_name": "随访逾期",
           "patient_id": "@P1", "due": "2025-09-01", "status": "逾期29天", "next_action": "尽快随访",
           "last_class_name": "", "last_risk": 3, "team_id": "", "reason": "-", "rule": "§4"}
    out = write_day_workbook([row], tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb for r in ws.iter_rows(min_row=2) for c in r if c.value is not None]
    assert any(c.value == '=HYPERLINK("x")' for c in cells)
    assert all(c.data_type in ("s", "n") for c in cells)  # never "f": no formula


def test_the_workbook_for_the_village_doctors(capsys: pytest.CaptureFixture[str], demo: Path,
                                             tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "w.xlsx"
    assert run(capsys, "worklist", str(demo), "--on", ON.isoformat(), "--within", "30", "--format", "xlsx",
               "--output", str(out))[0] == 0
    wb = openpyxl.load_workbook(out)
    towns = wb.sheetnames[1:]
    assert wb.sheetnames[0] == "全部" and towns and all(n[:9].isdigit() and " " in n for n in towns)
    assert sum(wb[n].max_row - 1 for n in towns) == wb["全部"].max_row - 1
    ws = wb[towns[0]]
    assert ws["A1"].value == "村医（村）" and ws.freeze_panes == "A2" and ws.print_title_rows in ("1:1", "$1:$1")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0  # 1 wide is the default
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    groups = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert groups == sorted(groups)  # grouped by village doctor (the village when no doctor is shown)
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGHIJKL"}
    reason_col = next(c.column_letter for c in ws[1] if c.value == "原因")
    longest = max(display_width(ws[f"{reason_col}{r}"].value) for r in range(2, ws.max_row + 1))
    assert widths[reason_col] >= min(longest, 58)


def test_terminal_columns_line_up_by_display_width(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    lines = aligned(["事项", "id"], [["随访逾期", "P1"], ["x", "P22"]])
    assert {display_width(line[: line.index("P") if "P" in line else line.index("id")]) for line in lines} == {10}
    code, out, _ = run(capsys, "worklist", str(demo), "--on", ON.isoformat(), "--within", "30", "--area",
                       "360102001")
    rows = [line for line in out.splitlines() if line.startswith("  ") and "360102-" in line]
    starts = {display_width(line[: line.index("360102-")]) for line in rows}
    assert code == 0 and rows and len(starts) == 1


def test_doctor_filter_and_names_only_when_asked(capsys: pytest.CaptureFixture[str], demo: Path,
                                                 tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "doctors"
    shutil.copytree(demo, folder)
    f = pl.read_csv(folder / "followups.csv", infer_schema_length=0)
    f = f.with_columns(doctor=pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("王医生"))
                       .otherwise(pl.lit("=cmd|'/c calc'!A1")))
    f.write_csv(folder / "followups.csv")
    code, out, _ = run(capsys, "worklist", str(folder), "--on", ON.isoformat(), "--within", "30", "--format", "csv",
                       "--include-names")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert code == 0 and {r["doctor"] for r in rows if r["doctor"]} == {"王医生", "'=cmd|'/c calc'!A1"}
    code, out, _ = run(capsys, "worklist", str(folder), "--on", ON.isoformat(), "--within", "30", "--doctor", "王医生",
                       "--format", "json", "--include-names")
    mine = json.loads(out)["items"]
    assert code == 0 and mine and {r["doctor"] for r in mine} == {"王医生"}
    code, out, _ = run(capsys, "worklist", str(folder), "--on", ON.isoformat(), "--within", "30", "--format", "csv")
    assert "王医生" not in out and "calc" not in out


# --- FHIR care gaps ----------------------------------------------------------------------------------

def _statuses(bundle: dict[str, Any]) -> dict[str, str]:
    """measure id -> gap status of one patient's document."""
    reports = {e["resource"]["id"]: e["resource"]["measure"].rsplit("/", 1)[1] for e in bundle["entry"]
               if e["resource"]["resourceType"] == "MeasureReport"}
    return {reports[e["resource"]["evidence"][0]["detail"][0]["reference"].split("/")[1]]:
            e["resource"]["modifierExtension"][0]["valueCodeableConcept"]["coding"][0]["code"]
            for e in bundle["entry"] if e["resource"]["resourceType"] == "DetectedIssue"}


def test_care_gap_bundles_validate(capsys: pytest.CaptureFixture[str], demo: Path, items: pl.DataFrame) -> None:
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle").Bundle
    code, out, _ = run(capsys, "worklist", str(demo), "--on", ON.isoformat(), "--within", "30", "--area", "360102001",
                       "--format", "fhir-care-gaps")
    docs = [e["resource"] for e in json.loads(out)["entry"]]
    assert code == 0 and docs
    seen: collections.Counter[str] = collections.Counter()
    for doc in docs:
        bundle_model.model_validate(doc)
        first = doc["entry"][0]["resource"]
        assert doc["type"] == "document" and first["resourceType"] == "Composition"
        assert first["type"]["coding"][0]["code"] == "96315-7"
        kinds = collections.Counter(e["resource"]["resourceType"] for e in doc["entry"])
        assert kinds["Patient"] == 1 and kinds["MeasureReport"] == len(first["section"]) >= kinds["DetectedIssue"] >= 1
        assert all(e["resource"]["code"]["coding"][0]["code"] == "CAREGAP" for e in doc["entry"]
                   if e["resource"]["resourceType"] == "DetectedIssue")
        assert all(r["type"] == "individual" for e in doc["entry"] if (r := e["resource"])["resourceType"] ==
                   "MeasureReport")
        seen.update(_statuses(doc).values())
    assert set(seen) == {"open-gap", "closed-gap", "prospective-gap"}
    # every open or prospective health-check gap is a health-check item of the worklist, and back
    town = items.filter(pl.col("area_code").str.starts_with("360102001") & (pl.col("kind") == "health_check_due"))
    gaps = {d["entry"][1]["resource"]["id"] for d in docs
            if _statuses(d).get("health_check_rate") in ("open-gap", "prospective-gap")}
    assert gaps == set(town["patient_id"].to_list())


def test_an_item_done_in_the_period_is_a_closed_gap(demo: Path, data: ProgrammeData, items: pl.DataFrame,
                                                    tmp_path: Path) -> None:
    import shutil

    from smi_care.export.care_gaps import care_gap_bundles
    from smi_care.indicators.periods import Period

    quarter = Period(dt.date(2025, 7, 1), ON)
    due = items.filter((pl.col("kind") == "health_check_due") & (pl.col("due") <= ON))
    pid = due["patient_id"][0]
    before = care_gap_bundles(data, ON, 30, quarter, patients=[pid])
    assert _statuses(before[0])["health_check_rate"] == "open-gap"
    folder = tmp_path / "checked"
    shutil.copytree(demo, folder)
    with (folder / "events.csv").open("a", encoding="utf-8") as f:
        f.write(f"{pid},2025-09-15,health_check,\n")
    done = read_programme(folder, read_tables(folder).tables)
    after_items = day_worklist(done, ON, 30)
    assert after_items.filter((pl.col("patient_id") == pid) & (pl.col("kind") == "health_check_due")).height == 0
    after = care_gap_bundles(done, ON, 30, quarter, frame=after_items, patients=[pid])
    assert _statuses(after[0])["health_check_rate"] == "closed-gap"


# --- the horizon ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("near", [0, 1, 13, 29])
def test_a_nearer_horizon_is_the_farther_list_cut_at_it(data: ProgrammeData, items: pl.DataFrame, near: int) -> None:
    """``--within`` only cuts: the list for ``near`` days is the 30-day list without what falls
    due after ``on + near`` (the edge day itself included), every kind alike."""
    cut = items.filter(pl.col("due") <= ON + dt.timedelta(days=near))
    assert day_worklist(data, ON, near).equals(cut)
    assert near == 29 or items.filter(pl.col("due") == ON + dt.timedelta(days=near)).height == 0 or cut.height


def test_programme_lists_in_csv_are_safe_in_a_spreadsheet(capsys: pytest.CaptureFixture[str], demo: Path,
                                                          items: pl.DataFrame, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "risky"
    shutil.copytree(demo, folder)
    waiting = items.filter(pl.col("kind") == "suspected_waiting")["patient_id"][0]
    s = pl.read_csv(folder / "suspected_cases.csv", infer_schema_length=0)
    s = s.with_columns(case_id=pl.when(pl.col("case_id") == waiting).then(pl.lit("=HYPERLINK(1)"))
                       .otherwise(pl.col("case_id")))
    s.write_csv(folder / "suspected_cases.csv")
    code, out, _ = run(capsys, "suspected", str(folder), "--on", ON.isoformat(), "--format", "csv")
    ids = [r["case_id"] for r in csv.DictReader(io.StringIO(out.lstrip("\ufeff")))]
    assert code == 0 and "'=HYPERLINK(1)" in ids and "=HYPERLINK(1)" not in ids
    code, out, _ = run(capsys, "worklist", str(folder), "--on", ON.isoformat(), "--within", "30", "--kind",
                       "suspected_waiting", "--format", "csv")
    ids = [r["患者编号"] for r in csv.DictReader(io.StringIO(out.lstrip("\ufeff")))]
    assert code == 0 and "'=HYPERLINK(1)" in ids


@pytest.mark.parametrize("day", [dt.date(2024, 3, 31), ON, dt.date(2025, 12, 31)])
def test_team_flags_in_columns_equal_the_flags_row_by_row(demo: Path, data: ProgrammeData, day: dt.date) -> None:
    from smi_care.indicators.periods import Period
    from smi_care.programme.teams import team_facts, team_flags, team_worklist

    support = data.support
    assert support is not None
    facts = team_facts(data.registry, support.teams, support.team_reviews,
                       Period(dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), day),
                       assessments=data.table("assessments"))
    rows = facts.filter(pl.col("registered") & pl.col("key")).sort(["area", "patient_id"]).iter_rows(named=True)
    flags = team_worklist(facts)
    assert flags == team_flags(rows) and {f.kind for f in flags} == {"no_team", "review_overdue"}
