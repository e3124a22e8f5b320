"""The day worklist (:mod:`smi_care.programme.worklist`) on a small county built once: what the
module promises, checked fast enough to judge its mutants one by one (docs/testing.md, "The
programme tables") — the §2–§5 items are the core worklist's, the programme's items carry their
days overdue and no class, the horizon and the filters only cut, one patient's list is that
patient's part of the whole, each policy reaches its items, the doctor is the last one named.
"""

from __future__ import annotations

import collections
import datetime as dt

import attrs
import polars as pl
import pytest

from smi_care.indicators.worklist_table import worklist_frame
from smi_care.programme import case_finding, guardians, medication, teams
from smi_care.programme.key_patients import KeyPatientPolicy
from smi_care.programme.report import ProgrammeData, read_programme
from smi_care.programme.worklist import (
    ITEM_FIELDS,
    DayPolicies,
    _doctors,
    _Rows,
    day_worklist,
    patient_worklist,
    rows_of,
)
from smi_care.registry.tables import read_tables
from smi_care.rules.worklist import ItemKind, WorklistPolicy
from smi_care.synth import write_province

ON = dt.date(2025, 9, 30)
CORE = {k.value for k in list(ItemKind)[:8]}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ProgrammeData:
    folder = write_province(tmp_path_factory.mktemp("county") / "c", patients=600, seed=7)
    return read_programme(folder, read_tables(folder).tables)


@pytest.fixture(scope="module")
def items(data: ProgrammeData) -> pl.DataFrame:
    return day_worklist(data, ON, within=30)


def counts(frame: pl.DataFrame) -> dict[str, int]:
    return dict(collections.Counter(frame["kind"].to_list()))


