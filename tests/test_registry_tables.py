"""The columnar reader gives the object reader's verdicts; Parquet, xlsx and GB18030 sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smi_care.registry import RegistryReadError, read_tables, table_loaders, write_registry, write_tables
from smi_care.registry.raw import plain_text, whole
from smi_care.registry.reader import read_registry_by_rows as read_registry
from smi_care.registry.sources import read_csv_file
from smi_care.registry.tables import FILE_KINDS
from smi_care.synth import county
from smi_care.synth.dirty import write_dirty


def _row_problems(load):  # type: ignore[no-untyped-def]
    return [p for p in load.problems if p.kind not in FILE_KINDS]


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, _ = write_dirty(tmp_path_factory.mktemp("dirty") / "reg", patients=300)
    return folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean") / "reg"
    write_registry(county.generate(120, seed=3), folder, include_identifying=True)
    return folder


@pytest.mark.parametrize("which", ["clean", "dirty"])
def test_same_verdicts_as_the_object_reader(which: str, request: pytest.FixtureRequest) -> None:
    folder = request.getfixturevalue(which)
    old = read_registry(folder)
    new = read_tables(folder)
    assert _row_problems(new) == list(old.problems)
    assert new.counts == old.counts
    assert new.tables.to_registry() == old.registry
    for c in new.counts:
        assert c.read == c.accepted + c.rejected
    if which == "dirty":
        assert len(old.problems) >= 10


def test_contract_dtypes(clean: Path) -> None:
    t = read_tables(clean).tables
    p, f, e = t.patients.schema, t.followups.schema, t.events.schema
    assert (p["row"], p["line"], p["sex"], p["birth_date"], p["area_code"]) == (
        pl.UInt32, pl.UInt32, pl.Int8, pl.Date, pl.Utf8)
    assert (f["visit_date"], f["risk_level"], f["counselling"], f["adr_serious"], f["seen"]) == (
        pl.Date, pl.Int8, pl.Boolean, pl.Boolean, pl.Utf8)
    assert (e["date"], e["event"], e["other_area"], e["contract_end"]) == (pl.Date, pl.Utf8, pl.Utf8, pl.Date)
    assert t.followups.get_column("counselling").null_count() == 0
    assert t.population.schema["year"] == pl.Int32 and t.population.schema["population"] == pl.Int64
    assert "<hidden>" not in repr(t) and "name" not in repr(t)
    pid = t.patients.get_column("patient_id")[0]
    assert t.record(pid) == t.to_registry().records[pid]


_CELLS = st.sampled_from(["", "x", "9", "0", "-1", "2020-13-01", "1;9", "2:1;5:x", "1999-01-01", "2030-01-01",
                          "1", "2", "3", "7", "12345", ";", "P9"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_corrupted_cells_get_the_same_verdicts(clean: Path, tmp_path_factory: pytest.TempPathFactory,
                                               data: st.DataObject) -> None:
    folder = tmp_path_factory.mktemp("corrupt") / "reg"
    shutil.copytree(clean, folder)
    for file in ("patients.csv", "followups.csv", "events.csv"):
        lines = (folder / file).read_text(encoding="utf-8").split("\n")
        header = lines[0].split(",")
        for _ in range(data.draw(st.integers(0, 6))):
            i = data.draw(st.integers(1, len(lines) - 2))
            cells = lines[i].split(",")
            j = data.draw(st.integers(0, len(header) - 1))
            cells[j] = data.draw(_CELLS)
            lines[i] = ",".join(cells)
        (folder / file).write_text("\n".join(lines), encoding="utf-8")
    old = read_registry(folder)
    new = read_tables(folder)
    assert _row_problems(new) == list(old.problems)
    assert new.counts == old.counts
    assert new.tables.to_registry() == old.registry


def test_gb18030_twin_reads_the_same(dirty: Path, tmp_path: Path) -> None:
    utf, gbk = tmp_path / "utf", tmp_path / "gbk"
    shutil.copytree(dirty, utf)
    header, *rows = (dirty / "patients.csv").read_text(encoding="utf-8").split("\n")
    k = header.split(",").index("name")
    cells = rows[0].split(",")
    cells[k] = "张三"
    rows[0] = ",".join(cells)
    (utf / "patients.csv").write_text("\n".join([header, *rows]), encoding="utf-8")
    shutil.copytree(utf, gbk)
    for f in ("patients.csv", "followups.csv", "events.csv"):
        (gbk / f).write_bytes((utf / f).read_text(encoding="utf-8").encode("gb18030"))
    a, b = read_tables(utf), read_tables(gbk)
    assert b.encodings["patients.csv"] == "gb18030" and a.encodings["patients.csv"] == "utf-8"
    assert any(p.kind == "encoding" and p.file == "patients.csv" and not p.rejected for p in b.problems)
    assert _row_problems(a) == _row_problems(b) and len(_row_problems(a)) >= 10
    assert a.tables.patients.equals(b.tables.patients)
    assert a.counts == b.counts
    assert read_tables(gbk, encoding="gb18030").tables.patients.get_column("name")[0] == "张三"


def test_one_bad_byte_costs_one_row(clean: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(clean, folder)
    data = (folder / "followups.csv").read_bytes().split(b"\n")
    data[5] = data[5].replace(b",", b",\xff", 1)
    (folder / "followups.csv").write_bytes(b"\n".join(data))
    load = read_tables(folder)
    bad = [p for p in load.problems if p.file == "followups.csv"]
    assert [(p.line, p.kind, p.rejected) for p in bad] == [(6, "bad_row", True)]
    c = load.counts_for("followups.csv")
    assert c.rejected == 1 and c.read == c.accepted + 1


def test_broken_line_costs_one_row(clean: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(clean, folder)
    lines = (folder / "events.csv").read_text(encoding="utf-8").split("\n")
    lines[3] += ",extra,cells"
    (folder / "events.csv").write_text("\n".join(lines), encoding="utf-8")
    old, new = read_registry(folder), read_tables(folder)
    assert _row_problems(new) == list(old.problems)
    assert [(p.line, p.kind) for p in new.problems] == [(4, "bad_row")]


def test_followups_read_by_chunks_equal_one_pass(dirty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Follow-ups are validated a chunk at a time; chunks of 7 rows give the one-pass tables and
    the same problems, in the same order (chunk edges fall between a patient's rows)."""
    whole = read_tables(dirty)
    monkeypatch.setattr(table_loaders, "_CHUNK", 7)
    chunked = read_tables(dirty)
    assert len(_row_problems(whole)) >= 10
    assert chunked.problems == whole.problems
    assert chunked.counts == whole.counts
    for name in ("patients", "followups", "events", "population"):
        assert getattr(chunked.tables, name).equals(getattr(whole.tables, name)), name


