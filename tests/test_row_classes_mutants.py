"""Cases of :mod:`smi_care.indicators.row_classes` the equality property draws too rarely: the
survivors of its mutation run (docs/testing.md, "Score of the columnar engine").

- :func:`rule_classes` groups rows by what the classification reads; two rows whose five
  social-function ratings both have a blank (possible in a follow-up that finds the patient
  in hospital) but differ in a "poor" (较差) rating must not share
  a group, because with ``unstable_social_function_poor`` one is unstable (BPHS2017 分类干预:
  社会功能较差 as an unstable criterion, a provincial reading) and the other is basically stable
  (社会功能未评估).
- :func:`next_visit_dates` gives each class its own interval (BPHS2017 分类干预: 不稳定 2 周,
  基本稳定 2 周, 稳定 3 个月), null where the date or the class is null, on a date column that keeps
  the input's name; the same whether the column has a few rows (read in Python) or more than
  ``SHORT`` (the column path), and a class column of another length is refused (the sixth
  session's re-run on today's sources, docs/testing.md).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.domain import Classification, Hospitalisation, Rating, Registry, SocialFunction, WorkRating
from smi_care.domain.records import PatientRecord
from smi_care.indicators.row_classes import next_visit_dates, rule_classes
from smi_care.rules.classification import ClassificationPolicy, classify
from smi_care.rules.history import SHORT
from smi_care.rules.schedule import NATIONAL, SchedulePolicy, next_visit_date
from tests.frames import frames_of
from tests.helpers import D, patient, visit

G, P = Rating.GOOD, Rating.POOR


def _classes(social: list[SocialFunction], policy: ClassificationPolicy) -> tuple[list[int | None], list[int | None]]:
    # in hospital now: the only follow-up with a risk level that may leave ratings blank
    rows = tuple(visit(D(2025, 3, 1) + dt.timedelta(days=i), social=s, hospitalisation=Hospitalisation.IN_HOSPITAL_NOW)
                 for i, s in enumerate(social))
    record = PatientRecord(patient(), rows)
    _, table, _ = frames_of(Registry.of([record]))
    expected = [None if (c := classify(f, policy).classification) is None else c.code for f in record.followups]
    return rule_classes(table, policy).to_list(), expected


def test_a_blank_rating_with_and_without_a_poor_one_are_told_apart() -> None:
    # self-care blank in both; housework poor in the first only
    policy = ClassificationPolicy(unstable_social_function_poor=True)
    got, expected = _classes([SocialFunction(None, P, WorkRating.GOOD, G, G),
                              SocialFunction(None, G, WorkRating.GOOD, G, G)], policy)
    assert expected == [1, 2]  # unstable (poor counts), basically stable (a rating not recorded)
    assert got == expected


def test_blank_ratings_in_different_places_give_the_rule_s_class() -> None:
    got, expected = _classes([SocialFunction(None, G, WorkRating.GOOD, G, G), SocialFunction(),
                              SocialFunction.all_good(), SocialFunction(G, G, WorkRating.NOT_APPLICABLE, G, G)],
                             ClassificationPolicy())
    assert expected == [2, 2, 3, 3]
    assert got == expected


def test_an_empty_table_gives_an_empty_class_column_like_a_full_one() -> None:
    record = PatientRecord(patient(), (visit(D(2025, 3, 1)),))
    _, table, _ = frames_of(Registry.of([record]))
    full = rule_classes(table)
    empty = rule_classes(table.clear())
    assert (full.name, full.dtype, full.to_list()) == ("rule_class", pl.Int8, [3])
    assert (empty.name, empty.dtype, empty.len()) == (full.name, full.dtype, 0)


SCHEDULE = SchedulePolicy(unstable_days=7, basically_stable_days=10, stable_months=3)


N30 = D(2025, 11, 30)


@pytest.mark.parametrize(("days", "codes", "expected"), [
    # 30 November + 3 months is the last day of February (no 30 February); a null date or class: null
    ([N30, N30, N30, N30, None], [1, 2, 3, None, 1], [D(2025, 12, 7), D(2025, 12, 10), D(2026, 2, 28), None, None]),
    ([N30, N30], [3, 1], [D(2026, 2, 28), D(2025, 12, 7)]),
    ([N30, None], [None, None], [None, None]),
])
def test_next_visit_dates_per_class(days: list[dt.date | None], codes: list[int | None],
                                    expected: list[dt.date | None]) -> None:
    got = next_visit_dates(pl.Series("visit_date", days, dtype=pl.Date), pl.Series(codes, dtype=pl.Int8), SCHEDULE)
    assert (got.name, got.dtype, got.to_list()) == ("visit_date", pl.Date, expected)


def test_next_visit_dates_national_intervals() -> None:
    days = pl.Series("d", [D(2025, 12, 31), D(2025, 12, 31), D(2025, 11, 30)])
    got = next_visit_dates(days, pl.Series([1, 2, 3], dtype=pl.Int8))
    assert got.to_list() == [D(2026, 1, 14), D(2026, 1, 14), D(2026, 2, 28)]


def test_next_visit_dates_of_nothing() -> None:
    got = next_visit_dates(pl.Series("d", [], dtype=pl.Date), pl.Series([], dtype=pl.Int8))
    assert (got.name, got.dtype, got.len()) == ("d", pl.Date, 0)


@pytest.mark.parametrize("schedule", [SCHEDULE, NATIONAL])
@pytest.mark.parametrize("n", [5, SHORT + 7])
def test_next_visit_dates_of_few_and_of_many_rows_are_the_rule_s(schedule: SchedulePolicy, n: int) -> None:
    """A few rows (one patient's, read in Python) and more than ``SHORT`` (the column path): each
    row's date is the scalar rule's for its date and class, a date repeated under two classes
    gets each class's, and a null date, a null class or a code of no class gives null."""
    classes = {c.code: c for c in Classification}
    days = [None if i % 11 == 10 else N30 + dt.timedelta(days=i // 3) for i in range(n)]
    codes = [(1, 3, 2, None, 3, 1, 9)[i % 7] for i in range(n)]
    expected = [None if d is None or c not in classes else next_visit_date(d, classes[c], schedule)
                for d, c in zip(days, codes, strict=True)]
    got = next_visit_dates(pl.Series("visit_date", days, dtype=pl.Date), pl.Series(codes, dtype=pl.Int8), schedule)
    assert (got.name, got.dtype, got.to_list()) == ("visit_date", pl.Date, expected)
    assert len({d for d in expected if d is not None}) > 1


@pytest.mark.parametrize("n", [5, SHORT + 7])
def test_next_visit_dates_refuse_columns_of_different_lengths(n: int) -> None:
    """A class column shorter than the date column is refused, not cut to the shorter one
    (which would pair the rows wrongly and drop the last dates without a word)."""
    days = pl.Series("visit_date", [N30] * n, dtype=pl.Date)
    with pytest.raises((ValueError, pl.exceptions.ShapeError)):
        next_visit_dates(days, pl.Series([1] * (n - 1), dtype=pl.Int8))


@pytest.mark.parametrize("n", [5, SHORT + 7])
def test_next_visit_dates_without_a_known_class_are_null_dates(n: int) -> None:
    """No row with a class the rule knows (null codes, a code of no class): every date null, in a
    Date column that keeps the input's name, few rows or many."""
    days = pl.Series("visit_date", [N30 + dt.timedelta(days=i) for i in range(n)], dtype=pl.Date)
    got = next_visit_dates(days, pl.Series([(None, 9)[i % 2] for i in range(n)], dtype=pl.Int8))
    assert (got.name, got.dtype, got.to_list()) == ("visit_date", pl.Date, [None] * n)
