"""The support commands: smi-care guardians and smi-care supplies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smi_care.cli.main import main
from smi_care.synth import write_province


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_province(tmp_path_factory.mktemp("county"), patients=200, seed=4, include_identifying=True)


def test_guardians_lists_every_guardian_with_reasons_and_no_names(county: Path, capsys: pytest.CaptureFixture[str]
                                                                  ) -> None:
    assert main(["guardians", str(county), "--period", "2025", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["guardians"] == len(out["items"]) > 0
    assert 0 < out["eligible"] < out["guardians"]
    assert all(item["reasons"] for item in out["items"])
    assert all("guardian_name" not in item for item in out["items"])


def test_guardian_names_only_when_asked(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guardians", str(county), "--period", "2025Q3"]) == 0
    plain = capsys.readouterr().out
    assert main(["guardians", str(county), "--period", "2025Q3", "--include-names", "--format", "csv"]) == 0
    named = capsys.readouterr().out
    assert named.splitlines()[0] == "township,patient_id,guardian_name,eligible,reasons"
    names = [line.split(",")[2] for line in named.splitlines()[1:]]
    assert any(names) and not any(n in plain for n in names if n)


def test_supplies_and_team_flags(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["supplies", str(county), "--on", "2025-12-20", "--within", "14", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    kinds = {i["kind"] for i in out["items"]}
    assert "supply" in kinds and all(i["reason"] for i in out["items"])
    assert main(["supplies", str(county), "--on", "2025-12-20"]) == 0
    assert "supply alert(s)" in capsys.readouterr().out


def test_convert_names_the_programme_files_it_does_not_carry(county: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    main(["convert", str(county), str(tmp_path / "out"), "--to", "parquet"])
    err = capsys.readouterr().err
    assert "note: the programme files" in err
    for name in ("assessments.csv", "dispensings.csv", "guardians.csv", "suspected_cases.csv", "teams.csv"):
        assert name in err
