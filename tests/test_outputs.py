"""What a county office sends upward or prints: names, area names, Excel, charts, trends,
DHIS2, FHIR and the worklist by area (issue 13)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.cli.main import main
from smi_care.domain.codes import EventKind
from smi_care.indicators import STANDARD_INDICATORS, Period, parse_by, report
from smi_care.indicators.output import to_csv, to_grid, to_json_data, to_table
from smi_care.indicators.trend import consecutive, period_label, trend
from smi_care.labels import find_indicator, group_label, item_status
from smi_care.registry import write_registry
from smi_care.registry.areas import AreaNames, read_areas
from smi_care.rules.worklist import NO_HEALTH_CHECK, ItemKind
from smi_care.synth import generate
from smi_care.testing import registries
from tests.engine_and_oracle import worklist

AREAS = Path(__file__).parent / "data" / "areas.csv"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_registry(generate(patients=150, seed=11), tmp_path_factory.mktemp("demo"))
    shutil.copy(AREAS, folder / "areas.csv")
    return folder


@pytest.fixture(scope="module")
def registry(demo: Path) -> object:
    from smi_care.registry import read_registry

    return read_registry(demo).registry


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("ind", STANDARD_INDICATORS, ids=lambda i: i.id)
def test_every_indicator_is_found_by_id_and_both_names(ind: object) -> None:
    assert find_indicator(ind.id) == ind  # type: ignore[attr-defined]
    assert find_indicator(ind.zh) == ind  # type: ignore[attr-defined]
    assert find_indicator(ind.en.upper()) == ind  # type: ignore[attr-defined]


def test_short_chinese_name_and_unknown_name() -> None:
    assert find_indicator("规范管理率").id == "standard_management_rate"
    assert find_indicator("规律服药率").id == "regular_medication_rate"
    with pytest.raises(KeyError, match="not an indicator"):
        find_indicator("满意度")
    with pytest.raises(KeyError, match="ambiguous"):
        find_indicator("服药")


def test_sex_and_disorder_groups_are_labelled() -> None:
    assert [group_label("sex", c) for c in ("1", "2")] == ["男", "女"]
    assert group_label("disorder", "1") == "精神分裂症" and group_label("disorder", "1", lang="en") == "schizophrenia"
    assert group_label("age", "15-34") == "15-34" and group_label(None, "") == "合计"


def test_grid_names_every_indicator_and_township(registry: object) -> None:
    rep = report(registry, Period.parse("2025"), by=parse_by("township"))  # type: ignore[arg-type]
    grid = to_grid(rep, areas=read_areas(AREAS.parent)[0])
    for ind in STANDARD_INDICATORS[:3]:
        assert f"{ind.zh} / {ind.en}" in grid
    assert "360102001 东湖街道" in grid and "360102002 公园街道" in grid
    assert "在册患者管理率" in to_table(rep, "zh") and "management rate" in to_table(rep, "en")


# --- area names ------------------------------------------------------------------------------

def test_areas_file_reads_names_and_reports_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "areas.csv").write_text(
        "\ufeffarea_code,name,level\n360102001,东湖街道,township\n36010,坏代码,township\n360102002,,township\n"
        "360102003,某街道,street\n360102001,又一个,township\n\n360102001001,青山社区,village\n", encoding="utf-8")
    names, problems = read_areas(tmp_path)
    assert names.label("360102001") == "360102001 东湖街道" and names.label("360102001001") == "360102001001 青山社区"
    assert [(p.line, p.column, p.kind) for p in problems] == [
        (3, "area_code", "bad_code"), (4, "name", "missing_required"), (5, "level", "bad_code"),
        (6, "area_code", "duplicate_area")]
    assert problems[0].value == "36010" and "street" in problems[2].reason


def test_areas_file_missing_column_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "areas.csv").write_text("area_code,name\n360102001,东湖街道\n", encoding="utf-8")
    names, problems = read_areas(tmp_path)
    assert len(names) == 0 and [(p.line, p.column, p.kind) for p in problems] == [(1, "level", "bad_header")]


def test_no_areas_file_is_no_names(tmp_path: Path) -> None:
    assert read_areas(tmp_path) == (AreaNames(), ())


@given(st.from_regex(r"[1-6][0-9]{8}", fullmatch=True))
def test_unknown_codes_show_as_the_code(code: str) -> None:
    names = AreaNames.of({"360102001": ("东湖街道", "township")})
    assert names.label(code) == (f"{code} 东湖街道" if code == "360102001" else code)


# --- trends ----------------------------------------------------------------------------------

@given(st.integers(2000, 2040), st.integers(1, 4), st.integers(0, 30))
def test_consecutive_quarters_are_contiguous(year: int, q: int, n: int) -> None:
    first = Period.quarter(year, q)
    last_index = year * 4 + q - 1 + n
    last = f"{last_index // 4}Q{last_index % 4 + 1}"
    periods = consecutive(f"{year}Q{q}..{last}")
    assert len(periods) == n + 1 and periods[0] == first and period_label(periods[-1]) == last
    assert all(b.start == a.end + dt.timedelta(days=1) for a, b in itertools.pairwise(periods))


def test_consecutive_rejects_mixed_kinds() -> None:
    with pytest.raises(ValueError, match="one kind"):
        consecutive("2024..2025Q1")
    with pytest.raises(ValueError, match="before the first"):
        consecutive("2025Q2..2025Q1")


def test_trend_rows_equal_each_period_report(registry: object) -> None:
    rows = trend(registry, "2025Q1..2025Q3", by=parse_by("township"))  # type: ignore[arg-type]
    for p in consecutive("2025Q1..2025Q3"):
        rep = report(registry, p, by=parse_by("township"))  # type: ignore[arg-type]
        mine = [(r.group, r.indicator, r.numerator, r.denominator, r.value) for r in rows
                if r.period == period_label(p)]
        assert mine == [(r.group, r.indicator, r.numerator, r.denominator, r.value) for r in rep.results]


def test_trend_on_tables_equals_trend_on_records(demo: Path, registry: object) -> None:
    from smi_care.registry import read_tables

    on_records = trend(registry, "2024Q3..2025Q2", by=parse_by("township"))  # type: ignore[arg-type]
    on_tables = trend(read_tables(demo).tables, "2024Q3..2025Q2", by=parse_by("township"))
    assert on_tables == on_records


# --- Excel -----------------------------------------------------------------------------------

def test_report_xlsx_opens_with_expected_sheets(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "r.xlsx"
    code, _, _ = run(capsys, "report", str(demo), "--period", "2025Q3", "--by", "township,sex", "--format", "xlsx",
                     "--output", str(out))
    assert code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["合计 2025Q3", "乡镇（街道）", "性别", "明细", "目标值", "说明"]
    town = wb["乡镇（街道）"]
    assert town.freeze_panes == "B2" and town["A1"].value == "分组" and town["C1"].value == "在册患者管理率"
    assert town["A2"].value == "360102001 东湖街道" and town.column_dimensions["A"].width >= 18
    assert [c.value for c in wb["性别"]["A"]][1:3] == ["男", "女"]
    data = json.loads(_json(capsys, demo, "2025Q3", "township"))
    by_key = {(r["indicator"], r["group"] or ""): r for r in data["results"]}
    header = [c.value for c in town[1]]
    for row in town.iter_rows(min_row=2):
        group = "" if row[0].value == "合计" else str(row[0].value).split()[0]
        for cell, name in zip(row[1:], header[1:], strict=True):
            r = by_key[(find_indicator(name).id, group)]
            if r["value"] is None:
                assert cell.value is None
                continue
            expected = r["value"] / 100 if r["unit"] == "%" else r["value"]
            assert cell.value == pytest.approx(expected)
            assert cell.number_format == ("0.0%" if r["unit"] == "%" else '0.00"‰"')
            assert (cell.fill.fgColor.rgb == "FFFFC7CE") == (r["met"] is False)
    targets = wb["目标值"]
    assert targets["F1"].value == "目标来源"
    # the national targets are annual: a quarter is not judged against them, and the workbook says so
    assert [row[0].value for row in targets.iter_rows(min_row=2)] == []
    assert any("targets not judged on this quarter" in str(c.value) for c in wb["说明"]["A"])


def _json(capsys: pytest.CaptureFixture[str], demo: Path, period: str, by: str) -> str:
    code, out, _ = run(capsys, "report", str(demo), "--period", period, "--by", by, "--format", "json")
    assert code == 0
    return out


def test_worklist_xlsx_has_a_sheet_per_township(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "w.xlsx"
    assert run(capsys, "worklist", str(demo), "--on", "2025-12-01", "--format", "xlsx", "--output", str(out))[0] == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "全部" and "360102001 东湖街道" in wb.sheetnames
    all_rows = wb["全部"].max_row - 1
    assert sum(wb[n].max_row - 1 for n in wb.sheetnames[1:]) == all_rows > 0
    assert wb["全部"]["C1"].value == "事项" and wb["全部"]["G1"].value == "下一步"


def test_validate_xlsx(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "v.xlsx"
    assert run(capsys, "validate", str(demo), "--format", "xlsx", "--output", str(out), "--lang", "en")[0] == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["files", "problems", "findings"] and "patients.csv" in [c.value for c in wb["files"]["A"]]


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, _, err = run(capsys, "report", str(demo), "--period", "2025", "--format", "xlsx")
    assert code == 2 and "--output" in err


# --- charts ----------------------------------------------------------------------------------

def test_chart_renders_chinese_glyphs(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from fontTools.ttLib import TTFont
    from matplotlib import image

    from smi_care.export.chart import cjk_font

    font = cjk_font()
    assert font is not None, "the charts need a CJK font (mplfonts)"
    cmap = TTFont(font, lazy=True).getBestCmap()
    text = "".join(i.zh for i in STANDARD_INDICATORS) + "东湖街道公园街道目标值指标趋势"
    assert all(ord(ch) in cmap for ch in text)
    png = tmp_path / "c.png"
    code, _, err = run(capsys, "chart", str(demo), "--period", "2025", "--output", str(png))
    assert code == 0 and "Warning" not in err
    pixels = image.imread(png)
    assert pixels.shape[0] > 300 and pixels[..., :3].std() > 0.05  # not blank
    svg = tmp_path / "t.svg"
    assert run(capsys, "chart", str(demo), "--periods", "2024Q1..2025Q4", "--output", str(svg),
               "--indicator", "规范管理率")[0] == 0
    assert svg.read_text(encoding="utf-8").startswith("<?xml")


def test_chart_falls_back_to_english_with_a_warning(monkeypatch: pytest.MonkeyPatch, registry: object,
                                                    tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from smi_care.export import chart

    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    rep = report(registry, Period.parse("2025"), by=parse_by("township"))  # type: ignore[arg-type]
    with pytest.warns(UserWarning, match="English labels"):
        chart.chart_by_area(rep, tmp_path / "c.svg", ("management_rate",))
    assert "management rate" in (tmp_path / "c.svg").read_text(encoding="utf-8")


# --- DHIS2 and FHIR --------------------------------------------------------------------------

MAPPING = "kind,key,dhis2_id\n" + "".join(
    f"indicator,{i.id},DE{n:03d}\nindicator,{i.id}.numerator,DN{n:03d}\n" for n, i in enumerate(STANDARD_INDICATORS)
) + "coc,default,HllvX50cXC0\norgunit,total,OUcounty\norgunit,360102001,OUdonghu\norgunit,360102002,OUgongyuan\n"


def test_dhis2_values_equal_the_json_report(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "m.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    code, out, err = run(capsys, "report", str(demo), "--period", "2025Q3", "--by", "township", "--format",
                         "dhis2-json", "--mapping", str(mapping))
    # one note on what was not sent, and (issue 14) the report's one warning: annual targets not judged on a quarter
    assert code == 0 and "not sent to DHIS2" in err and "/360102003" in err and err.count("\n") == 2
    assert err.startswith("warning: targets not judged on this quarter")
    dvs = json.loads(out)
    assert dvs["period"] == "2025Q3"
    data = json.loads(_json(capsys, demo, "2025Q3", "township"))
    ous = {"OUcounty": None, "OUdonghu": "360102001", "OUgongyuan": "360102002"}
    des = {f"DE{n:03d}": i.id for n, i in enumerate(STANDARD_INDICATORS)}
    nums = {f"DN{n:03d}": i.id for n, i in enumerate(STANDARD_INDICATORS)}
    by_key = {(r["indicator"], r["area"]): r for r in data["results"]}
    checked = 0
    for v in dvs["dataValues"]:
        if v["dataElement"] in des:
            r = by_key[(des[v["dataElement"]], ous[v["orgUnit"]])]
            assert float(v["value"]) == pytest.approx(r["value"], abs=1e-4)
        else:
            assert int(v["value"]) == by_key[(nums[v["dataElement"]], ous[v["orgUnit"]])]["numerator"]
        assert v["period"] == "2025Q3" and v["categoryOptionCombo"] == "HllvX50cXC0"
        checked += 1
    assert checked >= 3 * len(STANDARD_INDICATORS)
    code, out, _ = run(capsys, "report", str(demo), "--period", "2025-07", "--format", "dhis2-csv", "--mapping",
                       str(mapping))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["period"] == "202507" and rows[0]["orgunit"] == "OUcounty"


def test_dhis2_needs_a_mapping_and_a_calendar_period(capsys: pytest.CaptureFixture[str], demo: Path,
                                                     tmp_path: Path) -> None:
    assert "--mapping" in run(capsys, "report", str(demo), "--period", "2025", "--format", "dhis2-json")[2]
    mapping = tmp_path / "m.csv"
    mapping.write_text("kind,key,dhis2_id\nbogus,x,y\n", encoding="utf-8")
    code, _, err = run(capsys, "report", str(demo), "--period", "2025", "--format", "dhis2-json", "--mapping",
                       str(mapping))
    assert code == 2 and "line 2 column kind" in err
    mapping.write_text(MAPPING, encoding="utf-8")
    code, _, err = run(capsys, "report", str(demo), "--period", "2025-01-01..2025-02-10", "--format", "dhis2-json",
                       "--mapping", str(mapping))
    assert code == 2 and "no DHIS2 period id" in err


def test_fhir_bundle_validates_and_equals_the_json_report(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    pytest.importorskip("fhir.resources")
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.measure import Measure
    from fhir.resources.R4B.measurereport import MeasureReport

    code, out, _ = run(capsys, "report", str(demo), "--period", "2025Q3", "--by", "township", "--format", "fhir")
    assert code == 0
    bundle = json.loads(out)
    Bundle.model_validate(bundle)
    data = json.loads(_json(capsys, demo, "2025Q3", "township"))
    by_key = {(r["indicator"], r["area"]): r for r in data["results"]}
    reports = 0
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "Measure":
            m = Measure.model_validate(res)
            assert m.scoring.coding[0].code == "proportion"
            continue
        mr = MeasureReport.model_validate(res)
        ind = res["measure"].rsplit("/", 1)[1]
        group = mr.group[0]
        total = by_key[(ind, None)]
        pops = {p.code.coding[0].code: p.count for p in group.population}
        assert pops["numerator"] == total["numerator"] and pops.get("denominator") == total["denominator"]
        strata = group.stratifier[0].stratum
        assert len(strata) == sum(1 for k in by_key if k[0] == ind and k[1] is not None)
        for s in strata:
            r = by_key[(ind, s.value.coding[0].code)]
            assert {p.code.coding[0].code: p.count for p in s.population}["numerator"] == r["numerator"]
            if r["value"] is not None:
                assert float(s.measureScore.value) == pytest.approx(r["value"], abs=1e-6)
        reports += 1
    assert reports == len(STANDARD_INDICATORS)


# --- worklist --------------------------------------------------------------------------------

def test_worklist_order_alerts_then_overdue_followups_then_the_rest(registry: object) -> None:
    items = worklist(registry, dt.date(2025, 12, 1), covers=registry.covers)  # type: ignore[arg-type,attr-defined]
    ranks = [0 if i.kind.is_alert else 1 if i.kind is ItemKind.FOLLOWUP_OVERDUE else 2 for i in items]
    assert ranks == sorted(ranks) and 1 in ranks and 2 in ranks


def test_never_done_health_check_is_one_line(registry: object) -> None:
    on = dt.date(2025, 12, 1)
    items = [i for i in worklist(registry, on, covers=registry.covers)  # type: ignore[arg-type,attr-defined]
             if i.kind is ItemKind.HEALTH_CHECK_DUE]
    recs = {r.patient.patient_id: r for r in registry}  # type: ignore[attr-defined]
    for i in items:
        never = not any(e.kind is EventKind.HEALTH_CHECK and e.date <= on for e in recs[i.patient_id].events)
        assert (i.detail == NO_HEALTH_CHECK) == never
    assert item_status("health_check_due", "2010-05-01", 5622, NO_HEALTH_CHECK, "en") == NO_HEALTH_CHECK
    assert "5622" not in item_status("followup_overdue", "2010-05-01", 5622, lang="en")


def test_worklist_by_area_in_chinese(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "worklist", str(demo), "--on", "2025-12-01", "--area", "360102001", "--format", "json")
    items = json.loads(out)["items"]
    assert code == 0 and items and all(i["township"] == "360102001 东湖街道" for i in items)
    assert {i["kind_name"] for i in items} <= {"随访逾期", "随访到期", "首次随访", "健康体检", "报告期限", "预警：报告公安",
                                          "预警：应急处置记录缺失", "预警：未签知情同意书"}
    assert all(i["next_action"] for i in items) and {i["kind"] for i in items} <= {k.value for k in ItemKind}
    code, out, _ = run(capsys, "worklist", str(demo), "--on", "2025-12-01", "--area", "360102001", "--group-by",
                       "village", "--lang", "en")
    assert code == 0 and "360102001" in out and "360102002" not in out
    assert run(capsys, "worklist", str(demo), "--on", "2025-12-01", "--area", "999999")[0] == 2


# --- small things ----------------------------------------------------------------------------

def test_csv_for_excel_has_a_bom_and_sex_names(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "report", str(demo), "--period", "2025", "--by", "sex", "--format", "csv")
    assert code == 0 and out.startswith("\ufeffindicator,")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert {r["group_label"] for r in rows} == {"合计", "男", "女"}
    assert run(capsys, "worklist", str(demo), "--on", "2025-12-01", "--format", "csv")[1].startswith("\ufeff")


def test_indicator_by_chinese_name_on_the_command_line(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "report", str(demo), "--period", "2025", "--indicator", "规范管理率", "--format", "json")
    assert code == 0 and {r["indicator"] for r in json.loads(out)["results"]} == {"standard_management_rate"}
    code, _, err = run(capsys, "report", str(demo), "--period", "2025", "--indicator", "满意度")
    assert code == 2 and "满意度" in err


def test_by_help_lists_every_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for b in ("province", "city", "county", "township", "village", "sex", "age", "disorder"):
        assert b in out


def test_periods_on_the_command_line(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "report", str(demo), "--periods", "2024Q3..2025Q2", "--by", "township", "--format",
                       "json")
    rows = json.loads(out)["rows"]
    assert code == 0 and [p for p in dict.fromkeys(r["period"] for r in rows)] == ["2024Q3", "2024Q4", "2025Q1",
                                                                                   "2025Q2"]


def test_json_records_carry_both_names(registry: object) -> None:
    rep = report(registry, Period.parse("2025"), by=parse_by("sex"))  # type: ignore[arg-type]
    r = to_json_data(rep)["results"][1]
    assert r["name"] == "报告患病率" and r["name_en"] == "reported prevalence" and r["group_label"] in ("男", "女")
    assert to_csv(rep, bom=True).startswith("\ufeff") and not to_csv(rep).startswith("\ufeff")


def test_demo_names_every_indicator_it_shows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "d"), "--patients", "60")
    assert code == 0
    for ind in ("报告患病率 / reported prevalence", "在册患者规范管理率 / standard management rate",
                "心理疏导服务率 / counselling rate"):
        assert ind in out


# --- properties: every export carries the report's numbers --------------------------------

_periods = st.sampled_from([Period.year(2025), Period.quarter(2025, 3), Period.month(2025, 2)])
_bys = st.sampled_from([None, "county", "township", "village", "sex", "age", "disorder"])


@given(registries(), _periods, _bys)
def test_fhir_counts_equal_the_report(reg: object, period: Period, by: str | None) -> None:
    from smi_care.export.fhir import bundle

    rep = report(reg, period, by=parse_by(by))  # type: ignore[arg-type]
    b = bundle(rep)
    for e in b["entry"]:
        res = e["resource"]
        if res["resourceType"] != "MeasureReport":
            continue
        ind = res["measure"].rsplit("/", 1)[1]
        group = res["group"][0]
        total = rep.result(ind)
        assert group["population"][0]["count"] == total.numerator
        assert [p["count"] for p in group["population"][1:]] == ([] if total.denominator is None else
                                                                 [total.denominator])
        strata = group.get("stratifier", [{"stratum": []}])[0]["stratum"]
        assert [(s["value"]["coding"][0]["code"], s["population"][0]["count"]) for s in strata] == [
            (r.group, r.numerator) for r in rep.results if r.indicator == ind and r.group]


@given(registries(), _periods, st.sampled_from([None, "county", "township"]))
def test_dhis2_values_equal_the_report(reg: object, period: Period, by: str | None) -> None:
    from smi_care.export.dhis2 import Dhis2Mapping, data_value_set

    rep = report(reg, period, by=parse_by(by))  # type: ignore[arg-type]
    areas = {r.area for r in rep.results if r.area}
    mapping = Dhis2Mapping({f"{i.id}.numerator": i.id for i in STANDARD_INDICATORS},
                           {"total": "total", **{a: a for a in areas}})
    dvs = data_value_set(rep, mapping)
    sent = {(v["dataElement"], v["orgUnit"]): int(v["value"]) for v in dvs.data_values}
    expected = {(r.indicator, r.area or "total"): r.numerator for r in rep.results if not r.group or r.area}
    assert sent == expected
    assert dvs.unmapped == tuple(f"{r.indicator}/{r.group}" for r in rep.results if r.group and not r.area)
