"""The names of the facts every indicator reads, and what each means (national-rules §5, §6).

The facts are the contract between the engine and the definitions: every indicator's numerator
and denominator is an expression over these names, the facts table
(:func:`smi_care.indicators.facts_table.facts_table`) has one column per name, and one patient's
facts (:class:`smi_care.indicators.facts.PatientFacts`) carry the same values.

>>> FACTS["lost"][0]
'bool'
"""

from __future__ import annotations

#: The facts of one patient in one period: name → (kind, meaning). ``kind`` is the column type
#: of the facts table (``code`` columns hold the official code, null when not recorded).
FACTS: dict[str, tuple[str, str]] = {
    "patient_id": ("text", "the registry's patient identifier"),
    "registered": ("bool", "registered (在册) on D, the period's last day (§5)"),
    "area": ("text", "home area code on D (§6 Area: transfers within the registry move it)"),
    "sex": ("code", "sex code (GB/T 2261.1)"),
    "age": ("int", "age in whole years on D"),
    "disorder": ("code", "diagnosis code (§1)"),
    "consented": ("bool", "consent to community management given (知情同意)"),
    "registration_start": ("date", "when the current registration began: registration date or a later transfer in"),
    "completed_count": ("int", "completed follow-ups dated in P"),
    "attempts": ("int", "follow-up attempts dated in P"),
    "last_date": ("date", "date of the last completed follow-up in P (ties: later row)"),
    "last_adherence": ("code", "medication adherence at the last completed follow-up in P"),
    "last_hospitalisation": ("code", "hospitalisation at the last completed follow-up in P"),
    "last_class": ("code", "class of the last completed follow-up in P: recorded, else the §4 rule's"),
    "face_to_face": ("bool", "a completed clinic or home follow-up in P"),
    "in_hospital": ("bool", "registered and in hospital on D (admission rule, else the last completed "
                    "follow-up on or before D)"),
    "hospital_for_medication": ("bool", "registered and in hospital for the medication numerator (admission "
                                "rule, else the last completed follow-up in P)"),
    "lost": ("bool", "registered and lost to follow-up on D"),
    "health_check": ("bool", "a health check event in P"),
    "rehabilitation": ("bool", "a community rehabilitation event in P"),
    "counselling": ("bool", "a counselling event in P or a follow-up in P that records counselling"),
    "contract": ("bool", "a family-doctor contract in force on D"),
    "incident": ("bool", "a follow-up in P records 肇事 or 肇祸"),
    "lockup": ("code", "the last lock-up status recorded on or before D, else past_lockup"),
    "required_followups": ("int", "completed follow-ups needed in P (pro-rated, §6)"),
    "gaps_within_limit": ("bool", "no gap over the standard policy's gap_months from the registration or "
                          "period start, through the completed follow-ups in P, to D"),
    "standard": ("bool", "managed to standard under the evaluation's standard policy (its expression over the facts above)"),
}
