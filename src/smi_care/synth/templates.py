"""The synthetic follow-ups' assessments: a few templates per class, each template's class
computed once by the rule (:func:`smi_care.rules.classification.classify`, national-rules §4),
as CSV text; and the weighted draws the generator makes.

>>> stable, basic, unstable, acts = assessment_templates()
>>> {a[2] for a in stable}, {a[2] for a in unstable}    # the class codes: 3 stable, 1 unstable
({'3'}, {'1'})
>>> pick(0.7, cumulative((1.0, 1.0)))
1
"""

from __future__ import annotations

import datetime as dt

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    DangerousAct,
    FollowUpForm,
    Hospitalisation,
    Insight,
    PhysicalIllness,
    Rating,
    SeenPerson,
    Symptom,
    SymptomSeverity,
    WorkRating,
)
from smi_care.domain.followup import FollowUp, SocialFunction, acts_from
from smi_care.rules.classification import classify

# --- assessment templates: (risk, symptoms, severity, insight, sleep, diet, social x5, acts, adr,
#     adr_serious, physical illness); the class of each is computed by the rule once ----------------

_Template = tuple[int, tuple[int, ...], int, int, int, int, tuple[int, int, int, int, int], tuple[tuple[int, int], ...],
                  int, int, int]
_STABLE: tuple[_Template, ...] = (
    (0, (), 0, 1, 1, 1, (1, 1, 1, 1, 1), (), 1, 0, 0), (0, (), 0, 1, 2, 1, (1, 2, 9, 1, 2), (), 1, 0, 0),
    (0, (), 0, 1, 1, 2, (2, 2, 2, 2, 2), (), 2, 0, 0), (0, (), 0, 1, 2, 2, (1, 1, 2, 2, 1), (), 1, 0, 0),
)
_BASIC: tuple[_Template, ...] = (
    (1, (), 0, 1, 2, 2, (1, 2, 2, 2, 2), (), 1, 0, 0), (0, (1,), 1, 2, 2, 1, (2, 2, 2, 2, 3), (), 1, 0, 0),
    (2, (3, 4), 1, 2, 3, 2, (2, 3, 3, 2, 3), (), 2, 0, 0), (0, (), 0, 1, 1, 1, (2, 2, 3, 2, 2), (), 1, 0, 1),
    (1, (10,), 1, 2, 2, 2, (2, 2, 9, 2, 2), ((1, 1),), 1, 0, 0),
)
_UNSTABLE: tuple[_Template, ...] = (
    (3, (1, 3), 2, 3, 3, 2, (3, 3, 3, 3, 3), (), 1, 0, 0), (0, (1, 5), 2, 2, 3, 3, (2, 3, 3, 3, 3), (), 1, 0, 0),
    (1, (2,), 1, 3, 2, 2, (2, 2, 3, 2, 3), (), 2, 1, 0), (4, (5, 6), 2, 3, 3, 3, (3, 3, 3, 3, 3), (), 1, 0, 0),
    (3, (4,), 1, 2, 3, 2, (2, 3, 3, 3, 3), (), 1, 0, 0),
)
#: Unstable assessments recording dangerous behaviour (肇事 2, 肇祸 3, 自伤 5, 轻度滋事 1), drawn for a
#: small share (``Calibration.acts``) of unstable follow-ups.
_UNSTABLE_ACTS: tuple[_Template, ...] = (
    (3, (1, 3), 2, 3, 3, 2, (3, 3, 3, 3, 3), ((2, 1),), 1, 0, 0),
    (4, (5, 6), 2, 3, 3, 3, (3, 3, 3, 3, 3), ((3, 1),), 1, 0, 0),
    (3, (4,), 1, 2, 3, 2, (2, 3, 3, 3, 3), ((5, 1),), 1, 0, 0),
    (3, (6,), 1, 2, 2, 2, (2, 2, 3, 2, 3), ((1, 2),), 1, 0, 0),
)


def _template_row(t: _Template) -> tuple[str, Classification]:
    """The assessment columns risk_level..adr_serious,physical_illness as CSV text, and the rule's class."""
    risk, symptoms, severity, insight, sleep, diet, sf, acts, adr, serious, physical = t
    f = FollowUp(
        "template", dt.date(2025, 1, 1), FollowUpForm.HOME, seen=frozenset({SeenPerson.PATIENT}), risk_level=risk,
        symptoms=frozenset(Symptom.from_code(c) for c in symptoms), symptom_severity=SymptomSeverity.from_code(severity),
        insight=Insight.from_code(insight), sleep=Rating.from_code(sleep), diet=Rating.from_code(diet),
        social=SocialFunction(Rating.from_code(sf[0]), Rating.from_code(sf[1]), WorkRating.from_code(sf[2]),
                              Rating.from_code(sf[3]), Rating.from_code(sf[4])),
        acts=acts_from([(DangerousAct.from_code(c), n) for c, n in acts]), hospitalisation=Hospitalisation.NOT_ADMITTED,
        adherence=Adherence.REGULAR, adr=AdverseReaction.from_code(adr), adr_serious=bool(serious) if adr == 2 else None,
        physical_illness=PhysicalIllness.from_code(physical),
    )
    cls = classify(f).classification
    assert cls is not None
    act_text = ";".join(f"{c}:{n}" for c, n in acts)
    text = (f"{risk},{';'.join(map(str, symptoms))},{severity},{insight},{sleep},{diet},{','.join(map(str, sf))},"
            f"{act_text}")
    return text, cls


Assessment = tuple[str, str, str, str]


def assessment_templates() -> tuple[list[Assessment], list[Assessment], list[Assessment], list[Assessment]]:
    """Assessments as CSV text (risk_level..acts; adr,adr_serious,physical_illness; class; referral)
    by the rule's class: stable, basically stable, unstable, and unstable with dangerous behaviour."""
    out: dict[Classification, list[Assessment]] = {c: [] for c in Classification}
    for t in (*_STABLE, *_BASIC, *_UNSTABLE):
        text, cls = _template_row(t)
        out[cls].append((text, f"{t[8]},{t[9] if t[8] == 2 else ''},{t[10]}", str(cls.code), "2" if cls is
                         Classification.UNSTABLE else "1"))
    acts: list[Assessment] = []
    for t in _UNSTABLE_ACTS:
        text, cls = _template_row(t)
        assert cls is Classification.UNSTABLE
        acts.append((text, f"{t[8]},,{t[10]}", "1", "2"))
    return (out[Classification.STABLE], out[Classification.BASICALLY_STABLE], out[Classification.UNSTABLE], acts)


DISORDER_CODES = (1, 2, 3, 4, 5, 6)


def cumulative(weights: tuple[float, ...]) -> list[float]:
    """The running shares of ``weights`` (the last is 1): what :func:`pick` draws from."""
    total, acc, out = sum(weights), 0.0, []
    for w in weights:
        acc += w / total
        out.append(acc)
    return out


def pick(x: float, cum: list[float]) -> int:
    """The index a uniform draw ``x`` in [0, 1) falls on in the running shares ``cum``."""
    for i, c in enumerate(cum):
        if x < c:
            return i
    return len(cum) - 1
