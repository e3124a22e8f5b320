"""The ``smi-care`` command: thin wrappers that parse arguments, call the library, format.

Every user error is one clear sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smi_care import __version__
from smi_care.domain.codes import Disorder
from smi_care.domain.errors import SmiCareError
from smi_care.domain.identity import AreaLevel
from smi_care.registry.problems import Problem, RegistryReadError
from smi_care.registry.reader import LoadResult, read_edition, read_followup_rows, read_registry

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


class UserError(Exception):
    """An error to show as one sentence."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return path


def _load(folder: Path, encoding: str | None = None) -> LoadResult:
    result = read_registry(folder, encoding=encoding)
    if result.problems:
        rejected = sum(c.rejected for c in result.counts)
        sys.stderr.write(f"note: {len(result.problems)} problem(s), {rejected} row(s) not loaded; "
                         f"run 'smi-care validate {folder}' to list them\n")
    return result


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --- report -------------------------------------------------------------------------------

def cmd_report(args: argparse.Namespace) -> int:
    from smi_care.indicators import NATIONAL_TARGETS, Period, finalize, load_targets, parse_by
    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.indicators.evaluate import EvaluationPolicy
    from smi_care.indicators.output import to_csv, to_json, to_table
    from smi_care.indicators.standard import StandardPolicy, StandardRule

    period = Period.parse(args.period)
    by = parse_by(args.by)
    targets = NATIONAL_TARGETS
    if args.targets:
        targets = (*targets, *load_targets(args.targets, [i.id for i in STANDARD_INDICATORS]))
    policy = EvaluationPolicy(standard=StandardPolicy(StandardRule(args.standard)))
    from smi_care.indicators.columnar import evaluate_tables
    from smi_care.registry.tables import read_tables

    load = read_tables(args.registry, encoding=args.encoding)
    if load.problems:
        rejected = sum(c.rejected for c in load.counts)
        sys.stderr.write(f"note: {len(load.problems)} problem(s), {rejected} row(s) not loaded; "
                         f"run 'smi-care validate {args.registry}' to list them\n")
    partial = evaluate_tables(load.tables, period, by, policy=policy)[0]
    rep = finalize(partial, targets)
    _print({"json": to_json, "csv": to_csv, "table": to_table}[args.format](rep))
    return EXIT_OK


# --- classify ------------------------------------------------------------------------------

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


def _problem_dict(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "value": p.value, "kind": p.kind,
            "patient_id": p.patient_id, "reason": p.reason}


def cmd_classify(args: argparse.Namespace) -> int:
    path = Path(args.followups)
    if not path.is_file():
        raise UserError(f"{args.followups} is not a file")
    rows, problems = classify_rows(path)
    if args.format == "json":
        _print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CLASSIFY_COLUMNS)
        for r in rows:
            w.writerow(["" if r[c] is None else ";".join(r[c]) if isinstance(r[c], list) else r[c]
                        for c in CLASSIFY_COLUMNS])
        _print(buf.getvalue())
    for p in problems:
        sys.stderr.write(f"not classified: {p}\n")
    return EXIT_PROBLEMS if problems else EXIT_OK


# --- worklist ------------------------------------------------------------------------------

def cmd_worklist(args: argparse.Namespace) -> int:
    from smi_care.rules.worklist import worklist

    reg = _load(args.registry).registry
    items = worklist(reg, args.on, args.within, covers=reg.covers)
    records = [{"kind": i.kind.value, "patient_id": i.patient_id, "due": i.due.isoformat(),
                "days_overdue": i.days_overdue, "last_class": i.last_class.code if i.last_class else None,
                "last_risk": i.last_risk, "detail": i.detail} for i in items]
    if args.format == "json":
        _print(json.dumps({"on": args.on.isoformat(), "within": args.within, "items": records}, ensure_ascii=False,
                          indent=2))
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(records[0]) if records else ["kind"], lineterminator="\n")
        w.writeheader()
        w.writerows(records)
        _print(buf.getvalue())
    else:
        lines = [f"Worklist on {args.on.isoformat()} (next {args.within} days): {len(items)} item(s)",
                 f"{'kind':<32} {'patient_id':<18} {'due':<10} {'late':>5} {'class':>5} {'risk':>4}  detail"]
        for r in records:
            lines.append(f"{r['kind']:<32} {r['patient_id']:<18} {r['due']:<10} {r['days_overdue']:>5} "
                         f"{r['last_class'] or '-':>5} {'-' if r['last_risk'] is None else r['last_risk']:>4}  "
                         f"{r['detail']}")
        _print("\n".join(lines))
    return EXIT_OK


