import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from smi_care.domain import Adherence, Classification, Registry
from smi_care.registry import RegistryReadError, read_registry, write_registry
from smi_care.testing import registries

PATIENTS_HEADER = ("patient_id,name,resident_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,"
                   "consent,consent_date,local_note")
GOOD_P1 = "P1,张三,11010519491231002X,2,1949-12-31,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08,keep me"
GOOD_P2 = "P2,,,1,1980-01-02,110105001003,4,2021-01-01,2021-01-05,0,,"
FU_HEADER = ("patient_id,visit_date,form,seen,loss_reason,risk_level,insight,sf_self_care,sf_housework,sf_work,"
             "sf_learning,sf_social,hospitalisation,adherence,adr,classification,next_visit_date")
GOOD_FU = "P1,2025-03-01,2,1,,0,1,1,1,9,1,1,0,1,1,3,2025-06-01"


def write(folder: Path, patients: list[str], followups: list[str] | None = None, events: list[str] | None = None,
          bom: bool = False, crlf: bool = False, toml: str | None = None) -> Path:
    nl = "\r\n" if crlf else "\n"
    prefix = "\ufeff" if bom else ""
    (folder / "patients.csv").write_text(prefix + nl.join([PATIENTS_HEADER, *patients]) + nl, encoding="utf-8")
    if followups is not None:
        (folder / "followups.csv").write_text(nl.join([FU_HEADER, *followups]) + nl, encoding="utf-8")
    if events is not None:
        (folder / "events.csv").write_text(nl.join(["patient_id,date,event,detail", *events]) + nl, encoding="utf-8")
    if toml is not None:
        (folder / "registry.toml").write_text(toml, encoding="utf-8")
    return folder


def test_good_registry_with_bom_crlf_and_blanks(tmp_path: Path) -> None:
    write(tmp_path, [GOOD_P1, " P2 , , ,1, 1980-01-02 ,110105001003,4,2021-01-01,2021-01-05,0,,"], [GOOD_FU],
          bom=True, crlf=True)
    res = read_registry(tmp_path)
    assert res.ok, res.problems
    assert set(res.registry.records) == {"P1", "P2"}
    assert res.registry.records["P1"].patient.extras == (("local_note", "keep me"),)
    assert res.extra_columns == {"patients.csv": ("local_note",)}
    assert res.counts_for("followups.csv").accepted == 1


def one_problem(tmp_path: Path, patients: list[str], followups: list[str] | None = None,
                events: list[str] | None = None) -> tuple[object, object]:
    res = read_registry(write(tmp_path, patients, followups, events))
    assert len(res.problems) == 1, [str(p) for p in res.problems]
    return res, res.problems[0]


def test_followup_for_unknown_patient(tmp_path: Path) -> None:
    res, p = one_problem(tmp_path, [GOOD_P1], [GOOD_FU, GOOD_FU.replace("P1", "P9", 1)])
    assert (p.file, p.line, p.column, p.kind, p.patient_id) == ("followups.csv", 3, "patient_id", "unknown_patient",
                                                                "P9")
    assert len(res.registry.records["P1"].followups) == 1
    c = res.counts_for("followups.csv")
    assert (c.read, c.accepted, c.rejected) == (2, 1, 1)


def test_duplicate_patient_id(tmp_path: Path) -> None:
    res, p = one_problem(tmp_path, [GOOD_P1, GOOD_P2, GOOD_P2.replace("4,", "1,", 1)])
    assert (p.line, p.column, p.kind) == (4, "patient_id", "duplicate_patient_id")
    assert len(res.registry) == 2
    assert res.counts_for("patients.csv").rejected == 1


def test_unparseable_date(tmp_path: Path) -> None:
    res, p = one_problem(tmp_path, [GOOD_P1, GOOD_P2.replace("1980-01-02", "1980-13-02")])
    assert (p.line, p.column, p.kind, p.value) == (3, "birth_date", "bad_date", "1980-13-02")
    assert "YYYY-MM-DD" in p.reason and "出生日期" in p.reason
    assert set(res.registry.records) == {"P1"}


def test_code_outside_its_list(tmp_path: Path) -> None:
    _res, p = one_problem(tmp_path, [GOOD_P1], [GOOD_FU.replace(",0,1,1,1,9", ",0,4,1,1,9")])
    assert (p.column, p.kind, p.value) == ("insight", "bad_code", "4")
    assert "Insight" in p.reason


