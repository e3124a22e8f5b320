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
from typing import TYPE_CHECKING

import attrs

from smi_care.domain.named import short_repr
from smi_care.indicators.expr import Expr, fact, holds
from smi_care.rules.schedule import add_months

if TYPE_CHECKING:
    from smi_care.indicators.facts import PatientFacts


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
    """

    rule: StandardRule = StandardRule.FOUR_FOLLOWUPS
    per_year: int = 4
    gap_months: int = 3

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

    def met(self, facts: PatientFacts) -> bool:
        """Whether this policy's expression holds for one patient's facts; the gap and the
        required count are taken from the facts' own dates under *this* policy's settings, so
        facts computed under another policy can be judged too."""
        from smi_care.indicators.facts import required_followups

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


def gaps_within(completed: Iterable[dt.date], anchor: dt.date, end: dt.date, months: int) -> bool:
    """No gap longer than ``months`` calendar months in the chain ``anchor``, the completed
    follow-up dates (in order), ``end`` (the NO_GAP_OVER_3_MONTHS rule; ``anchor`` is the later
    of the period's start and the registration start).

    >>> gaps_within([dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 1)],
    ...             dt.date(2025, 1, 1), dt.date(2025, 12, 31), 3)
    True
    >>> gaps_within([dt.date(2025, 4, 2)], dt.date(2025, 1, 1), dt.date(2025, 6, 30), 3)
    False
    """
    for day in (*completed, end):
        if day > add_months(anchor, months):
            return False
        anchor = max(anchor, day)
    return True
