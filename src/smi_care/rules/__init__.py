"""Pure rules of 严重精神障碍管理治疗工作规范（2018年版） (WS2018) and
国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017)
(enrolment and reporting, risk, follow-up and classification, patient status): risk,
classification, interventions, scheduling, working days, patient status, the worklist's and the
data-quality findings' values. The worklist and the findings themselves are rules over a patient's
history, written once in the columnar engine: ``smi_care.indicators.worklist_table``
(``record_items``, ``records_worklist``), the dates it lists in
``smi_care.indicators.due_dates`` (``next_due``, ``health_check_due``, ``due_frame``) and
``smi_care.indicators.quality_table`` (``record_findings``, ``records_findings``); docs/api.md
says where each former name lives. No I/O, no clock: "today" is a parameter, and every default
is a named policy passed in."""

from smi_care.rules.classification import (
    Assessment,
    ClassificationPolicy,
    ClassificationResult,
    Criterion,
    classify,
    classify_assessment,
    effective_class,
)
from smi_care.rules.interventions import Action, InterventionPolicy, actions_for, second_visit_actions, visit_actions
from smi_care.rules.quality import Finding, QualityPolicy
from smi_care.rules.risk import risk_level
from smi_care.rules.schedule import (
    NextDue,
    SchedulePolicy,
    add_months,
    meets_annual_minimum,
    next_visit_date,
    paper_entry_deadline,
    report_deadline,
)
from smi_care.rules.status import (
    DayStatus,
    PeriodStatus,
    Status,
    StatusPolicy,
    in_hospital,
    is_lost,
    is_registered,
    status_in,
    status_on,
    timeline,
)
from smi_care.rules.workdays import OFFICIAL, PROVISIONAL, WorkdayCalendar, add_working_days, is_working_day
from smi_care.rules.worklist import ItemKind, WorkItem, WorklistPolicy

__all__ = [
    "OFFICIAL", "PROVISIONAL", "Action", "Assessment", "ClassificationPolicy", "ClassificationResult", "Criterion",
    "DayStatus", "Finding", "InterventionPolicy", "ItemKind", "NextDue", "PeriodStatus", "QualityPolicy",
    "SchedulePolicy", "Status", "StatusPolicy", "WorkItem", "WorkdayCalendar", "WorklistPolicy", "actions_for",
    "add_months", "add_working_days", "classify", "classify_assessment", "effective_class",
    "in_hospital", "is_lost", "is_registered", "is_working_day", "meets_annual_minimum",
    "next_visit_date", "paper_entry_deadline", "report_deadline", "risk_level",
    "second_visit_actions", "status_in", "status_on", "timeline", "visit_actions",
]
