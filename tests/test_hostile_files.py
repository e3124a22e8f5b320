"""Hostile and broken files (issue 20, the rows about reading): every failure of a file is the
library's own RegistryReadError naming the file (exit 2 from the CLI, never a traceback); bad
rows are rejected one by one with their true line; nothing is lost in silence. Ends with a
seeded, time-bounded fuzz test over registry files, workbooks and Parquet."""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import polars as pl
import pytest

from smi_care.cli.main import main
from smi_care.registry import RegistryReadError, read_tables, write_registry
from smi_care.registry.areas import read_areas
from smi_care.registry.reader import read_edition
from smi_care.synth import generate

PATIENTS = ("patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date\n"
            "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08\n"
            "P2,2,1981-03-04,110105001002,2,2020-05-01,2020-05-08,0,\n"
            "P3,1,1982-05-06,110105001002,1,2020-05-01,2020-05-08,0,\n")


def folder_with(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp_path / name).write_bytes(data)
    return tmp_path


def cli_unusable(folder: Path, capsys: pytest.CaptureFixture[str], name: str) -> str:
    """``validate`` exits 2 with one sentence naming ``name``; no traceback."""
    code = main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert name in err and "Traceback" not in err
    return err


# --- files that cannot be read: one error naming the file ------------------------------------

def test_cr_only_line_ends_are_read(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS.replace("\n", "\r").encode()})
    load = read_tables(folder)
    assert load.tables.patients.height == 3 and load.tables.patients["line"].to_list() == [2, 3, 4]


def test_utf16_csv_is_read(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS.encode("utf-16")})
    load = read_tables(folder)
    assert load.tables.patients.height == 3 and not [p for p in load.problems if p.kind != "encoding"]


def test_truncated_parquet_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_registry(generate(patients=30, seed=1), tmp_path / "src")
    load = read_tables(src)
    pq = tmp_path / "pq"
    pq.mkdir()
    load.tables.patients.drop("row", "line").write_parquet(pq / "patients.parquet")
    data = (pq / "patients.parquet").read_bytes()
    (pq / "patients.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(RegistryReadError) as err:
        read_tables(pq)
    assert err.value.problem.file == "patients.csv" and err.value.problem.kind == "bad_file"
    cli_unusable(pq, capsys, "patients.csv")


def test_corrupt_xlsx_names_the_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = folder_with(tmp_path, {"registry.xlsx": b"PK\x03\x04 this is not a workbook" * 10})
    with pytest.raises(RegistryReadError) as err:
        read_tables(folder)
    assert err.value.problem.file == "registry.xlsx"
    cli_unusable(folder, capsys, "registry.xlsx")


@pytest.mark.parametrize("column", [
    pl.Series("sex", [[1], [2], [1]]),
    pl.Series("sex", [{"a": 1}, {"a": 2}, {"a": 1}]),
    pl.Series("birth_date", [1, 2, 3], dtype=pl.Duration("us")),
    pl.Series("sex", [True, False, True]),
])
def test_parquet_columns_of_other_types(tmp_path: Path, column: pl.Series,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    df = pl.read_csv(io.StringIO(PATIENTS), infer_schema=False).with_columns(column)
    df.write_parquet(tmp_path / "patients.parquet")
    try:
        load = read_tables(tmp_path)
    except RegistryReadError as exc:
        assert exc.problem.file == "patients.csv" and column.name in str(exc)
        cli_unusable(tmp_path, capsys, "patients.csv")
        return
    # read: every row accounted for, the bad cells reported by column
    c = load.counts_for("patients.csv")
    assert c.read == 3 == c.accepted + c.rejected
    assert c.rejected == 3 and {p.column for p in load.problems} == {column.name}


@pytest.mark.parametrize(("name", "content"), [
    ("registry.json", "null"), ("registry.json", "[1, 2]"), ("registry.toml", b"edition = \"WS2018\"\n\xff\xfe = 1\n"),
    ("registry.json", b"\x81\x30"),
])
def test_bad_metadata_names_the_file(tmp_path: Path, name: str, content: str | bytes,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS, name: content})
    with pytest.raises(RegistryReadError) as err:
        read_edition(folder)
    assert err.value.problem.file == name
    cli_unusable(folder, capsys, name)


def test_metadata_saved_as_gbk_is_read(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"registry.toml": "# 县级登记\nformat_version = 1\nedition = \"WS2018\"\n"
                                    .encode("gb18030")})
    assert read_edition(folder).name == "WS2018"


