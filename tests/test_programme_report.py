"""The quarterly programme report carries free medication, guardians and teams beside case finding,
assessments, key patients and campaigns: the same counts as the one-pass evaluation of those files."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from smi_care.domain.identity import AreaLevel
from smi_care.indicators.evaluate import By, finalize
from smi_care.indicators.periods import Period
from smi_care.programme.report import programme_report, read_programme, to_json_report, to_text
from smi_care.programme.support import SUPPORT_INDICATORS, evaluate_support
from smi_care.registry.tables import read_tables
from smi_care.synth import write_province


@pytest.fixture(scope="module")
def county() -> Path:
    return write_province(Path(tempfile.mkdtemp()) / "county", patients=600, seed=23)


@pytest.mark.parametrize("period", ["2025Q3", "2025"])
@pytest.mark.parametrize("by", [AreaLevel.TOWNSHIP, None])
def test_support_counts_equal_the_one_pass_evaluation(county: Path, period: str, by: By) -> None:
    tables = read_tables(county).tables
    data = read_programme(county, tables)
    assert data.support is not None
    p = Period.parse(period)
    rep = programme_report(data, p, by)
    expected, = evaluate_support(tables, data.support, p, by=by, assessments=data.table("assessments"))
    ids = {i.id for i in SUPPORT_INDICATORS}
    got = {(r.indicator, r.group): (r.numerator, r.denominator) for r in rep.programme.results if r.indicator in ids}
    want = {(r.indicator, r.group): (r.numerator, r.denominator) for r in finalize(expected, targets=()).results}
    assert got == want
    assert any(d for _, d in want.values())  # the files carry something to count
    assert {i for i, _ in got} == ids


def test_text_and_json_show_the_support_indicators_by_township(county: Path) -> None:
    data = read_programme(county, read_tables(county).tables)
    rep = programme_report(data, Period.parse("2025Q3"), AreaLevel.TOWNSHIP)
    text = to_text(rep)
    for ind in SUPPORT_INDICATORS:
        assert f"({ind.id})" in text
    js = json.loads(to_json_report(rep))
    rows = [r for r in js["programme"]["results"] if r["indicator"] == "key_patients_in_team_rate"]
    assert len({r["group"] for r in rows}) > 2  # townships and the total


def test_without_the_support_files_the_sections_are_left_out(county: Path) -> None:
    import attrs

    data = attrs.evolve(read_programme(county, read_tables(county).tables), support=None)
    rep = programme_report(data, Period.parse("2025Q3"))
    ids = {r.indicator for r in rep.programme.results}
    assert not ids & {i.id for i in SUPPORT_INDICATORS}
    assert "key_patient_face_to_face_rate" in ids


def test_the_public_incident_pattern() -> None:
    import re

    from smi_care.indicators.facts_table import INCIDENT_ACTS

    assert [bool(re.search(INCIDENT_ACTS, t)) for t in ("2:1", "1:2;3", "2:0", "1:1", "3", "12:1")] == [
        True, True, False, False, True, False]
