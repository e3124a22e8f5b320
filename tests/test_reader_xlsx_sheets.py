"""A problem in a sheet of registry.xlsx is listed under the sheet's name, written as Excel
writes a reference to another workbook (``[registry.xlsx]followups``), with the value shown and
the sheet's row number; counts and encodings stay keyed by the table's file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from smi_care.registry import read_tables
from smi_care.registry.file_state import sheet_name

PATIENTS = [
    ["patient_id", "sex", "birth_date", "area_code", "disorder", "diagnosis_date", "registered_on", "consent",
     "consent_date"],
    ["P1", "1", "1980-01-02", "110105001002", "1", "2020-05-01", "2020-05-08", "1", "2020-05-08"],
    ["P2", "2", "1981-03-04", "110105001002", "9", "2020-05-01", "2020-05-08", "0", ""],
]
FOLLOWUPS = [
    ["patient_id", "visit_date", "form", "risk_level"],
    ["P1", "2025-02-01", "3", ""],
    ["P1", "2025-03-01", "3", "7"],
    ["P9", "2025-03-01", "3", ""],
]
EVENTS = [["patient_id", "date"], ["P1", "2025-04-01"]]  # no event column


def _workbook(folder: Path, sheets: dict[str, list[list[str]]]) -> Path:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    with xlsxwriter.Workbook(str(folder / "registry.xlsx"), {"strings_to_numbers": False}) as wb:
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
    return folder


def test_problems_of_a_sheet_name_the_sheet(tmp_path: Path) -> None:
    load = read_tables(_workbook(tmp_path, {"patients": PATIENTS, "followups": FOLLOWUPS, "events": EVENTS}))
    found = [(p.file, p.line, p.column, p.value, p.kind) for p in load.problems]
    assert ("[registry.xlsx]patients", 3, "disorder", "9", "bad_code") in found
    assert ("[registry.xlsx]followups", 3, "risk_level", "7", "bad_code") in found
    assert ("[registry.xlsx]followups", 4, "patient_id", "P9", "unknown_patient") in found
    missing = [p for p in load.file_problems if p.kind == "missing_column"]
    assert [(p.file, p.column) for p in missing] == [("[registry.xlsx]events", "event")]
    assert not any(p.file.endswith(".csv") for p in load.problems)
    assert load.counts_for("followups.csv").rejected == 2
    assert load.encodings["followups.csv"] == "xlsx"
    assert sheet_name("followups") == "[registry.xlsx]followups"


def test_sheet_problems_keep_the_table_order(tmp_path: Path) -> None:
    load = read_tables(_workbook(tmp_path, {"followups": FOLLOWUPS, "patients": PATIENTS}))
    files = [p.file for p in load.problems if p.kind not in ("encoding", "unknown_file")]
    assert files == sorted(files, key=["[registry.xlsx]patients", "[registry.xlsx]followups"].index)
