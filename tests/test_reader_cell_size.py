"""A cell over 131,072 characters has one answer on every path (CSV by polars, CSV by the csv
module, Parquet, a sheet of registry.xlsx, the row-by-row reader): the file is refused with a
RegistryReadError naming the file, the line, the column and the cell's size."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from smi_care.registry import RegistryReadError, read_tables
from smi_care.registry.cell_size import MAX_CELL, check_cell_sizes, long_field
from smi_care.registry.reader import read_registry_by_rows

HEADER = "patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date,name"
ROWS = ["P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08,A",
        "P2,2,1981-03-04,110105001002,2,2020-05-01,2020-05-08,0,,B",
        "P3,1,1982-05-06,110105001002,1,2020-05-01,2020-05-08,0,,C"]


def _patients(name: str, quoted: str = "", *, newline_in_quotes: bool = False) -> str:
    rows = list(ROWS)
    rows[1] = rows[1][:-1] + quoted + name + quoted
    if newline_in_quotes:
        rows[2] = rows[2][:-1] + '"C\nstill C"'
    return HEADER + "\n" + "\n".join(rows) + "\n"


def _refusal(folder: Path) -> tuple[str, int, str, str, str]:
    with pytest.raises(RegistryReadError) as err:
        read_tables(folder)
    p = err.value.problem
    return p.file, p.line, p.column, p.kind, p.value


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


SIZE = MAX_CELL + 5


@pytest.mark.parametrize(("label", "text"), [
    ("polars fast path", _patients("x" * SIZE)),
    ("csv module, one quoted line", _patients("x" * SIZE, '"')),
    ("csv module, quoted newline elsewhere", _patients("x" * SIZE, '"', newline_in_quotes=True)),
    ("general path (blank line, stray quote)", _patients("x" * SIZE).replace("\nP3", '\n\nP3').replace(",C", ',"C"')),
])
def test_a_csv_cell_over_the_limit_refuses_the_file(tmp_path: Path, label: str, text: str) -> None:
    folder = _write(tmp_path, {"patients.csv": text})
    file, line, column, kind, value = _refusal(folder)
    assert (file, line, column, kind) == ("patients.csv", 3, "name", "bad_file"), label
    assert f"{SIZE:,} characters" in value and len(value) < 200


def test_the_row_by_row_reader_gives_the_same_answer(tmp_path: Path) -> None:
    folder = _write(tmp_path, {"patients.csv": _patients("x" * SIZE, '"', newline_in_quotes=True)})
    with pytest.raises(RegistryReadError) as err:
        read_registry_by_rows(folder)
    p = err.value.problem
    assert (p.file, p.line, p.column, p.kind) == ("patients.csv", 3, "name", "bad_file")
    assert f"{SIZE:,} characters" in p.value


def test_a_parquet_cell_over_the_limit_refuses_the_file(tmp_path: Path) -> None:
    df = pl.read_csv(_patients("B").encode(), infer_schema=False)
    df = df.with_columns(pl.when(pl.col("patient_id") == "P2").then(pl.lit("x" * SIZE)).otherwise(pl.col("name"))
                         .alias("name"))
    df.write_parquet(tmp_path / "patients.parquet")
    file, line, column, kind, value = _refusal(tmp_path)
    assert (file, line, column, kind) == ("patients.csv", 3, "name", "bad_file")
    assert f"{SIZE:,} characters" in value


def test_a_sheet_cell_over_the_limit_refuses_the_file(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    with xlsxwriter.Workbook(str(tmp_path / "registry.xlsx"), {"strings_to_numbers": False}) as wb:
        ws = wb.add_worksheet("patients")
        for r, line in enumerate(_patients("B").splitlines()):
            ws.write_row(r, 0, line.split(","))
        ws.write_string(2, 9, "x" * 32_767)  # Excel's own cell limit is 32,767: a sheet cannot hold more
    load = read_tables(tmp_path)
    assert load.ok  # within the format's limit, so read as any cell
    assert load.tables.patients.filter(pl.col("patient_id") == "P2")["name"][0] == "x" * 32_767


def test_a_frame_of_a_sheet_over_the_limit_names_the_sheet() -> None:
    from smi_care.registry.file_state import sheet_name
    from smi_care.registry.frames import read_frame

    df = pl.read_csv(_patients("x" * SIZE).encode(), infer_schema=False)
    with pytest.raises(RegistryReadError) as err:
        read_frame(sheet_name("patients"), df, "xlsx")
    p = err.value.problem
    assert (p.file, p.line, p.column) == ("[registry.xlsx]patients", 3, "name")


def test_a_cell_at_the_limit_is_read(tmp_path: Path) -> None:
    for quoted in ("", '"'):
        folder = _write(tmp_path, {"patients.csv": _patients("x" * MAX_CELL, quoted)})
        load = read_tables(folder)
        assert load.ok, quoted
        assert load.tables.patients.filter(pl.col("patient_id") == "P2")["name"][0] == "x" * MAX_CELL


def test_long_field_names_the_column_and_size() -> None:
    header = ("a", "b")
    doubled = long_field('1,"' + 'y""' * 70_000 + '"\n2,3', header)  # "" is one quote character
    assert doubled is not None and doubled[0] == "b" and doubled[2] == 140_000
    found = long_field('1,"' + "y" * (MAX_CELL + 1) + '",z\n', header)
    assert found is not None and found[0] == "b" and found[2] == MAX_CELL + 1
    assert long_field("1,2\n" + "y" * (MAX_CELL + 1), header) is None


@pytest.mark.parametrize(("chars", "refused"), [(MAX_CELL, False), (MAX_CELL + 1, True)])
@pytest.mark.parametrize("compact", [False, True])
def test_the_limit_counts_characters_not_bytes(chars: int, refused: bool, compact: bool) -> None:
    """A cell of Chinese characters has three bytes each: MAX_CELL of them is over MAX_CELL bytes and
    still taken; one more is refused, with its size in characters (a cell of MAX_CELL ASCII bytes beside
    it is taken too)."""
    df = pl.DataFrame({"line": [2, 3, 4], "a": ["x" * MAX_CELL, "y", "z"], "doctor": ["李", "中" * chars, ""]})
    if compact:
        df = df.with_columns(pl.col("doctor").cast(pl.Categorical))
    if not refused:
        check_cell_sizes("patients.csv", df)
        return
    with pytest.raises(RegistryReadError) as err:
        check_cell_sizes("patients.csv", df)
    p = err.value.problem
    assert (p.line, p.column) == (3, "doctor") and f"{MAX_CELL + 1:,} characters" in p.reason
