"""Conversion of ``BPHS2011`` codes to the current model (national-rules §7.2 last lines).

``BPHS2011`` adherence has 1 规律 2 间断 3 不服药 and no code 4; its class list has 0 未访到
(not reached), which the current model expresses as a follow-up with no class that reached
nobody; its treatment effect has no code 9. No information is lost: every 2011 code has
exactly one current meaning.

>>> adherence_from_2011(3)
<Adherence.NOT_TAKING: 3>
>>> classification_from_2011(0) is None
True
"""

from __future__ import annotations

from smi_care.domain.codes import Adherence, Classification, TreatmentEffect
from smi_care.domain.errors import CodeError

#: ``BPHS2011`` class 0 未访到.
NOT_REACHED_2011 = 0


def adherence_from_2011(code: int) -> Adherence:
    """1 规律 → 1, 2 间断 → 2, 3 不服药 → 3; 4 did not exist in 2011."""
    if code not in (1, 2, 3):
        raise CodeError("Adherence (服药依从性, BPHS2011)", code, "1 规律, 2 间断, 3 不服药")
    return Adherence.from_code(code)


def classification_from_2011(code: int) -> Classification | None:
    """0 未访到 → None (the follow-up reached nobody); 1–3 as today."""
    if code == NOT_REACHED_2011:
        return None
    return Classification.from_code(code)


def treatment_effect_from_2011(code: int) -> TreatmentEffect:
    """1–4 as today; 9 不适用 did not exist in 2011."""
    if code not in (1, 2, 3, 4):
        raise CodeError("TreatmentEffect (治疗效果, BPHS2011)", code, "1 痊愈, 2 好转, 3 无变化, 4 加重")
    return TreatmentEffect.from_code(code)