# --- validate ------------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from smi_care.validation import validate

    report = validate(args.registry, encoding=args.encoding)
    if args.format == "json":
        _print(json.dumps({
            "clean": report.clean,
            "counts": [{"file": c.file, "read": c.read, "accepted": c.accepted, "rejected": c.rejected}
                       for c in report.load.counts],
            "extra_columns": {k: list(v) for k, v in report.load.extra_columns.items()},
            "problems": [_problem_dict(p) for p in report.problems],
            "findings": [{"kind": f.kind, "patient_id": f.patient_id, "visit_date": f.visit_date.isoformat(),
                          "field": f.field, "recorded": f.recorded, "expected": f.expected, "reason": f.reason}
                         for f in report.findings],
        }, ensure_ascii=False, indent=2))
    else:
        lines = [f"{c.file}: {c.read} read, {c.accepted} accepted, {c.rejected} rejected" for c in report.load.counts]
        for file, cols in report.load.extra_columns.items():
            lines.append(f"{file}: local columns kept: {', '.join(cols)}")
        lines += _problem_lines(report.problems)
        lines += [f"finding ({f.kind}): {f}" for f in report.findings]
        lines.append("clean" if report.clean else f"{len(report.problems)} problem(s), {len(report.findings)} "
                                                  "finding(s)")
        _print("\n".join(lines))
    return EXIT_OK if report.clean else EXIT_PROBLEMS


def _problem_lines(problems: Sequence[Problem], fold: int = 3) -> list[str]:
    """File-level problems first, once; then row problems, where more than ``fold`` rows share
    the same file, column, kind and reason they are one line with the count and the first lines
    (the JSON output lists every row)."""
    from smi_care.registry.tables import FILE_KINDS

    out = [f"file problem: {p.file}: {p.reason}" + (f" (column {p.column})" if p.column else "")
           for p in problems if p.kind in FILE_KINDS]
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for p in problems:
        if p.kind not in FILE_KINDS:
            groups.setdefault((p.file, p.column, p.kind, p.reason), []).append(p)
    for (file, column, _kind, reason), rows in groups.items():
        if len(rows) > fold:
            first = ", ".join(str(p.line) for p in rows[:fold])
            col = f" column {column}" if column else ""
            out.append(f"problem: {file}{col}: {reason} — {len(rows)} rows (lines {first}, ...)")
        else:
            out += [f"problem: {p}" for p in rows]
    return out


def cmd_convert(args: argparse.Namespace) -> int:
    from smi_care.registry.tables import read_tables, write_tables

    load = read_tables(args.source, encoding=args.encoding)
    write_tables(load.tables, args.destination, format=args.to, include_identifying=args.include_identifying)
    rejected = sum(c.rejected for c in load.counts)
    for line in _problem_lines(load.problems):
        sys.stderr.write(line + "\n")
    _print(f"wrote {args.destination} as {args.to}: " + ", ".join(f"{c.file} {c.accepted}" for c in load.counts)
           + (f"; {rejected} rejected row(s) left out" if rejected else ""))
    return EXIT_OK if not rejected else EXIT_PROBLEMS


# --- demo ----------------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    from smi_care.indicators import Period, report
    from smi_care.indicators.output import to_grid
    from smi_care.synth import write_province

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="smi-care-demo-"))
    write_province(out, patients=args.patients, seed=args.seed)
    loaded = _load(out).registry
    rep = report(loaded, Period.parse(args.period), by=AreaLevel.TOWNSHIP)
    _print(f"Demo registry: {len(loaded):,} patients written to {out}")
    _print(f"Indicators {rep.period} by township (%, prevalence ‰)")
    _print(to_grid(rep))
    _print(f"\nAll 18 indicators: smi-care report {out} --period {args.period} --by township\n"
           f"As JSON:           smi-care report {out} --period {args.period} --format json\n"
           f"Due and overdue:   smi-care worklist {out} --on {Period.parse(args.period).end.isoformat()}\n"
           f"Check the data:    smi-care validate {out}")
    return EXIT_OK


def cmd_indicators(args: argparse.Namespace) -> int:
    from smi_care.indicators import STANDARD_INDICATORS

    for i in STANDARD_INDICATORS:
        den = "resident population" if i.population_denominator else "; ".join(c.text for c in i.denominator)
        _print(f"{i.id} ({i.zh}, {i.en}, {i.unit})\n  numerator: {'; '.join(c.text for c in i.numerator)}"
               f"\n  denominator: {den}")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from smi_care.indicators import Period, audit

    reg = _load(args.registry).registry
    record = reg.records.get(args.patient)
    if record is None:
        raise UserError(f"there is no patient {args.patient!r} in the registry")
    try:
        _print(str(audit(record, args.indicator, Period.parse(args.period), covers=reg.covers)))
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    return EXIT_OK


