"""The county programme: suspected cases, assessments, key patients, campaigns, the programme report."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smi_care.cli.main import main
from smi_care.domain.assessment import Assessment, AssessmentKind, InstitutionLevel
from smi_care.domain.codes import Disorder
from smi_care.domain.errors import DomainError
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.suspected import ExclusionReason, SuspectedCase, SuspectOutcome, SuspectSource
from smi_care.indicators.expr import holds
from smi_care.indicators.periods import Period
from smi_care.programme import assessments, campaigns, case_finding, key_patients
from smi_care.programme.report import SECTIONS, programme_facts, programme_report, read_programme, to_text
from smi_care.registry.programme_files import SUSPECTED_SPEC, read_assessments, read_suspected, read_unlocking
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province

D = dt.date
AREA = AreaCode("360102001001")
HEADER = ("case_id,reported_on,source,area_code,endangers_others,screened_on,referred_on,diagnosed_on,disorder,"
          "patient_id,enrolled_on,excluded_on,exclusion_reason,resident_id\n")
PATIENTS = ("patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date,"
            "resident_id\n"
            "P1,1,1980-01-02,360102001001,1,2025-07-20,2025-07-25,1,2025-07-25,110105198001020011\n")


@pytest.fixture(scope="module")
def county() -> Path:
    return write_province(Path(tempfile.mkdtemp()) / "county", patients=1500, seed=11, include_identifying=True)


def _folder(**files: str) -> Path:
    d = Path(tempfile.mkdtemp())
    (d / "patients.csv").write_text(files.pop("patients", PATIENTS), encoding="utf-8")
    for name, text in files.items():
        (d / f"{name}.csv").write_text(text, encoding="utf-8")
    return d


# --- suspected cases: the domain value ------------------------------------------------------------

days = st.one_of(st.none(), st.dates(D(2024, 1, 1), D(2025, 12, 31)))


@st.composite
def case_rows(draw: Any) -> dict[str, Any]:
    return {"case_id": "S1", "reported_on": draw(st.dates(D(2024, 1, 1), D(2025, 12, 31))),
            "source": draw(st.sampled_from([s.code for s in SuspectSource])), "area_code": AREA.code,
            "endangers_others": draw(st.booleans()), "screened_on": draw(days), "referred_on": draw(days),
            "diagnosed_on": draw(days), "disorder": draw(st.one_of(st.none(), st.sampled_from([1, 4]))),
            "patient_id": draw(st.sampled_from([None, "P1"])), "enrolled_on": draw(days), "excluded_on": draw(days),
            "exclusion_reason": draw(st.one_of(st.none(), st.sampled_from([e.code for e in ExclusionReason]))),
            "name": None, "resident_id": None}


def _build(row: dict[str, Any]) -> SuspectedCase | None:
    from smi_care.registry.programme_files import suspected_case

    try:
        return suspected_case(row)
    except DomainError:
        return None


@given(case_rows())
def test_a_suspected_case_is_never_both_enrolled_and_excluded(row: dict[str, Any]) -> None:
    case = _build(row)
    if case is not None:
        assert not (case.patient_id is not None and case.excluded_on is not None)
        assert (case.outcome is SuspectOutcome.ENROLLED) == (case.patient_id is not None)


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


@settings(max_examples=40)
@given(st.lists(case_rows(), min_size=1, max_size=6))
def test_the_reader_accepts_a_row_exactly_when_the_domain_does(rows: list[dict[str, Any]]) -> None:
    lines = []
    for i, r in enumerate(rows):
        r = {**r, "case_id": f"S{i}"}
        rows[i] = r
        lines.append(",".join(_csv_cell(r[c]) for c in HEADER.strip().split(",")))
    d = _folder(suspected_cases=HEADER + "\n".join(lines) + "\n")
    load = read_suspected(d, read_tables(d).tables.patients)
    accepted = set(load.table.get_column("case_id").to_list())
    assert accepted == {r["case_id"] for r in rows if _build(r) is not None}
    assert load.counts.read == load.counts.accepted + load.counts.rejected == len(rows)
    rejected_lines = {p.line for p in load.problems}
    assert len(rejected_lines) == load.counts.rejected  # every rejected row is named


def test_an_enrolled_case_and_its_patient_are_the_same_person() -> None:
    row = "S1,2025-07-03,3,360102001001,1,,,2025-07-20,1,P1,2025-07-25,,,{rid}\n"
    same = _folder(suspected_cases=HEADER + row.format(rid="110105198001020011"))
    load = read_suspected(same, read_tables(same).tables.patients)
    assert load.counts.accepted == 1 and not load.problems
    other = _folder(suspected_cases=HEADER + row.format(rid="110105198001020038"))
    load = read_suspected(other, read_tables(other).tables.patients)
    assert load.counts.accepted == 0
    (p,) = load.problems
    assert (p.line, p.column, p.value, p.kind) == (2, "resident_id", "<hidden>", "rule")
    assert "same person" in p.reason and "110105198001020038" not in str(p)


def test_synthetic_enrolled_cases_have_the_identity_of_their_patient(county: Path) -> None:
    tables = read_tables(county).tables
    data = read_programme(county, tables)
    assert not data.problems
    s = data.table("suspected_cases").filter(pl.col("patient_id").is_not_null())
    joined = s.join(tables.patients.select("patient_id", pid_rid="resident_id", pid_name="name"), on="patient_id")
    assert joined.height == s.height > 0
    assert (joined["resident_id"] == joined["pid_rid"]).all() and (joined["name"] == joined["pid_name"]).all()


def test_bad_rows_of_every_programme_file_are_named() -> None:
    d = _folder(
        suspected_cases=HEADER + "S1,2025-07-03,3,360102001001,1,,,2025-07-20,1,P2,2025-07-25,,,\n"
        "S1,2025-07-03,3,360102001001,0,,,,,,,,,\n",
        assessments="patient_id,date,kind,institution_level,risk_level\nP1,2025-07-25,1,1,0\nP1,2025-08-01,2,,7\n"
        "P1,2025-09-01,2,,1\n",
        unlocking="patient_id,date,action\nP1,2025-07-30,4\nP1,2025-08-30,1\n")
    pats = read_tables(d).tables.patients
    s, a, u = read_suspected(d, pats), read_assessments(d, pats), read_unlocking(d, pats)
    assert [(p.line, p.column, p.kind) for p in s.problems] == [(2, "patient_id", "unknown_patient"),
                                                                (3, "case_id", "duplicate_key")]
    assert s.counts.accepted == 0  # as in patients.csv, a key on an earlier line (even a rejected one) is taken
    assert [(p.line, p.column, p.kind) for p in a.problems] == [(2, "institution_level", "rule"),
                                                                (3, "risk_level", "bad_code")]
    assert "county-level or higher" in a.problems[0].reason
    assert [(p.line, p.column, p.kind) for p in u.problems] == [(2, "action", "bad_code")]
    for load in (s, a, u):
        assert load.counts.read == load.counts.accepted + load.counts.rejected


def test_a_duplicate_case_id_is_rejected_on_its_second_line() -> None:
    row = "S1,2025-07-03,3,360102001001,0,,,,,,,,,\n"
    d = _folder(suspected_cases=HEADER + row + row)
    load = read_suspected(d, read_tables(d).tables.patients)
    assert [(p.line, p.kind) for p in load.problems] == [(3, "duplicate_key")]


def test_a_v1_registry_without_programme_files_stays_valid() -> None:
    d = _folder()
    assert read_tables(d).problems == ()
    data = read_programme(d, read_tables(d).tables)
    assert data.problems == () and data.present == frozenset()
    rep = programme_report(data, Period.parse("2025Q3"))
    assert rep.programme.result("suspected_diagnosed_rate").value is None


def test_programme_files_are_not_unknown_files(county: Path) -> None:
    assert [p for p in read_tables(county).problems if p.kind == "unknown_file"] == []


# --- case finding: rules, facts, worklist ---------------------------------------------------------

def _case(**kw: Any) -> SuspectedCase:
    base: dict[str, Any] = {"case_id": "S1", "reported_on": D(2025, 7, 1), "source": SuspectSource.POLICE,
                            "area_code": AREA}
    return SuspectedCase(**{**base, **kw})


@pytest.mark.parametrize(("on", "listed"), [(D(2025, 7, 30), False), (D(2025, 7, 31), False), (D(2025, 8, 1), True)])
def test_waiting_boundary_30_days(on: dt.date, listed: bool) -> None:
    assert (case_finding.waiting(_case(), on) is not None) is listed


def test_a_diagnosed_case_is_not_waiting() -> None:
    assert case_finding.waiting(_case(diagnosed_on=D(2025, 9, 1), disorder=Disorder.BIPOLAR), D(2025, 9, 30)) is None
    assert case_finding.waiting(_case(diagnosed_on=D(2025, 9, 1)), D(2025, 8, 30)) is not None


def test_a_case_endangering_others_is_a_110_alert_with_its_reason() -> None:
    alert = case_finding.police_alert(_case(endangers_others=True))
    assert alert is not None and alert.kind == "police_alert" and "110" in alert.reasons[0]
    assert case_finding.police_alert(_case()) is None
    with pytest.raises(ValueError, match="at least one reason"):
        case_finding.CaseItem("S1", AREA.code, D(2025, 7, 1), "waiting", 40, ())


@st.composite
def cases(draw: Any) -> SuspectedCase:
    """Valid cases built directly: a path of increasing dates ending open, diagnosed, enrolled or excluded."""
    reported = draw(st.dates(D(2024, 1, 1), D(2025, 12, 31)))
    gap = st.integers(0, 90).map(lambda n: dt.timedelta(days=n))
    diagnosed = reported + draw(gap)
    end = draw(st.sampled_from(["open", "diagnosed", "enrolled", "excluded"]))
    kw: dict[str, Any] = {"case_id": f"S{draw(st.integers(0, 10**6))}", "reported_on": reported,
                          "endangers_others": draw(st.booleans())}
    if end != "open":
        kw["diagnosed_on"] = diagnosed
    if end in ("diagnosed", "enrolled"):
        kw["disorder"] = draw(st.sampled_from(list(Disorder)))
    if end == "enrolled":
        kw |= {"patient_id": "P1", "enrolled_on": diagnosed + draw(gap)}
    if end == "excluded":
        kw |= {"excluded_on": diagnosed + draw(gap), "exclusion_reason": ExclusionReason.NO_MENTAL_DISORDER}
    return _case(**kw)


def _table(cs: list[SuspectedCase]) -> pl.DataFrame:
    return pl.DataFrame({
        "case_id": [c.case_id for c in cs], "reported_on": [c.reported_on for c in cs],
        "area_code": [c.area_code.code for c in cs], "endangers_others": [c.endangers_others for c in cs],
        "diagnosed_on": [c.diagnosed_on for c in cs], "disorder": [c.disorder.code if c.disorder else None for c in cs],
        "enrolled_on": [c.enrolled_on for c in cs], "excluded_on": [c.excluded_on for c in cs]},
        schema={"case_id": pl.Utf8, "reported_on": pl.Date, "area_code": pl.Utf8, "endangers_others": pl.Boolean,
                "diagnosed_on": pl.Date, "disorder": pl.Int8, "enrolled_on": pl.Date, "excluded_on": pl.Date})


@given(st.lists(cases(), min_size=1, max_size=8, unique_by=lambda c: c.case_id),
       st.sampled_from(["2025Q3", "2025", "2024-02", "2025-01-01..2025-06-30"]))
def test_case_facts_table_equals_the_per_case_facts(cs: list[SuspectedCase], period_text: str) -> None:
    period = Period.parse(period_text)
    table = case_finding.case_facts(_table(cs), period)
    assert list(table.iter_rows(named=True)) == [case_finding.facts_of_case(c, period) for c in cs]
    for ind in case_finding.CASE_FINDING_INDICATORS:
        col = table.select(n=ind.numerator_expr.to_polars(), d=ind.denominator_expr.to_polars())
        for row, c in zip(col.iter_rows(named=True), cs, strict=True):
            facts = case_finding.facts_of_case(c, period)
            assert row["n"] == holds(ind.numerator_expr, facts) and row["d"] == holds(ind.denominator_expr, facts)
            assert not row["n"] or row["d"]  # numerator within denominator


@given(st.lists(cases(), min_size=0, max_size=8, unique_by=lambda c: c.case_id))
def test_case_items_agree_with_the_one_case_rules(cs: list[SuspectedCase]) -> None:
    on = D(2025, 9, 30)
    items = case_finding.case_items(_table(cs), on) if cs else None
    waiting = {c.case_id for c in cs if case_finding.waiting(c, on) is not None}
    if items is not None:
        assert set(items.filter(pl.col("kind") == "waiting")["case_id"].to_list()) == waiting
        assert items["reason"].str.len_chars().min() or items.height == 0


# --- assessments, key patients, campaigns ------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "n"), [(D(2025, 3, 31), D(2025, 4, 1), 2), (D(2025, 4, 1), D(2025, 6, 30), 1),
                                                 (D(2025, 7, 1), D(2025, 6, 30), 0), (D(2024, 12, 31), D(2025, 12, 31), 5)])
def test_quarters_between_boundaries(start: dt.date, end: dt.date, n: int) -> None:
    assert assessments.quarters_between(start, end) == n


def test_a_comprehensive_assessment_needs_a_county_or_higher_institution() -> None:
    for level, ok in ((InstitutionLevel.TOWNSHIP, False), (InstitutionLevel.COUNTY, True), (InstitutionLevel.CITY, True)):
        try:
            Assessment("P1", D(2025, 7, 1), AssessmentKind.COMPREHENSIVE, 0, institution_level=level)
            assert ok
        except DomainError as exc:
            assert not ok and exc.field == "institution_level"
    Assessment("P1", D(2025, 7, 1), AssessmentKind.QUARTERLY, 0, institution_level=InstitutionLevel.TOWNSHIP)


@pytest.mark.parametrize(("risk", "key"), [(2, False), (3, True), (5, True)])
def test_key_patient_risk_boundary(risk: int, key: bool) -> None:
    facts = {"registered": True, "last_risk": risk, "last_any_class": 3, "incident": False, "harm_emergency": False}
    assert bool(key_patients.key_reasons(facts)) is key
    assert holds(key_patients.key_expr(), facts) is key


@given(st.fixed_dictionaries({"registered": st.booleans(), "last_risk": st.one_of(st.none(), st.integers(0, 5)),
                              "last_any_class": st.one_of(st.none(), st.integers(1, 3)), "incident": st.booleans(),
                              "harm_emergency": st.booleans()}))
def test_every_key_patient_carries_a_reason(facts: dict[str, Any]) -> None:
    assert bool(key_patients.key_reasons(facts)) == holds(key_patients.key_expr(), facts)


def test_the_key_patient_list_gives_reasons_contacts_and_what_is_due(county: Path) -> None:
    data = read_programme(county, read_tables(county).tables)
    on = D(2025, 9, 30)
    facts, _ = programme_facts(data, Period.parse("2025Q3"))
    rows = key_patients.key_patient_list(facts, on)
    assert rows.height == facts.filter(pl.col("key")).height > 0
    assert rows["reasons"].str.len_chars().min() > 0 and rows["due"].str.len_chars().min() > 0
    for r in rows.head(20).iter_rows(named=True):
        row = facts.filter(pl.col("patient_id") == r["patient_id"]).row(0, named=True)
        assert "; ".join(key_patients.key_reasons(row)) == r["reasons"]


@pytest.mark.parametrize(("day", "counted"), [(D(2025, 7, 30), True), (D(2025, 7, 31), True), (D(2025, 8, 1), False)])
def test_health_check_campaign_deadline(day: dt.date, counted: bool) -> None:
    base = pl.DataFrame({"patient_id": ["P1"]})
    events = pl.DataFrame({"patient_id": ["P1"], "date": [day], "event": ["health_check"], "row": [0]})
    unlocking = pl.DataFrame(schema={"patient_id": pl.Utf8, "date": pl.Date, "action": pl.Int8, "row": pl.UInt32})
    f = campaigns.campaign_facts(base, events, unlocking, Period.parse("2025"))
    assert f["campaign_checked"].to_list() == [counted]


def test_unlocking_state_follows_the_last_step() -> None:
    steps = [(D(2025, 1, 5), 1), (D(2025, 3, 1), 2), (D(2025, 6, 1), 3)]
    assert campaigns.unlock_state(steps, D(2025, 1, 4)) is None
    assert campaigns.unlock_state(steps, D(2025, 3, 1)).code == 2  # type: ignore[union-attr]
    assert campaigns.unlock_state(steps, D(2025, 6, 1)).code == 3  # type: ignore[union-attr]


# --- the report ------------------------------------------------------------------------------------

def test_programme_rates_are_within_their_denominators_and_townships_add_up(county: Path) -> None:
    data = read_programme(county, read_tables(county).tables)
    for text in ("2025Q3", "2025"):
        rep = programme_report(data, Period.parse(text), AreaLevel.TOWNSHIP)
        total = programme_report(data, Period.parse(text), None)
        ids = [i.id for s in SECTIONS for i in s.indicators]
        for i in ids:
            parts = [r for r in rep.programme.results if r.indicator == i and r.group]
            assert all(0 <= r.numerator <= (r.denominator or 0) for r in parts)
            t = total.programme.result(i)
            assert (sum(r.numerator for r in parts), sum(r.denominator or 0 for r in parts)) == (t.numerator,
                                                                                                   t.denominator)
        figs = {f.group: f for f in rep.case_figures}
        assert sum(f.reported for g, f in figs.items() if g) == figs[""].reported


def test_synthetic_shares_are_realistic(county: Path) -> None:
    s = read_programme(county, read_tables(county).tables).table("suspected_cases")
    lag = s.filter(pl.col("diagnosed_on").is_not_null()).select(
        (pl.col("diagnosed_on") - pl.col("reported_on")).dt.total_days())
    assert (lag.to_series() <= 30).mean() > 0.7  # type: ignore[operator]
    assert (lag.to_series() > 30).sum() > 0
    open_ = case_finding.case_items(s, D(2025, 12, 31))
    assert open_.filter(pl.col("kind") == "waiting").height > 0


def test_the_programme_report_shows_targets_and_sources(county: Path) -> None:
    data = read_programme(county, read_tables(county).tables)
    text = to_text(programme_report(data, Period.parse("2025Q3")))
    assert "规范管理率" in text and "90–95%" in text and "work plan 001" in text and "确诊患者建档率" in text


def test_cli_programme_commands(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programme", str(county), "--period", "2025Q3"]) == 0
    assert "疑似患者诊断率" in capsys.readouterr().out
    assert main(["programme", str(county), "--period", "2025Q3", "--format", "json"]) == 0
    assert '"case_figures"' in capsys.readouterr().out
    assert main(["key-patients", str(county), "--on", "2025-09-30", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "reasons" in out and "risk level" in out
    assert main(["suspected", str(county), "--on", "2025-12-31"]) == 0
    assert "no diagnosis" in capsys.readouterr().out
    assert main(["assessments-due", str(county), "--on", "2025-09-30", "--format", "csv"]) == 0
    xlsx = Path(tempfile.mkdtemp()) / "key.xlsx"
    assert main(["key-patients", str(county), "--on", "2025-09-30", "--format", "xlsx", "--output", str(xlsx)]) == 0
    assert xlsx.stat().st_size > 0


def test_identifying_cells_never_show_in_problems() -> None:
    d = _folder(suspected_cases=HEADER + "S1,2025-07-03,3,360102001001,0,,,,,,,,,12345\n")
    load = read_suspected(d, read_tables(d).tables.patients)
    assert [(p.column, p.value) for p in load.problems] == [("resident_id", "<hidden>")]
    assert "12345" not in str(load.problems[0])
    assert SUSPECTED_SPEC.file == "suspected_cases.csv"


def test_validate_reports_the_programme_files(capsys: pytest.CaptureFixture[str]) -> None:
    d = _folder(assessments="patient_id,date,kind,institution_level,risk_level\nP1,2025-07-25,1,2,0\nP9,2025-08-01,2,,1\n")
    assert main(["validate", str(d)]) == 1
    out = capsys.readouterr().out
    assert "assessments.csv: 2 read, 1 accepted, 1 rejected" in out and "unknown" in out


@given(st.lists(st.tuples(st.sampled_from(["360000", "360100", "360102", "360102001", "360102001001",
                                           "360102001002", "360102002", "360103", "360102002003", "360200"]),
                          st.integers(1, 9)), max_size=7))
def test_outermost_population_entries_equal_the_pairwise_definition(pairs: list[tuple[str, int]]) -> None:
    from smi_care.domain.records import PopulationEntry, _ancestries, _outermost, population_lookup

    entries = [PopulationEntry(AreaCode(code), 2025, n) for code, n in pairs]
    pairwise = [p for p in entries if not any(p is not q and p.area_code.within(q.area_code) for q in entries)]
    assert _outermost(entries, _ancestries({p.area_code for p in entries})) == pairwise
    assert population_lookup(entries, 2025)(None) == (sum(p.population for p in pairwise) if entries else None)


def test_covers_of_agrees_with_the_registry(county: Path) -> None:
    from smi_care.programme.report import covers_of

    tables = read_tables(county).tables
    fast = covers_of(tables)
    for code in ("360102001001", "360102", "360102099", "440303001001", "360000", "360103001001"):
        assert fast(AreaCode(code)) == tables.covers(AreaCode(code)), code


def test_the_programme_report_carries_the_same_section_6_figures_as_report(county: Path) -> None:
    from smi_care.indicators.columnar import evaluate_tables
    from smi_care.indicators.evaluate import finalize

    tables = read_tables(county).tables
    period = Period.parse("2025Q3")
    rep = programme_report(read_programme(county, tables), period, AreaLevel.TOWNSHIP)
    plain = finalize(evaluate_tables(tables, period, AreaLevel.TOWNSHIP)[0])
    assert rep.standard.results == plain.results


def test_cli_audits_one_unit(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = read_programme(county, read_tables(county).tables).table("suspected_cases")
    case_id = s.row(0, named=True)["case_id"]
    assert main(["programme", str(county), "--period", "2025", "--audit", case_id,
                 "--indicator", "suspected_diagnosed_rate"]) == 0
    assert "suspected_diagnosed_rate: denominator" in capsys.readouterr().out
    assert main(["programme", str(county), "--period", "2025", "--audit", "nobody",
                 "--indicator", "quarterly_assessment_rate"]) == 2


def test_unlocking_figures_add_up_and_match_the_rate(county: Path) -> None:
    rep = programme_report(read_programme(county, read_tables(county).tables), Period.parse("2025"))
    *parts, total = rep.unlocking
    assert total.group == "" and total.found_locked > 0
    assert sum(u.found_locked for u in parts) == total.found_locked
    assert sum(u.released for u in parts) == total.released
    rate = rep.programme.result("unlocking_rate")
    assert (rate.numerator, rate.denominator) == (total.released, total.found_locked)
    assert 0 <= total.relocked <= total.found_locked


def test_programme_files_read_from_parquet_as_from_csv(county: Path, tmp_path: Path) -> None:
    import shutil

    tables = read_tables(county).tables
    for stem, reader in (("suspected_cases", read_suspected), ("assessments", read_assessments),
                         ("unlocking", read_unlocking)):
        csv_load = reader(county, tables.patients)
        folder = tmp_path / stem
        folder.mkdir()
        shutil.copy(county / "patients.csv", folder / "patients.csv")
        csv_load.table.drop("row", "line").write_parquet(folder / f"{stem}.parquet")
        pq_load = reader(folder, tables.patients)
        assert pq_load.problems == () and pq_load.present
        assert pq_load.table.drop("line").equals(csv_load.table.drop("line"))