def test_a_field_over_the_csv_limit_is_a_file_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One answer on every path (tests/test_reader_cell_size.py): the file refused, naming the
    line, the column and the cell's size, and the CLI says so without a traceback."""
    huge = '"' + "x" * 140_000 + '"'
    text = PATIENTS.replace("P3,1,1982-05-06,110105001002,1", f"P3,1,1982-05-06,110105001002,{huge}")
    folder = folder_with(tmp_path, {"patients.csv": text})
    with pytest.raises(RegistryReadError) as exc:
        read_tables(folder)
    p = exc.value.problem
    assert (p.file, p.line, p.column) == ("patients.csv", 4, "disorder")
    assert len(p.value) < 300 and "140,000 characters" in p.value  # cut to a readable length
    cli_unusable(folder, capsys, "patients.csv")


# --- rows: rejected one by one, with the true line ------------------------------------------------

def test_one_gbk_row_in_a_utf8_file_is_rejected_at_its_line(tmp_path: Path) -> None:
    lines = PATIENTS.splitlines(keepends=True)
    fus = ["patient_id,visit_date,form,doctor\n"] + [f"P1,2025-0{m}-01,1,王医生\n" for m in range(1, 8)]
    data = "".join(fus[:4]).encode() + fus[4].encode("gbk") + "".join(fus[5:]).encode()
    folder = folder_with(tmp_path, {"patients.csv": "".join(lines), "followups.csv": data})
    load = read_tables(folder)
    c = load.counts_for("followups.csv")
    assert (c.read, c.accepted, c.rejected) == (7, 6, 1)
    [p] = [p for p in load.problems if p.file == "followups.csv"]
    assert p.line == 5 and "not valid UTF-8" in p.reason
    assert "王医生" in load.tables.followups["doctor"].to_list()  # the other rows are not garbled


def test_gbk_areas_file_is_read(tmp_path: Path) -> None:
    text = "area_code,name,level\n110105,朝阳区,county\n110105001,建外街道,township\n"
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS, "areas.csv": text.encode("gbk")})
    names, problems = read_areas(folder)
    assert names.name("110105") == "朝阳区" and all(p.kind == "encoding" for p in problems)


def test_unreadable_areas_file_names_it(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS, "areas.csv": b"\xff\xfe\x00\xd8\x00"})
    try:
        read_areas(folder)
    except RegistryReadError as exc:
        assert exc.problem.file == "areas.csv"


@pytest.mark.parametrize("text", ["20200508", "2020-W19-5", "2020-5-8", "2020-05-08T00:00"])
def test_dates_must_be_yyyy_mm_dd(tmp_path: Path, text: str) -> None:
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS.replace(",2020-05-08,0,\n", f",{text},0,\n", 1)})
    load = read_tables(folder)
    [p] = load.problems
    assert (p.line, p.column, p.kind) == (3, "registered_on", "bad_date")


def test_a_4301_digit_risk_level_rejects_only_its_row(tmp_path: Path) -> None:
    fus = ("patient_id,visit_date,form,risk_level\n"
           f"P2,2025-01-01,1,{'9' * 4301}\nP3,2025-01-01,1,\n")
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS, "followups.csv": fus})
    load = read_tables(folder)
    [p] = load.problems
    assert (p.line, p.column) == (2, "risk_level") and "4,301 characters" in p.value
    assert load.counts_for("followups.csv").accepted == 1


def test_excel_date_cells_and_serials_read_as_dates(tmp_path: Path) -> None:
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "registry.xlsx"))
    ws = wb.add_worksheet("patients")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    header = PATIENTS.splitlines()[0].split(",")
    ws.write_row(0, 0, header)
    for r, line in enumerate(PATIENTS.splitlines()[1:], start=1):
        for c, cell in enumerate(line.split(",")):
            if header[c] == "birth_date" and cell:
                ws.write_datetime(r, c, dt.datetime.fromisoformat(cell), fmt)  # a real date cell
            elif header[c] == "registered_on":
                ws.write_number(r, c, (dt.date.fromisoformat(cell) - dt.date(1899, 12, 30)).days)  # a serial
            else:
                ws.write_string(r, c, cell)
    wb.close()
    load = read_tables(tmp_path)
    assert not load.problems
    assert load.tables.patients["birth_date"].to_list()[0] == dt.date(1980, 1, 2)
    assert load.tables.patients["registered_on"].to_list()[0] == dt.date(2020, 5, 8)


