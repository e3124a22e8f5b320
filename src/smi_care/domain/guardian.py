"""Guardianship (监护) as the programme records it (registry ``guardians.csv``): who is the
patient's guardian over which dates, and the guardian's liability insurance (监护人责任险).

The social-psychological service pilot plans (shared reference, work plans 004) ask counties to
"落实严重精神障碍患者监护责任奖励制度和…监护责任补偿保险制度" (guardian rewards, 以奖代补 /
有奖监护, and liability insurance). The guardian's name, phone and address stay in
``patients.csv`` (identifying, national-rules §10); this record holds only dates.

>>> import datetime as dt
>>> g = Guardianship("P1", dt.date(2024, 1, 1), insured_from=dt.date(2025, 1, 1),
...                  insured_until=dt.date(2025, 12, 31))
>>> g.insured_on(dt.date(2025, 9, 30)), g.insured_on(dt.date(2026, 1, 1))
(True, False)
>>> g.guardian_during(dt.date(2025, 7, 1), dt.date(2025, 9, 30))
True
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import fail, is_date, is_type, not_before, opt_date


@attrs.frozen
class Guardianship:
    """A guardian of ``patient_id`` from ``since`` (to ``until`` when it ended), and the
    liability insurance in force from ``insured_from`` to ``insured_until`` (both or neither)."""

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    since: dt.date = attrs.field(validator=is_date)
    until: dt.date | None = attrs.field(default=None, validator=opt_date)
    insured_from: dt.date | None = attrs.field(default=None, validator=opt_date)
    insured_until: dt.date | None = attrs.field(default=None, validator=opt_date)

    def __attrs_post_init__(self) -> None:
        not_before(self, "until", self.until, "since", self.since)
        not_before(self, "insured_until", self.insured_until, "insured_from", self.insured_from)
        if (self.insured_from is None) != (self.insured_until is None):
            missing = "insured_until" if self.insured_until is None else "insured_from"
            raise fail(self, missing, None, "the insurance needs both insured_from and insured_until")

    @property
    def date(self) -> dt.date:  # names the row in errors (checks.fail)
        return self.since

    def guardian_on(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def guardian_during(self, start: dt.date, end: dt.date) -> bool:
        """A guardian on some day of ``[start, end]``."""
        return self.since <= end and (self.until is None or self.until >= start)

    def insured_on(self, day: dt.date) -> bool:
        return (self.insured_from is not None and self.insured_until is not None
                and self.insured_from <= day <= self.insured_until)


__all__ = ["Guardianship"]
