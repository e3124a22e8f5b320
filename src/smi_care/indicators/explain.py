"""Why a figure moved between two periods: the patients behind the change, counted by reason.

:func:`explain` counts every indicator in both periods on the columnar engine (the facts table of
each period, :func:`~smi_care.indicators.facts_table.facts_table`, counted as the report counts
it) and puts every patient whose place differs into exactly one entry per area, by reason:

- **entered** the register: ``new`` (registered in the later period, first registration after the
  earlier period's last day), ``transferred_in`` (the registration starts with a transfer in),
  else ``other``;
- **left** it: the first status event between the two reporting days — ``died``,
  ``diagnosis_withdrawn``, ``transferred_out`` — else ``other``;
- **moved** between areas (``moved_out`` of one, ``moved_in`` to another), counted in both;
- for patients in both, the **condition** of the indicator's own definition that changed, down to
  the part that flipped (:mod:`smi_care.indicators.flips`): ``lost|standard|consented`` (consent
  withdrawn), ``lost|standard|completed_count >= required_followups`` (too few for the pro-rated
  count), ``gained|on_medication|last_adherence in (1, 2)`` …;
- for the reported prevalence, whose denominator is the resident population, ``population``.

Registered or not is decided by the facts table (national-rules §5, §6 "Area"); the status events
only *name* why a patient who left or entered did so. The entries add up exactly: numerator(to) −
numerator(from) is the sum of the numerator entries, and the same for denominators, for every
indicator and area (tests prove it on random registries and on the demo).

>>> from smi_care.indicators.flips import reason_words
>>> reason_words("gained|on_medication|last_adherence in (1, 2)", "zh")
'新满足：末次随访规律或间断服药（on_medication）'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import polars as pl

from smi_care.domain.arguments import checked_with
from smi_care.domain.codes import EventKind
from smi_care.domain.errors import ArgumentTypeError, SmiCareError
from smi_care.indicators.columnar import Tables, count, group_keys, population_entries
from smi_care.indicators.definitions import STANDARD_INDICATORS, Indicator
from smi_care.indicators.evaluate import (
    DEFAULT_POLICY,
    TEXT_FORMS,
    By,
    EvaluationPolicy,
    Partial,
    Report,
    by_name,
    finalize,
    source_of,
)
from smi_care.indicators.facts_table import facts_table
from smi_care.indicators.flips import Part, flips, reason_words
from smi_care.indicators.periods import Period
from smi_care.indicators.targets import NATIONAL_TARGETS, Target

#: The reasons that are not a condition of the definition, in words (English, Chinese).
REASONS: dict[str, tuple[str, str]] = {
    "entered:new": ("entered the register: new", "新登记在册"),
    "entered:transferred_in": ("entered the register: transferred in", "迁入在册"),
    "entered:other": ("entered the register: other", "其他原因在册"),
    "left:died": ("left the register: died", "死亡"),
    "left:diagnosis_withdrawn": ("left the register: diagnosis withdrawn", "撤销诊断"),
    "left:transferred_out": ("left the register: transferred out", "迁出"),
    "left:other": ("left the register: other", "其他原因不再在册"),
    "moved:in": ("moved in from another area", "由其他地区迁入本地区"),
    "moved:out": ("moved out to another area", "迁往其他地区"),
    "population": ("resident population changed", "常住人口变化"),
}
_LEAVING = {EventKind.DEATH.text_code: "left:died", EventKind.DIAGNOSIS_WITHDRAWN.text_code: "left:diagnosis_withdrawn",
            EventKind.TRANSFER_OUT.text_code: "left:transferred_out"}


class ExplainError(SmiCareError, ValueError):
    """Periods that cannot be explained one from the other."""


def words(reason: str, lang: str = "en") -> str:
    """A reason code in words, English or Chinese."""
    if reason in REASONS:
        return REASONS[reason][1 if lang == "zh" else 0]
    return reason_words(reason, lang)


@attrs.frozen
class Entry:
    """Patients who move one part (numerator or denominator) of one indicator in one group for one
    reason; ``change`` is the signed count (+ entered the part, − left it)."""

    indicator: str
    group: str
    part: Part
    reason: str
    change: int
    patients: tuple[str, ...]

    @property
    def en(self) -> str:
        return words(self.reason, "en")

    @property
    def zh(self) -> str:
        return words(self.reason, "zh")


@attrs.frozen
class Change:
    """One indicator in one group ("" the total) in both periods, and the entries that explain it."""

    indicator: str
    zh: str
    unit: str
    group: str
    area: str | None
    numerator_from: int
    denominator_from: int | None
    value_from: float | None
    numerator_to: int
    denominator_to: int | None
    value_to: float | None
    entries: tuple[Entry, ...]

    def explained(self, part: Part) -> int:
        """The sum of the entries of one part."""
        return sum(e.change for e in self.entries if e.part == part)

    @property
    def points(self) -> float | None:
        """The change of the value, in the indicator's unit (percentage points, or ‰)."""
        return None if self.value_from is None or self.value_to is None else self.value_to - self.value_from


