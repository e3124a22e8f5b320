"""Free medication (免费服药): eligibility, days covered, the "4 times a year" rule, indicators.

Sources: the township and county work plans (shared reference ``work-plans``) — file 000,
"重性精神病送药 … 每年至少四次给精神分裂病病人发药" (free medication handed out to
schizophrenia patients at least four times a year), and file 001, "开展贫困患者免费治疗工作 …
对享受免费治疗的贫困患者进行审核" (free outpatient medication for poor patients, after review,
within the 686 programme). The national rules (严重精神障碍管理治疗工作规范（2018年版）) leave who is
eligible to the province, so eligibility is a named, replaceable :class:`FreeMedicationPolicy`.

Days covered are counted the way pharmacy-quality measures count the proportion of days covered
(PDC): dispensings in date order, each supply starting on its dispensing day or, when the
previous supply still lasts, on the day after it ends (overlapping supplies shift forward),
counted only inside the period (capped at its end):

>>> import datetime as dt
>>> from smi_care.indicators.periods import Period
>>> q3 = Period.parse("2025Q3")                      # 92 days
>>> log = [Dispensing("P1", dt.date(2025, 6, 20), "利培酮", 60, 30),   # covers 06-20..07-19
...        Dispensing("P1", dt.date(2025, 7, 10), "利培酮", 60, 30),   # shifted: 07-20..08-18
...        Dispensing("P1", dt.date(2025, 9, 20), "利培酮", 60, 30)]   # 09-20..10-19, capped at 09-30
>>> days_covered(log, q3), round(pdc(log, q3), 3)
(60, 0.652)
>>> runs_out_on(log)
datetime.date(2025, 10, 20)

Every eligibility decision carries its reasons, met or not:

>>> d = POOR_PATIENTS.decide({"patient_id": "P1", "registered": True, "disorder": 1, "economic_status": 2})
>>> d.eligible
False
>>> for reason in d.reasons: print(reason)
registered (在册) on the period end
one of the six managed disorders
not poor (economic status 2, needs 1 贫困)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from smi_care.domain.codes import Disorder, EconomicStatus
from smi_care.domain.identity import AreaLevel
from smi_care.domain.medication import Dispensing
from smi_care.domain.records import PatientRecord
from smi_care.indicators.columnar import Tables, count, group_keys, population_entries
from smi_care.indicators.definitions import REGISTERED, Condition, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, By, EvaluationPolicy, Partial
from smi_care.indicators.expr import Expr, as_column, fact, holds
from smi_care.indicators.facts import blocks_between
from smi_care.indicators.facts_table import map_unique
from smi_care.indicators.periods import Period
from smi_care.programme.decisions import Check, EligibilityDecision, checks_expression, decide
from smi_care.programme.facts import base_facts, base_patient_facts
from smi_care.rules.status import Covers
from smi_care.rules.worklist import at_least, between

# --- eligibility --------------------------------------------------------------------------------


@attrs.frozen
class FreeMedicationPolicy:
    """Who is eligible for free medication: every check must hold. The checks read the
    programme facts (:data:`MEDICATION_FACTS`), so one policy gives the per-patient decision with
    reasons and the province-scale column (:meth:`expression`)."""

    name: str
    source: str
    checks: tuple[Check, ...]

    def __attrs_post_init__(self) -> None:
        if not self.checks:
            raise ValueError(f"free-medication policy {self.name!r} needs at least one check")

    def expression(self) -> Expr:
        return checks_expression(self.checks)

    def decide(self, facts: Mapping[str, Any]) -> EligibilityDecision:
        """The decision for one patient's facts, with the reason of every check."""
        return decide(self.name, self.checks, facts)


_SIX = tuple(d.code for d in Disorder)
IS_REGISTERED = Check("registered", "registered (在册) on the period end", "not registered (在册) on the period end",
                      fact("registered"))
SIX_DISORDERS = Check("disorder", "one of the six managed disorders",
                      "diagnosis {disorder} is not one of the six managed disorders", fact("disorder").is_in(_SIX))
