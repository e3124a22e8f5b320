"""The §4 class of follow-up rows at column speed: the rule applied once per distinct input.

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 随访评估 and 分类干预
(the classification itself is :func:`smi_care.rules.classification.classify`; nothing of it is
written here).

A province's follow-up table holds millions of rows but only a few thousand distinct
combinations of what the classification reads (risk level, symptoms, insight, social function,
adverse reaction, physical illness, whether someone was reached or the patient is in hospital).
:func:`rule_classes` classifies each combination once, with the rule itself, and joins the
class back to every row.

>>> import datetime as dt
>>> import polars as pl
>>> rows = pl.DataFrame({"patient_id": ["P1", "P2"], "visit_date": [dt.date(2025, 3, 1)] * 2, "form": [1, 1],
...     "seen": ["1", None], "loss_reason": [None, None], "risk_level": [3, None], "symptoms": [None, None],
...     "symptom_severity": [None, None], "insight": [1, None], "sf_self_care": [1, None],
...     "sf_housework": [1, None], "sf_work": [1, None], "sf_learning": [1, None], "sf_social": [1, None],
...     "hospitalisation": [1, None], "adherence": [1, None], "adr": [1, None], "adr_serious": [None, None],
...     "physical_illness": [None, None]})
>>> rule_classes(rows).to_list()
[1, None]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from smi_care.domain.codes import Classification
from smi_care.indicators.facts_table import followup_of, map_unique
from smi_care.rules.classification import NATIONAL, ClassificationPolicy, classify
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import SchedulePolicy, next_visit_date

#: The columns the §4 classification reads (besides the patient and the date, which it ignores).
CLASS_INPUTS = ("form", "seen", "loss_reason", "risk_level", "symptoms", "symptom_severity", "insight",
                "sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social", "hospitalisation",
                "adherence", "adr", "adr_serious", "physical_illness")

_ANY_DAY = dt.date(2000, 1, 1)


def rule_classes(rows: pl.DataFrame, classes: ClassificationPolicy = NATIONAL) -> pl.Series:
    """The class code (``Int8``) :func:`~smi_care.rules.classification.classify` gives each row of
    a follow-up table, null where the rule gives none (nobody reached; in hospital, unassessed)."""
    if rows.height == 0:
        return pl.Series("rule_class", [], dtype=pl.Int8)
    keys = rows.select(CLASS_INPUTS)
    distinct = keys.unique()
    codes: list[int | None] = []
    for row in distinct.iter_rows(named=True):
        result = classify(followup_of({"patient_id": "-", "visit_date": _ANY_DAY, **row}), classes).classification
        codes.append(None if result is None else result.code)
    table = distinct.with_columns(rule_class=pl.Series(codes, dtype=pl.Int8))
    joined = keys.join(table, on=list(CLASS_INPUTS), how="left", nulls_equal=True, maintain_order="left")
    return joined.get_column("rule_class")


def _next_visit_rule(cls: Classification, schedule: SchedulePolicy) -> Callable[[dt.date], dt.date]:
    def rule(day: dt.date) -> dt.date:
        return next_visit_date(day, cls, schedule)
    return rule


def next_visit_dates(days: pl.Series, codes: pl.Series, schedule: SchedulePolicy = NATIONAL_SCHEDULE) -> pl.Series:
    """:func:`~smi_care.rules.schedule.next_visit_date` of each (date, class code), null where
    either is null: the rule applied once per distinct date for each class (BPHS2017, 分类干预).

    >>> import datetime as dt
    >>> next_visit_dates(pl.Series([dt.date(2025, 11, 30)] * 3), pl.Series([1, 3, None])).to_list()
    [datetime.date(2025, 12, 14), datetime.date(2026, 2, 28), None]
    """
    out = pl.Series(days.name, [None] * len(days), dtype=pl.Date)
    for c in Classification:
        mine = (codes == c.code).fill_null(False)
        if mine.any():
            later = map_unique(days, _next_visit_rule(c, schedule), pl.Date)
            out = pl.select(pl.when(mine).then(later).otherwise(out)).to_series().alias(days.name)
    return out