def keys(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(frame.select("kind", "patient_id", "due").rows())


def test_the_table_holds_the_item_fields_most_urgent_first(items: pl.DataFrame) -> None:
    assert items.columns == list(ITEM_FIELDS)
    assert items["urgency"].is_sorted() and set(items["urgency"].to_list()) == {1, 2, 3, 4}
    assert items.null_count().select("kind", "patient_id", "due", "urgency", "reason_zh", "reason_en",
                                     "rule").row(0) == (0,) * 7
    # every kind but the four the county's data cannot produce (see test_day_worklist.NOT_IN_DEMO)
    assert len(counts(items)) >= len(ItemKind) - 4


def test_the_section_2_to_5_items_are_those_of_the_core_worklist(data: ProgrammeData, items: pl.DataFrame) -> None:
    t = data.registry
    core = worklist_frame(t.patients, t.followups, t.events, ON, 30, covers=t.covers)
    mine = items.filter(pl.col("kind").is_in(list(CORE)))
    assert keys(mine) == keys(core)
    area = dict(t.patients.select("patient_id", "area_code").iter_rows())
    assert all(area[p] == a for p, a in mine.select("patient_id", "area_code").iter_rows())
    got = {(r["kind"], r["patient_id"], r["due"]): (r["days_overdue"], r["last_class"], r["last_risk"], r["detail"])
           for r in mine.iter_rows(named=True)}
    assert got == {(r["kind"], r["patient_id"], r["due"]): (r["days_overdue"], r["last_class"], r["last_risk"],
                                                            r["detail"]) for r in core.iter_rows(named=True)}


def test_programme_items_count_days_from_their_due_date_and_carry_no_class(items: pl.DataFrame) -> None:
    extra = items.filter(~pl.col("kind").is_in(list(CORE)))
    assert extra.height and len(counts(extra)) >= 6
    assert all(d == (ON - due).days for due, d in extra.select("due", "days_overdue").iter_rows())
    assert extra["last_class"].null_count() == extra["last_risk"].null_count() == extra.height
    assert extra["days_overdue"].dtype == pl.Int64 and (extra["days_overdue"] > 0).any()
    assert (extra["days_overdue"] < 0).any()
    assert extra["area_code"].null_count() == 0


def test_the_horizon_only_cuts(data: ProgrammeData, items: pl.DataFrame) -> None:
    assert (items["due"] <= ON + dt.timedelta(days=30)).all()
    assert (items["due"] == ON + dt.timedelta(days=30)).any() or (items["due"] > ON + dt.timedelta(days=25)).any()
    near = day_worklist(data, ON, 0)
    assert near.equals(items.filter(pl.col("due") <= ON))
    with pytest.raises(ValueError, match=r"day_worklist: within is a number of days, expected 0 or more, got -1"):
        day_worklist(data, ON, -1)


def test_the_kind_filter(data: ProgrammeData, items: pl.DataFrame) -> None:
    two = day_worklist(data, ON, 30, kinds=["supply_running_out", ItemKind.FOLLOWUP_OVERDUE])
    assert two.equals(items.filter(pl.col("kind").is_in(["supply_running_out", "followup_overdue"])))
    assert two.height and len(counts(two)) == 2
    with pytest.raises(ValueError, match="nothing"):
        day_worklist(data, ON, 30, kinds=["nothing"])


def test_the_area_filter_keeps_the_items_inside_the_area(data: ProgrammeData, items: pl.DataFrame) -> None:
    codes = items["area_code"].drop_nulls()
    village = codes[0]
    town = village[:9]
    assert day_worklist(data, ON, 30, area=town).equals(items.filter(pl.col("area_code").str.starts_with(town)))
    assert day_worklist(data, ON, 30, area=village).equals(items.filter(pl.col("area_code") == village))
    county = village[:6]
    inside = day_worklist(data, ON, 30, area=county)
    assert inside.equals(items.filter(pl.col("area_code").str.starts_with(county)))
    assert day_worklist(data, ON, 30, area="").equals(items)


def test_the_doctor_is_the_last_one_named_on_or_before_the_day() -> None:
    f = pl.DataFrame({"patient_id": ["P1", "P1", "P1", "P2", "P2", "P3"],
                      "visit_date": [dt.date(2025, 1, 5), dt.date(2025, 3, 1), dt.date(2025, 10, 2),
                                     dt.date(2025, 2, 1), dt.date(2025, 2, 9), dt.date(2025, 12, 1)],
                      "row": [0, 1, 2, 3, 4, 5], "seen": ["1"] * 6, "loss_reason": [None] * 6,
                      "risk_level": [1] * 6, "insight": [None] * 6, "hospitalisation": [None] * 6,
                      "adherence": [None] * 6, "doctor": ["王", "李", "张", "赵", "", "孙"]},
                     schema_overrides={"loss_reason": pl.Int8, "insight": pl.Int8, "hospitalisation": pl.Int8,
                                       "adherence": pl.Int8})
    got = dict(_doctors(f, ON).iter_rows())
    assert got == {"P1": "李", "P2": "赵"}
    none = _doctors(f.drop("doctor"), ON)
    assert none.height == 0 and none.schema == pl.Schema({"patient_id": pl.String, "doctor": pl.String})


def test_the_doctor_filter(data: ProgrammeData, items: pl.DataFrame) -> None:
    t = data.registry
    named = t.followups.with_columns(doctor=pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("王医生"))
                                     .otherwise(pl.lit("李医生")))
    rows = _Rows(t.patients, named, t.events, t.population, t)
    doctored = attrs.evolve(data, registry=rows)
    every = day_worklist(doctored, ON, 30)
    assert set(every["doctor"].drop_nulls().to_list()) == {"王医生", "李医生"}
    expected = dict(_doctors(named, ON).iter_rows())
    assert all(expected.get(p) == d for p, d in every.select("patient_id", "doctor").iter_rows())
    mine = day_worklist(doctored, ON, 30, doctor="王医生")
    assert mine.height and mine.equals(every.filter(pl.col("doctor") == "王医生"))
    assert items["doctor"].null_count() == items.height  # the synthetic follow-ups name no doctor


def test_the_team_is_the_patients_active_team(items: pl.DataFrame) -> None:
    teams_ = items.filter(pl.col("team_id").is_not_null())
    assert teams_.height
    by_patient = teams_.group_by("patient_id").agg(pl.col("team_id").n_unique())
    assert (by_patient["team_id"] == 1).all()
    assert items.filter(pl.col("kind") == "key_patient_no_team")["team_id"].null_count() == \
        items.filter(pl.col("kind") == "key_patient_no_team").height


