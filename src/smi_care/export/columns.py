"""Column headings and words of the programme lists (key patients, suspected cases,
assessments due, guardians, supplies) in Chinese or English, for workbooks, CSV and tables.

The report's and worklist's headings live in :data:`smi_care.labels.HEADERS`; the lists'
own columns are named here, and :func:`column_header` looks in both.

>>> column_header("reasons"), column_header("reasons", "en"), column_header("patient_id")
('重点管理原因', 'reasons', '患者编号')
>>> key_text_zh("risk level 4 at the last assessment or follow-up (≥ 3); last follow-up unstable (病情不稳定)")
'末次评估或随访危险性4级（≥3级）；末次随访病情不稳定'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from smi_care.labels import HEADERS, Lang

#: The programme lists' columns: key → (Chinese, English).
LIST_HEADERS: dict[str, tuple[str, str]] = {
    "reasons": ("重点管理原因", "reasons"), "last_risk_date": ("危险性评估日期", "last risk date"),
    "last_contact": ("末次随访或评估", "last contact"), "next_contact_due": ("下次随访应于", "next contact due"),
    "due": ("应办事项", "due"), "case_id": ("疑似病例编号", "case id"), "reported_on": ("报告日期", "reported on"),
    "days_waiting": ("等待天数", "days waiting"), "last_assessment": ("末次病情评估", "last assessment"),
    "eligible": ("是否符合奖励", "eligible"), "guardian_name": ("监护人姓名", "guardian name"),
    "reason": ("原因", "reason"), "kind": ("类别", "kind"),
}

_KINDS_ZH = {"police_alert": "110警情", "waiting": "等待诊断", "supply": "免费药品将用完",
             "no_team": "无个案管理团队", "review_overdue": "团队复核逾期"}


def column_header(key: str, lang: Lang = "zh") -> str:
    """A list column's heading in the language (the key itself when none is known)."""
    pair = LIST_HEADERS.get(key) or HEADERS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def kind_label(kind: str, lang: Lang = "zh") -> str:
    """A list item kind in words (``110警情`` for ``police_alert``); the kind itself in English."""
    return _KINDS_ZH.get(kind, kind) if lang == "zh" else kind


#: The key-patient list's reasons and what is due (smi_care.programme.key_patients), in Chinese.
_KEY_ZH: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"risk level (\d+) at the last assessment or follow-up \(≥ (\d+)\)", r"末次评估或随访危险性\1级（≥\2级）"),
    (r"last follow-up unstable \(病情不稳定\)", "末次随访病情不稳定"),
    (r"肇事/肇祸 recorded in the period", "本期有肇事肇祸记录"),
    (r"emergency 危害他人或公共安全 in the period", "本期有危害他人或公共安全的应急处置"),
    (r"follow-up now: no contact recorded", "立即随访（无随访记录）"),
    (r"follow-up overdue since (\d{4}-\d{2}-\d{2})", r"随访自\1起逾期"),
    (r"follow-up by (\d{4}-\d{2}-\d{2})", r"\1前随访"),
    (r"quarterly condition assessment", "本季度病情评估"),
)


def key_text_zh(text: str | None) -> str | None:
    """A key-patient reason or due text (parts joined by ``; ``) in Chinese; a part not known
    stays as it is, so nothing is lost."""
    if text is None:
        return None
    parts = []
    for part in text.split("; "):
        for pattern, repl in _KEY_ZH:
            if re.fullmatch(pattern, part):
                part = re.sub(pattern, repl, part)
                break
        parts.append(part)
    return "；".join(parts)
