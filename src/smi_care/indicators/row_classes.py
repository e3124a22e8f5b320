"""The §4 class of follow-up rows at column speed: the rule applied once per distinct input.

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 随访评估 and 分类干预
(the classification itself is :func:`smi_care.rules.classification.classify`; nothing of it is
written here).

A province's follow-up table holds millions of rows but only a few hundred distinct
combinations of what the classification reads. :func:`rule_classes` groups the rows by that
(:data:`CLASS_KEY`), classifies one real row of each group with the rule itself, and joins the
class back to every row of the group. What the rule reads, from its code and the domain's:

- the value of the risk level, symptom severity, insight, hospitalisation, adverse reaction
  (and whether it was serious) and physical illness;
- only whether ``seen``, ``loss_reason`` and ``adherence`` are recorded (they decide whether
  someone was reached: :attr:`FollowUp.reached <smi_care.domain.followup.FollowUp.reached>`) and
  whether any symptom is ticked (:attr:`FollowUp.effective_severity
  <smi_care.domain.followup.FollowUp.effective_severity>`); ``form`` not at all;
- of the five social-function ratings, only what :class:`~smi_care.domain.followup.SocialFunction`
  says of them (``missing()``, ``fair_or_good``, ``poor``), computed by the domain once per
  distinct set of five ratings.

The property tests of the worklist and the quality findings (random follow-ups, every
classification policy) prove that this grouping gives every row the class ``classify`` gives it.

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

from smi_care.domain.codes import Classification, Rating, WorkRating
from smi_care.domain.followup import SocialFunction
from smi_care.indicators.facts_table import followup_of, map_unique
from smi_care.rules.classification import NATIONAL, ClassificationPolicy, classify
from smi_care.rules.history import SHORT
from smi_care.rules.schedule import NATIONAL as NATIONAL_SCHEDULE
from smi_care.rules.schedule import SchedulePolicy, next_visit_date

#: The columns the §4 classification reads (besides the patient and the date, which it ignores).
CLASS_INPUTS = ("form", "seen", "loss_reason", "risk_level", "symptoms", "symptom_severity", "insight",
                "sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social", "hospitalisation",
                "adherence", "adr", "adr_serious", "physical_illness")

_ANY_DAY = dt.date(2000, 1, 1)
_SOCIAL = ("sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social")
_PRESENCE = ("seen", "loss_reason", "adherence", "symptoms")
_VALUES = ("risk_level", "symptom_severity", "insight", "hospitalisation", "adr", "adr_serious", "physical_illness")
#: The grouping key of :func:`rule_classes`: rows equal on it get the same class.
CLASS_KEY = (*(f"_{name}_recorded" for name in _PRESENCE), *_VALUES, "_social")


def _rating(kind: type[Rating] | type[WorkRating], code: int | None) -> Rating | WorkRating | None:
    return None if code is None else kind.from_code(code)


def _social_groups(rows: pl.DataFrame) -> pl.DataFrame:
    """Each distinct set of five social-function ratings and a number for what the domain says
    of it (the same number: the same ``missing()``, ``fair_or_good`` and ``poor``)."""
    distinct = rows.select(_SOCIAL).unique()
    kinds = (Rating, Rating, WorkRating, Rating, Rating)
    seen: dict[tuple[object, ...], int] = {}
    numbers: list[int] = []
    for values in distinct.iter_rows():
        sf = SocialFunction(*(_rating(k, v) for k, v in zip(kinds, values, strict=True)))  # type: ignore[arg-type]
        numbers.append(seen.setdefault((sf.missing(), sf.fair_or_good, sf.poor), len(seen)))
    return distinct.with_columns(_social=pl.Series(numbers, dtype=pl.Int32))


def rule_classes(rows: pl.DataFrame, classes: ClassificationPolicy = NATIONAL) -> pl.Series:
    """The class code (``Int8``) :func:`~smi_care.rules.classification.classify` gives each row of
    a follow-up table, null where the rule gives none (nobody reached; in hospital, unassessed)."""
    if rows.height == 0:
        return pl.Series("rule_class", [], dtype=pl.Int8)
    keyed = (rows.select(CLASS_INPUTS)
             .join(_social_groups(rows), on=list(_SOCIAL), how="left", nulls_equal=True, maintain_order="left")
             .with_columns(pl.col(name).is_not_null().alias(f"_{name}_recorded") for name in _PRESENCE))
    groups = keyed.unique(subset=list(CLASS_KEY), keep="first", maintain_order=True)
    codes: list[int | None] = []
    for row in groups.select(CLASS_INPUTS).iter_rows(named=True):
        result = classify(followup_of({"patient_id": "-", "visit_date": _ANY_DAY, **row}), classes).classification
        codes.append(None if result is None else result.code)
    table = groups.select(CLASS_KEY).with_columns(rule_class=pl.Series(codes, dtype=pl.Int8))
    joined = keyed.select(CLASS_KEY).join(table, on=list(CLASS_KEY), how="left", nulls_equal=True,
                                          maintain_order="left")
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
    if len(days) <= SHORT:  # a few rows (one patient's): the rule asked once per distinct pair, in Python
        classes = {c.code: c for c in Classification}
        answers: dict[tuple[dt.date, Classification], dt.date] = {}
        out_: list[dt.date | None] = []
        for day, code in zip(days.to_list(), codes.to_list(), strict=True):
            cls = None if code is None else classes.get(code)
            if day is None or cls is None:
                out_.append(None)
                continue
            if (day, cls) not in answers:
                answers[day, cls] = next_visit_date(day, cls, schedule)
            out_.append(answers[day, cls])
        return pl.Series(days.name, out_, dtype=pl.Date)
    out = pl.Series(days.name, [None] * len(days), dtype=pl.Date)
    for c in Classification:
        mine = (codes == c.code).fill_null(False)
        if mine.any():
            later = map_unique(days, _next_visit_rule(c, schedule), pl.Date)
            out = pl.select(pl.when(mine).then(later).otherwise(out)).to_series().alias(days.name)
    return out
