import json
import subprocess
import sys
from pathlib import Path

import pytest

from smi_care.cli.main import main
from smi_care.registry import write_registry
from smi_care.synth import generate
from smi_care.synth.dirty import write_dirty
from smi_care.validation import validate


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_registry(generate(patients=150, seed=11), tmp_path_factory.mktemp("demo"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for cmd in ("demo", "report", "classify", "worklist", "validate", "audit"):
        assert cmd in out


def test_report_json_shape(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "report", str(demo), "--period", "2025", "--by", "township", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"} and data["by"] == "township"
    total = [r for r in data["results"] if r["indicator"] == "management_rate" and r["area"] is None]
    parts = [r for r in data["results"] if r["indicator"] == "management_rate" and r["area"] is not None]
    assert len(total) == 1 and sum(p["numerator"] for p in parts) == total[0]["numerator"]
    assert total[0]["target"] == 80.0 and isinstance(total[0]["met"], bool) and total[0]["unit"] == "%"


def test_report_csv_and_local_targets(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    targets = tmp_path / "t.csv"
    # a quarter is judged only by a target set for quarters (issue 14): this one says so
    targets.write_text("indicator,year,threshold,source,applies_to\nloss_rate,2025,1,county,year;quarter\n",
                       encoding="utf-8")
    code, out, _ = run(capsys, "report", str(demo), "--period", "2025Q4", "--targets", str(targets),
                       "--format", "csv")
    assert code == 0 and out.startswith("\ufeffindicator,") and ",county," in out


def test_bad_period_is_one_sentence(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, _, err = run(capsys, "report", str(demo), "--period", "2025Q5")
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err and err.count("\n") == 1


def test_bad_targets_file_is_one_sentence(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    targets = tmp_path / "t.csv"
    targets.write_text("indicator,year,threshold\nno_such,2025,1\n", encoding="utf-8")
    code, _, err = run(capsys, "report", str(demo), "--period", "2025", "--targets", str(targets))
    assert code == 2 and "line 2" in err and "no_such" in err


def test_classify_reports_unreadable_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "followups.csv"
    f.write_text("patient_id,visit_date,form,seen,risk_level,insight,sf_self_care,sf_housework,sf_work,sf_learning,"
                 "sf_social,hospitalisation,adherence,adr\n"
                 "P1,2025-03-01,2,1,4,1,1,1,1,1,1,0,1,1\n"
                 "P1,2025-03-15,2,1,0,1,1,1,1,1,1,0,1,1\n"
                 "P2,2025-02-30,2,1,0,1,1,1,1,1,1,0,1,1\n"
                 "P3,2025-03-01,2,,,,,,,,,,,\n", encoding="utf-8")
    code, out, err = run(capsys, "classify", str(f), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [r["line"] for r in data] == [2, 3, 4, 5]
    rows = {(r["patient_id"], r["visit_date"]): r for r in data}
    first = rows[("P1", "2025-03-01")]
    assert first["classification"] == 1 and first["next_visit_date"] == "2025-03-15"
    assert "refer_now" in first["actions"] and "notify_police" in first["actions"] and first["reasons"] == [
        "risk_3_to_5"]
    assert rows[("P1", "2025-03-15")]["classification"] == 3
    assert rows[("P3", "2025-03-01")]["classification"] is None
    assert rows[("P3", "2025-03-01")]["next_visit_date"] == "2025-03-15"
    bad = data[2]
    assert bad["patient_id"] == "P2" and bad["classification"] is None and "visit_date" in bad["error"]
    assert "line 4" in err and "visit_date" in err
    code, out, _ = run(capsys, "classify", str(f))
    lines = out.splitlines()
    assert lines[0] == "patient_id,visit_date,classification,next_visit_date,actions,reasons,line,error"
    assert lines[1].startswith("P1,2025-03-01,1,2025-03-15,handle_symptoms;refer_now;notify_police")
    assert len(lines) == 5


def test_worklist_and_audit(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "worklist", str(demo), "--on", "2025-06-01", "--format", "json")
    assert code == 0 and json.loads(out)["on"] == "2025-06-01"
    code, out, _ = run(capsys, "audit", str(demo), "--patient", "360102-0000001", "--indicator", "management_rate",
                       "--period", "2025")
    assert code == 0 and "denominator:" in out
    code, _, err = run(capsys, "audit", str(demo), "--patient", "nobody", "--indicator", "management_rate",
                       "--period", "2025")
    assert code == 2 and "nobody" in err


def test_validate_exit_codes(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    assert run(capsys, "validate", str(demo))[0] == 0
    dirty, planted = write_dirty(tmp_path / "dirty", patients=200, seed=5)
    code, out, _ = run(capsys, "validate", str(dirty), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert len(data["problems"]) + len(data["findings"]) == len(planted)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(capsys, "validate", str(empty))[0] == 2


def test_dirty_demo_finds_every_planted_error_and_nothing_else(tmp_path: Path) -> None:
    folder, planted = write_dirty(tmp_path, patients=3000, seed=7)
    report = validate(folder)
    found = {(p.file, p.line, p.kind) for p in report.problems} | {
        ("quality", f.patient_id, f.kind) for f in report.findings}
    assert found == {p.key for p in planted}
    kinds = {p.kind for p in planted}
    assert {"bad_date", "bad_code", "unknown_patient", "duplicate_patient_id", "invalid_identity",
            "missing_required", "rule", "bad_row", "class_disagrees", "next_date_too_late", "missing_assessment",
            "gap_too_long"} <= kinds


def test_clean_demo_has_no_problem_or_finding(tmp_path: Path) -> None:
    assert validate(write_registry(generate(patients=3000, seed=7), tmp_path)).clean


def test_module_entry_point_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "smi_care", "--version"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and "精神分裂症" in done.stdout


def test_report_json_on_the_hand_computed_registry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.test_indicators_example import EXPECTED, build
    folder = write_registry(build(), tmp_path / "hand")
    code, out, _ = run(capsys, "report", str(folder), "--period", "2025", "--format", "json")
    assert code == 0
    results = {r["indicator"]: r for r in json.loads(out)["results"] if r["area"] is None}
    for indicator, (num, den) in EXPECTED.items():
        assert (results[indicator]["numerator"], results[indicator]["denominator"]) == (num, den)
    assert results["reported_prevalence"]["value"] == pytest.approx(1.0)
    assert results["management_rate"]["value"] == pytest.approx(70.0) and results["management_rate"]["met"] is False


def test_demo_writes_where_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "demo", "--out", str(tmp_path / "d"), "--patients", "60")
    assert code == 0 and (tmp_path / "d" / "patients.csv").exists() and "total" in out
    assert err == ""  # the demo's own files raise no note (areas.csv included)


def test_report_offers_every_standard_policy() -> None:
    from smi_care.cli.main import parser
    from smi_care.indicators.standard import StandardRule
    report = next(a for a in parser()._subparsers._group_actions[0].choices["report"]._actions  # type: ignore[union-attr]
                  if a.dest == "standard")
    assert list(report.choices) == [rule.value for rule in StandardRule]  # type: ignore[arg-type]
