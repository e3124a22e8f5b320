"""The day worklist's words for when an item is due (:mod:`smi_care.programme.worklist`), at the
edges: the column of wordings gives each row what :func:`smi_care.labels.item_status` gives it —
long overdue past :data:`~smi_care.labels.LONG_OVERDUE_DAYS` days, late, due today, due later.
Written for the survivors of the module's sampled mutation run (docs/testing.md, "The programme
tables").
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from smi_care.labels import LONG_OVERDUE_DAYS, item_status
from smi_care.programme.worklist import _status, _urgency, _words

ON = dt.date(2025, 9, 30)
LATE = [LONG_OVERDUE_DAYS + 1, LONG_OVERDUE_DAYS, 1, 0, -1, -14]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_words_for_when_an_item_is_due_are_the_label_s(lang: str) -> None:
    frame = pl.DataFrame({"days_overdue": LATE, "due": [ON - dt.timedelta(days=d) for d in LATE]})
    got = frame.select(s=_status(lang)).get_column("s").to_list()
    expected = [item_status("followup_overdue", (ON - dt.timedelta(days=d)).isoformat(), d, "", lang)  # type: ignore[arg-type]
                for d in LATE]
    assert got == expected
    if lang == "zh":
        assert got[:2] == ["自2025-07-01起逾期", "逾期90天"]
    else:
        assert got == ["overdue since 2025-07-01", "90 days late", "1 days late", "due today", "due in 1 days",
                       "due in 14 days"]


def test_urgency_alerts_then_overdue_follow_ups_then_late_items_then_the_rest() -> None:
    """An alert (report to the police, WS2018 应急处置) comes first whatever its date, then an
    overdue follow-up, then any other late item, then what is not yet due; within a level, the
    unstable and the higher risk first."""
    frame = pl.DataFrame({
        "kind": ["followup_due", "followup_due", "followup_overdue", "alert_notify_police", "health_check_due",
                 "followup_due"],
        "patient_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "days_overdue": [-3, -3, 40, -5, 2, -3],
        "due": [ON + dt.timedelta(days=3)] * 2 + [ON - dt.timedelta(days=40), ON + dt.timedelta(days=5),
                                                  ON - dt.timedelta(days=2), ON + dt.timedelta(days=3)],
        "last_class": [3, 1, 3, 3, None, 3], "last_risk": [1, 0, 0, 0, None, 4]})
    out = _urgency(frame)
    assert out.get_column("patient_id").to_list() == ["P4", "P3", "P5", "P2", "P6", "P1"]
    assert out.get_column("urgency").to_list() == [1, 2, 3, 4, 4, 4]


@pytest.mark.parametrize(("detail", "en_tail", "zh_tail"), [
    (None, ": due in 3 days", "：3天后到期"),
    ("", ": due in 3 days", "：3天后到期"),
    ("scheduled", ": due in 3 days (scheduled by the last class)", "：3天后到期（按分类定期随访）"),
])
def test_an_item_without_a_detail_has_no_brackets(detail: str | None, en_tail: str, zh_tail: str) -> None:
    frame = pl.DataFrame({"kind": ["followup_due"], "detail": [detail], "days_overdue": [-3],
                          "due": [ON + dt.timedelta(days=3)], "reason_zh": [None]},
                         schema_overrides={"detail": pl.String, "reason_zh": pl.String})
    row = _words(frame).row(0, named=True)
    assert row["reason_en"].endswith(en_tail) and row["reason_en"].count("(") == en_tail.count("(")
    assert row["reason_zh"].endswith(zh_tail) and row["reason_zh"].count("（") == zh_tail.count("（")


@pytest.mark.parametrize(("kind", "detail", "zh_tail"), [
    ("alert_notify_police", "went missing on 2025-09-20", "（走失或失访：立即报告公安）"),
    ("alert_notify_police", "is lost to follow-up", "（走失或失访：立即报告公安）"),
    ("alert_emergency_record_missing", "emergency without its record (category)", "（应急处置记录（类别）缺失）"),
    ("followup_due", "after_discharge", "（出院后首次随访）"),
])
def test_the_chinese_words_of_an_alerts_detail(kind: str, detail: str, zh_tail: str) -> None:
    """A patient who went missing or is lost is reported to the police at once (WS2018 应急处置);
    an emergency handled without its record names the missing record."""
    frame = pl.DataFrame({"kind": [kind], "detail": [detail], "days_overdue": [0], "due": [ON],
                          "reason_zh": [None]}, schema_overrides={"reason_zh": pl.String})
    row = _words(frame).row(0, named=True)
    assert row["reason_zh"].endswith("今天到期" + zh_tail), row["reason_zh"]
    assert row["reason_en"].endswith(f"due today ({detail})") or detail == "after_discharge"