POOR = Check("poor", "poor (economic status 1 贫困)",
             "not poor (economic status {economic_status}, needs 1 贫困)",
             fact("economic_status") == EconomicStatus.POOR)

#: The default: registered poor patients with one of the six disorders (work plan 001,
#: "开展对部分贫困患者给予免费的门诊药物治疗的工作 … 对享受免费治疗的贫困患者进行审核").
POOR_PATIENTS = FreeMedicationPolicy(
    "poor_patients", "work plans 001 (贫困患者免费门诊服药, 686 programme)", (IS_REGISTERED, SIX_DISORDERS, POOR))
#: A named alternative some places run: every registered patient with one of the six disorders.
ALL_REGISTERED = FreeMedicationPolicy(
    "all_registered", "local policy (free basic medication for every registered patient)",
    (IS_REGISTERED, SIX_DISORDERS))


# --- days covered (proportion of days covered) --------------------------------------------------


def _ordered(dispensings: Iterable[Dispensing]) -> list[Dispensing]:
    return sorted(dispensings, key=lambda d: d.date)  # stable: same-day rows keep their order


def supply_intervals(dispensings: Iterable[Dispensing]) -> list[tuple[dt.date, dt.date]]:
    """The ``[start, end)`` interval each supply covers, overlapping supplies shifted forward."""
    out: list[tuple[dt.date, dt.date]] = []
    cursor: dt.date | None = None
    for d in _ordered(dispensings):
        start = d.date if cursor is None or cursor <= d.date else cursor
        cursor = start + dt.timedelta(days=d.days_supplied)
        out.append((start, cursor))
    return out


def days_covered(dispensings: Iterable[Dispensing], period: Period) -> int:
    """Days of ``period`` covered by the supplies dispensed on or before its end (the reference
    for the vectorised count; never more than the period's days)."""
    lo, hi = period.start, period.end + dt.timedelta(days=1)
    total = 0
    for start, end in supply_intervals(d for d in dispensings if d.date <= period.end):
        total += max(0, (min(end, hi) - max(start, lo)).days)
    return total


def period_days(period: Period) -> int:
    return (period.end - period.start).days + 1


def pdc(dispensings: Iterable[Dispensing], period: Period) -> float:
    """Proportion of the period's days covered, 0 to 1."""
    return days_covered(dispensings, period) / period_days(period)


def runs_out_on(dispensings: Iterable[Dispensing]) -> dt.date | None:
    """The first day no supply covers any more (None without a dispensing)."""
    intervals = supply_intervals(dispensings)
    return intervals[-1][1] if intervals else None


# --- the "at least 4 times a year" rule -----------------------------------------------------------


