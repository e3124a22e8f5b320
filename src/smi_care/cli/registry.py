"""The registry commands of ``smi-care``: ``validate`` (every problem of every file a command may
read) and ``convert`` (a registry folder written as CSV or Parquet, validated on the way; ``--partition county``:
one sub-folder per county, :mod:`smi_care.registry.partitioned`).

``validate`` prints a summary: per file the rows read, accepted and rejected, then the problems
grouped by file, column and reason with the first lines of each group; ``--all`` lists every
problem, and ``--format json`` / ``xlsx`` always hold the full list.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from smi_care.registry.problems import Problem

EXIT_OK, EXIT_PROBLEMS = 0, 1
VALIDATE_HELP = "list every problem in a registry folder and every data-quality finding"
CONVERT_HELP = "write a registry folder as CSV (registry format v1) or Parquet, validated on the way"
#: Lines of a group of problems shown in the summary (``--all``: every one).
EXAMPLES = 3


class OutputNeeded(ValueError):
    """A format that writes a file was asked for without ``--output``."""


def problem_dict(p: Problem) -> dict[str, Any]:
    """A problem as a JSON object."""
    return {"file": p.file, "line": p.line, "column": p.column, "value": p.value, "kind": p.kind,
            "patient_id": p.patient_id, "reason": p.reason}


def problem_lines(problems: Sequence[Problem], fold: int | None = EXAMPLES) -> list[str]:
    """File-level problems first, once; then row problems, where more than ``fold`` rows share
    the same file, column, kind and reason they are one line with the count and the first lines
    (``fold=None``: every row on its own line)."""
    from smi_care.registry.tables import FILE_KINDS

    out = [f"file problem: {p.file}: {p.reason}" + (f" (column {p.column})" if p.column else "")
           for p in problems if p.kind in FILE_KINDS]
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for p in problems:
        if p.kind not in FILE_KINDS:
            groups.setdefault((p.file, p.column, p.kind, p.reason), []).append(p)
    for (file, column, _kind, reason), rows in groups.items():
        if fold is not None and len(rows) > fold:
            first = ", ".join(str(p.line) for p in rows[:fold])
            col = f" column {column}" if column else ""
            out.append(f"problem: {file}{col}: {reason} — {len(rows)} rows (lines {first}, ...)")
        else:
            out += [f"problem: {p}" for p in rows]
    return out


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_validate(args: argparse.Namespace) -> int:
    from smi_care.validation import validate_tables

    report = validate_tables(args.registry, encoding=args.encoding)
    if args.format == "xlsx":
        from smi_care.export.xlsx import write_validation

        if not args.output:
            raise OutputNeeded("--format xlsx writes a file: give it with --output FILE")
        sys.stderr.write(f"written: {write_validation(report, Path(args.output), args.lang)}\n")
    elif args.format == "json":
        _print(json.dumps({
            "clean": report.clean,
            "counts": [{"file": c.file, "read": c.read, "accepted": c.accepted, "rejected": c.rejected}
                       for c in report.counts],
            "extra_columns": {k: list(v) for k, v in report.load.extra_columns.items()},
            "problems": [problem_dict(p) for p in report.problems],
            "findings": [{"kind": f.kind, "patient_id": f.patient_id, "visit_date": f.visit_date.isoformat(),
                          "field": f.field, "recorded": f.recorded, "expected": f.expected, "reason": f.reason}
                         for f in report.findings],
        }, ensure_ascii=False, indent=2))
    else:
        lines = [f"{c.file}: {c.read} read, {c.accepted} accepted, {c.rejected} rejected" for c in report.counts]
        for file, cols in report.load.extra_columns.items():
            lines.append(f"{file}: local columns kept: {', '.join(cols)}")
        lines += problem_lines(report.problems, None if args.all else EXAMPLES)
        lines += [f"finding ({f.kind}): {f}" for f in report.findings]
        lines.append("clean" if report.clean else f"{len(report.problems)} problem(s), {len(report.findings)} "
                                                  "finding(s)")
        _print("\n".join(lines))
    return EXIT_OK if report.clean else EXIT_PROBLEMS


def cmd_convert(args: argparse.Namespace) -> int:
    from smi_care.registry.tables import read_tables, write_tables

    load = read_tables(args.source, encoding=args.encoding)
    if args.partition:
        from smi_care.registry.writer import write_partitioned

        counties = write_partitioned(load.tables, args.destination, format=args.to,
                                     include_identifying=args.include_identifying)
        sys.stderr.write(f"{len(counties)} partition(s) by county: {args.destination}/county=NNNNNN/\n")
    else:
        write_tables(load.tables, args.destination, format=args.to, include_identifying=args.include_identifying)
    rejected = sum(c.rejected for c in load.counts)
    for line in problem_lines(load.problems):
        sys.stderr.write(line + "\n")
    rejected += _convert_programme(args, load.tables)
    _copy_areas(Path(args.source), Path(args.destination))
    _print(f"wrote {args.destination} as {args.to}: " + ", ".join(f"{c.file} {c.accepted}" for c in load.counts)
           + (f"; {rejected} rejected row(s) left out" if rejected else ""))
    return EXIT_OK if not rejected else EXIT_PROBLEMS


def _copy_areas(source: Path, destination: Path) -> None:
    """The area names (``areas.csv``, registry-format.md) go along unchanged: reports on the
    converted folder name their areas as on the source."""
    import shutil

    from smi_care.registry.areas import AREAS_FILE

    if (source / AREAS_FILE).is_file() and source.resolve() != destination.resolve():
        shutil.copyfile(source / AREAS_FILE, destination / AREAS_FILE)


def _convert_programme(args: argparse.Namespace, tables: Any) -> int:
    """The programme files of ``args.source`` that are there, written beside the registry tables in
    the same format (identifying columns as ``--include-identifying`` says); their problems on
    stderr. Returns the rows left out."""
    from smi_care.programme.report import SPECS, read_programme
    from smi_care.registry.columns import SUPPORT_FILES
    from smi_care.registry.optional import write_rows

    data = read_programme(args.source, tables, args.encoding)
    for line in problem_lines(data.problems):
        sys.stderr.write(line + "\n")
    source = Path(args.source)
    for spec in SPECS:
        if spec.stem in data.present:
            write_rows(data.table(spec.stem), spec.file, spec.names, args.destination, format=args.to,
                       include_identifying=args.include_identifying)
    if data.support is not None:
        loaded = {"dispensings.csv": data.support.dispensings, "guardians.csv": data.support.guardians,
                  "teams.csv": data.support.teams, "team_reviews.csv": data.support.team_reviews}
        for file, columns in SUPPORT_FILES.items():
            if (source / file).exists() or (source / file.replace(".csv", ".parquet")).exists():
                write_rows(loaded[file], file, columns, args.destination, format=args.to,
                           include_identifying=args.include_identifying)
    return sum(c.rejected for c in data.counts)


def add_validate(v: argparse.ArgumentParser, folder: Callable[[str], Path]) -> None:
    """The arguments of ``validate``."""
    v.add_argument("registry", type=folder)
    v.add_argument("--format", default="table", choices=["table", "json", "xlsx"])
    v.add_argument("--all", action="store_true", help="list every problem (default: a summary by file and "
                   "problem with the first lines of each; json and xlsx always hold every problem)")
    v.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when a file is not "
                   "valid UTF-8)")
    v.add_argument("--lang", default="zh", choices=["zh", "en"], help="xlsx headers in Chinese (default) or English")
    v.add_argument("--output", help="write to this file (needed for xlsx)")
    v.set_defaults(func=cmd_validate)


def add_convert(cv: argparse.ArgumentParser, folder: Callable[[str], Path]) -> None:
    """The arguments of ``convert``."""
    cv.add_argument("source", type=folder, help="registry folder (CSV, Parquet or registry.xlsx)")
    cv.add_argument("destination", type=Path, help="folder to write")
    cv.add_argument("--to", required=True, choices=["csv", "parquet"])
    cv.add_argument("--partition", choices=["county"], help="one sub-folder per county (county=NNNNNN), each a "
                    "whole registry folder; every command reads the top folder as one registry")
    cv.add_argument("--encoding", help="encoding of the source CSV files (default: detected)")
    cv.add_argument("--include-identifying", action="store_true",
                    help="also write names, identity numbers, phones and addresses (national-rules §10)")
    cv.set_defaults(func=cmd_convert)

