"""The row reader's boundary from cells to domain values: every cell of a row is parsed and every
bad cell reported (in a fixed order) before the row is refused; required cells are never None
once a row is accepted."""

from pathlib import Path

import pytest

from smi_care.domain.codes import FormEdition
from smi_care.registry.reader import read_registry_by_rows
from smi_care.registry.row_parsers import _known

#: Patient cells in the order the reader takes them, each with a bad value.
BAD_PATIENT = (
    ("sex", "3"), ("birth_date", "1980-1-2"), ("area_code", "11010"), ("disorder", "8"),
    ("diagnosis_date", "x"), ("registered_on", "x"), ("consent", "2"), ("consent_date", "x"),
    ("resident_id", "123"), ("household_type", "9"), ("employment", "99"), ("economic_status", "9"),
    ("past_lockup", "9"), ("first_onset_date", "x"), ("past_symptoms", "1;99"), ("past_outpatient", "9"),
    ("first_antipsychotic_date", "x"), ("past_admissions", "1001"), ("last_treatment_effect", "9"),
    ("past_acts", "99:1"),
)
REQUIRED_PATIENT = ("patient_id", "sex", "birth_date", "area_code", "disorder", "diagnosis_date", "registered_on",
                    "consent")
GOOD_PATIENT = {"patient_id": "P1", "sex": "1", "birth_date": "1980-01-02", "area_code": "110105001002",
                "disorder": "1", "diagnosis_date": "2020-05-01", "registered_on": "2020-05-08", "consent": "1",
                "consent_date": "2020-05-08"}
#: Follow-up cells in the order the reader takes them (classification first), each with a bad value.
BAD_FOLLOWUP = (
    ("classification", "9"), ("visit_date", "x"), ("form", "9"), ("seen", "9"), ("loss_reason", "9"),
    ("risk_level", "6"), ("symptoms", "99"), ("symptom_severity", "9"), ("insight", "9"), ("sleep", "9"),
    ("diet", "9"), ("acts", "x"), ("lockup", "9"), ("hospitalisation", "9"), ("last_discharge_date", "x"),
    ("lab_tests", "9"), ("adherence", "9"), ("adr", "3"), ("adr_serious", "2"), ("physical_illness", "9"),
    ("treatment_effect", "5"), ("referral", "9"), ("medications", "{"), ("medication_guidance", "{"),
    ("rehabilitation", "99"), ("next_visit_date", "x"), ("counselling", "2"), ("sf_self_care", "9"),
    ("sf_housework", "9"), ("sf_work", "8"), ("sf_learning", "9"), ("sf_social", "9"),
)


def _write(path: Path, cells: dict[str, str]) -> None:
    path.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n", encoding="utf-8")


def test_every_bad_patient_cell_is_reported_in_order(tmp_path: Path) -> None:
    _write(tmp_path / "patients.csv", {"patient_id": "P1", **dict(BAD_PATIENT)})
    res = read_registry_by_rows(tmp_path)
    assert len(res.registry) == 0
    assert [p.column for p in res.problems] == [c for c, _ in BAD_PATIENT]
    assert all(p.line == 2 and p.patient_id == "P1" for p in res.problems)
    assert next(p for p in res.problems if p.column == "resident_id").value == "<hidden>"


def test_every_missing_required_patient_cell_is_reported_in_order(tmp_path: Path) -> None:
    _write(tmp_path / "patients.csv", {**dict.fromkeys(REQUIRED_PATIENT, ""), "consent_date": "2020-05-08"})
    res = read_registry_by_rows(tmp_path)
    assert [(p.column, p.kind) for p in res.problems] == [(c, "missing_required") for c in REQUIRED_PATIENT]


def test_every_bad_followup_cell_is_reported_in_order(tmp_path: Path) -> None:
    _write(tmp_path / "patients.csv", GOOD_PATIENT)
    _write(tmp_path / "followups.csv", {"patient_id": "P1", **dict(BAD_FOLLOWUP)})
    res = read_registry_by_rows(tmp_path)
    assert len(res.registry) == 1 and res.registry.records["P1"].followups == ()
    assert [p.column for p in res.problems] == [c for c, _ in BAD_FOLLOWUP]


@pytest.mark.parametrize(("detail", "columns"), [("9", ["detail"]), ("1.99", ["detail"]), ("9.99", ["detail", "detail"])])
def test_bad_death_details_are_all_reported(tmp_path: Path, detail: str, columns: list[str]) -> None:
    _write(tmp_path / "patients.csv", GOOD_PATIENT)
    _write(tmp_path / "events.csv", {"patient_id": "P1", "date": "2024-01-01", "event": "death", "detail": detail})
    res = read_registry_by_rows(tmp_path)
    assert [p.column for p in res.problems] == columns
    assert res.registry.records["P1"].events == ()


def test_an_accepted_row_has_every_value(tmp_path: Path) -> None:
    _write(tmp_path / "patients.csv", GOOD_PATIENT)
    _write(tmp_path / "followups.csv", {"patient_id": "P1", "visit_date": "2024-01-01", "form": "1",
                                        "classification": "0"})
    (tmp_path / "registry.toml").write_text('edition = "BPHS2011"\n', encoding="utf-8")
    res = read_registry_by_rows(tmp_path)
    assert res.ok, res.problems
    assert res.edition is FormEdition.BPHS2011
    record = res.registry.records["P1"]
    assert (record.patient.patient_id, str(record.patient.birth_date), record.patient.past_symptoms,
            record.patient.past_acts) == ("P1", "1980-01-02", frozenset(), ())
    fu = record.followups[0]
    assert (fu.seen, fu.symptoms, fu.acts, fu.medications, fu.rehabilitation, fu.counselling, fu.classification) == (
        frozenset(), frozenset(), (), (), frozenset(), False, None)


def test_known_narrows_and_refuses_none() -> None:
    assert _known(0) == 0
    assert _known("") == ""
    with pytest.raises(AssertionError, match="not marked bad"):
        _known(None)
