"""The values of an evaluation: breakdowns, the evaluation policy, and mergeable partial counts.

A :class:`Partial` holds numerator and denominator counts per indicator and group. Partials of
disjoint sets of patients :meth:`merge <Partial.merge>` into exactly the partial of their union
(counts add), so a province can evaluate county by county, in parallel or on a cluster. The
engine that fills them is :mod:`smi_care.indicators.columnar`; :mod:`smi_care.indicators.evaluate`
is the entry point and turns them into reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from enum import Enum

import attrs

from smi_care.domain.arguments import typed
from smi_care.domain.errors import SmiCareError
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.domain.named import short_repr
from smi_care.domain.records import PopulationEntry
from smi_care.indicators.definitions import Indicator
from smi_care.indicators.periods import Period
from smi_care.indicators.standard import FOUR_FOLLOWUPS, StandardPolicy
from smi_care.rules.classification import NATIONAL as NATIONAL_CLASSES
from smi_care.rules.classification import ClassificationPolicy
from smi_care.rules.limits import each_at_least
from smi_care.rules.status import NATIONAL as NATIONAL_STATUS
from smi_care.rules.status import StatusPolicy


class Dimension(Enum):
    """Breakdowns other than area."""

    SEX = "sex"
    AGE = "age"
    DISORDER = "disorder"


By = AreaLevel | Dimension | None


def parse_by(text: str | None) -> By:
    """``province``, ``city``, ``county``, ``township``, ``village``, ``sex``, ``age``,
    ``disorder`` or None/``total``."""
    if text is None or text.strip().lower() in ("", "total", "none"):
        return None
    t = text.strip().lower()
    for d in Dimension:
        if d.value == t:
            return d
    return AreaLevel.parse(t)


def by_name(by: By) -> str | None:
    if by is None:
        return None
    return by.value if isinstance(by, Dimension) else by.name.lower()


@short_repr
@attrs.frozen
class AgeBands:
    """Age bands at the period end, by their lower bounds **[0, 15, 35, 60]** (ages in years,
    0 or more, increasing).

    >>> AgeBands((15, 0))
    Traceback (most recent call last):
    ...
    smi_care.domain.errors.ArgumentValueError: AgeBands(bounds=<tuple>): expected increasing values
    """

    bounds: tuple[int, ...] = attrs.field(default=(0, 15, 35, 60), validator=each_at_least(0))

    def band(self, age: int) -> str:
        label = ""
        for i, lo in enumerate(self.bounds):
            if age >= lo:
                hi = self.bounds[i + 1] - 1 if i + 1 < len(self.bounds) else None
                label = f"{lo}-{hi}" if hi is not None else f"{lo}+"
        return label or f"<{self.bounds[0]}"


@short_repr
@attrs.frozen
class EvaluationPolicy:
    """Every choice evaluation makes, in one value: standard management, status and class
    rules, and age bands."""

    standard: StandardPolicy = attrs.field(default=FOUR_FOLLOWUPS, validator=typed(StandardPolicy))
    status: StatusPolicy = attrs.field(default=NATIONAL_STATUS, validator=typed(StatusPolicy))
    classes: ClassificationPolicy = attrs.field(default=NATIONAL_CLASSES, validator=typed(ClassificationPolicy))
    age_bands: AgeBands = attrs.field(factory=AgeBands, validator=typed(AgeBands))


DEFAULT_POLICY = EvaluationPolicy()

#: How to convert the text forms of the entry points' arguments (for their argument errors).
TEXT_FORMS = {"period": "convert with Period.parse(text) ('2025', '2025Q3', '2025-07', '2025-01-01..2025-06-30')",
              "by": "convert with parse_by(text) ('township', 'sex', ...)"}
UNKNOWN_GROUP = "unknown"


def area_group(area: AreaCode, level: AreaLevel) -> str:
    """The group of a home area at ``level``: its ancestor's code, or ``unknown`` when the
    code is less specific than the level."""
    if area.level.value < level.value:
        return UNKNOWN_GROUP
    return area.at(level).code


Counts = Mapping[tuple[str, str], tuple[int, int]]


def _add(a: Counts, b: Counts) -> dict[tuple[str, str], tuple[int, int]]:
    out = dict(a)
    for k, (n, d) in b.items():
        n0, d0 = out.get(k, (0, 0))
        out[k] = (n0 + n, d0 + d)
    return out


class PartialMergeError(SmiCareError, ValueError):
    """Partials that cannot be added up: the same source twice, or a different period,
    breakdown, policy or list of indicators (the message names what differs)."""


@attrs.frozen(order=True)
class Source:
    """Where a partial's patients come from, so that the same patients are never added twice.

    ``id``: the counties of the patients' home areas (their first six digits, comma-separated);
    ``fingerprint``: the first 16 hex digits of the SHA-256 of the sorted patient ids;
    ``patients``: their number.

    >>> source_of(["P2", "P1"], ["360102001", "360102002"])
    Source(id='360102', fingerprint='bff3e6c20ec3ede3', patients=2)
    """

    id: str
    fingerprint: str
    patients: int


def source_of(patient_ids: Iterable[str], areas: Iterable[str]) -> Source:
    """The source of a set of patients (their ids and home area codes)."""
    ids = sorted(patient_ids)
    digest = hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:16]
    return Source(",".join(sorted({a[:6] for a in areas})), digest, len(ids))


def _differences(a: Partial, b: Partial) -> list[str]:
    out: list[str] = []
    if a.period != b.period:
        out.append(f"period {a.period} vs {b.period}")
    if a.by != b.by:
        out.append(f"breakdown {by_name(a.by) or 'total'} vs {by_name(b.by) or 'total'}")
    if a.policy != b.policy:
        fields = [f.name for f in attrs.fields(EvaluationPolicy) if getattr(a.policy, f.name) != getattr(b.policy, f.name)]
        out.append("policy (" + "; ".join(f"{n}: {getattr(a.policy, n)!r} vs {getattr(b.policy, n)!r}"
                                          for n in fields) + ")")
    ia, ib = [i.id for i in a.indicators], [i.id for i in b.indicators]
    if ia != ib:
        only_a, only_b = sorted(set(ia) - set(ib)), sorted(set(ib) - set(ia))
        words = ", ".join(w for w in (f"only in the first: {' '.join(only_a)}" if only_a else "",
                                      f"only in the second: {' '.join(only_b)}" if only_b else "") if w)
        if not words:
            words = "the same indicators, with another definition or order"
        out.append(f"indicators ({words})")
    elif a.indicators != b.indicators:
        changed = [x.id for x, y in zip(a.indicators, b.indicators, strict=True) if x != y]
        out.append(f"indicators (other definitions of {', '.join(changed)})")
    return out


@attrs.frozen
class Partial:
    """Mergeable counts: ``counts[(indicator, group)] = (numerator, denominator)``.

    ``followups_in_period``: the follow-ups (completed or not) dated in the period, over all
    patients (None when unknown, e.g. a partial saved by an older version): 0 makes the report
    warn that the data may not reach the period. ``sources``: where the patients come from
    (:class:`Source`); the same source is never merged twice. Sources are provenance, not
    counts: two partials with equal counts compare equal however the patients were cut."""

    period: Period
    by: By
    indicators: tuple[Indicator, ...]
    policy: EvaluationPolicy
    counts: Counts
    population: frozenset[PopulationEntry] = frozenset()
    patients: int = 0
    followups_in_period: int | None = None
    sources: frozenset[Source] = attrs.field(default=frozenset(), eq=False)  # provenance: not part of the counts

    def merge(self, other: Partial) -> Partial:
        """The partial of the union of two disjoint sets of patients.

        Refused (:class:`PartialMergeError`) when a source is in both (naming it), or when the
        period, breakdown, policy or indicators differ (naming what differs)."""
        differs = _differences(self, other)
        if differs:
            raise PartialMergeError("only partials of the same period, breakdown, policy and indicators can be merged; "
                                    "these differ in " + "; ".join(differs))
        mine = {s.fingerprint: s for s in self.sources if s.patients}
        twice = sorted((s for s in other.sources if s.patients and s.fingerprint in mine), key=lambda s: s.id)
        if twice:
            shown = "; ".join(f"source {s.id} ({s.patients} patients, fingerprint {s.fingerprint})" for s in twice)
            raise PartialMergeError(f"the same patients are in both partials ({shown}): merging them would count "
                                    "them twice")
        known = None if self.followups_in_period is None or other.followups_in_period is None else (
            self.followups_in_period + other.followups_in_period)
        return attrs.evolve(self, counts=_add(self.counts, other.counts), population=self.population | other.population,
                            patients=self.patients + other.patients, followups_in_period=known,
                            sources=self.sources | other.sources)
