"""Issue 20, "What to build" 1: no text that reaches an export runs as a formula in a clerk's
spreadsheet (OWASP CSV injection). Every text field that reaches an output is planted with a
leading ``=``, ``+``, ``-``, ``@`` or tab (patient ids, case ids, area names, a rejected cell
``=HYPERLINK("http://x","y")``, a target's source), then every export the CLI writes is read
back: no cell of a workbook is a formula (openpyxl's ``data_type == "f"``) and every CSV cell
that starts with one of those characters carries the ``'`` prefix."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from smi_care.cli.main import main
from smi_care.export.cells import FORMULA_STARTS, csv_cell, csv_text, safe_text
from smi_care.synth import write_province

openpyxl = pytest.importorskip("openpyxl")

PREFIXES = ("=", "+", "-", "@", "\t=")
HYPERLINK = '=HYPERLINK("http://x","y")'
ID_COLUMNS = ("patient_id", "case_id", "team_id")


def _rewrite(path: Path, change: dict[str, dict[str, str]]) -> None:
    """Rewrite ``path`` (a CSV) with each column of ``change`` mapped (unmapped values kept)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for row in rows[1:]:
        for c, name in enumerate(head):
            if name in change and c < len(row):
                row[c] = change[name].get(row[c], row[c])
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_province(tmp_path_factory.mktemp("hostile"), patients=240, seed=5)
    ids: dict[str, dict[str, str]] = {c: {} for c in ID_COLUMNS}
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in ID_COLUMNS:
                    value = row.get(col)
                    if value and value not in ids[col]:
                        n = len(ids[col])
                        ids[col][value] = PREFIXES[n % len(PREFIXES)] + value if n % 2 == 0 else value
    for file in sorted(folder.glob("*.csv")):
        if file.name != "areas.csv":
            _rewrite(file, ids)
    names: dict[str, str] = {}
    with (folder / "areas.csv").open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            names[row["name"]] = PREFIXES[n % len(PREFIXES)] + row["name"]
    for row in csv.DictReader((folder / "areas.csv").open(encoding="utf-8")):
        if row["level"] == "township":  # a sheet name needs cleaning too (InvalidWorksheetName)
            names[row["name"]] = names[row["name"]][:2] + "/" + names[row["name"]][2:] + "*"
    _rewrite(folder / "areas.csv", {"name": names})
    # a rejected cell: a follow-up whose visit date is a formula
    with (folder / "followups.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows.append([rows[3][0], HYPERLINK, *rows[3][2:]])
    with (folder / "followups.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    (folder / "targets.csv").write_text("indicator,year,threshold,source\n"
                                        'management_rate,2025,85,"@SUM(1+1)*cmd|\' /C calc\'!A0"\n', encoding="utf-8")
    return folder


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _live_csv_cells(text: str) -> list[str]:
    """The cells a spreadsheet would read as a formula (a plain number such as -2 is a number)."""
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for cell in row
            if cell.startswith(FORMULA_STARTS) and not _number(cell)]


def _prefixed(text: str) -> int:
    return sum(cell.startswith(("'=", "'+", "'-", "'@", "'\t")) for row in csv.reader(io.StringIO(text, newline=""))
               for cell in row)


CSV_EXPORTS = {
    "report": ["report", "{f}", "--period", "2025", "--by", "township", "--format", "csv", "--targets",
               "{f}/targets.csv"],
    "trend": ["report", "{f}", "--periods", "2024Q4..2025Q1", "--by", "township", "--format", "csv"],
    "classify": ["classify", "{f}/followups.csv"],
    "worklist": ["worklist", "{f}", "--on", "2025-12-01", "--format", "csv"],
    "key-patients": ["key-patients", "{f}", "--on", "2025-09-30", "--format", "csv"],
    "suspected": ["suspected", "{f}", "--on", "2023-06-30", "--waiting-days", "1", "--format", "csv"],
    "assessments-due": ["assessments-due", "{f}", "--on", "2025-09-30", "--format", "csv"],
    "guardians": ["guardians", "{f}", "--period", "2025", "--format", "csv"],
}


@pytest.mark.parametrize("name", list(CSV_EXPORTS))
def test_no_live_cell_in_any_csv_export(name: str, hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.format(f=hostile) for a in CSV_EXPORTS[name]]
    assert main(argv) in (0, 1)
    out = capsys.readouterr().out
    assert _live_csv_cells(out) == []
    if name not in ("trend", "assessments-due"):  # these show codes and figures only
        assert _prefixed(out) > 0  # the planted values did reach the export, made safe


XLSX_EXPORTS = {
    "report": ["report", "{f}", "--period", "2025", "--by", "township,village", "--format", "xlsx", "--targets",
               "{f}/targets.csv"],
    "worklist": ["worklist", "{f}", "--on", "2025-12-01", "--format", "xlsx"],
    "worklist by village": ["worklist", "{f}", "--on", "2025-12-01", "--format", "xlsx", "--group-by", "village"],
    "key-patients": ["key-patients", "{f}", "--on", "2025-09-30", "--format", "xlsx"],
    "suspected": ["suspected", "{f}", "--on", "2023-06-30", "--waiting-days", "1", "--format", "xlsx"],
    "assessments-due": ["assessments-due", "{f}", "--on", "2025-09-30", "--format", "xlsx"],
    "validate": ["validate", "{f}", "--format", "xlsx"],
    "programme": ["programme", "{f}", "--period", "2025Q3", "--format", "xlsx"],
}


@pytest.mark.parametrize("name", list(XLSX_EXPORTS))
def test_no_formula_in_any_workbook(name: str, hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    out = tmp_path / "out.xlsx"
    argv = [a.format(f=hostile) for a in XLSX_EXPORTS[name]] + ["--output", str(out)]
    assert main(argv) in (0, 1), capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    planted = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    if name != "programme":  # the programme report shows codes and figures only
        assert planted, "no planted value reached the workbook"
    assert all(c.data_type == "s" for c in planted)


def test_the_validate_workbook_holds_the_rejected_formula_as_text(hostile: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "v.xlsx"
    assert main(["validate", str(hostile), "--format", "xlsx", "--output", str(out)]) == 1
    texts = [c.value for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in texts)


def test_a_township_name_with_a_slash_makes_a_safe_sheet_name(hostile: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "k.xlsx"
    assert main(["key-patients", str(hostile), "--on", "2025-09-30", "--format", "xlsx", "--output", str(out)]) == 0
    names = openpyxl.load_workbook(out).sheetnames
    assert names[0] == "全部" and len(names) > 2 and all("_" in n for n in names[1:])


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "=HYPERLINK(\"x\")"])
def test_every_formula_start_is_prefixed(text: str) -> None:
    assert safe_text(text) == csv_cell(text) == "'" + text.replace("\r", "\n")
    assert _live_csv_cells(csv_text(["a"], [[text]])) == []


@pytest.mark.parametrize("value", ["abc", "东湖街道", "1-2", "a=b", "'=x", 3, -3, 2.5, None])
def test_harmless_values_are_kept(value: object) -> None:
    expected = "" if value is None else str(value)
    assert csv_cell(value) == expected