def test_a_100kb_bad_value_is_cut(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"patients.csv": PATIENTS.replace("P2,2,", "P2," + "7" * 100_000 + ",", 1)})
    load = read_tables(folder)
    [p] = load.problems
    assert len(str(p)) < 1000 and "100,000 characters" in p.value


# --- the fuzz test -----------------------------------------------------------------------------

def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        what = rng.random()
        at = rng.randrange(len(out) + 1)
        if what < 0.3 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif what < 0.5:
            out[at:at] = rng.choice([b",", b'"', b"\r", b"\n", b"\xff", b"\xe4\xb8", "配偶".encode("gbk"), b"\x00",
                                     b"=1+1", b";", b"9" * rng.randint(1, 5000)])
        elif what < 0.7:
            del out[at:at + rng.randint(1, 40)]
        else:
            out = out[: max(1, at)]
    return bytes(out)


def test_fuzz_every_case_is_answered_or_refused_by_the_library(tmp_path: Path) -> None:
    """Seeded and bounded in time: mutated CSV files, workbooks and Parquet files either load
    (with read == accepted + rejected in every file) or raise RegistryReadError; nothing else."""
    rng = random.Random(20)
    base = write_registry(generate(patients=20, seed=3), tmp_path / "base")
    files = {p.name: p.read_bytes() for p in base.iterdir() if p.is_file()}
    pq = tmp_path / "pq"
    pq.mkdir()
    read_tables(base).tables.followups.drop("row", "line").write_parquet(pq / "followups.parquet")
    pq_bytes = (pq / "followups.parquet").read_bytes()
    deadline = time.monotonic() + 25
    cases = 0
    while time.monotonic() < deadline and cases < 400:
        case = tmp_path / f"case{cases}"
        case.mkdir()
        for name, data in files.items():
            (case / name).write_bytes(data)
        kind = rng.random()
        if kind < 0.7:
            target = rng.choice(sorted(files))
            (case / target).write_bytes(_mutate(rng, files[target]))
        elif kind < 0.85:
            (case / "followups.csv").unlink()
            (case / "followups.parquet").write_bytes(_mutate(rng, pq_bytes) if rng.random() < 0.7 else pq_bytes)
        else:
            (case / "registry.xlsx").write_bytes(_mutate(rng, b"PK\x03\x04" + bytes(rng.randrange(256)
                                                                                    for _ in range(200))))
        cases += 1
        try:
            load = read_tables(case)
        except RegistryReadError as exc:
            assert exc.problem.file and exc.problem.reason
            continue
        for c in load.counts:
            assert c.read == c.accepted + c.rejected, (case, c)
    assert cases >= 20


def test_validate_reads_the_support_files_and_areas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = folder_with(tmp_path, {
        "patients.csv": PATIENTS,
        "dispensings.csv": "patient_id,date,drug,quantity,days_supplied\nP1,2025-01-01,risperidone,x,30\n"
                           "P9,2025-01-01,risperidone,30,30\n",
        "areas.csv": "area_code,name,level\n11010X,朝阳区,county\n"})
    code = main(["validate", str(folder)])
    out = capsys.readouterr().out
    assert code == 1 and "clean" not in out.splitlines()[-1]
    assert "dispensings.csv line 2" in out and "dispensings.csv line 3" in out and "areas.csv line 2" in out
    many = PATIENTS + "".join(f"P{i},7,1980-01-02,110105001002,1,2020-05-01,2020-05-08,0,\n" for i in range(10, 30))
    folder_with(tmp_path, {"patients.csv": many})
    main(["validate", str(folder)])
    summary = capsys.readouterr().out
    assert "20 rows (lines 5, 6, 7, ...)" in summary
    main(["validate", str(folder), "--all"])
    assert capsys.readouterr().out.count("column sex") == 20


def test_validate_reads_the_pilot_files(tmp_path: Path) -> None:
    """Issue 20: validate reports every file a command may read; `smi-care pilot` reads pilot/."""
    from smi_care.synth import write_province
    from smi_care.validation import validate_tables

    folder = write_province(tmp_path / "r", patients=200, seed=3)
    surveys = folder / "pilot" / "surveys.csv"
    lines = surveys.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[-1] = "many"  # a count that is not a number
    surveys.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    report = validate_tables(folder)
    bad = [p for p in report.problems if p.file.endswith("surveys.csv")]
    assert len(bad) == 1 and bad[0].line == 2 and not report.clean
    counted = {c.file: c for c in report.counts}
    survey_counts = next(c for f, c in counted.items() if f.endswith("surveys.csv"))
    assert survey_counts.read == survey_counts.accepted + survey_counts.rejected and survey_counts.rejected == 1
