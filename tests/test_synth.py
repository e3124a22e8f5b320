"""The synthetic registry: calibrated to the national 2018 figures (national-rules §6), valid
registry format v1 with every §6 detail present, deterministic, with area names."""

import collections
import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain.codes import Disorder, Sex
from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import Registry
from smi_care.indicators import Period, report
from smi_care.registry import read_registry
from smi_care.synth import ProvinceShape, area_name, generate, write_province
from tests.engine_and_oracle import registry_findings

#: National figures 2018 (national-rules §6 "National figures") and the tolerance the demo meets.
NATIONAL = {
    "reported_prevalence": (4.3, 0.3),
    "management_rate": (94.90, 3.0),
    "standard_management_rate": (82.69, 3.0),
    "medication_rate": (81.30, 3.0),
    "regular_medication_rate": (41.78, 3.0),
    "stability_rate": (80.60, 3.0),
}


@pytest.fixture(scope="module")
def demo() -> Registry:
    return generate(patients=3000, seed=7)


def test_demo_annual_rates_are_the_national_ones(demo: Registry) -> None:
    rep = report(demo, Period.parse("2025"))
    off = {k: round(rep.result(k).value or 0, 2) for k, (v, tol) in NATIONAL.items()
           if abs((rep.result(k).value or 0) - v) > tol}
    assert off == {}


def test_demo_townships_spread_around_the_target(demo: Registry) -> None:
    rep = report(demo, Period.parse("2025"), by=AreaLevel.TOWNSHIP)
    standard = [r.value for r in rep.results if r.indicator == "standard_management_rate" and r.group
                and r.value is not None]
    assert len(standard) == 15
    assert max(standard) - min(standard) >= 10
    assert sum(v < 80 for v in standard) >= 2  # some clearly below the §8 target
    assert max(standard) >= 90  # one or two well above
    stability = [r.value for r in rep.results if r.indicator == "stability_rate" and r.group and r.value is not None]
    assert max(stability) - min(stability) >= 5


def test_demo_quarters_agree_with_the_year(demo: Registry) -> None:
    year = report(demo, Period.parse("2025"))
    for q in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        rep = report(demo, Period.parse(q))
        for k in ("reported_prevalence", "medication_rate", "regular_medication_rate", "stability_rate"):
            tol = 0.3 if k == "reported_prevalence" else 6.0
            assert abs((rep.result(k).value or 0) - (year.result(k).value or 0)) <= tol, (q, k)
        # a quarter asks one follow-up, the year four: the quarter's standard rate is not below the year's
        assert (rep.result("standard_management_rate").value or 0) >= (
            year.result("standard_management_rate").value or 0) - 3


def test_demo_shares_of_a_real_registry(demo: Registry) -> None:
    patients = [r.patient for r in demo]
    sz = [p for p in patients if p.disorder is Disorder.SCHIZOPHRENIA]
    assert 0.6 <= len(sz) / len(patients) <= 0.72
    assert sum(p.sex is Sex.MALE for p in sz) > sum(p.sex is Sex.FEMALE for p in sz)
    ages = [2025 - p.birth_date.year for p in patients]
    assert sum(35 <= a <= 59 for a in ages) / len(ages) > 0.5
    rep = report(demo, Period.parse("2025"))
    assert 1 <= (rep.result("loss_rate").value or 0) <= 6
    assert 0 < (rep.result("incident_rate").value or 0) < 3


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shape = ProvinceShape(patients_per_county=200)
    return write_province(tmp_path_factory.mktemp("province"), patients=600, seed=4, shape=shape)


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_written_province_reads_back_with_no_problem_and_no_finding(small: Path) -> None:
    result = read_registry(small)
    assert result.problems == ()
    assert len(result.registry) == 600
    assert registry_findings(result.registry) == []
    assert {p.area_code.code[:6] for p in (r.patient for r in result.registry)} == {"360102", "360103", "360104"}