def test_population_rows_by_column_and_by_row_agree_with_the_object_reader(clean: Path, tmp_path: Path) -> None:
    """Plain population rows are taken by column, odd ones by the row parser: together they give
    the object reader's verdicts, duplicates included (the first accepted line wins)."""
    folder = tmp_path / "reg"
    shutil.copytree(clean, folder)
    lines = (clean / "population.csv").read_text(encoding="utf-8").splitlines()
    header, first, *rest = lines
    code, year, count = first.split(",")[:3]
    odd = [
        f"{code},{year},{count}",              # the same area and year again: refused
        f"３６０１０２,{year},5",                # full-width digits: the row parser decides
        f"{code}001,-{year},5",                 # a negative year
        f"{code}001,{year},2000000001",         # too many people
        f"{code}00,{year},5",                   # 8 digits
        f"{code}009,{int(year) + 1},0012",      # leading zeros: a count of 12
        f"{code}009,{int(year) + 1},7",         # ... and its duplicate
        ",2024,5",                              # no area
    ]
    (folder / "population.csv").write_text("\n".join([header, first, *odd, *rest]) + "\n", encoding="utf-8")
    old, new = read_registry(folder), read_tables(folder)
    assert [p for p in _row_problems(new) if p.file == "population.csv"] == [
        p for p in old.problems if p.file == "population.csv"]
    assert new.tables.to_registry().population == old.registry.population
    assert len([p for p in old.problems if p.file == "population.csv"]) >= 6


def test_fast_path_reads_a_large_table_in_pieces(clean: Path) -> None:
    raw = read_csv_file(clean / "followups.csv", "followups.csv", compact=True)
    assert raw.pieces is not None and raw.data.height == 0  # a plain file comes piece by piece
    assert all(p.data.schema["risk_level"] == pl.Utf8 for p in raw.pieces)  # a piece lives only while typed
    assert plain_text(whole(raw).data).equals(read_csv_file(clean / "followups.csv", "followups.csv").data)
    assert read_csv_file(clean / "followups.csv", "followups.csv").data.schema["risk_level"] == pl.Utf8
    assert read_tables(clean).tables.followups.schema["patient_id"] == pl.Utf8


def test_parquet_round_trip(dirty: Path, tmp_path: Path) -> None:
    load = read_tables(dirty)
    out = write_tables(load.tables, tmp_path / "pq", format="parquet", include_identifying=True)
    back = read_tables(out)
    assert back.encodings["patients.csv"] == "parquet"
    assert not _row_problems(back)
    for name in ("patients", "followups", "events", "population"):
        a, b = getattr(load.tables, name).drop("row", "line"), getattr(back.tables, name).drop("row", "line")
        assert a.equals(b), name
    assert back.tables.to_registry() == load.tables.to_registry()


