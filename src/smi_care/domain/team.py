"""Case-management teams (个案管理小组 / 个案管理团队) for unstable and high-risk patients
(registry ``teams.csv`` and ``team_reviews.csv``).

The pilot plans (shared reference, work plans 004) ask for "由村（社区）“两委”成员、网格员、精防医生、
民警、民政专干、助残员、志愿者等基层人员组成的个案管理团队，对病情不稳定患者及其家庭实施个案管理".
A team is recorded with the roles of its members (no names: national-rules §10), the day it was
formed, its plan, and its reviews. The role codes are ours (the plans list the roles, not codes).

>>> import datetime as dt
>>> TeamRole.POLICE.code, TeamRole.POLICE.label
(4, '民警')
>>> t = Team("T1", "P1", dt.date(2025, 3, 1), frozenset({TeamRole.DOCTOR, TeamRole.POLICE}))
>>> t.active_on(dt.date(2025, 9, 30)), sorted(r.code for r in t.roles)
(True, [3, 4])
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import fail, is_date, is_type, members_of, not_before, opt_date, opt_type
from smi_care.domain.codes import CodedEnum, titled


@titled("个案管理小组成员角色")
class TeamRole(CodedEnum):
    """Roles of a case-management team's members (work plans 004; codes ours)."""

    VILLAGE_COMMITTEE = (1, "村（社区）“两委”成员")
    GRID_WORKER = (2, "网格员")
    DOCTOR = (3, "精防医生")
    POLICE = (4, "民警")
    CIVIL_AFFAIRS = (5, "民政专干")
    DISABILITY_ASSISTANT = (6, "助残员")
    VOLUNTEER = (7, "志愿者")
    FAMILY = (8, "家属/监护人")


@attrs.frozen
class Team:
    """One patient's case-management team."""

    team_id: str = attrs.field(validator=is_type(str, "a team_id"))
    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    formed_on: dt.date = attrs.field(validator=is_date)
    roles: frozenset[TeamRole] = attrs.field(validator=members_of(TeamRole, "TeamRole codes"))
    dissolved_on: dt.date | None = attrs.field(default=None, validator=opt_date)
    plan: str | None = attrs.field(default=None, validator=opt_type(str, "text"))

    def __attrs_post_init__(self) -> None:
        if not self.roles:
            raise fail(self, "roles", "", "a team needs at least one member role")
        not_before(self, "dissolved_on", self.dissolved_on, "formed_on", self.formed_on)

    @property
    def date(self) -> dt.date:  # names the row in errors (checks.fail)
        return self.formed_on

    def active_on(self, day: dt.date) -> bool:
        """Active from the day it was formed to the day before it was dissolved."""
        return self.formed_on <= day and (self.dissolved_on is None or day < self.dissolved_on)


@attrs.frozen
class TeamReview:
    """A review of a team's plan on ``date``; ``next_review`` when the team set one."""

    team_id: str = attrs.field(validator=is_type(str, "a team_id"))
    date: dt.date = attrs.field(validator=is_date)
    next_review: dt.date | None = attrs.field(default=None, validator=opt_date)

    def __attrs_post_init__(self) -> None:
        if self.next_review is not None and self.next_review <= self.date:
            raise fail(self, "next_review", self.next_review, f"must be after the review date ({self.date})")


__all__ = ["Team", "TeamReview", "TeamRole"]
