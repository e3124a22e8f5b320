"""Evaluation of the pilot indicators by area and period, as mergeable partial counts.

:func:`evaluate_area` counts the area indicators (:data:`~smi_care.pilot.indicators.AREA_INDICATORS`)
over the facts of :mod:`smi_care.pilot.facts` into a :class:`~smi_care.indicators.evaluate.Partial`
— the same mergeable counts the patient indicators give, grouped by the home area of each unit,
survey, count or event. :func:`evaluate_pilot` adds the patient indicators of the plans
(:data:`~smi_care.pilot.indicators.PATIENT_INDICATORS`, evaluated by the §6 engine) and returns a
:class:`PilotPartial`; the partials of two counties :meth:`merge <PilotPartial.merge>` into the
partial of both (counts add; the same units or patients twice are refused).

>>> from smi_care.indicators import Period
>>> from smi_care.registry.pilot_files import read_pilot_files
>>> import tempfile
>>> p = evaluate_area(read_pilot_files(tempfile.mkdtemp()), Period.parse("2021"), by=None)
>>> p.counts
{}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
import polars as pl

from smi_care.domain.identity import AreaLevel
from smi_care.domain.records import PopulationEntry
from smi_care.indicators.columnar import Tables, evaluate_tables, group_keys, population_entries
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, Counts, EvaluationPolicy, Partial, source_of
from smi_care.indicators.expr import as_column
from smi_care.indicators.periods import Period
from smi_care.pilot.facts import (
    EMERGENCY_DEFAULT,
    EmergencyPolicy,
    emergency_facts,
    special_group_facts,
    survey_facts,
    unit_facts,
)
from smi_care.pilot.indicators import AREA_INDICATORS, PATIENT_INDICATORS, AreaIndicator
from smi_care.registry.pilot_files import PilotLoad
from smi_care.rules.status import Covers


def pilot_facts(load: PilotLoad, period: Period, policy: EmergencyPolicy = EMERGENCY_DEFAULT) -> dict[str, pl.DataFrame]:
    """The four facts tables of a period, by table name (``units``, ``surveys``, ``special_groups``,
    ``emergencies``)."""
    return {"units": unit_facts(load, period), "surveys": survey_facts(load, period),
            "special_groups": special_group_facts(load, period),
            "emergencies": emergency_facts(load, period, policy)}


def _weight(column: str | None) -> pl.Expr:
    return pl.col(column).cast(pl.Int64) if column else pl.lit(1, dtype=pl.Int64)


def count_area(facts: dict[str, pl.DataFrame], indicators: Sequence[AreaIndicator], by: By) -> Counts:
    """Numerator and denominator per (indicator, group): the rows of the indicator's table that
    meet its conditions, counted (or their ``numerator_sum`` / ``denominator_sum`` columns added)."""
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for table, df in facts.items():
        mine = [a for a in indicators if a.table == table]
        if not mine or df.height == 0:
            continue
        cols: list[pl.Expr] = []
        for i, a in enumerate(mine):
            cols.append(pl.when(as_column(a.indicator.numerator_expr)).then(_weight(a.numerator_sum))
                        .otherwise(0).alias(f"n{i}"))
            cols.append(pl.when(as_column(a.indicator.denominator_expr)).then(_weight(a.denominator_sum))
                        .otherwise(0).alias(f"d{i}"))
        sums = df.select(cols).with_columns(group_keys(df, by)).group_by("group").agg(pl.all().sum())
        for row in sums.iter_rows(named=True):
            for i, a in enumerate(mine):
                n, d = int(row[f"n{i}"]), int(row[f"d{i}"])
                if n or d:
                    counts[(a.id, row["group"])] = (n, d)
    return counts


def _source_rows(load: PilotLoad) -> tuple[list[str], list[str]]:
    ids = [f"unit:{u}" for u in load.units.get_column("unit_id").to_list()]
    ids += [f"survey:{s}" for s in load.surveys.get_column("survey_id").to_list()]
    ids += [f"event:{e}" for e in load.emergencies.get_column("event_id").to_list()]
    ids += [f"group:{a}|{d}|{g}" for a, d, g in load.special_groups.select("area_code", "date", "group").iter_rows()]
    areas = [a for t in (load.units, load.surveys, load.emergencies, load.special_groups)
             for a in t.get_column("area_code").to_list()]
    return ids, areas


def evaluate_area(load: PilotLoad, period: Period, by: By = AreaLevel.TOWNSHIP,
                  population: Iterable[PopulationEntry] = (), policy: EmergencyPolicy = EMERGENCY_DEFAULT,
                  indicators: Sequence[AreaIndicator] = AREA_INDICATORS) -> Partial:
    """The area indicators of ``load`` in ``period`` by ``by`` (an area level or None for the
    total), as a mergeable :class:`~smi_care.indicators.evaluate.Partial` (``population``: the
    registry's population entries, so that every area of the registry gets a row)."""
    inds = tuple(indicators)
    counts = count_area(pilot_facts(load, period, policy), inds, by)
    ids, areas = _source_rows(load)
    return Partial(period, by, tuple(a.indicator for a in inds), DEFAULT_POLICY, counts, frozenset(population), 0,
                   None, frozenset({source_of(ids, areas)}))


@attrs.frozen
class PilotPartial:
    """The pilot's counts of one or more counties: ``patients`` (the plans' patient indicators)
    and ``area`` (the area indicators), for one period and one breakdown."""

    patients: Partial
    area: Partial

    @property
    def period(self) -> Period:
        return self.area.period

    @property
    def by(self) -> By:
        return self.area.by

    def merge(self, other: PilotPartial) -> PilotPartial:
        """The partial of two disjoint counties (or any disjoint sets of patients and units)."""
        return PilotPartial(self.patients.merge(other.patients), self.area.merge(other.area))


def evaluate_pilot(tables: Tables, load: PilotLoad, period: Period, by: By = AreaLevel.TOWNSHIP,
                   evaluation: EvaluationPolicy = DEFAULT_POLICY, emergency: EmergencyPolicy = EMERGENCY_DEFAULT,
                   covers: Covers | None = None) -> PilotPartial:
    """Every pilot indicator, patient and area, of a registry (its tables and its ``pilot/`` files)."""
    patients = evaluate_tables(tables, period, by, PATIENT_INDICATORS, evaluation, covers)[0]
    area = evaluate_area(load, period, by, population_entries(tables.population), emergency)
    return PilotPartial(patients, area)


__all__ = ["PilotPartial", "count_area", "evaluate_area", "evaluate_pilot", "pilot_facts"]