@attrs.frozen
class Explanation:
    """Every indicator and group of two periods, with the entries that explain the change."""

    start: Period
    end: Period
    by: By
    changes: tuple[Change, ...]
    reports: tuple[Report, Report]

    def change(self, indicator: str, group: str = "") -> Change:
        for c in self.changes:
            if c.indicator == indicator and c.group == group:
                return c
        raise KeyError(f"no change for indicator {indicator!r} group {group!r}")


def facts_of(tables: Tables, period: Period, policy: EvaluationPolicy) -> pl.DataFrame:
    """The facts table of a period (the one the report counts)."""
    return facts_table(tables.patients, tables.followups, tables.events, period, tables.covers,
                       policy.standard, policy.status, policy.classes)


def report_of(tables: Tables, facts: pl.DataFrame, period: Period, by: By, indicators: Sequence[Indicator],
              policy: EvaluationPolicy, targets: Iterable[Target] = NATIONAL_TARGETS) -> Report:
    """The report of a facts table: the counts :func:`~smi_care.indicators.columnar.evaluate_tables`
    makes of it, finalized."""
    visits = tables.followups.get_column("visit_date")
    seen = int(((visits >= period.start) & (visits <= period.end)).sum())
    sources = frozenset({source_of(tables.patients.get_column("patient_id").to_list(),
                                   tables.patients.get_column("area_code").to_list())})
    counts = count(facts, indicators, [by], policy)[0]
    partial = Partial(period, by, tuple(indicators), policy, counts, population_entries(tables.population),
                      facts.height, seen, sources)
    return finalize(partial, targets)


def _register_reasons(tables: Tables, facts_to: pl.DataFrame, start: Period, end: Period) -> pl.DataFrame:
    """Why each patient would have entered or left the register between the two reporting days:
    the first death, diagnosis withdrawn or transfer out after the earlier day (left); a
    registration that starts after it, with a transfer in or not (entered)."""
    ev = (tables.events.filter(pl.col("event").is_in(list(_LEAVING)) & (pl.col("date") > start.end)
                               & (pl.col("date") <= end.end))
          .sort(["patient_id", "date", "row"]).group_by("patient_id").agg(_first=pl.col("event").first()))
    left = pl.col("_first").replace_strict(_LEAVING, default="left:other", return_dtype=pl.String)
    starts = facts_to.select("patient_id", "registration_start").with_columns(
        registered_on=tables.patients.get_column("registered_on"))
    entered = (pl.when(pl.col("registration_start") <= pl.lit(start.end)).then(pl.lit("entered:other"))
               .when(pl.col("registration_start") == pl.col("registered_on")).then(pl.lit("entered:new"))
               .otherwise(pl.lit("entered:transferred_in")))
    return (starts.join(ev, on="patient_id", how="left")
            .select("patient_id", _left=left.fill_null("left:other"), _entered=entered.fill_null("entered:other")))


def entries_of(rows: pl.DataFrame, register: pl.DataFrame | None, total: bool = True) -> pl.DataFrame:
    """The flips (:func:`~smi_care.indicators.flips.flips`) as entries per indicator, group, part and
    reason, and the total's ("") when ``total`` (a breakdown's groups are not the total);
    ``register`` names why the registered fact flipped."""
    rows = rows.with_columns(_reg=pl.col("reason").str.ends_with("|registered").fill_null(False))
    if register is not None:
        rows = rows.join(register, on="patient_id", how="left")
        named = (pl.when(pl.col("_reg") & pl.col("in_a")).then(pl.col("_left"))
                 .when(pl.col("_reg")).then(pl.col("_entered")).otherwise(pl.col("reason")))
        rows = rows.with_columns(reason=named)
    sign = pl.col("in_b").cast(pl.Int64) - pl.col("in_a").cast(pl.Int64)
    same = rows.filter((pl.col("group_a") == pl.col("group_b")) & (pl.col("in_a") != pl.col("in_b")))
    moved = rows.filter(pl.col("group_a") != pl.col("group_b"))
    keep = ["indicator", "part", "group", "reason", "change", "patient_id"]
    out = [same.select("indicator", "part", group=pl.col("group_a"), reason=pl.col("reason"), change=sign,
                       patient_id=pl.col("patient_id")).select(keep),
           moved.filter(pl.col("in_a")).select(
               "indicator", "part", group=pl.col("group_a"), change=pl.lit(-1, pl.Int64), patient_id=pl.col("patient_id"),
               reason=pl.when(pl.col("_reg") & ~pl.col("in_b")).then(pl.col("reason")).otherwise(pl.lit("moved:out")),
           ).select(keep),
           moved.filter(pl.col("in_b")).select(
               "indicator", "part", group=pl.col("group_b"), change=pl.lit(1, pl.Int64), patient_id=pl.col("patient_id"),
               reason=pl.when(pl.col("_reg") & ~pl.col("in_a")).then(pl.col("reason")).otherwise(pl.lit("moved:in")),
           ).select(keep),
           *([rows.filter(pl.col("in_a") != pl.col("in_b")).select(
               "indicator", "part", group=pl.lit(""), reason=pl.col("reason"), change=sign,
               patient_id=pl.col("patient_id")).select(keep)] if total else [])]
    return (pl.concat(out).group_by("indicator", "part", "group", "reason")
            .agg(pl.col("change").sum(), pl.col("patient_id").sort().alias("patients"))
            .sort("indicator", "group", "part", "reason"))