EPILOG = {
    "report": "examples:\n  smi-care report demo/ --period 2025\n  smi-care report demo/ --period 2025Q3 --by township "
              "--format json\n  smi-care report demo/ --period 2025-01-01..2025-06-30 --targets local-targets.csv",
    "classify": "examples:\n  smi-care classify followups.csv\n  smi-care classify followups.csv --format json",
    "worklist": "examples:\n  smi-care worklist demo/ --on 2025-12-01\n  smi-care worklist demo/ --on 2025-12-01 "
                "--within 30 --format csv",
    "validate": "examples:\n  smi-care validate demo/\n  smi-care validate demo/ --format json\n"
                "exit codes: 0 clean, 1 problems found, 2 unusable input",
    "demo": "examples:\n  smi-care demo\n  smi-care demo --out demo/ --period 2024",
    "audit": "examples:\n  smi-care audit demo/ --patient 360102-0000001 --indicator standard_management_rate "
             "--period 2025",
    "indicators": "examples:\n  smi-care indicators",
    "convert": "examples:\n  smi-care convert demo/ demo-parquet/ --to parquet\n"
               "  smi-care convert county-gbk/ county-utf8/ --to csv --encoding gb18030\n"
               "exit codes: 0 every row written, 1 some rows rejected (listed on stderr), 2 unusable input",
}


def parser() -> argparse.ArgumentParser:
    from smi_care.indicators.standard import StandardRule

    p = argparse.ArgumentParser(
        prog="smi-care",
        description="Community management of severe mental disorders (严重精神障碍): rules, schedules, indicators.",
        epilog="start with: smi-care demo", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"smi-care {__version__}; disorders: "
                   + ", ".join(f"{d.code} {d.label}" for d in Disorder))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=EPILOG[name],
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    d = add("demo", "build the demo registry and print its annual report by township with targets")
    d.add_argument("--out", help="folder to write the demo registry into (default: a new temporary folder)")
    d.add_argument("--period", default="2025", help="period to report (default 2025)")
    d.add_argument("--patients", type=int, default=3000, help="number of patients (default 3000)")
    d.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    d.set_defaults(func=cmd_demo)

    r = add("report", "compute the indicators of a registry for a period")
    r.add_argument("registry", type=_folder, help="registry folder (registry format v1)")
    r.add_argument("--period", required=True, help="2025, 2025Q3, 2025-07 or 2025-01-01..2025-06-30")
    r.add_argument("--by", help="province, city, county, township, village, sex, age or disorder")
    r.add_argument("--targets", help="CSV of local targets: indicator,year,threshold,source[,area_code]")
    r.add_argument("--standard", default="four_followups",
                   choices=[rule.value for rule in StandardRule],
                   help="standard-management policy (default four_followups)")
    r.add_argument("--format", default="table", choices=["table", "json", "csv"])
    r.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when a file is not "
                   "valid UTF-8)")
    r.set_defaults(func=cmd_report)

    c = add("classify", "classify follow-up rows and give next dates, actions and reasons")
    c.add_argument("followups", help="a followups.csv in the registry format")
    c.add_argument("--format", default="csv", choices=["json", "csv"])
    c.set_defaults(func=cmd_classify)

    w = add("worklist", "follow-ups due and overdue, health checks, report deadlines and alerts on a day")
    w.add_argument("registry", type=_folder)
    w.add_argument("--on", type=_date, required=True, help="the day, YYYY-MM-DD")
    w.add_argument("--within", type=int, default=14, help="days ahead to include (default 14)")
    w.add_argument("--format", default="table", choices=["table", "json", "csv"])
    w.set_defaults(func=cmd_worklist)

    v = add("validate", "list every problem in a registry folder and every data-quality finding")
    v.add_argument("registry", type=_folder)
    v.add_argument("--format", default="table", choices=["table", "json"])
    v.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when a file is not "
                   "valid UTF-8)")
    v.set_defaults(func=cmd_validate)

    a = add("audit", "explain why a patient is or is not counted in an indicator")
    a.add_argument("registry", type=_folder)
    a.add_argument("--patient", required=True)
    a.add_argument("--indicator", required=True)
    a.add_argument("--period", required=True)
    a.set_defaults(func=cmd_audit)

    cv = add("convert", "write a registry folder as CSV (registry format v1) or Parquet, validated on the way")
    cv.add_argument("source", type=_folder, help="registry folder (CSV, Parquet or registry.xlsx)")
    cv.add_argument("destination", type=Path, help="folder to write")
    cv.add_argument("--to", required=True, choices=["csv", "parquet"])
    cv.add_argument("--encoding", help="encoding of the source CSV files (default: detected)")
    cv.add_argument("--include-identifying", action="store_true",
                    help="also write names, identity numbers, phones and addresses (national-rules §10)")
    cv.set_defaults(func=cmd_convert)

    i = add("indicators", "list the indicator definitions")
    i.set_defaults(func=cmd_indicators)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if not getattr(args, "func", None):
        p.print_help()
        return EXIT_OK
    try:
        code: int = args.func(args)
        return code
    except RegistryReadError as exc:
        sys.stderr.write(f"error: the registry cannot be used: {exc}\n")
        return EXIT_UNUSABLE
    except (SmiCareError, UserError, ValueError, OSError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
