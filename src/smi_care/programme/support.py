"""The support of the county programme in one pass: free medication, guardians and case-management
teams over a registry's tables, by township (or any breakdowns), for the quarterly programme report.

:func:`support_facts` computes the §6 facts once and adds the facts of the three modules;
:func:`evaluate_support` counts :data:`SUPPORT_INDICATORS` over it into mergeable
:class:`~smi_care.indicators.evaluate.Partial` values (one per breakdown) that
:func:`~smi_care.indicators.evaluate.finalize` turns into a report.

>>> import tempfile
>>> from smi_care.indicators import Period, finalize
>>> from smi_care.registry.tables import read_tables
>>> from smi_care.registry.support_files import read_support_files
>>> from smi_care.synth import write_province
>>> folder = write_province(tempfile.mkdtemp(), patients=120, seed=5)
>>> tables = read_tables(folder).tables
>>> partial, = evaluate_support(tables, read_support_files(folder, tables), Period.parse("2025"), by=None)
>>> report = finalize(partial, targets=())
>>> [r.indicator for r in report.results][:2]
['free_medication_enrolment_rate', 'free_medication_four_times_rate']
>>> all(0 <= r.numerator <= (r.denominator or 0) for r in report.results)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from smi_care.domain.identity import AreaLevel
from smi_care.indicators.columnar import Tables
from smi_care.indicators.definitions import Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.periods import Period
from smi_care.programme.facts import base_facts
from smi_care.programme.guardians import (
    GUARDIAN_FACTS,
    GUARDIAN_INDICATORS,
    REWARD_DEFAULT,
    GuardianRewardPolicy,
    guardian_facts,
)
from smi_care.programme.key_patients import KEY_FACTS
from smi_care.programme.medication import (
    FOUR_A_YEAR,
    MEDICATION_INDICATORS,
    POOR_PATIENTS,
    DispensingPolicy,
    FreeMedicationPolicy,
    medication_facts,
    partials,
)
from smi_care.programme.teams import TEAM_DEFAULT, TEAM_FACTS, TEAM_INDICATORS, TeamPolicy, team_facts
from smi_care.registry.support_files import SupportLoad
from smi_care.rules.status import Covers

#: Every indicator of free medication, guardians and teams, in report order.
SUPPORT_INDICATORS: tuple[Indicator, ...] = (*MEDICATION_INDICATORS, *GUARDIAN_INDICATORS, *TEAM_INDICATORS)


def support_facts(tables: Tables, load: SupportLoad, period: Period,
                      medication: FreeMedicationPolicy = POOR_PATIENTS, rule: DispensingPolicy = FOUR_A_YEAR,
                      reward: GuardianRewardPolicy = REWARD_DEFAULT, team: TeamPolicy = TEAM_DEFAULT,
                      evaluation: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None,
                      assessments: pl.DataFrame | None = None) -> pl.DataFrame:
    """One facts table with the §6 facts and the facts of the three modules (the teams' with the
    key-patient facts, which read ``assessments``, the table of ``assessments.csv``, when given)."""
    base = base_facts(tables, period, evaluation, covers)
    med = medication_facts(tables, load.dispensings, period, medication, rule, evaluation, covers, base=base)
    g = guardian_facts(tables, load.guardians, period, reward, evaluation, covers, base=base)
    t = team_facts(tables, load.teams, load.team_reviews, period, team, evaluation, covers, base=base,
                   assessments=assessments)
    return (med.join(g.select("patient_id", *GUARDIAN_FACTS), on="patient_id", how="left", maintain_order="left")
            .join(t.select("patient_id", *KEY_FACTS, *TEAM_FACTS), on="patient_id", how="left", maintain_order="left"))


def evaluate_support(tables: Tables, load: SupportLoad, period: Period,
                         by: By | Sequence[By] = AreaLevel.TOWNSHIP,
                         medication: FreeMedicationPolicy = POOR_PATIENTS, rule: DispensingPolicy = FOUR_A_YEAR,
                         reward: GuardianRewardPolicy = REWARD_DEFAULT, team: TeamPolicy = TEAM_DEFAULT,
                         evaluation: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None,
                         assessments: pl.DataFrame | None = None) -> list[Partial]:
    """:data:`SUPPORT_INDICATORS` by township (or any breakdowns), one partial per breakdown."""
    facts = support_facts(tables, load, period, medication, rule, reward, team, evaluation, covers, assessments)
    return partials(facts, tables, period, by, SUPPORT_INDICATORS, evaluation)


__all__ = ["SUPPORT_INDICATORS", "evaluate_support", "support_facts"]