def changes_of(reports: tuple[Report, Report], entries: pl.DataFrame,
               indicators: Sequence[Indicator]) -> tuple[Change, ...]:
    """Both reports side by side, group by group, each with its entries (and the population's for
    an indicator over the resident population)."""
    by_key: dict[tuple[str, str], list[Entry]] = {}
    for r in entries.iter_rows(named=True):
        by_key.setdefault((r["indicator"], r["group"]), []).append(
            Entry(r["indicator"], r["group"], r["part"], r["reason"], int(r["change"]), tuple(r["patients"])))
    a = {(r.indicator, r.group): r for r in reports[0].results}
    b = {(r.indicator, r.group): r for r in reports[1].results}
    out: list[Change] = []
    for ind in indicators:
        groups = sorted({g for (i, g) in (*a, *b) if i == ind.id})
        for g in groups:
            ra, rb = a.get((ind.id, g)), b.get((ind.id, g))
            entries_here = list(by_key.get((ind.id, g), []))
            den_a, den_b = (ra.denominator if ra else 0), (rb.denominator if rb else 0)
            if ind.population_denominator and den_a is not None and den_b is not None and den_a != den_b:
                entries_here.append(Entry(ind.id, g, "denominator", "population", den_b - den_a, ()))
            either = ra or rb
            area = either.area if either is not None else None
            out.append(Change(ind.id, ind.zh, ind.unit, g, area, ra.numerator if ra else 0, den_a,
                              ra.value if ra else None, rb.numerator if rb else 0, den_b, rb.value if rb else None,
                              tuple(entries_here)))
    return tuple(out)


@checked_with(skip=("tables",), advice=TEXT_FORMS)
def explain(tables: Tables, start: Period, end: Period, by: By = None,
            indicators: Iterable[Indicator] = STANDARD_INDICATORS, policy: EvaluationPolicy = DEFAULT_POLICY,
            targets: Iterable[Target] = NATIONAL_TARGETS) -> Explanation:
    """Explain every indicator's change from period ``start`` to period ``end``, per group of ``by``
    and in total, on registry tables (:func:`smi_care.registry.read_tables`).

    Each period's figures are the report's (:func:`~smi_care.indicators.report`), from the same
    facts table; the entries add up to the change of every numerator and denominator."""
    if not isinstance(tables, Tables):
        raise ArgumentTypeError("explain", "tables", tables, "registry tables (smi_care.registry.read_tables)")
    if end.end < start.end:
        raise ExplainError(f"the period to explain ({end}) ends before the period it is compared with ({start}): "
                           "give the earlier period first (--from) and the later one second (--to)")
    inds = tuple(indicators)
    tgts = tuple(targets)
    fa, fb = facts_of(tables, start, policy), facts_of(tables, end, policy)
    reports = (report_of(tables, fa, start, by, inds, policy, tgts), report_of(tables, fb, end, by, inds, policy, tgts))
    rows = flips(fa, fb, group_keys(fa, by, policy), group_keys(fb, by, policy), inds, inds, policy, policy)
    entries = entries_of(rows, _register_reasons(tables, fb, start, end), total=by is not None)
    return Explanation(start, end, by, changes_of(reports, entries, inds), reports)


def to_json_data(ex: Explanation, patients: bool = True) -> dict[str, Any]:
    """The explanation as JSON-ready data (``patients=False`` leaves the patient identifiers out)."""
    def entry(e: Entry) -> dict[str, Any]:
        out: dict[str, Any] = {"part": e.part, "reason": e.reason, "en": e.en, "zh": e.zh, "change": e.change}
        if patients:
            out["patients"] = list(e.patients)
        return out

    return {"from": str(ex.start), "to": str(ex.end), "by": by_name(ex.by),
            "changes": [{"indicator": c.indicator, "zh": c.zh, "unit": c.unit, "group": c.group, "area": c.area,
                         "from": {"numerator": c.numerator_from, "denominator": c.denominator_from, "value": c.value_from},
                         "to": {"numerator": c.numerator_to, "denominator": c.denominator_to, "value": c.value_to},
                         "points": c.points, "entries": [entry(e) for e in c.entries]} for c in ex.changes]}
