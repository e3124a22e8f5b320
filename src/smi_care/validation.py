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

from smi_care.indicators.quality_table import quality_table, records_findings
from smi_care.registry.optional import OptionalLoad
from smi_care.registry.problems import FileCounts, Problem
from smi_care.registry.reader import LoadResult
from smi_care.registry.tables import TableLoad, read_registry, read_tables
from smi_care.rules.quality import NATIONAL, Finding, QualityPolicy


@attrs.frozen
class ValidationReport:
    """The registry's load and findings, and the loads of the optional programme files present."""

    load: LoadResult | TableLoad
    findings: tuple[Finding, ...]
    programme: tuple[OptionalLoad, ...] = ()
    #: The problems and counts of the support files (dispensings, guardians, teams, team reviews)
    #: and of areas.csv: every file a command may read.
    support_problems: tuple[Problem, ...] = ()
    support_counts: tuple[FileCounts, ...] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        return (self.load.problems + tuple(p for ld in self.programme for p in ld.problems)
                + self.support_problems)

    @property
    def counts(self) -> tuple[FileCounts, ...]:
        """Rows read, accepted and rejected per file, the programme files after the v1 ones."""
        return self.load.counts + tuple(ld.counts for ld in self.programme) + self.support_counts

    @property
    def clean(self) -> bool:
        return not self.problems and not self.findings


def programme_loads(folder: str | Path, load: LoadResult | TableLoad,
                    encoding: str | None = None) -> tuple[OptionalLoad, ...]:
    """The optional programme files of ``folder`` that are present, judged against the accepted patients."""
    import polars as pl

    from smi_care.registry.optional import read_optional
    from smi_care.registry.programme_files import PROGRAMME_SPECS

    schema = {"patient_id": pl.Utf8, "resident_id": pl.Utf8, "name": pl.Utf8}
    if isinstance(load, TableLoad):
        table = load.tables.patients
        patients = table.select(pl.col(c).cast(pl.Utf8) if c in table.columns else pl.lit(None, dtype=pl.Utf8).alias(c)
                                for c in schema)
    else:
        people = [r.patient for r in load.registry]
        patients = pl.DataFrame({"patient_id": [p.patient_id for p in people],
                                 "resident_id": [p.resident_id.value if p.resident_id else None for p in people],
                                 "name": [p.name for p in people]}, schema=schema)
    loads = (read_optional(folder, spec, patients, encoding) for spec in PROGRAMME_SPECS)
    return tuple(ld for ld in loads if ld.present)


def validate(folder: str | Path, policy: QualityPolicy = NATIONAL, *, encoding: str | None = None) -> ValidationReport:
    """Read ``folder`` (CSV files in ``encoding``, else UTF-8 or GB18030 as detected) and check
    the good rows with the quality rules (§4: :func:`~smi_care.indicators.quality_table.records_findings`,
    the engine :func:`validate_tables` runs, on the records read)."""
    load = read_registry(folder, encoding=encoding)
    return ValidationReport(load, tuple(records_findings(load.registry, policy)), programme_loads(folder, load, encoding))


def validate_tables(folder: str | Path, policy: QualityPolicy = NATIONAL, *,
                    encoding: str | None = None) -> ValidationReport:
    """:func:`validate` at province scale: the folder read as tables
    (:func:`~smi_care.registry.tables.read_tables`: the same problems) and the quality rules
    run over the columns (:func:`~smi_care.indicators.quality_table.quality_table`: the same
    findings, in the same order). ``load`` is then a :class:`~smi_care.registry.tables.TableLoad`."""
    load = read_tables(folder, encoding=encoding)
    problems, counts = support_checks(folder, load, encoding)
    return ValidationReport(load, tuple(quality_table(load.tables.patients, load.tables.followups, policy)),
                            programme_loads(folder, load, encoding), problems, counts)


def support_checks(folder: str | Path, load: TableLoad, encoding: str | None = None
                   ) -> tuple[tuple[Problem, ...], tuple[FileCounts, ...]]:
    """The problems and counts of the support files present (dispensings, guardians, teams, team
    reviews, read against the accepted patients), of ``areas.csv`` and of the pilot's ``pilot/`` files."""
    from smi_care.registry.areas import AREAS_FILE, read_areas
    from smi_care.registry.pilot_files import PILOT_FOLDER, read_pilot_files
    from smi_care.registry.support_files import read_support_files

    support = read_support_files(folder, load.tables, encoding=encoding)
    present = {c.file for c in support.counts if c.read} | {p.file for p in support.problems}
    problems = [p for p in support.problems if p.file in present]
    counts = [c for c in support.counts if c.file in present]
    if (Path(folder) / AREAS_FILE).is_file():
        _, area_problems = read_areas(folder, encoding)
        problems += area_problems
    if (Path(folder) / PILOT_FOLDER).is_dir():  # what `smi-care pilot` reads (docs/pilot.md)
        pilot = read_pilot_files(folder, encoding)
        problems += pilot.problems
        counts += [c for c in pilot.counts if c.read or any(p.file == c.file for p in pilot.problems)]
    return tuple(problems), tuple(counts)
