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


def test_convert_carries_the_programme_files_both_ways(county: Path, tmp_path: Path) -> None:
    import polars as pl

    from smi_care.programme.report import SPECS, read_programme
    from smi_care.registry.columns import SUPPORT_FILES
    from smi_care.registry.tables import read_tables

    def tables_of(folder: Path) -> dict[str, pl.DataFrame]:
        data = read_programme(folder, read_tables(folder).tables)
        assert data.support is not None and not data.problems
        s = data.support
        out = {spec.file: data.table(spec.stem).select(spec.names) for spec in SPECS}
        loaded = dict(zip(SUPPORT_FILES, (s.dispensings, s.guardians, s.teams, s.team_reviews), strict=True))
        out.update({f: loaded[f].select(cols) for f, cols in SUPPORT_FILES.items()})
        return out

    assert main(["convert", str(county), str(tmp_path / "pq"), "--to", "parquet", "--include-identifying"]) == 0
    assert main(["convert", str(tmp_path / "pq"), str(tmp_path / "csv"), "--to", "csv", "--include-identifying"]) == 0
    before, after = tables_of(county), tables_of(tmp_path / "csv")
    assert set(before) == set(after)
    for file, df in before.items():
        assert df.height > 0, file
        assert after[file].equals(df), file
    assert (tmp_path / "pq" / "dispensings.parquet").exists()
    assert main(["convert", str(county), str(tmp_path / "plain"), "--to", "csv"]) == 0
    plain = read_programme(tmp_path / "plain", read_tables(tmp_path / "plain").tables).table("suspected_cases")
    assert plain.height == before["suspected_cases.csv"].height
    assert plain.get_column("resident_id").null_count() == plain.height  # identifying: only when asked
