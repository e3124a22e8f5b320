"""The programme's base facts (:mod:`smi_care.programme.facts`): the §6 facts of every patient with
the economic status of the personal information supplement (§7.1: 1 贫困, 2 非贫困, 3 不详), on both
engines. Written for the mutation run of the module (docs/testing.md, "Score of the columnar
engine"): the evaluation policy must reach the §6 facts whole, the economic status must be the
patients table's (null where it has no such column), and one patient's facts must equal that
patient's row of the table.
"""

from __future__ import annotations

import polars as pl
import pytest

from smi_care.domain import AreaCode, EconomicStatus, EventKind, Registry
from smi_care.indicators.evaluate import DEFAULT_POLICY, EvaluationPolicy
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy
from smi_care.programme.facts import base_facts, base_patient_facts
from smi_care.registry.tables import RegistryTables
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.status import StatusPolicy
from tests.frames import frames_of
from tests.helpers import D, event, miss, patient, record, visit

Q3 = Period.parse("2025Q3")
#: Every part of the policy changes some fact of REGISTRY: risk level 1 is unstable only from a
#: minimum of 1, two failed attempts are a loss only from a limit of 2, and no gap of more than
#: one month fails every patient's gaps.
POLICY = EvaluationPolicy(standard=StandardPolicy(gap_months=1), status=StatusPolicy(consecutive_failures_lost=2),
                          classes=ClassificationPolicy(unstable_risk_min=1))
NEXT_DOOR = AreaCode("110105001003")
STATUSES = (EconomicStatus.POOR, None, EconomicStatus.NOT_POOR)
REGISTRY = Registry.of([
    record(visit(D(2025, 7, 5), "P1", risk_level=1), miss(D(2025, 8, 5), "P1"),
           miss(D(2025, 9, 5), "P1"), p=patient("P1", economic_status=STATUSES[0])),
    record(visit(D(2025, 7, 10), "P2"), visit(D(2025, 9, 10), "P2"), p=patient("P2", economic_status=STATUSES[1])),
    # moved out to a neighbouring village: still registered only where the registry covers it (§5)
    record(visit(D(2025, 9, 30), "P3"), event(D(2025, 8, 1), EventKind.TRANSFER_OUT, "P3", other_area=NEXT_DOOR),
           p=patient("P3", economic_status=STATUSES[2])),
])


def _tables(with_status: bool) -> RegistryTables:
    pats, fus, evs = frames_of(REGISTRY)
    if with_status:  # as the reader gives it: a whole-number column, not Int8
        pats = pats.with_columns(economic_status=pl.Series([None if s is None else s.code for s in STATUSES],
                                                           dtype=pl.Int64))
    pop = pl.DataFrame({"area_code": [], "year": [], "population": []},
                       schema={"area_code": pl.String, "year": pl.Int32, "population": pl.Int64})
    return RegistryTables(pats, fus, evs, pop)


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, POLICY])
def test_one_patient_s_facts_are_that_patient_s_row(policy: EvaluationPolicy) -> None:
    table = base_facts(_tables(True), Q3, policy, REGISTRY.covers)
    rows = list(table.iter_rows(named=True))
    assert [r["patient_id"] for r in rows] == ["P1", "P2", "P3"]
    assert rows == [base_patient_facts(r, Q3, REGISTRY.covers, policy) for r in REGISTRY]


def test_every_part_of_the_policy_reaches_the_facts() -> None:
    national, chosen = (base_facts(_tables(True), Q3, p).row(0, named=True) for p in (DEFAULT_POLICY, POLICY))
    assert (national["last_class"], chosen["last_class"]) == (2, 1)
    assert (national["lost"], chosen["lost"]) == (False, True)
    assert (national["gaps_within_limit"], chosen["gaps_within_limit"]) == (True, False)


def test_the_economic_status_is_the_patients_table_s() -> None:
    table = base_facts(_tables(True), Q3)
    assert table.schema["economic_status"] == pl.Int8
    assert table.get_column("economic_status").to_list() == [1, None, 2]
    assert [base_patient_facts(r, Q3, REGISTRY.covers)["economic_status"] for r in REGISTRY] == [1, None, 2]


def test_without_the_column_the_economic_status_is_null() -> None:
    table = base_facts(_tables(False), Q3)
    assert table.height == 3
    assert table.schema["economic_status"] == pl.Int8
    assert table.get_column("economic_status").to_list() == [None, None, None]


def test_the_coverage_given_is_the_one_read() -> None:
    tables = _tables(True)
    everything = base_facts(tables, Q3, covers=lambda area: True)
    nothing = base_facts(tables, Q3, covers=lambda area: False)
    assert everything.row(2, named=True)["registered"] is True
    assert nothing.row(2, named=True)["registered"] is False
    assert base_facts(tables, Q3).equals(base_facts(tables, Q3, covers=tables.covers))
