"""Standard management (规范管理, national-rules §6) as a policy of the indicator.

Default **[FOUR_FOLLOWUPS]**: registered on D, consent given, and at least the pro-rated
number of completed follow-ups in P (4 a year). Named alternatives: 4 follow-ups and a
health check (FOLLOWUPS_AND_HEALTH_CHECK); no gap between consecutive completed follow-ups
longer than 3 months (NO_GAP_OVER_3_MONTHS).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import attrs

from smi_care.rules.schedule import add_months

if TYPE_CHECKING:
    from smi_care.indicators.facts import PatientFacts


class StandardRule(Enum):
    FOUR_FOLLOWUPS = "four_followups"
    FOLLOWUPS_AND_HEALTH_CHECK = "followups_and_health_check"
    NO_GAP_OVER_3_MONTHS = "no_gap_over_3_months"


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

    def met(self, f: PatientFacts) -> bool:
        if not (f.registered and f.consented):
            return False
        if self.rule is StandardRule.NO_GAP_OVER_3_MONTHS:
            if not f.completed:
                return False
            anchor = max(f.period.start, f.registration_start)
            for day in (*f.completed, f.period.end):
                if day > add_months(anchor, self.gap_months):
                    return False
                anchor = max(anchor, day)
            return True
        enough = len(f.completed) >= f.required_followups
        if self.rule is StandardRule.FOLLOWUPS_AND_HEALTH_CHECK:
            return enough and f.health_check
        return enough

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