def test_every_section6_detail_occurs(small: Path) -> None:
    events = rows(small, "events")
    kinds = collections.Counter(e["event"] for e in events)
    for kind in ("death", "transfer_out", "transfer_in", "diagnosis_withdrawn", "admission", "discharge",
                 "health_check", "community_rehabilitation", "counselling", "family_doctor_contract", "emergency"):
        assert kinds[kind] > 0, kind
    covered = {r["area_code"] for r in rows(small, "population")}
    moves = [e["detail"] for e in events if e["event"] == "transfer_out"]
    assert any(m in covered for m in moves) and any(m not in covered for m in moves)
    assert all(e["detail"] for e in events if e["event"] == "family_doctor_contract")
    fus = rows(small, "followups")
    assert {f["loss_reason"] for f in fus} >= {"1", "2", "3", "4", "5"}
    assert {f["lockup"] for f in fus} >= {"1", "2", "3"}
    assert {f["hospitalisation"] for f in fus} >= {"0", "1", "2"}
    assert {f["classification"] for f in fus} >= {"1", "2", "3"}
    assert {f["adherence"] for f in fus} >= {"1", "2", "3", "4"}
    assert any(f["counselling"] == "1" for f in fus) and any(f["rehabilitation"] for f in fus)
    days = collections.Counter((f["patient_id"], f["visit_date"]) for f in fus)
    assert max(days.values()) >= 2  # same-day ties
    pats = rows(small, "patients")
    assert any(p["consent"] == "0" for p in pats)
    assert any(p["registered_on"] >= "2023-01-01" for p in pats)


def test_areas_file_reads_without_a_problem_and_names_each_level(small: Path) -> None:
    from smi_care.registry.areas import read_areas

    names, problems = read_areas(small)
    assert problems == ()
    assert names.label("360000") == "360000 江右省"
    assert names.label("360102").startswith("360102 ")


def test_areas_name_every_code_once(small: Path) -> None:
    areas = rows(small, "areas")
    codes = [a["area_code"] for a in areas]
    assert len(codes) == len(set(codes))
    assert {a["level"] for a in areas} == {"province", "city", "county", "township", "village"}
    known = set(codes)
    assert {p["area_code"] for p in rows(small, "patients")} <= known
    assert {p["area_code"] for p in rows(small, "population")} <= known
    for a in areas:
        if a["level"] == "township":
            assert a["name"].endswith(("街道", "镇", "乡"))
        if a["level"] == "village":
            assert a["name"].endswith(("社区", "村"))


@given(st.integers(1, 99), st.integers(1, 99), st.integers(1, 999), st.integers(1, 999))
def test_area_name_is_total_and_says_its_level(city: int, county: int, town: int, village: int) -> None:
    base = f"36{city:02d}{county:02d}"
    levels = [area_name(c)[1] for c in ("36", base[:4], base, f"{base}{town:03d}", f"{base}{town:03d}{village:03d}")]
    assert levels == ["province", "city", "county", "township", "village"]
    assert all(area_name(c)[0] for c in (base, f"{base}{town:03d}"))


def test_same_seed_same_files_whatever_the_workers(tmp_path: Path) -> None:
    shape = ProvinceShape(patients_per_county=50)
    a = write_province(tmp_path / "a", patients=120, seed=9, shape=shape, workers=1)
    b = write_province(tmp_path / "b", patients=120, seed=9, shape=shape, workers=2)
    c = write_province(tmp_path / "c", patients=120, seed=10, shape=shape, workers=1)
    for name in ("patients", "followups", "events", "population", "areas"):
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name
    assert (a / "followups.csv").read_bytes() != (c / "followups.csv").read_bytes()


def test_identifying_fields_only_when_asked(tmp_path: Path) -> None:
    plain = rows(write_province(tmp_path / "p", patients=30, seed=2), "patients")
    named = read_registry(write_province(tmp_path / "n", patients=30, seed=2, include_identifying=True))
    assert all(p["name"] == "" and p["resident_id"] == "" and p["guardian_phone"] == "" for p in plain)
    assert named.problems == ()
    assert all(r.patient.name and r.patient.resident_id for r in named.registry)
