"""Campaign records: the unlocking campaign (解锁行动).

City and township work plans (shared reference, work-plans 001: "大力开展关锁重型精神病人解锁行动",
"实施重性精神疾病患者解锁工程") run a campaign to find patients locked up at home (关锁), release
them (解锁, with treatment) and check that they stay released. ``unlocking.csv`` records each
step as one dated row: found locked, released, locked again. The action codes are smi_care's.
The annual free health-check campaign needs no file of its own: it counts the ``health_check``
events of ``events.csv`` against a deadline (:mod:`smi_care.programme.campaigns`).

>>> import datetime as dt
>>> UnlockingRecord("P7", dt.date(2025, 3, 2), UnlockingAction.RELEASED).action.label
'解除关锁'
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import is_date, is_type
from smi_care.domain.codes import CodedEnum, titled


@titled("解锁行动")
class UnlockingAction(CodedEnum):
    """One step of the unlocking campaign (smi_care codes)."""

    FOUND_LOCKED = (1, "发现关锁")
    RELEASED = (2, "解除关锁")
    RELOCKED = (3, "再次关锁")


@attrs.frozen
class UnlockingRecord:
    """One dated step for one patient of ``patients.csv``."""

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    date: dt.date = attrs.field(validator=is_date)
    action: UnlockingAction = attrs.field(validator=is_type(UnlockingAction, "an UnlockingAction"))
