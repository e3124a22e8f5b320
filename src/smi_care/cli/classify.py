"""``smi-care classify``: every follow-up row of a followups.csv classified, with its next date,
actions and reasons (the rules of rules/; nothing decided here)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from smi_care.cli.common import UserError
from smi_care.cli.common import print_text as _print
from smi_care.registry.problems import Problem
from smi_care.registry.reader import read_edition, read_followup_rows

EXIT_OK, EXIT_PROBLEMS = 0, 1


def classify_rows(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Classify every follow-up row of a followups.csv (registry format), in file order.

    A row that cannot be read stays in the output with ``classification`` null and its
    ``error``; the problems are also returned."""
    from smi_care.domain.codes import Classification
    from smi_care.rules.classification import classify
    from smi_care.rules.interventions import visit_actions
    from smi_care.rules.schedule import followup_next_date

    edition = read_edition(path.parent)
    rows, problems, _ = read_followup_rows(path, edition=edition)
    previous: dict[str, Classification | None] = {}
    out: list[dict[str, Any]] = []
    for line, f in sorted(rows, key=lambda lf: (lf[1].patient_id, lf[1].visit_date, lf[0])):
        result = classify(f)
        cls = result.classification
        nxt = followup_next_date(f, cls)
        actions = visit_actions(cls, f.risk_level, previous.get(f.patient_id)) if f.reached or cls else ()
        if f.completed:
            previous[f.patient_id] = cls
        out.append({"patient_id": f.patient_id, "visit_date": f.visit_date.isoformat(),
                    "classification": cls.code if cls else None, "next_visit_date": nxt.isoformat(),
                    "actions": [a.text_code for a in actions], "reasons": [r.text_code for r in result.reasons],
                    "line": line, "error": None})
    failed: dict[int, list[Problem]] = {}
    for p in problems:
        failed.setdefault(p.line, []).append(p)
    for line, found in failed.items():
        out.append({"patient_id": found[0].patient_id, "visit_date": None, "classification": None,
                    "next_visit_date": None, "actions": [], "reasons": [], "line": line,
                    "error": "; ".join(p.reason for p in found)})
    out.sort(key=lambda r: int(r["line"]))
    return out, problems


CLASSIFY_COLUMNS = ("patient_id", "visit_date", "classification", "next_visit_date", "actions", "reasons", "line",
                    "error")


def cmd_classify(args: argparse.Namespace) -> int:
    path = Path(args.followups)
    if not path.is_file():
        raise UserError(f"{args.followups} is not a file")
    rows, problems = classify_rows(path)
    if args.format == "json":
        _print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from smi_care.export.cells import csv_records

        _print(csv_records(CLASSIFY_COLUMNS, rows))
    for p in problems:
        sys.stderr.write(f"not classified: {p}\n")
    return EXIT_PROBLEMS if problems else EXIT_OK