def test_csv_round_trip_and_privacy(dirty: Path, tmp_path: Path) -> None:
    load = read_tables(dirty)
    out = write_tables(load.tables, tmp_path / "csv", include_identifying=True)
    back = read_tables(out)
    assert back.tables.to_registry() == load.tables.to_registry()
    hidden = read_tables(write_tables(load.tables, tmp_path / "hidden"))
    assert hidden.tables.patients.get_column("name").is_null().all()
    assert hidden.tables.patients.get_column("resident_id").is_null().all()


def test_xlsx_equals_its_csv_twin(clean: Path, tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter")
    import xlsxwriter

    folder = tmp_path / "xl"
    folder.mkdir()
    shutil.copy(clean / "registry.toml", folder)
    with xlsxwriter.Workbook(folder / "registry.xlsx") as wb:
        for table in ("patients", "followups", "events", "population"):
            df = pl.read_csv(clean / f"{table}.csv", infer_schema=False)
            df.write_excel(wb, worksheet=table)
    a, b = read_tables(clean), read_tables(folder)
    assert b.encodings["patients.csv"] == "xlsx"
    assert _row_problems(a) == _row_problems(b)
    for name in ("patients", "followups", "events", "population"):
        assert getattr(a.tables, name).equals(getattr(b.tables, name)), name


def test_strict_raises_on_the_first_problem(dirty: Path) -> None:
    first = _row_problems(read_tables(dirty))[0]
    with pytest.raises(RegistryReadError) as info:
        read_tables(dirty, strict=True)
    assert info.value.problem == first


def test_file_level_problems_come_first_and_once(clean: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(clean, folder)
    df = pl.read_csv(folder / "followups.csv", infer_schema=False).drop("form")
    df.write_csv(folder / "followups.csv")
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    (folder / "areas.csv").write_text("area_code,name,level\n", encoding="utf-8")
    load = read_tables(folder)
    kinds = [p.kind for p in load.file_problems]
    assert kinds.count("missing_column") == 1 and kinds.count("unknown_file") == 1
    assert load.problems[: len(load.file_problems)] == load.file_problems
    assert not any(p.file == "areas.csv" for p in load.problems)
    c = load.counts_for("followups.csv")
    assert c.accepted == 0 and c.rejected == c.read == df.height
    rows = [p for p in load.problems if p.file == "followups.csv" and p.kind == "missing_required"]
    assert len(rows) == df.height


def test_cli_convert_and_validate(dirty: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from smi_care.cli.main import main

    out = tmp_path / "pq"
    assert main(["convert", str(dirty), str(out), "--to", "parquet"]) == 1
    assert (out / "followups.parquet").is_file() and not (out / "followups.csv").exists()
    assert main(["convert", str(out), str(tmp_path / "back"), "--to", "csv"]) == 0
    assert read_tables(tmp_path / "back").tables.to_registry() == read_tables(out).tables.to_registry()
    capsys.readouterr()
    gbk = tmp_path / "gbk"
    shutil.copytree(dirty, gbk)
    (gbk / "events.csv").write_bytes((dirty / "events.csv").read_text(encoding="utf-8").encode("gb18030"))
    lines = (gbk / "followups.csv").read_text(encoding="utf-8").split("\n")
    lines[1:] = [",".join(["NOBODY", *line.split(",")[1:]]) if 2 <= i <= 8 else line
                 for i, line in enumerate(lines[1:], start=1)]
    (gbk / "followups.csv").write_text("\n".join(lines), encoding="utf-8")
    main(["validate", str(gbk), "--encoding", "utf-8"])
    text = capsys.readouterr().out
    assert "followups.csv column patient_id: patient_id (患者编号) is unknown" in text and "rows (lines" in text
    main(["validate", str(gbk), "--format", "json"])
    import json

    listed = json.loads(capsys.readouterr().out)["problems"]
    assert sum(p["kind"] == "unknown_patient" for p in listed) >= 7


@pytest.mark.parametrize("blank_line", [True, False])
def test_rows_without_any_cell_are_skipped_as_before(clean: Path, tmp_path: Path, blank_line: bool) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(clean, folder)
    lines = (folder / "followups.csv").read_text(encoding="utf-8").split("\n")
    lines.insert(3, ",,,")
    lines.insert(6, "" if blank_line else ",")
    (folder / "followups.csv").write_text(("\r\n" if blank_line else "\n").join(lines), encoding="utf-8")
    old, new = read_registry(folder), read_tables(folder)
    assert _row_problems(new) == list(old.problems) and new.counts == old.counts
    assert new.tables.to_registry() == old.registry
    assert new.tables.followups.get_column("line").to_list()[:5] == [2, 3, 5, 6, 8]
