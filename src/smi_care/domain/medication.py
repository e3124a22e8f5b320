"""Free medication (免费服药): one dispensing of the dispensing log (registry ``dispensings.csv``).

The township and county work plans hand out free antipsychotic medication to patients under
free treatment "at least four times a year" (work plans 000, "每年至少四次给精神分裂病病人发药";
001, "开展贫困患者免费治疗工作 … 药品发放"). A dispensing records what was handed out: the day,
the drug, the quantity (units: tablets, ampoules …) and the days that supply lasts.

>>> import datetime as dt
>>> d = Dispensing("P1", dt.date(2025, 7, 1), "利培酮", 60, 30)
>>> d.ends_before
datetime.date(2025, 7, 31)
>>> from smi_care.domain.errors import DomainError
>>> try:
...     Dispensing("P1", dt.date(2025, 7, 1), "利培酮", 60, 0)
... except DomainError as e:
...     print(e)
Dispensing (record P1, dated 2025-07-01): field days_supplied = 0: expected a whole number from 1 to 366
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.checks import fail, int_between, is_date, is_type

#: The longest supply one dispensing may cover (a year, leap day included).
MAX_DAYS_SUPPLIED = 366
MAX_QUANTITY = 100_000


def _drug(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise fail(instance, attribute.name, value, "expected the drug's name (not empty)")


@attrs.frozen
class Dispensing:
    """One handing-out of medication to a patient.

    ``free`` is True when the medication is given under the free-medication programme (免费服药)
    and False for a dispensing recorded for completeness (paid or insured); only free
    dispensings count as enrolment and towards the "4 times a year" rule, all of them count
    for the days covered.
    """

    patient_id: str = attrs.field(validator=is_type(str, "a patient_id"))
    date: dt.date = attrs.field(validator=is_date)
    drug: str = attrs.field(validator=_drug)
    quantity: int = attrs.field(validator=[is_type(int, "a whole number"), int_between(1, MAX_QUANTITY)])
    days_supplied: int = attrs.field(validator=[is_type(int, "a whole number"), int_between(1, MAX_DAYS_SUPPLIED)])
    free: bool = attrs.field(default=True, validator=is_type(bool, "True or False"))

    @property
    def ends_before(self) -> dt.date:
        """The first day this supply no longer covers, when taken from the dispensing day."""
        return self.date + dt.timedelta(days=self.days_supplied)


__all__ = ["MAX_DAYS_SUPPLIED", "Dispensing"]