@attrs.frozen
class DispensingPolicy:
    """How often free medication must be handed out: ``per_year`` times (work plan 000,
    "每年至少四次给精神分裂病病人发药"), one per started ``12 // per_year``-month block of the
    period from the later of its start and the patient's registration start, as §6 pro-rates
    follow-ups. ``disorders`` are the patients the rule applies to."""

    per_year: int = attrs.field(default=4, validator=between(1, 12))
    disorders: frozenset[Disorder] = frozenset({Disorder.SCHIZOPHRENIA})

    def required(self, period: Period, registration_start: dt.date) -> int:
        start = max(period.start, registration_start)
        return blocks_between(start, period.end, 12 // self.per_year)


FOUR_A_YEAR = DispensingPolicy()


def dispensing_days(dispensings: Iterable[Dispensing], period: Period) -> int:
    """How many times free medication was handed out in the period: distinct days with a free
    dispensing (two drugs on one day are one handing-out)."""
    return len({d.date for d in dispensings if d.free and d.date in period})


@attrs.frozen
class RuleResult:
    patient_id: str
    applies: bool
    met: bool
    reason: str


def dispensing_rule(patient_id: str, disorder: Disorder, dispensings: Iterable[Dispensing], period: Period,
                    registration_start: dt.date, policy: DispensingPolicy = FOUR_A_YEAR) -> RuleResult:
    """"Schizophrenia patients under free treatment receive medication at least 4 times a year"
    (work plan 000), for one patient: applies to a patient of the policy's disorders with a free
    dispensing in the period.

    >>> q = Period.parse("2025")
    >>> log = [Dispensing("P1", dt.date(2025, m, 5), "氯氮平", 90, 90) for m in (1, 4, 7)]
    >>> dispensing_rule("P1", Disorder.SCHIZOPHRENIA, log, q, dt.date(2020, 1, 1)).reason
    'medication handed out on 3 days in 2025-01-01..2025-12-31, 4 required'
    """
    log = list(dispensings)
    times = dispensing_days(log, period)
    if disorder not in policy.disorders or times == 0:
        why = "no free dispensing in the period" if times == 0 else f"the rule does not apply to {disorder.label}"
        return RuleResult(patient_id, False, True, why)
    need = policy.required(period, registration_start)
    return RuleResult(patient_id, True, times >= need, f"medication handed out on {times} days in {period}, "
                                                       f"{need} required")


# --- facts, both engines -------------------------------------------------------------------------

#: Facts of the medication indicators, beyond the §6 facts: name → (kind, meaning).
MEDICATION_FACTS: dict[str, tuple[str, str]] = {
    "free_eligible": ("bool", "eligible for free medication under the policy on D"),
    "free_enrolled": ("bool", "a free dispensing in P (under free treatment, 免费服药)"),
    "free_dispensings": ("int", "distinct days with a free dispensing in P"),
    "required_dispensings": ("int", "handing-outs required in P (pro-rated as §6 follow-ups)"),
    "rule_applies": ("bool", "the dispensing rule applies: enrolled and of the rule's disorders"),
    "days_covered": ("int", "days of P covered by supplies dispensed on or before D, shifted forward"),
    "period_days": ("int", "days in P"),
    "pdc": ("float", "days_covered / period_days"),
    "pdc_percent": ("int", "days_covered as a whole percentage of period_days, rounded down (the bands read it)"),
}


def patient_medication_facts(record: PatientRecord, dispensings: Sequence[Dispensing], period: Period,
                             covers: Covers, policy: FreeMedicationPolicy = POOR_PATIENTS,
                             rule: DispensingPolicy = FOUR_A_YEAR,
                             evaluation: EvaluationPolicy = DEFAULT_POLICY) -> dict[str, Any]:
    """The facts of one patient (the reference engine): the §6 facts and :data:`MEDICATION_FACTS`."""
    row = base_patient_facts(record, period, covers, evaluation)
    times = dispensing_days(dispensings, period)
    covered = days_covered(dispensings, period)
    row.update(
        free_eligible=holds(policy.expression(), row),
        free_enrolled=times > 0,
        free_dispensings=times,
        required_dispensings=rule.required(period, row["registration_start"]),
        rule_applies=times > 0 and row["disorder"] in {d.code for d in rule.disorders},
        days_covered=covered,
        period_days=period_days(period),
        pdc=covered / period_days(period),
        pdc_percent=covered * 100 // period_days(period),
    )
    return row


def _day_number(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Int64)


def coverage_table(dispensings: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per patient with a dispensing on or before D: ``days_covered`` in P and ``runs_out_on``
    (first uncovered day), vectorised. With ``S`` the running total of days supplied, the end of
    the i-th shifted supply is ``S_i + max_{j<=i}(date_j + days_j - S_j)``: a cumulative sum and
    a cumulative maximum per patient, no loop."""
    lo = (period.start - dt.date(1970, 1, 1)).days
    hi = (period.end - dt.date(1970, 1, 1)).days + 1
    d = (dispensings.filter(pl.col("date") <= period.end)
         .sort(["patient_id", "date", "row"])
         .select("patient_id", _day=_day_number("date"), _s=pl.col("days_supplied").cast(pl.Int64)))
    s_cum = pl.col("_s").cum_sum().over("patient_id")
    d = d.with_columns(_end=s_cum + (pl.col("_day") + pl.col("_s") - s_cum).cum_max().over("patient_id"))
    d = d.with_columns(_start=pl.col("_end") - pl.col("_s"))
    covered = (pl.min_horizontal(pl.col("_end"), pl.lit(hi)) - pl.max_horizontal(pl.col("_start"), pl.lit(lo))
               ).clip(lower_bound=0)
    return d.group_by("patient_id").agg(
        days_covered=covered.sum().cast(pl.Int64),
        runs_out_on=pl.col("_end").last().cast(pl.Date),
    )


def medication_facts(tables: Tables, dispensings: pl.DataFrame, period: Period,
                     policy: FreeMedicationPolicy = POOR_PATIENTS, rule: DispensingPolicy = FOUR_A_YEAR,
                     evaluation: EvaluationPolicy = DEFAULT_POLICY, covers: Covers | None = None,
                     base: pl.DataFrame | None = None) -> pl.DataFrame:
    """The facts of every patient (the province-scale engine), equal to
    :func:`patient_medication_facts` patient by patient (``base``: the §6 facts of
    :func:`~smi_care.programme.facts.base_facts` when already computed)."""
    facts = base_facts(tables, period, evaluation, covers) if base is None else base
    cover = coverage_table(dispensings, period)
    in_p = (pl.col("date") >= period.start) & (pl.col("date") <= period.end) & pl.col("free")
    times = dispensings.filter(in_p).group_by("patient_id").agg(free_dispensings=pl.col("date").n_unique()
                                                                .cast(pl.Int64))
    out = (facts.join(cover, on="patient_id", how="left", maintain_order="left")
           .join(times, on="patient_id", how="left", maintain_order="left"))
    # the count depends only on the later of P's start and the registration start: one call per such day
    counted_from = out.select(pl.when(pl.col("registration_start").is_null()).then(None).otherwise(
        pl.max_horizontal(pl.lit(period.start), pl.col("registration_start"))).alias("from"))["from"]
    need = map_unique(counted_from, lambda d: rule.required(period, d), pl.Int64)
    n = period_days(period)
    out = out.with_columns(
        free_dispensings=pl.col("free_dispensings").fill_null(0),
        days_covered=pl.col("days_covered").fill_null(0),
        required_dispensings=need,
        period_days=pl.lit(n, dtype=pl.Int64),
    ).with_columns(
        free_enrolled=pl.col("free_dispensings") > 0,
        rule_applies=(pl.col("free_dispensings") > 0) & pl.col("disorder").is_in([d.code for d in rule.disorders]),
        pdc=pl.col("days_covered").cast(pl.Float64) / pl.lit(float(n), dtype=pl.Float64),
        pdc_percent=pl.col("days_covered") * 100 // n,
    )
    out = out.with_columns(free_eligible=as_column(policy.expression()))
    return out.drop("runs_out_on")


# --- indicators -------------------------------------------------------------------------------------

ELIGIBLE = Condition("free_eligible", "eligible for free medication under the policy", fact("free_eligible"))
ENROLLED = Condition("free_enrolled", "received free medication in the period (免费服药)", fact("free_enrolled"))
RULE_APPLIES = Condition("rule_applies", "under free treatment and of the rule's disorders", fact("rule_applies"))
DISPENSED_ENOUGH = Condition("dispensed_enough", "handed out at least the required number of times in the period",
                             fact("free_dispensings") >= fact("required_dispensings"))
PDC_HIGH = Condition("pdc_80", "80 % or more of the period's days covered", fact("pdc_percent") >= 80)
PDC_MID = Condition("pdc_50_80", "50 % to under 80 % of the period's days covered",
                    (fact("pdc_percent") >= 50) & (fact("pdc_percent") < 80))
PDC_LOW = Condition("pdc_below_50", "under 50 % of the period's days covered", fact("pdc_percent") < 50)

_SOURCE = "work plans 000, 001 (免费服药)"
MEDICATION_INDICATORS: tuple[Indicator, ...] = (
    Indicator("free_medication_enrolment_rate", "符合条件患者免费服药率", "eligible patients receiving free medication",
              "%", (ENROLLED,), (REGISTERED, ELIGIBLE), _SOURCE),
    Indicator("free_medication_four_times_rate", "免费服药患者发药次数达标率", "free-treatment patients dispensed "
              "at least 4 times a year (pro-rated)", "%", (DISPENSED_ENOUGH,), (REGISTERED, RULE_APPLIES), _SOURCE),
    Indicator("days_covered_80_rate", "服药天数覆盖≥80%比例", "free-treatment patients with 80 % or more days covered",
              "%", (PDC_HIGH,), (REGISTERED, ENROLLED), _SOURCE),
    Indicator("days_covered_50_80_rate", "服药天数覆盖50–80%比例", "free-treatment patients with 50–80 % days covered",
              "%", (PDC_MID,), (REGISTERED, ENROLLED), _SOURCE),
    Indicator("days_covered_below_50_rate", "服药天数覆盖<50%比例", "free-treatment patients with under 50 % days "
              "covered", "%", (PDC_LOW,), (REGISTERED, ENROLLED), _SOURCE),
)


def _bys(by: By | Sequence[By]) -> list[By]:
    return list(by) if isinstance(by, list | tuple) else [by]  # type: ignore[list-item]


def partials(facts: pl.DataFrame, tables: Tables, period: Period, by: By | Sequence[By],
             indicators: Sequence[Indicator], evaluation: EvaluationPolicy = DEFAULT_POLICY) -> list[Partial]:
    """One mergeable :class:`~smi_care.indicators.evaluate.Partial` per breakdown, from a
    programme facts table (the §6 machinery: ``finalize`` turns it into a report)."""
    bys = _bys(by)
    inds = tuple(indicators)
    population = population_entries(tables.population)
    return [Partial(period, b, inds, evaluation, counts, population, facts.height)
            for b, counts in zip(bys, count(facts, inds, bys, evaluation), strict=True)]


def evaluate_medication(tables: Tables, dispensings: pl.DataFrame, period: Period,
                        by: By | Sequence[By] = AreaLevel.TOWNSHIP, policy: FreeMedicationPolicy = POOR_PATIENTS,
                        rule: DispensingPolicy = FOUR_A_YEAR, evaluation: EvaluationPolicy = DEFAULT_POLICY,
                        covers: Covers | None = None) -> list[Partial]:
    """The medication indicators by township (or any breakdowns), one partial per breakdown."""
    facts = medication_facts(tables, dispensings, period, policy, rule, evaluation, covers)
    return partials(facts, tables, period, by, MEDICATION_INDICATORS, evaluation)


@attrs.frozen
class CoverageSummary:
    """Days covered among patients under free treatment in one group: mergeable sums, the
    mean and a distribution in tenths of the period (bin 9 holds 90–100 %)."""

    patients: int
    days_covered: int
    period_days: int
    bins: tuple[int, ...]

    @property
    def mean_days_covered(self) -> float | None:
        return self.days_covered / self.patients if self.patients else None

    @property
    def mean_pdc(self) -> float | None:
        return self.days_covered / (self.patients * self.period_days) if self.patients else None

    def merge(self, other: CoverageSummary) -> CoverageSummary:
        if self.period_days != other.period_days:
            raise ValueError("only summaries of periods of the same length can be merged")
        return CoverageSummary(self.patients + other.patients, self.days_covered + other.days_covered,
                               self.period_days, tuple(a + b for a, b in zip(self.bins, other.bins, strict=True)))


def coverage_summary(facts: pl.DataFrame, by: By = None, evaluation: EvaluationPolicy = DEFAULT_POLICY
                     ) -> dict[str, CoverageSummary]:
    """Mean and distribution of days covered among registered patients under free treatment,
    per group (``""`` for the total when ``by`` is None)."""
    mine = facts.filter(pl.col("registered") & pl.col("free_enrolled"))
    n = int(facts["period_days"][0]) if facts.height else 0
    binned = mine.with_columns(group_keys(mine, by, evaluation),
                               _bin=pl.min_horizontal(pl.col("pdc_percent") // 10, pl.lit(9)))
    out: dict[str, CoverageSummary] = {}
    for (group,), part in binned.group_by(["group"], maintain_order=True):
        counts = part["_bin"].value_counts()
        bins = [0] * 10
        for b, c in counts.iter_rows():
            bins[int(b)] = int(c)
        out[str(group)] = CoverageSummary(part.height, int(part["days_covered"].sum()), n, tuple(bins))
    return out


# --- worklist -----------------------------------------------------------------------------------------


@attrs.frozen
class SupplyAlertPolicy:
    """Flag a supply that runs out within ``within_days`` of today, or ran out in the last
    ``lookback_days`` (a local default; the national rules set none)."""

    within_days: int = attrs.field(default=7, validator=at_least(0))
    lookback_days: int = attrs.field(default=30, validator=at_least(0))


@attrs.frozen
class SupplyAlert:
    patient_id: str
    runs_out_on: dt.date
    days_left: int

    @property
    def reason(self) -> str:
        n = abs(self.days_left)
        days = f"{n} day" if n == 1 else f"{n} days"
        if self.days_left >= 0:
            return f"free-medication supply runs out on {self.runs_out_on.isoformat()} ({days} left)"
        return f"free-medication supply ran out on {self.runs_out_on.isoformat()} ({days} ago)"


def supply_alert(patient_id: str, dispensings: Iterable[Dispensing], today: dt.date,
                 policy: SupplyAlertPolicy = SupplyAlertPolicy()) -> SupplyAlert | None:
    """The alert for one patient on ``today`` (None when the supply lasts, or never existed, or
    ran out longer ago than the look-back).

    >>> log = [Dispensing("P1", dt.date(2025, 9, 1), "利培酮", 60, 30)]
    >>> supply_alert("P1", log, dt.date(2025, 9, 26)).reason
    'free-medication supply runs out on 2025-10-01 (5 days left)'
    >>> supply_alert("P1", log, dt.date(2025, 9, 20)) is None
    True
    """
    end = runs_out_on(d for d in dispensings if d.date <= today)
    if end is None:
        return None
    left = (end - today).days
    return SupplyAlert(patient_id, end, left) if -policy.lookback_days <= left <= policy.within_days else None


def supply_alerts(dispensings: pl.DataFrame, today: dt.date, policy: SupplyAlertPolicy = SupplyAlertPolicy(),
                  patients: Iterable[str] | None = None) -> list[SupplyAlert]:
    """Every alert on ``today``, vectorised (equal to :func:`supply_alert` patient by patient),
    sorted by run-out day; ``patients`` limits them (for example to the registered ones)."""
    table = coverage_table(dispensings, Period(today, today))
    if patients is not None:
        table = table.filter(pl.col("patient_id").is_in(list(patients)))
    left = (pl.col("runs_out_on") - pl.lit(today)).dt.total_days()
    flagged = (table.with_columns(_left=left)
               .filter((pl.col("_left") >= -policy.lookback_days) & (pl.col("_left") <= policy.within_days))
               .sort(["runs_out_on", "patient_id"]))
    return [SupplyAlert(p, d, int(n)) for p, d, n in flagged.select("patient_id", "runs_out_on", "_left").iter_rows()]


__all__ = [
    "ALL_REGISTERED", "FOUR_A_YEAR", "MEDICATION_FACTS", "MEDICATION_INDICATORS", "POOR_PATIENTS", "Check",
    "CoverageSummary", "DispensingPolicy", "EligibilityDecision", "FreeMedicationPolicy", "RuleResult",
    "SupplyAlert", "SupplyAlertPolicy", "coverage_summary", "coverage_table", "days_covered", "dispensing_rule",
    "evaluate_medication", "medication_facts", "patient_medication_facts", "pdc", "runs_out_on", "supply_alert",
    "supply_alerts", "supply_intervals",
]