def test_one_patients_list_is_that_patients_part_of_the_whole(data: ProgrammeData, items: pl.DataFrame) -> None:
    seen: set[str] = set()
    for kind in sorted(counts(items)):
        pid = items.filter(pl.col("kind") == kind)["patient_id"][0]
        if pid in seen:
            continue
        seen.add(pid)
        alone = patient_worklist(data, pid, ON, 30)
        assert alone.equals(items.filter(pl.col("patient_id") == pid)), kind
    assert patient_worklist(data, "nobody", ON, 30).height == 0


def test_the_tables_of_some_rows_answer_coverage_as_the_whole() -> None:
    class Whole:
        def covers(self, area: object) -> bool:
            return str(area) == "360102"

    from smi_care.domain.identity import AreaCode

    empty = pl.DataFrame()
    rows = _Rows(empty, empty, empty, empty, Whole())
    assert rows.covers(AreaCode("360102")) is True and rows.covers(AreaCode("360103")) is False


@pytest.mark.parametrize(("policies", "kind", "fewer"), [
    (DayPolicies(supply_lookback_days=0), "supply_running_out", True),
    (DayPolicies(supply_lookback_days=365), "supply_running_out", False),
    (DayPolicies(case_finding=case_finding.CaseFindingPolicy(200)), "suspected_waiting", True),
    (DayPolicies(dispensing=medication.DispensingPolicy(per_year=1)), "dispensings_short", True),
    (DayPolicies(team=teams.TeamPolicy(key=KeyPatientPolicy(risk_from=1))), "key_patient_no_team", False),
    (DayPolicies(worklist=WorklistPolicy(alert_lookback_days=0)), "alert_notify_police", True),
    (DayPolicies(reward=guardians.REWARD_NO_INCIDENT), "guardian_reward_to_confirm", False),
])
def test_each_policy_reaches_its_items(data: ProgrammeData, items: pl.DataFrame, policies: DayPolicies, kind: str,
                                       fewer: bool) -> None:
    got = day_worklist(data, ON, 30, policies).filter(pl.col("kind") == kind).height
    base = items.filter(pl.col("kind") == kind).height
    assert (got < base) if fewer else (got > base)


def test_without_the_programme_files_only_the_core_items_remain(data: ProgrammeData, items: pl.DataFrame) -> None:
    bare = attrs.evolve(data, files={}, support=None)
    got = day_worklist(bare, ON, 30)
    core = got.filter(pl.col("kind").is_in(list(CORE)))
    assert core.equals(items.filter(pl.col("kind").is_in(list(CORE))).with_columns(team_id=pl.lit(None,
                                                                                                dtype=pl.String)))
    # without the assessments file, every registered patient is due its assessments
    assert set(counts(got)) - CORE == {"assessment_due", "enrolment_assessment_missing"}
    assert counts(got)["assessment_due"] > counts(items)["assessment_due"]


def test_some_rows_of_the_data_keep_the_registrys_population_and_only_their_own_rows(data: ProgrammeData,
                                                                                      items: pl.DataFrame) -> None:
    """``rows_of`` promises the rows of the patients asked for — in every table, the support files'
    included — with the whole registry's population and coverage."""
    pid = items.filter(pl.col("team_id").is_not_null())["patient_id"][0]
    case = items.filter(pl.col("kind") == "suspected_waiting")["patient_id"][0]
    cut = rows_of(data, [pid, case])
    t, whole = cut.registry, data.registry
    assert t.population.equals(whole.population)
    assert set(t.patients["patient_id"]) == {pid} and set(t.followups["patient_id"]) == {pid}
    assert set(t.events["patient_id"]) <= {pid}
    assert set(cut.files["suspected_cases"]["case_id"]) == {case}
    assert set(cut.files["assessments"]["patient_id"]) <= {pid}
    assert cut.support is not None and data.support is not None
    assert set(cut.support.teams["patient_id"]) == {pid} and cut.support.teams.height >= 1
    assert set(cut.support.dispensings["patient_id"]) <= {pid} and set(cut.support.guardians["patient_id"]) <= {pid}
    assert set(cut.support.team_reviews["team_id"]) <= set(cut.support.teams["team_id"])
    assert set(cut.support.team_reviews["team_id"]) == set(
        data.support.team_reviews.filter(pl.col("team_id").is_in(cut.support.teams["team_id"].to_list()))["team_id"])
