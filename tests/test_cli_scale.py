"""The province workflow on the command line: several breakdowns in one pass, county partials saved
and merged into the province's report, progress drawn only on a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

from smi_care.cli.main import main
from smi_care.cli.progress import progress, stages
from smi_care.registry.tables import RegistryTables, read_tables, write_tables
from smi_care.synth.province import ProvinceShape, write_province


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-county province (360102, 360103) in one folder."""
    return write_province(tmp_path_factory.mktemp("province"), patients=900,
                          shape=ProvinceShape(patients_per_county=450, townships=4, villages_per_township=3))


@pytest.fixture(scope="module")
def counties(province: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each county's own folder, as each county office would export it: its patients, their
    follow-ups and events, and only its own population rows."""
    whole = read_tables(province).tables
    out: dict[str, Path] = {}
    for county in ("360102", "360103"):
        pats = whole.patients.filter(pl.col("area_code").str.starts_with(county))
        keep = pats.select("patient_id")
        part = RegistryTables(pats,
                              whole.followups.join(keep, on="patient_id", how="semi"),
                              whole.events.join(keep, on="patient_id", how="semi"),
                              whole.population.filter(pl.col("area_code").str.starts_with(county))
                              )
        out[county] = write_tables(part, tmp_path_factory.mktemp(county))
    return out


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def results(text: str) -> list[dict[str, object]]:
    data = json.loads(text)
    reports = data if isinstance(data, list) else [data]
    return [r for rep in reports for r in rep["results"]]


def test_both_counties_have_patients(province: Path) -> None:
    areas = read_tables(province).tables.patients.get_column("area_code").str.slice(0, 6).unique().sort().to_list()
    assert areas == ["360102", "360103"]


def test_several_breakdowns_in_one_pass_equal_one_at_a_time(capsys: pytest.CaptureFixture[str],
                                                           province: Path) -> None:
    code, both, _ = run(capsys, "report", str(province), "--period", "2025", "--by", "county,township",
                        "--format", "json")
    assert code == 0
    one_by_one = []
    for by in ("county", "township"):
        code, out, _ = run(capsys, "report", str(province), "--period", "2025", "--by", by, "--format", "json")
        assert code == 0
        one_by_one += results(out)
    assert results(both) == one_by_one
    assert [r["by"] for r in json.loads(both)] == ["county", "township"]


def test_several_breakdowns_in_csv_have_one_header(capsys: pytest.CaptureFixture[str], province: Path) -> None:
    code, out, _ = run(capsys, "report", str(province), "--period", "2025", "--by", "county,township", "--format", "csv")
    assert code == 0
    lines = out.lstrip("\ufeff").splitlines()
    assert sum(line == lines[0] for line in lines) == 1
    assert any("360102" in line.split(",") for line in lines[1:])  # a county row
    assert any("360102001" in line.split(",") for line in lines[1:])  # a township row


def test_county_partials_merge_into_the_province_report(capsys: pytest.CaptureFixture[str], province: Path,
                                                       counties: dict[str, Path], tmp_path: Path) -> None:
    code, whole, _ = run(capsys, "report", str(province), "--period", "2025", "--by", "township", "--format", "json")
    assert code == 0
    saved = []
    for county, folder in counties.items():
        path = tmp_path / f"{county}.json"
        code, _, err = run(capsys, "report", str(folder), "--period", "2025", "--by", "township", "--coverage", "36",
                           "--save-partial", str(path), "--format", "json")
        assert code == 0 and f"written: {path}" in err
        saved.append(str(path))
    code, merged, _ = run(capsys, "merge", *saved, "--format", "json", "--areas", str(province))
    assert code == 0
    assert results(merged) == results(whole)
    assert json.loads(merged)["patients"] == json.loads(whole)["patients"]


def test_without_the_province_coverage_a_transfer_between_counties_counts_as_leaving(
        capsys: pytest.CaptureFixture[str], province: Path, counties: dict[str, Path], tmp_path: Path) -> None:
    """Why ``--coverage`` exists: a county's folder alone covers only that county, so a patient who
    moved to the other county before the period's end drops out of the merged province figures."""
    events = read_tables(province).tables.events
    between = events.filter((pl.col("event") == "transfer_out") & pl.col("other_area").str.starts_with("36")
                            & (pl.col("date") <= pl.date(2025, 12, 31)))
    assert between.height > 0, "the fixture must move someone between its counties"
    saved = []
    for county, folder in counties.items():
        path = tmp_path / f"alone-{county}.json"
        assert run(capsys, "report", str(folder), "--period", "2025", "--save-partial", str(path))[0] == 0
        saved.append(str(path))
    code, alone, _ = run(capsys, "merge", *saved, "--format", "json")
    code2, whole, _ = run(capsys, "report", str(province), "--period", "2025", "--format", "json")
    assert code == code2 == 0

    def registered(text: str) -> object:
        return next(r["denominator"] for r in results(text) if r["indicator"] == "management_rate")

    assert registered(alone) < registered(whole)  # type: ignore[operator]


def test_several_breakdowns_save_one_partial_each(capsys: pytest.CaptureFixture[str], province: Path,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "province.json"
    code, _, err = run(capsys, "report", str(province), "--period", "2025", "--by", "county,township",
                       "--save-partial", str(path))
    assert code == 0 and err.count("written: ") == 2
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["province.county.json", "province.township.json"]
    code, out, _ = run(capsys, "merge", *(str(tmp_path / f) for f in files), "--format", "json")
    assert code == 0 and [r["by"] for r in json.loads(out)] == ["county", "township"]


def test_merge_refuses_a_file_that_is_not_a_partial(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    code, _, err = run(capsys, "merge", str(bad))
    assert code == 2 and "bad.json" in err and err.startswith("error: ")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_off_a_terminal_and_drawn_on_one() -> None:
    quiet = io.StringIO()
    assert list(progress(range(5), 5, "patients", stream=quiet)) == [0, 1, 2, 3, 4]
    assert quiet.getvalue() == ""
    shown = Terminal()
    assert list(progress(range(5), 5, "patients", stream=shown, delay=0)) == [0, 1, 2, 3, 4]
    assert "patients" in shown.getvalue() and "/5 " in shown.getvalue()


def test_stages_are_silent_off_a_terminal_and_drawn_on_one() -> None:
    quiet = io.StringIO()
    with stages(["reading", "evaluating"], stream=quiet) as start:
        start("reading")
        start("evaluating")
    assert quiet.getvalue() == ""
    shown = Terminal()
    with stages(["reading", "evaluating"], stream=shown, delay=0) as start:
        start("reading")
        start("evaluating")
    assert "evaluating" in shown.getvalue() and "1/2 stages" in shown.getvalue()
