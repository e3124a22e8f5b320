"""Reading only some columns of a registry file, and still judging every cell read exactly.

A report needs a few columns of each file (:func:`smi_care.indicators.columns_needed.columns_needed`);
the reader then reads those and validates exactly those cells, with the same problems and line
numbers as a full read gives for them. Two kinds of column are always added, so that a row is
never rejected for a cell that was not read:

- the file's required columns (:data:`~smi_care.registry.columns.REQUIRED`): a row without them
  is not a row of the format;
- the columns a rule checks together: when one is read, all are. A follow-up that reached
  someone must record the assessments of ``REQUIRED_WHEN_REACHED`` (and one that reached nobody
  has no class), so the columns that decide "reached" come with them; consent 1 needs a
  consent date.

A column missing from the file is simply not there, as in a full read. ``validate`` reads
everything (``columns=None``).

>>> sorted(closed("followups.csv", {"visit_date"}))
['form', 'patient_id', 'visit_date']
>>> len(closed("followups.csv", {"risk_level"}))
16
>>> "consent_date" in closed("patients.csv", set())  # consent is required, and pairs with its date
True
>>> closed("followups.csv", None) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from smi_care.domain.followup import REQUIRED_WHEN_REACHED
from smi_care.registry.columns import FOLLOWUPS, PATIENTS, REQUIRED

#: Columns a rule of the format checks together, per file: reading one means reading all.
RULE_GROUPS: Mapping[str, tuple[frozenset[str], ...]] = {
    FOLLOWUPS: (frozenset({"seen", "loss_reason", "risk_level", "insight", "hospitalisation", "adherence",
                           "classification", *REQUIRED_WHEN_REACHED}),),
    PATIENTS: (frozenset({"consent", "consent_date"}),),
}


def closed(file: str, wanted: Iterable[str] | None) -> frozenset[str] | None:
    """The columns to read of ``file`` when ``wanted`` are needed (None: every column)."""
    if wanted is None:
        return None
    out = set(wanted) | set(REQUIRED.get(file, ()))
    for group in RULE_GROUPS.get(file, ()):
        if out & group:
            out |= group
    return frozenset(out)


def projections(columns: Mapping[str, Iterable[str]] | None, files: Iterable[str]
                ) -> dict[str, frozenset[str] | None]:
    """Each file's columns to read (None: all) for a reader asked for ``columns``; a file the
    mapping does not name is read whole."""
    return {f: (closed(f, columns.get(f)) if columns is not None and f in columns else None) for f in files}