def test_bad_identity_number_hidden(tmp_path: Path) -> None:
    res, p = one_problem(tmp_path, [GOOD_P1.replace("002X", "0021"), GOOD_P2])
    assert (p.column, p.kind, p.value) == ("resident_id", "invalid_identity", "<hidden>")
    assert "check character" in p.reason
    assert "110105194912310021" not in str(p) and "张三" not in str(p)
    assert set(res.registry.records) == {"P2"}


def test_identity_number_disagrees_with_sex(tmp_path: Path) -> None:
    _res, p = one_problem(tmp_path, [GOOD_P1.replace(",2,1949", ",1,1949"), GOOD_P2])
    assert (p.column, p.kind) == ("resident_id", "invalid_identity")
    assert "1101051949" not in str(p)


def test_missing_required_when_reached(tmp_path: Path) -> None:
    _res, p = one_problem(tmp_path, [GOOD_P1], [GOOD_FU.replace(",0,1,1,1,9", ",,1,1,1,9")])
    assert (p.column, p.kind) == ("risk_level", "missing_required")


def test_followup_before_diagnosis(tmp_path: Path) -> None:
    _res, p = one_problem(tmp_path, [GOOD_P1], [GOOD_FU.replace("2025-03-01", "2019-03-01")])
    assert (p.column, p.kind) == ("visit_date", "rule")


def test_event_problems(tmp_path: Path) -> None:
    res = read_registry(write(tmp_path, [GOOD_P1], [], ["P1,2025-01-01,moved_away,", "P1,2025-02-01,death,7",
                                                         "P1,2025-03-01,discharge,", "P1,2025-04-01,admission,",
                                                         "P1,2025-05-01,death,1.4"]))
    kinds = [(p.line, p.column, p.kind) for p in res.problems]
    assert kinds == [(2, "event", "bad_code"), (3, "detail", "bad_code"), (4, "date", "rule")]
    assert [e.kind.text_code for e in res.registry.records["P1"].events] == ["admission", "death"]


def test_row_with_too_many_cells(tmp_path: Path) -> None:
    _res, p = one_problem(tmp_path, [GOOD_P1, GOOD_P2 + ",extra,cells"])
    assert p.kind == "bad_row" and p.line == 3


def test_strict_mode_raises_on_first_problem(tmp_path: Path) -> None:
    write(tmp_path, [GOOD_P1, GOOD_P2.replace("1980-01-02", "1980-01-32")])
    with pytest.raises(RegistryReadError) as err:
        read_registry(tmp_path, strict=True)
    assert err.value.problem.column == "birth_date"


def test_missing_patients_file_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(RegistryReadError):
        read_registry(tmp_path)


def test_bphs2011_data_converted(tmp_path: Path) -> None:
    fus = [GOOD_FU.replace(",0,1,1,3,", ",0,3,1,3,"), "P1,2025-04-01,2,,,,,,,,,,,,,0,"]
    res = read_registry(write(tmp_path, [GOOD_P1], fus, toml='format_version = 1\nedition = "BPHS2011"\n'))
    assert res.ok, [str(p) for p in res.problems]
    a, b = res.registry.records["P1"].followups
    assert a.adherence is Adherence.NOT_TAKING and a.classification is Classification.STABLE
    assert not b.reached and b.classification is None
    res2 = read_registry(write(tmp_path, [GOOD_P1], [GOOD_FU.replace(",0,1,1,3,", ",0,4,1,3,")],
                               toml='format_version = 1\nedition = "BPHS2011"\n'))
    assert [p.column for p in res2.problems] == ["adherence"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registries())
def test_write_then_read_gives_equal_registry(tmp_path: Path, reg: Registry) -> None:
    folder = tmp_path / "r"
    write_registry(reg, folder, include_identifying=True)
    res = read_registry(folder)
    assert res.ok, [str(p) for p in res.problems]
    assert res.registry == reg


def test_writer_hides_identifying_columns_unless_asked(tmp_path: Path) -> None:
    res = read_registry(write(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path, [GOOD_P1]))
    out = write_registry(res.registry, tmp_path / "out")
    text = (out / "patients.csv").read_text(encoding="utf-8")
    assert "张三" not in text and "11010519491231002X" not in text
    assert "keep me" in text
    out2 = write_registry(res.registry, tmp_path / "out2", include_identifying=True)
    assert "张三" in (out2 / "patients.csv").read_text(encoding="utf-8")
    assert dt.date(2020, 5, 8) == read_registry(out2).registry.records["P1"].patient.consent_date
