"""Validation of a registry folder: every reader problem and every data-quality finding.

>>> import tempfile
>>> from smi_care.registry import write_registry
>>> from smi_care.synth import generate
>>> folder = write_registry(generate(patients=30, seed=3), tempfile.mkdtemp())
>>> validate(folder).clean
True
>>> validate_tables(folder).findings == validate(folder).findings
True
"""

from __future__ import annotations

from pathlib import Path

import attrs

from smi_care.indicators.quality_table import quality_table
from smi_care.registry.problems import Problem
from smi_care.registry.reader import LoadResult, read_registry
from smi_care.registry.tables import TableLoad, read_tables
from smi_care.rules.quality import NATIONAL, Finding, QualityPolicy, registry_findings


@attrs.frozen
class ValidationReport:
    load: LoadResult | TableLoad
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.load.problems

    @property
    def clean(self) -> bool:
        return not self.load.problems and not self.findings


def validate(folder: str | Path, policy: QualityPolicy = NATIONAL, *, encoding: str | None = None) -> ValidationReport:
    """Read ``folder`` (CSV files in ``encoding``, else UTF-8 or GB18030 as detected) and check
    the good rows with the quality rules (§4)."""
    load = read_registry(folder, encoding=encoding)
    return ValidationReport(load, tuple(registry_findings(load.registry, policy)))


def validate_tables(folder: str | Path, policy: QualityPolicy = NATIONAL, *,
                    encoding: str | None = None) -> ValidationReport:
    """:func:`validate` at province scale: the folder read as tables
    (:func:`~smi_care.registry.tables.read_tables`: the same problems) and the quality rules
    run over the columns (:func:`~smi_care.indicators.quality_table.quality_table`: the same
    findings, in the same order). ``load`` is then a :class:`~smi_care.registry.tables.TableLoad`."""
    load = read_tables(folder, encoding=encoding)
    return ValidationReport(load, tuple(quality_table(load.tables.patients, load.tables.followups, policy)))
