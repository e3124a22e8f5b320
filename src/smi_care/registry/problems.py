"""Problems found while reading a registry, and the counts that prove nothing was dropped."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from smi_care.domain.errors import SmiCareError

#: The longest cell value a problem shows whole; a longer one is cut, with its size.
SHOWN_CHARS = 200


def shown(value: str) -> str:
    """A cell value as a message may show it: whole up to :data:`SHOWN_CHARS` characters, else
    its start and its size.

    >>> shown("x" * 100_000)[60:]
    '… (100,000 characters in all)'
    """
    if len(value) <= SHOWN_CHARS:
        return value
    return f"{value[:60]}… ({len(value):,} characters in all)"


@attrs.frozen
class Problem:
    """One problem in one row: where it is, what it is, in plain words.

    ``value`` is the cell as it may be shown: identifying columns show ``<hidden>``.
    ``kind`` is a stable identifier (``bad_code``, ``bad_date``, ``missing_required``,
    ``unknown_patient``, ``duplicate_patient_id``, ``invalid_identity``, ``rule``,
    ``bad_number``, ``bad_header``, ``bad_file``). ``rejected`` tells whether the row was left
    out of the registry (True) or loaded with a warning (False).
    """

    file: str
    line: int
    column: str
    value: str = attrs.field(converter=shown)
    reason: str
    kind: str
    patient_id: str | None = None
    rejected: bool = True

    def __str__(self) -> str:
        who = f" patient {self.patient_id}" if self.patient_id else ""
        col = f" column {self.column}" if self.column else ""
        val = f" value {self.value!r}" if self.value else ""
        return f"{self.file} line {self.line}{who}{col}{val}: {self.reason}"


@attrs.frozen
class FileCounts:
    """Rows read, accepted and rejected in one file; read == accepted + rejected."""

    file: str
    read: int
    accepted: int
    rejected: int


def counts_for(counts: Iterable[FileCounts], file: str) -> FileCounts:
    """The counts of ``file`` among ``counts``; all zero for a file that was not there."""
    for c in counts:
        if c.file == file:
            return c
    return FileCounts(file, 0, 0, 0)


class RegistryReadError(SmiCareError):
    """Raised in strict mode on the first problem, or when a folder cannot be read at all."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
