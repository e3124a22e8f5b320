"""Data-quality findings on follow-up records.

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
from collections.abc import Iterable

import attrs

from smi_care.domain.arguments import checked
from smi_care.domain.codes import Classification
from smi_care.domain.named import short_repr
from smi_care.domain.records import PatientRecord
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy, classify, effective_class
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import SchedulePolicy, next_visit_date


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


@checked
def findings(record: PatientRecord, policy: QualityPolicy = NATIONAL, schedule: SchedulePolicy = NATIONAL_SCHEDULE,
             classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    """Every finding for one patient, in follow-up order."""
    out: list[Finding] = []
    pid = record.patient_id
    fus = record.followups
    for i, f in enumerate(fus):
        if not f.completed:
            continue
        rule = classify(f, classes).classification
        if rule is None:
            continue
        if f.classification is None:
            out.append(missing_assessment(pid, f.visit_date, rule))
        elif f.classification is not rule:
            out.append(class_disagrees(pid, f.visit_date, f.classification, rule))
        cls = effective_class(f, classes)
        assert cls is not None
        latest = next_visit_date(f.visit_date, cls, schedule)
        if f.next_visit_date is not None and f.next_visit_date > latest:
            out.append(next_date_too_late(pid, f.visit_date, f.next_visit_date, latest))
        if i + 1 < len(fus):
            nxt = fus[i + 1]
            allowed = latest + dt.timedelta(days=policy.gap_grace_days)
            if nxt.visit_date > allowed:
                out.append(gap_too_long(pid, f.visit_date, nxt.visit_date, allowed))
    return out


@checked
def registry_findings(records: Iterable[PatientRecord], policy: QualityPolicy = NATIONAL,
                      schedule: SchedulePolicy = NATIONAL_SCHEDULE,
                      classes: ClassificationPolicy = NATIONAL_CLASSES) -> list[Finding]:
    return [x for r in records for x in findings(r, policy, schedule, classes)]
