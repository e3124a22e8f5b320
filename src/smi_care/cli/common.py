"""What every command shares: reading a registry folder with a note on rows not loaded, its
area names, and printing or writing a command's output. Commands import these; nothing here
holds a rule."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from smi_care.registry.areas import AreaNames
from smi_care.registry.reader import LoadResult


class UserError(Exception):
    """An error to show as one sentence (exit 2)."""


def emit(text: str, args: argparse.Namespace, csv_text: bool = False) -> None:
    """Print, or write to ``--output``; CSV carries the UTF-8 BOM Excel needs."""
    from smi_care.indicators.output import BOM

    if csv_text:
        text = BOM + text
    if getattr(args, "output", None):
        Path(args.output).write_text(text, encoding="utf-8")
        sys.stderr.write(f"written: {args.output}\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def need_output(args: argparse.Namespace, what: str) -> Path:
    """The ``--output`` file a format that writes a file needs."""
    if not args.output:
        raise ValueError(f"--format {what} writes a file: give it with --output FILE")
    return Path(args.output)


def note_not_loaded(load: Any, folder: Path) -> None:
    """One note on stderr when a load (tables or objects) rejected rows: how many, and the
    command that lists them."""
    if load.problems:
        rejected = sum(c.rejected for c in load.counts)
        sys.stderr.write(f"note: {len(load.problems)} problem(s), {rejected} row(s) not loaded; "
                         f"run 'smi-care validate {folder}' to list them\n")


def load_tables(folder: Path, encoding: str | None = None, columns: Any = None, compact: bool = False) -> Any:
    """The registry tables of a folder, with a note when rows were not loaded (``compact``: text
    kept as codes, for a caller that only counts: ``read_tables(..., compact=True)``)."""
    from smi_care.registry.tables import read_tables

    load = read_tables(folder, encoding=encoding, columns=columns, compact=compact)
    note_not_loaded(load, folder)
    return load


def area_names(folder: Path) -> AreaNames:
    """The area names of a registry folder (its optional areas.csv); problems are noted, not fatal."""
    from smi_care.registry.areas import read_areas

    names, problems = read_areas(folder)
    for p in problems:
        sys.stderr.write(f"note: {p}\n")
    return names


def load_registry(folder: Path, encoding: str | None = None) -> LoadResult:
    """The registry of a folder as objects, with a note when rows were not loaded."""
    from smi_care.registry import read_registry

    result = read_registry(folder, encoding=encoding)
    note_not_loaded(result, folder)
    return result


def print_text(text: str) -> None:
    """Print ``text`` with one final newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


