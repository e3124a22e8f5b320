"""The NO_GAP_OVER_3_MONTHS chain (:mod:`smi_care.indicators.standard`) of several patients in one
table, each worked out against the oracle (tests/oracle): one patient's gaps never read another's
follow-ups, and a patient without a completed follow-up gets the oracle's answer. Written for the
mutation run of the module (docs/testing.md, "Fifth session"); about a second.
"""

from __future__ import annotations

from smi_care.domain import Registry
from smi_care.indicators.facts_table import facts_table
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import NO_GAP_OVER_3_MONTHS
from smi_care.rules.classification import NATIONAL as CLASSES
from smi_care.rules.status import NATIONAL as STATUS
from tests.helpers import D, patient, record, visit
from tests.oracle.facts import patient_facts
from tests.test_engines_equal import tables_of

Y2025 = Period.parse("2025")
REGISTRY = Registry.of([
    record(*(visit(D(2025, m, 10), "A") for m in range(1, 13)), p=patient("A")),  # every month: no gap
    record(visit(D(2025, 11, 20), "B"), p=patient("B")),                           # ten months without one
    record(p=patient("C")),                                                        # no follow-up at all
    # registered seven weeks before D, no follow-up yet: no gap of more than 3 months so far
    record(p=patient("D", diagnosis_date=D(2025, 10, 20), registered_on=D(2025, 11, 10), consent_date=D(2025, 11, 10))),
])


def test_each_patient_s_gaps_are_that_patient_s_own() -> None:
    t = tables_of(REGISTRY)
    table = facts_table(t.patients, t.followups, t.events, Y2025, REGISTRY.covers, NO_GAP_OVER_3_MONTHS, STATUS,
                        CLASSES)
    got = {r["patient_id"]: r["gaps_within_limit"] for r in table.iter_rows(named=True)}
    expected = {rec.patient_id: patient_facts(rec, Y2025, REGISTRY.covers, NO_GAP_OVER_3_MONTHS, STATUS,
                                              CLASSES).row()["gaps_within_limit"] for rec in REGISTRY}
    assert got == expected
    assert (got["A"], got["B"], got["C"], got["D"]) == (True, False, False, True)
