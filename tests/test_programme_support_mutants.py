"""The support facts in one pass (:mod:`smi_care.programme.support`) on a small county built once:
one table equal to the facts of free medication, guardians and teams joined patient by patient,
every policy argument reaching its facts, and the indicators counted from that table
(docs/testing.md, "The programme tables").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from smi_care.domain.identity import AreaLevel
from smi_care.indicators.evaluate import DEFAULT_POLICY, EvaluationPolicy, finalize
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import StandardPolicy
from smi_care.programme import guardians, medication, teams
from smi_care.programme.guardians import GUARDIAN_FACTS, GUARDIAN_INDICATORS
from smi_care.programme.key_patients import KEY_FACTS, KeyPatientPolicy
from smi_care.programme.medication import MEDICATION_INDICATORS, partials
from smi_care.programme.support import SUPPORT_INDICATORS, evaluate_support, support_facts
from smi_care.programme.teams import TEAM_FACTS, TEAM_INDICATORS
from smi_care.registry.optional import read_optional
from smi_care.registry.programme_files import ASSESSMENT_SPEC
from smi_care.registry.support_files import SupportLoad, read_support_files
from smi_care.registry.tables import RegistryTables, read_tables
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.status import StatusPolicy
from smi_care.synth import write_province

County = tuple[RegistryTables, SupportLoad, pl.DataFrame]
YEAR = Period.parse("2025")
#: Each part changes some §6 fact of the county (see tests/test_programme_facts_mutants.py).
EVALUATION = EvaluationPolicy(standard=StandardPolicy(gap_months=1), status=StatusPolicy(consecutive_failures_lost=1),
                              classes=ClassificationPolicy(unstable_risk_min=1))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> County:
    folder: Path = write_province(tmp_path_factory.mktemp("county") / "c", patients=120, seed=5)
    tables = read_tables(folder).tables
    assessments = read_optional(folder, ASSESSMENT_SPEC, tables.patients).table
    return tables, read_support_files(folder, tables), assessments


@pytest.fixture(scope="module")
def default(county: County) -> pl.DataFrame:
    tables, load, _ = county
    return support_facts(tables, load, YEAR)


def composed(tables: RegistryTables, load: SupportLoad, period: Period, **kw: Any) -> pl.DataFrame:
    """The three modules' facts joined by hand: what support_facts promises to give in one pass."""
    med_policy = kw.get("medication", medication.POOR_PATIENTS)
    rule = kw.get("rule", medication.FOUR_A_YEAR)
    reward = kw.get("reward", guardians.REWARD_DEFAULT)
    team = kw.get("team", teams.TEAM_DEFAULT)
    evaluation = kw.get("evaluation", DEFAULT_POLICY)
    covers = kw.get("covers")
    med = medication.medication_facts(tables, load.dispensings, period, med_policy, rule, evaluation, covers)
    g = guardians.guardian_facts(tables, load.guardians, period, reward, evaluation, covers)
    t = teams.team_facts(tables, load.teams, load.team_reviews, period, team, evaluation, covers,
                         assessments=kw.get("assessments"))
    return (med.join(g.select("patient_id", *GUARDIAN_FACTS), on="patient_id", how="left")
            .join(t.select("patient_id", *KEY_FACTS, *TEAM_FACTS), on="patient_id", how="left"))


def test_the_one_pass_is_the_three_modules_facts_joined(county: County
                                                        ) -> None:
    tables, load, _ = county
    got = support_facts(tables, load, YEAR)
    assert got.columns == composed(tables, load, YEAR).columns
    assert got["patient_id"].to_list() == tables.patients["patient_id"].to_list()
    assert got.equals(composed(tables, load, YEAR))
    for name in (*GUARDIAN_FACTS, *KEY_FACTS, *TEAM_FACTS):
        assert name in got.columns


def _changes(default: pl.DataFrame, tables: RegistryTables, load: SupportLoad, column: str, **kw: Any) -> None:
    chosen = support_facts(tables, load, YEAR, **kw)
    assert chosen.equals(composed(tables, load, YEAR, **kw))
    assert not chosen.get_column(column).equals(default.get_column(column)), column


def test_the_free_medication_policy_reaches_the_facts(default: pl.DataFrame, county: County
                                                      ) -> None:
    tables, load, _ = county
    _changes(default, tables, load, "free_eligible", medication=medication.ALL_REGISTERED)


def test_the_dispensing_rule_reaches_the_facts(default: pl.DataFrame, county: County) -> None:
    tables, load, _ = county
    _changes(default, tables, load, "required_dispensings", rule=medication.DispensingPolicy(per_year=12))


def test_the_reward_policy_reaches_the_facts(default: pl.DataFrame, county: County) -> None:
    tables, load, _ = county
    _changes(default, tables, load, "reward_eligible", reward=guardians.REWARD_NO_INCIDENT)


def test_the_team_policy_reaches_the_facts(default: pl.DataFrame, county: County) -> None:
    tables, load, _ = county
    _changes(default, tables, load, "key", team=teams.TeamPolicy(key=KeyPatientPolicy(risk_from=1)))


def test_the_evaluation_policy_reaches_every_part(default: pl.DataFrame, county: County) -> None:
    tables, load, _ = county
    _changes(default, tables, load, "lost", evaluation=EVALUATION)
    chosen = support_facts(tables, load, YEAR, evaluation=EVALUATION)
    assert chosen.equals(composed(tables, load, YEAR, evaluation=EVALUATION))


def test_the_coverage_reaches_every_part(default: pl.DataFrame, county: County) -> None:
    tables, load, _ = county
    _changes(default, tables, load, "registered", covers=lambda area: False)
    assert support_facts(tables, load, YEAR, covers=tables.covers).equals(default)


def test_the_assessments_reach_the_key_patient_facts(default: pl.DataFrame, county: County
                                                     ) -> None:
    tables, load, assessments = county
    _changes(default, tables, load, "key", assessments=assessments)


@pytest.mark.parametrize("by", [None, AreaLevel.TOWNSHIP, [None, AreaLevel.TOWNSHIP]])
def test_the_indicators_are_counted_from_the_one_table(county: County,
                                                       by: Any) -> None:
    tables, load, assessments = county
    kw: dict[str, Any] = {"rule": medication.DispensingPolicy(per_year=6), "reward": guardians.REWARD_NO_INCIDENT,
                          "assessments": assessments, "evaluation": EVALUATION}
    got = evaluate_support(tables, load, YEAR, by, **kw)
    expected = partials(composed(tables, load, YEAR, **kw), tables, YEAR, by, SUPPORT_INDICATORS, EVALUATION)
    assert [finalize(p, targets=()) for p in got] == [finalize(p, targets=()) for p in expected]
    assert len(got) == (2 if isinstance(by, list) else 1)


def test_the_default_breakdown_is_the_township(county: County) -> None:
    tables, load, _ = county
    (township,) = evaluate_support(tables, load, YEAR)
    (expected,) = evaluate_support(tables, load, YEAR, AreaLevel.TOWNSHIP)
    report = finalize(township, targets=())
    assert report == finalize(expected, targets=())
    assert len({r.group for r in report.results}) > 2


def test_the_indicators_in_report_order() -> None:
    assert (*MEDICATION_INDICATORS, *GUARDIAN_INDICATORS, *TEAM_INDICATORS) == SUPPORT_INDICATORS
