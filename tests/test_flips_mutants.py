"""The words of a flip (:mod:`smi_care.indicators.flips`): a part of one reading only, in both
languages and both directions, and an expression in plain text. Written for the mutation run of the
module (docs/testing.md, "Fifth session"); well under a second.
"""

from __future__ import annotations

import pytest

from smi_care.indicators.expr import AllOf, AnyOf, fact
from smi_care.indicators.flips import reason_words, render

CHECK = "a health check in the period"


@pytest.mark.parametrize(("code", "en", "zh"), [
    ("lost|standard|health_check #other+", f"counted by this reading only: {CHECK} (standard)",
     "仅本口径计入：期内有健康体检（standard）"),
    ("lost|standard|health_check #first+", f"counted by the first reading only: {CHECK} (standard)",
     "仅第一种口径计入：期内有健康体检（standard）"),
    ("lost|standard|health_check #other", f"not met, required by this reading only: {CHECK} (standard)",
     "不满足本口径独有的条件：期内有健康体检（standard）"),
    ("gained|standard|health_check #first", f"not met, required by the first reading only: {CHECK} (standard)",
     "不满足第一种口径独有的条件：期内有健康体检（standard）"),
    ("gained|standard|health_check", f"now: {CHECK} (standard)", "新满足：期内有健康体检（standard）"),
    ("lost|standard|health_check", f"no longer: {CHECK} (standard)", "不再满足：期内有健康体检（standard）"),
])
def test_a_reason_in_words(code: str, en: str, zh: str) -> None:
    assert (reason_words(code, "en"), reason_words(code, "zh")) == (en, zh)


def test_an_expression_in_plain_text() -> None:
    assert render(fact("a") & fact("b")) == "a and b"
    assert render(fact("a") | (fact("b") >= 2)) == "a or b >= 2"
    assert (render(AllOf(())), render(AnyOf(()))) == ("true", "false")  # the empty conjunction and disjunction
