"""Properties of the pilot's area indicators: 0 <= numerator <= denominator, the townships add up
to the county, the merge of two counties equals the evaluation of both, and the files round-trip."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from smi_care.domain.identity import AreaLevel
from smi_care.indicators import Period
from smi_care.pilot.evaluate import evaluate_area
from smi_care.registry.pilot_files import PILOT_SPECS, PilotLoad, read_pilot_files, write_pilot_files

PERIOD = Period.parse("2021")
DAYS = st.dates(dt.date(2019, 1, 1), dt.date(2023, 12, 31))
# (unit kind, school level, hospital kind, hospital level, facility kinds that fit)
KINDS = [(1, "", "", "", (1, 2)), (2, "1", "", "", (3,)), (2, "5", "", "", (4,)), (3, "", "1", "3", (5,)),
         (3, "", "2", "2", (5,)), (3, "", "2", "1", (5,)), (4, "", "", "", (6,)), (5, "", "", "", (7,))]


@st.composite
def area_data(draw: st.DrawFn, county: str = "360102") -> dict[str, list[list[str]]]:
    townships = [f"{county}00{i}" for i in range(1, 4)]
    units: list[list[str]] = []
    facilities: list[list[str]] = []
    for i in range(draw(st.integers(0, 12))):
        kind, school, hkind, hlevel, fits = draw(st.sampled_from(KINDS))
        area = draw(st.sampled_from([county, *townships]))
        uid = f"{county}U{i}"
        units.append([uid, str(kind), area, school, hkind, hlevel, ""])
        for j in range(draw(st.integers(0, 2))):
            opened = draw(DAYS)
            closed = draw(st.none() | DAYS.filter(lambda d, o=opened: d >= o))
            facilities.append([f"{uid}F{j}", uid, str(draw(st.sampled_from(fits))), opened.isoformat(),
                               closed.isoformat() if closed else ""])
    surveys = []
    for i in range(draw(st.integers(0, 5))):
        n = draw(st.integers(1, 500))
        surveys.append([f"{county}Q{i}", draw(st.sampled_from([county, *townships])), draw(DAYS).isoformat(),
                        str(draw(st.integers(1, 4))), str(n), str(draw(st.integers(0, n)))])
    special = {}
    for _ in range(draw(st.integers(0, 5))):
        key = (draw(st.sampled_from(townships)), draw(DAYS).isoformat(), str(draw(st.sampled_from([1, 2, 3, 9]))))
        n = draw(st.integers(0, 300))
        special[key] = [*key, str(n), str(draw(st.integers(0, n)))]
    events = []
    for i in range(draw(st.integers(0, 4))):
        day = draw(DAYS)
        lag = draw(st.none() | st.integers(0, 5))
        events.append([f"{county}X{i}", draw(st.sampled_from(townships)), day.isoformat(),
                       "" if lag is None else (day + dt.timedelta(days=lag)).isoformat()])
    return {"units.csv": units, "facilities.csv": facilities, "surveys.csv": surveys,
            "special_groups.csv": list(special.values()), "emergencies.csv": events}


def write(data: dict[str, list[list[str]]], folder: Path) -> Path:
    (folder / "pilot").mkdir(parents=True, exist_ok=True)
    for spec in PILOT_SPECS:
        rows = data.get(spec.file, [])
        (folder / "pilot" / spec.file).write_text(
            "\n".join([",".join(spec.names), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return folder


def load_of(data: dict[str, list[list[str]]]) -> PilotLoad:
    with tempfile.TemporaryDirectory() as d:
        load = read_pilot_files(write(data, Path(d)))
    assert load.ok, load.problems
    return load


@settings(max_examples=40, deadline=None)
@given(area_data())
def test_counts_are_bounded_and_townships_add_up(data: dict[str, list[list[str]]]) -> None:
    load = load_of(data)
    total = evaluate_area(load, PERIOD, by=None)
    parts = evaluate_area(load, PERIOD, by=AreaLevel.TOWNSHIP)
    for (ind, _), (n, d) in {**total.counts, **parts.counts}.items():
        assert 0 <= n <= d, ind
    for ind in {i for i, _ in total.counts} | {i for i, _ in parts.counts}:
        summed = [v for (i, _), v in parts.counts.items() if i == ind]
        assert total.counts.get((ind, ""), (0, 0)) == (sum(n for n, _ in summed), sum(d for _, d in summed))


@settings(max_examples=30, deadline=None)
@given(area_data("360102"), area_data("360103"))
def test_merge_of_two_counties_equals_evaluation_of_both(a: dict[str, list[list[str]]],
                                                         b: dict[str, list[list[str]]]) -> None:
    both = {f: a[f] + b[f] for f in a}
    merged = evaluate_area(load_of(a), PERIOD).merge(evaluate_area(load_of(b), PERIOD))
    assert merged.counts == evaluate_area(load_of(both), PERIOD).counts


@settings(max_examples=30, deadline=None)
@given(area_data())
def test_files_round_trip(data: dict[str, list[list[str]]]) -> None:
    load = load_of(data)
    with tempfile.TemporaryDirectory() as d:
        write_pilot_files(load, d)
        again = read_pilot_files(d)
    for spec in PILOT_SPECS:
        cols = list(spec.names)
        assert again.table(spec.file).select(cols).equals(load.table(spec.file).select(cols)), spec.file
    assert again.counts == load.counts


def test_bad_rows_are_reported_never_dropped(tmp_path: Path) -> None:
    data = {"units.csv": [["V1", "1", "360102001001", "", "", "", ""], ["V1", "1", "360102001002", "", "", "", ""],
                          ["V2", "8", "360102001001", "", "", "", ""]],
            "surveys.csv": [["Q1", "360102001", "2021-05-01", "1", "10", "11"],
                            ["Q2", "3601", "2021-05-01", "1", "10", "1"], ["Q3", "360102001", "2021-13-01", "1", "1", "1"]],
            "special_groups.csv": [["360102001", "2021-06-30", "1", "5", "6"]],
            "emergencies.csv": [["X1", "360102001", "2021-03-02", "2021-03-01"]]}
    load = read_pilot_files(write(data, tmp_path))
    found = {(p.file, p.line, p.column) for p in load.problems}
    assert found == {("units.csv", 3, "unit_id"), ("units.csv", 4, "kind"), ("surveys.csv", 2, "aware"),
                     ("surveys.csv", 3, "area_code"), ("surveys.csv", 4, "date"), ("special_groups.csv", 2, "served"),
                     ("emergencies.csv", 2, "response_date")}
    for c in load.counts:
        assert c.read == c.accepted + c.rejected
    assert load.counts_for("units.csv").accepted == 1 and load.surveys.height == 0
    assert isinstance(load.units, pl.DataFrame)
