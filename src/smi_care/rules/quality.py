"""Data-quality findings on follow-up records: the finding value, the policy and the
constructor of each kind of finding (its words). The rules that find them over a patient's
follow-ups are written once, in the columnar engine
(:mod:`smi_care.indicators.quality_table`: ``quality_table`` over a registry's tables,
``record_findings`` for one patient's record, ``records_findings`` for many;
docs/architecture.md).

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 随访评估 and 分类干预
(the classes and their intervals).

- ``class_disagrees``: the recorded class is not the class the §4 rule gives;
- ``next_date_too_late``: the recorded next date is later than the rule allows for the
  recorded class (so a wrong class is one finding, not three);
- ``missing_assessment``: a reached, completed follow-up (not in hospital) without a recorded class;
- ``gap_too_long``: after a classified follow-up, the next attempt (reached or not) came later
  than its recorded class allows. A failed attempt on time is not a gap: it is an effort.
"""

from __future__ import annotations

import datetime as dt

import attrs

from smi_care.domain.codes import Classification
from smi_care.domain.named import short_repr


@attrs.frozen
class Finding:
    """One data-quality finding about one follow-up (identified by patient and visit date)."""

    kind: str
    patient_id: str
    visit_date: dt.date
    field: str
    recorded: str
    expected: str
    reason: str

    def __str__(self) -> str:
        return f"patient {self.patient_id} follow-up {self.visit_date.isoformat()} {self.field}: {self.reason}"


@short_repr
@attrs.frozen
class QualityPolicy:
    """``gap_grace_days`` **[0]**: days of slack before a gap counts as too long."""

    gap_grace_days: int = 0


NATIONAL = QualityPolicy()


def missing_assessment(patient_id: str, visit: dt.date, rule: Classification) -> Finding:
    """A reached, completed follow-up with no recorded class; ``rule`` is the class §4 gives."""
    return Finding("missing_assessment", patient_id, visit, "classification", "", str(rule.code),
                   "a reached follow-up has no recorded class (此次随访分类)")


def class_disagrees(patient_id: str, visit: dt.date, recorded: Classification, rule: Classification) -> Finding:
    """The recorded class is not the class §4 gives."""
    return Finding("class_disagrees", patient_id, visit, "classification", str(recorded.code), str(rule.code),
                   f"recorded class {recorded.code} {recorded.label} but the rule gives {rule.code} {rule.label}")


def next_date_too_late(patient_id: str, visit: dt.date, recorded: dt.date, latest: dt.date) -> Finding:
    """The recorded next visit date is later than ``latest``, the latest the class allows."""
    return Finding("next_date_too_late", patient_id, visit, "next_visit_date", recorded.isoformat(),
                   latest.isoformat(), f"next visit {recorded.isoformat()} is later than the "
                   f"rule allows ({latest.isoformat()})")


def gap_too_long(patient_id: str, visit: dt.date, next_attempt: dt.date, allowed: dt.date) -> Finding:
    """The next attempt after the follow-up on ``visit`` came after ``allowed``.

    >>> str(gap_too_long("P1", dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 3, 15)))
    'patient P1 follow-up 2025-03-01 visit_date: the next attempt came on 2025-04-01, after the 2025-03-15 the class allows'
    """
    return Finding("gap_too_long", patient_id, visit, "visit_date", next_attempt.isoformat(), allowed.isoformat(),
                   f"the next attempt came on {next_attempt.isoformat()}, after the {allowed.isoformat()} the class "
                   "allows")
