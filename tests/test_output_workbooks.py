"""Issue 24, "What it must show": every workbook the CLI writes prints and reads as a finished
document — A4, fitted to one page wide (landscape where wide), the header row repeated on each
printed page, a printed title naming the period, headings in Chinese (English with --lang en),
widths by display width, and no raw number beside a formatted one in the same column."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from smi_care.cli.main import main
from smi_care.export.terminal import display_width
from smi_care.synth import write_province

openpyxl = pytest.importorskip("openpyxl")

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_province(tmp_path_factory.mktemp("books"), patients=300, seed=3)


WORKBOOKS: dict[str, tuple[list[str], str]] = {
    # name: (arguments, a text the printed title must hold)
    "report year": (["report", "{f}", "--period", "2025", "--by", "township,village", "--format", "xlsx"], "2025"),
    "report quarter": (["report", "{f}", "--period", "2025Q3", "--by", "township", "--format", "xlsx"], "2025Q3"),
    "worklist": (["worklist", "{f}", "--on", "2025-12-01", "--format", "xlsx"], "随访工作清单"),
    "key-patients": (["key-patients", "{f}", "--on", "2025-09-30", "--format", "xlsx"], "2025-09-30"),
    "suspected": (["suspected", "{f}", "--on", "2023-06-30", "--waiting-days", "1", "--format", "xlsx"], "2023-06-30"),
    "assessments-due": (["assessments-due", "{f}", "--on", "2025-09-30", "--format", "xlsx"], "2025-09-30"),
    "validate": (["validate", "{f}", "--format", "xlsx"], "登记数据核查"),
    "programme": (["programme", "{f}", "--period", "2025Q3", "--format", "xlsx"], "2025Q3"),
    "merge": (["merge", "{p}", "--format", "xlsx"], "2025"),
}


def _write(name: str, county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    args, _ = WORKBOOKS[name]
    partial = tmp_path / "p.json"
    if name == "merge":
        assert main(["report", str(county), "--period", "2025", "--by", "township", "--format", "json",
                     "--save-partial", str(partial)]) == 0
    out = tmp_path / "book.xlsx"
    code = main([a.format(f=county, p=partial) for a in args] + ["--output", str(out), *extra])
    assert code in (0, 1), capsys.readouterr().err
    return openpyxl.load_workbook(out)


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_every_workbook_prints_as_a_document(name: str, county: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    wb = _write(name, county, tmp_path, capsys)
    _, titled = WORKBOOKS[name]
    for ws in wb.worksheets:
        where = f"{name}: sheet {ws.title}"
        assert ws.page_setup.paperSize == 9, where  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, where  # 1 page wide
        assert ws.print_title_rows == "$1:$1", where  # the header row on every printed page
        assert titled in ws.oddHeader.center.text and ws.oddFooter.center.text, where
        widths = sum(_width(ws, c.column) for c in ws[1])
        assert ws.page_setup.orientation == ("landscape" if widths > 95 else "portrait"), where
        assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7", where  # a styled header
        assert ws.freeze_panes in ("A2", "B2"), where
        # headings in Chinese
        heads = [c.value for c in ws[1] if c.value]
        assert heads and all(CJK.search(str(h)) for h in heads), (where, heads)
        _formats_agree(ws, where)


def _width(ws: Any, column: int) -> float:
    """The width set for a column (xlsxwriter writes equal neighbours as one range), less the
    padding Excel adds to the width written."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= column <= dim.max:
            return float(dim.width) - 0.7109375
    return 8.43


def _formats_agree(ws: Any, where: str) -> None:
    """No raw number beside a formatted one in the same column, and every text fits its column
    (or is wrapped)."""
    for column in ws.iter_cols(min_row=2):
        if not column:
            continue
        numbers = [c for c in column if isinstance(c.value, int | float) and not isinstance(c.value, bool)]
        shown = {c.number_format != "General" for c in numbers}
        assert len(shown) <= 1, f"{where}: column {column[0].column_letter} mixes raw and formatted numbers"
        width = _width(ws, column[0].column)
        for c in column:
            if isinstance(c.value, str) and display_width(c.value) > width:
                assert c.alignment.wrap_text, f"{where}: {c.coordinate} overflows its column unwrapped"


def test_report_workbook_targets_and_groups(county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _write("report year", county, tmp_path, capsys)
    detail = wb["明细"]
    heads = [c.value for c in detail[1]]
    value, target, group = heads.index("值") + 1, heads.index("目标值") + 1, heads.index("分组") + 1
    rows = list(detail.iter_rows(min_row=2))
    assert {r[group - 1].value for r in rows} <= {"乡镇（街道）", "村（居）", None}
    for r in rows:
        if r[target - 1].value is not None and r[value - 1].value is not None:
            assert r[target - 1].number_format == r[value - 1].number_format  # 80% beside 94.3%, never 80
    totals = wb[wb.sheetnames[0]]
    t_heads = [c.value for c in totals[1]]
    for r in totals.iter_rows(min_row=2):
        tv, vv = r[t_heads.index("目标值")], r[t_heads.index("值")]
        if tv.value is not None:
            assert tv.number_format == vv.number_format in ("0.0%", '0.00"‰"')
            assert tv.value <= 1.0 or vv.number_format == '0.00"‰"'  # 80 % stored as 0.8
    wide = wb["明细"]
    assert wide.page_setup.orientation == "landscape"


def test_the_remarks_sheet_is_wrapped_on_a_page(county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    wb = _write("report quarter", county, tmp_path, capsys)
    notes = wb["说明"]
    assert _width(notes, 1) <= 92 and notes.page_setup.orientation == "portrait"
    assert all(c.alignment.wrap_text for c in notes["A"][1:]) and notes.row_dimensions[2].height > 15


def test_key_patient_workbook_is_in_chinese(county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _write("key-patients", county, tmp_path, capsys)
    first = wb["全部"]
    heads = [c.value for c in first[1]]
    assert heads[:4] == ["乡镇（街道）", "患者编号", "地区", "重点管理原因"]
    reasons = [r[3].value for r in first.iter_rows(min_row=2)]
    assert reasons and all(CJK.search(x) and "risk level" not in x and "follow-up" not in x for x in reasons)
    villages = [r[2].value for r in first.iter_rows(min_row=2)]
    assert all(CJK.search(v) for v in villages)  # villages with their names, not bare codes
    town = _width(first, 1)
    assert town >= max(display_width(r[0].value) for r in first.iter_rows(min_row=2))


def test_english_workbooks_with_lang_en(county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _write("key-patients", county, tmp_path, capsys, "--lang", "en")
    assert wb.sheetnames[0] == "all" and wb["all"]["D1"].value == "reasons"
    wb = _write("programme", county, tmp_path, capsys, "--lang", "en")
    assert wb.sheetnames[:2] == ["programme", "indicators"]
