"""Status events (national-rules §5; registry ``events.csv``): death, transfers, withdrawal,
admission and discharge, health check, rehabilitation, counselling, contracts, emergencies.

>>> import datetime as dt
>>> e = Event("P1", dt.date(2025, 5, 2), EventKind.DEATH, death_cause=DeathCause.SUICIDE)
>>> e.kind.label
'死亡'
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import fail, is_date, is_type, opt_date, opt_type
from smi_care.domain.codes import DeathCause, EmergencyCategory, EventKind, PhysicalDeathCause
from smi_care.domain.followup import Extras, to_extras
from smi_care.domain.identity import AreaCode


@attrs.frozen
class Event:
    """One dated event of a patient. The detail that fits the kind is held in its own field:

    - ``death``: ``death_cause`` (required) and ``death_subcause`` (only for cause 1 躯体疾病);
    - ``transfer_out`` / ``transfer_in``: ``other_area``, the other area's code;
    - ``family_doctor_contract``: ``contract_end`` (None: no end date);
    - ``emergency``: ``emergency`` category.
    """

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    date: dt.date = attrs.field(validator=is_date)
    kind: EventKind = attrs.field(validator=is_type(EventKind, "an EventKind"))
    death_cause: DeathCause | None = attrs.field(default=None, validator=opt_type(DeathCause, "a DeathCause"))
    death_subcause: PhysicalDeathCause | None = attrs.field(
        default=None, validator=opt_type(PhysicalDeathCause, "a PhysicalDeathCause"))
    other_area: AreaCode | None = attrs.field(default=None, validator=opt_type(AreaCode, "an AreaCode"))
    contract_end: dt.date | None = attrs.field(default=None, validator=opt_date)
    emergency: EmergencyCategory | None = attrs.field(default=None,
                                                      validator=opt_type(EmergencyCategory, "an EmergencyCategory"))
    extras: Extras = attrs.field(default=(), converter=to_extras)

    def __attrs_post_init__(self) -> None:
        k = self.kind
        if self.death_cause is not None and k is not EventKind.DEATH:
            raise fail(self, "death_cause", self.death_cause.code, f"only a death has a cause, not {k.text_code}")
        if self.death_subcause is not None and self.death_cause is not DeathCause.PHYSICAL_DISEASE:
            raise fail(self, "death_subcause", self.death_subcause.code,
                       "a sub-cause is given only for cause 1 躯体疾病")
        if self.other_area is not None and k not in (EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN):
            raise fail(self, "other_area", str(self.other_area), f"only a transfer has another area, not {k.text_code}")
        if self.contract_end is not None:
            if k is not EventKind.FAMILY_DOCTOR_CONTRACT:
                raise fail(self, "contract_end", self.contract_end.isoformat(),
                           f"only a family-doctor contract has an end date, not {k.text_code}")
            if self.contract_end < self.date:
                raise fail(self, "contract_end", self.contract_end.isoformat(),
                           f"must not be before the contract date ({self.date.isoformat()})")
        if self.emergency is not None and k is not EventKind.EMERGENCY:
            raise fail(self, "emergency", self.emergency.code, f"only an emergency has a category, not {k.text_code}")

    @property
    def detail(self) -> str:
        """The registry ``detail`` cell for this event."""
        if self.death_cause is not None:
            sub = f".{self.death_subcause.code}" if self.death_subcause is not None else ""
            return f"{self.death_cause.code}{sub}"
        if self.other_area is not None:
            return self.other_area.code
        if self.contract_end is not None:
            return self.contract_end.isoformat()
        if self.emergency is not None:
            return str(self.emergency.code)
        return ""
