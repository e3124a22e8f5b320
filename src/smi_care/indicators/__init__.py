"""Indicators of national-rules §6: definitions as data, periods, breakdowns, standard
management policies, targets (§8), audit, mergeable evaluation and output."""

from smi_care.indicators.audit import Audit, audit
from smi_care.indicators.definitions import STANDARD_INDICATORS, Condition, Indicator, UnknownIndicatorError, by_id
from smi_care.indicators.evaluate import (
    AgeBands,
    Dimension,
    EvaluationPolicy,
    IndicatorResult,
    Partial,
    PartialMergeError,
    Report,
    Source,
    evaluate,
    finalize,
    parse_by,
    report,
)
from smi_care.indicators.expr import Expr, fact
from smi_care.indicators.facts import FACTS, PatientFacts, patient_facts
from smi_care.indicators.output import to_csv, to_dataframe, to_grid, to_json, to_json_data, to_records, to_table
from smi_care.indicators.periods import Period, PeriodError
from smi_care.indicators.standard import (
    FOLLOWUPS_AND_HEALTH_CHECK,
    FOUR_FOLLOWUPS,
    NO_GAP_OVER_3_MONTHS,
    StandardPolicy,
    StandardRule,
)
from smi_care.indicators.targets import NATIONAL_TARGETS, Target, applicable, load_targets

__all__ = [
    "FACTS",
    "FOLLOWUPS_AND_HEALTH_CHECK",
    "FOUR_FOLLOWUPS",
    "NATIONAL_TARGETS",
    "NO_GAP_OVER_3_MONTHS",
    "STANDARD_INDICATORS",
    "AgeBands",
    "Audit",
    "Condition",
    "Dimension",
    "EvaluationPolicy",
    "Expr",
    "Indicator",
    "IndicatorResult",
    "Partial",
    "PartialMergeError",
    "PatientFacts",
    "Period",
    "PeriodError",
    "Report",
    "Source",
    "StandardPolicy",
    "StandardRule",
    "Target",
    "UnknownIndicatorError",
    "applicable",
    "audit",
    "by_id",
    "evaluate",
    "fact",
    "finalize",
    "load_targets",
    "parse_by",
    "patient_facts",
    "report",
    "to_csv",
    "to_dataframe",
    "to_grid",
    "to_json",
    "to_json_data",
    "to_records",
    "to_table",
]
