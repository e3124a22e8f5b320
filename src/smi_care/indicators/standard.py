"""Standard management (规范管理, national-rules §6) as a policy of the indicator.

Default **[FOUR_FOLLOWUPS]**: registered on D, consent given, and at least the pro-rated
number of completed follow-ups in P (4 a year). Named alternatives: 4 follow-ups and a
health check (FOLLOWUPS_AND_HEALTH_CHECK); no gap between consecutive completed follow-ups
longer than 3 months (NO_GAP_OVER_3_MONTHS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any, Protocol

import attrs
import polars as pl

from smi_care.domain.named import short_repr
from smi_care.indicators.expr import Expr, fact, holds
from smi_care.indicators.periods import Period
from smi_care.rules.history import attach, distinct_values, per_patient
from smi_care.rules.limits import at_least
from smi_care.rules.schedule import add_months


class JudgedFacts(Protocol):
    """What :meth:`StandardPolicy.met` reads of one patient's facts
    (:class:`smi_care.indicators.facts.PatientFacts` has it)."""

    @property
    def period(self) -> Period: ...

    @property
    def registration_start(self) -> dt.date: ...

    @property
    def completed(self) -> tuple[dt.date, ...]: ...

    def row(self) -> dict[str, Any]: ...


class StandardRule(Enum):
    FOUR_FOLLOWUPS = "four_followups"
    FOLLOWUPS_AND_HEALTH_CHECK = "followups_and_health_check"
    NO_GAP_OVER_3_MONTHS = "no_gap_over_3_months"


@short_repr
@attrs.frozen
class StandardPolicy:
    """Which rule makes a patient managed to standard. ``per_year``: follow-ups a year (4),
    pro-rated over the reporting period (one per started ``12 // per_year``-month block). Not
    the schedule's ``SchedulePolicy.annual_minimum``, which checks whole calendar years.

    For NO_GAP_OVER_3_MONTHS the period's start and end count as the ends of the chain: the
    first completed follow-up must come within 3 months of the later of P's start and the
    registration start, every next one within 3 months of the one before, and D within 3
    months of the last.

    ``per_year`` is a count (1 or more: 0 would divide by zero), ``gap_months`` a number of
    months (1 or more):

    >>> StandardPolicy(per_year=0)
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: StandardPolicy(per_year=0): expected an integer of 1 or more
    """

    rule: StandardRule = attrs.field(default=StandardRule.FOUR_FOLLOWUPS,
                                     validator=attrs.validators.instance_of(StandardRule))
    per_year: int = attrs.field(default=4, validator=at_least(1))
    gap_months: int = attrs.field(default=3, validator=at_least(1))

    def expression(self) -> Expr:
        """The rule as an expression over the facts (``standard`` in the facts table is this
        expression, evaluated by either engine).

        >>> print(NO_GAP_OVER_3_MONTHS.expression().columns() >= {"gaps_within_limit", "consented"})
        True
        """
        base = fact("registered") & fact("consented")
        if self.rule is StandardRule.NO_GAP_OVER_3_MONTHS:
            return base & (fact("completed_count") >= 1) & fact("gaps_within_limit")
        enough = base & (fact("completed_count") >= fact("required_followups"))
        if self.rule is StandardRule.FOLLOWUPS_AND_HEALTH_CHECK:
            return enough & fact("health_check")
        return enough

    def met(self, facts: JudgedFacts) -> bool:
        """Whether this policy's expression holds for one patient's facts; the gap and the
        required count are taken from the facts' own dates under *this* policy's settings, so
        facts computed under another policy can be judged too."""
        row = facts.row()
        row["gaps_within_limit"] = gaps_within(facts.completed, max(facts.period.start, facts.registration_start),
                                               facts.period.end, self.gap_months)
        row["required_followups"] = required_followups(facts.period, facts.registration_start, self.per_year)
        return holds(self.expression(), row)

    @property
    def counts_required(self) -> bool:
        """Whether the rule counts follow-ups against a pro-rated number required."""
        return self.rule is not StandardRule.NO_GAP_OVER_3_MONTHS

    def describe(self) -> str:
        return {
            StandardRule.FOUR_FOLLOWUPS: f"consent given and at least {self.per_year} completed follow-ups a year "
                                         "(pro-rated: one per started 3 months)",
            StandardRule.FOLLOWUPS_AND_HEALTH_CHECK: f"consent given, at least {self.per_year} completed follow-ups "
                                                     "a year (pro-rated) and a health check in the period",
            StandardRule.NO_GAP_OVER_3_MONTHS: f"consent given and no gap longer than {self.gap_months} months "
                                               "between completed follow-ups",
        }[self.rule]


FOUR_FOLLOWUPS = StandardPolicy()
FOLLOWUPS_AND_HEALTH_CHECK = StandardPolicy(StandardRule.FOLLOWUPS_AND_HEALTH_CHECK)
NO_GAP_OVER_3_MONTHS = StandardPolicy(StandardRule.NO_GAP_OVER_3_MONTHS)


def blocks_between(start: dt.date, end: dt.date, months: int = 3) -> int:
    """Started ``months``-month blocks from ``start`` to ``end`` (a started block counts whole).

    >>> blocks_between(dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    2
    >>> blocks_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    4
    """
    if end < start:
        return 0
    k = 1
    while add_months(start, months * k) <= end:
        k += 1
    return k


def required_followups(period: Period, registration_start: dt.date, per_year: int = 4) -> int:
    """Completed follow-ups needed for standard management in ``period`` (§6 pro-rating):
    a patient registered during P needs one per started 3-month block from registration to D;
    one registered before P needs 4 in a year and one per started quarter in a shorter period."""
    start = registration_start if registration_start > period.start else period.start
    months = 12 // per_year
    return blocks_between(start, period.end, months)


def gaps_table(done: pl.DataFrame, anchors: pl.DataFrame, end: dt.date, months: int) -> pl.DataFrame:
    """The NO_GAP_OVER_3_MONTHS chain of every patient at once, the one home of the rule.

    ``anchors``: ``patient_id`` and ``_anchor`` (the later of P's start and the registration
    start), one row per patient; ``done``: ``patient_id``, ``visit_date`` and ``_i`` (their
    order) of the completed follow-ups in P. The result: ``patient_id`` and
    ``gaps_within_limit`` (the chain anchor, the follow-ups, ``end`` has no step over ``months``
    calendar months), in the order of ``anchors``."""
    return gaps_frame(done, anchors, end, months).collect(engine="in-memory")


def gaps_frame(done: pl.DataFrame, anchors: pl.DataFrame, end: dt.date, months: int, *,
               one: bool = False) -> pl.LazyFrame:
    """:func:`gaps_table` as a lazy query, for a caller that collects it with more (``one``:
    the tables hold one patient's rows, :func:`smi_care.rules.history.one_patient`; the chain
    is then read without a join or a group-by)."""
    # the calendar-month rule (rules.schedule.add_months) is asked once per distinct date a step
    # starts from (an anchor, or a follow-up on or after its anchor: exactly the dates the chain
    # reads), and the chain runs as one query (one patient's rows cost a query, not a row)
    if one:
        chain = done.sort("_i").with_columns(_anchor=pl.lit(anchors.item(0, "_anchor"), dtype=pl.Date))
    else:
        # each patient's rows together, in their order: the step before a row is then the row
        # above it when it is the same patient's (no window over the patients)
        chain = done.join(anchors, on="patient_id", how="inner").sort("patient_id", "_i")
    anchor = pl.col("_anchor")
    steps = chain.filter(anchor.is_null() | (pl.col("visit_date") >= anchor)).get_column("visit_date")
    starts = distinct_values(pl.concat([anchors.get_column("_anchor"), steps]))
    limit_of = {d: add_months(d, months) for d in starts}

    def plus(e: pl.Expr) -> pl.Expr:
        return e.replace_strict(limit_of, default=None, return_dtype=pl.Date) if limit_of else pl.lit(None, pl.Date)

    previous = pl.col("visit_date").shift(1)
    per = (chain.lazy()
           .with_columns(_prev=pl.max_horizontal("_anchor", previous if one else _same_patient_above(previous)))
           .with_columns(_ok=pl.col("visit_date") <= plus(pl.col("_prev"))))
    per = per_patient(per, one, pl.col("_ok").all().alias("_chain_ok"), pl.col("visit_date").max().alias("_last_day"))
    tail = attach(anchors.lazy(), per, one).with_columns(_from=pl.max_horizontal("_anchor", "_last_day"))
    return tail.select("patient_id", gaps_within_limit=pl.col("_chain_ok").fill_null(True)
                       & (pl.lit(end) <= plus(pl.col("_from"))))


def _same_patient_above(value: pl.Expr) -> pl.Expr:
    """``value`` (of the row above) where that row is the same patient's, else null: the step
    before a row, on rows sorted by patient."""
    return pl.when(pl.col("patient_id") == pl.col("patient_id").shift(1)).then(value)


def gaps_within(completed: Iterable[dt.date], anchor: dt.date, end: dt.date, months: int) -> bool:
    """No gap longer than ``months`` calendar months in the chain ``anchor``, the completed
    follow-up dates (in order), ``end`` (the NO_GAP_OVER_3_MONTHS rule; ``anchor`` is the later
    of the period's start and the registration start): :func:`gaps_table` on one chain.

    >>> gaps_within([dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 1)],
    ...             dt.date(2025, 1, 1), dt.date(2025, 12, 31), 3)
    True
    >>> gaps_within([dt.date(2025, 4, 2)], dt.date(2025, 1, 1), dt.date(2025, 6, 30), 3)
    False
    """
    days = list(completed)
    done = pl.DataFrame({"patient_id": ["-"] * len(days), "visit_date": days, "_i": list(range(len(days)))},
                        schema={"patient_id": pl.String, "visit_date": pl.Date, "_i": pl.UInt32})
    anchors = pl.DataFrame({"patient_id": ["-"], "_anchor": [anchor]},
                           schema={"patient_id": pl.String, "_anchor": pl.Date})
    return bool(gaps_table(done, anchors, end, months).get_column("gaps_within_limit")[0])
