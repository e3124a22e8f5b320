"""``smi-care worklist``: the day's worklist — every dated task of national-rules §2–§5 and of
the county programme — as a table, JSON, CSV, a workbook for the village doctors, or FHIR care
gaps. Thin: read, call :func:`smi_care.programme.worklist.day_worklist`, format through
:mod:`smi_care.export`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smi_care.cli.common import area_names, emit, need_output

EPILOG = ("examples:\n  smi-care worklist demo/ --on 2025-12-01\n  smi-care worklist demo/ --on 2025-12-01 "
          "--area 360102001 --group-by village --format xlsx --output visits.xlsx\n"
          "  smi-care worklist demo/ --on 2025-09-30 --within 30 --kind suspected_waiting,supply_running_out\n"
          "  smi-care worklist demo/ --on 2025-09-30 --within 30 --format fhir-care-gaps --output gaps.json\n"
          "kinds: " + ", ".join(k for k in (
              "alert_notify_police", "alert_emergency_record_missing", "alert_visited_without_consent",
              "alert_suspected_110", "followup_overdue", "first_followup_due", "followup_due", "health_check_due",
              "report_deadline", "suspected_waiting", "assessment_due", "enrolment_assessment_missing",
              "supply_running_out", "dispensings_short", "team_review_overdue", "key_patient_no_team",
              "guardian_reward_to_confirm")))






def _kinds(texts: list[str] | None) -> list[Any] | None:
    from smi_care.rules.worklist import ItemKind

    if not texts:
        return None
    known = {k.value: k for k in ItemKind}
    out = []
    for text in texts:
        for part in (p.strip() for p in text.split(",")):
            if part and part not in known:
                raise ValueError(f"--kind {part!r} is not an item kind; known: {', '.join(known)}")
            if part:
                out.append(known[part])
    return out






def _read(folder: Path, encoding: str | None) -> Any:
    from smi_care.programme.report import read_programme
    from smi_care.registry.tables import read_tables

    load = read_tables(folder, encoding=encoding)
    data = read_programme(folder, load.tables, encoding)
    problems = len(load.problems) + len(data.problems)
    if problems:
        sys.stderr.write(f"note: {problems} problem(s) in the registry and programme files; run "
                         f"'smi-care validate {folder}' to list them\n")
    return data


def cmd_worklist(args: argparse.Namespace) -> int:
    from smi_care.export.worklist import DAY_FIELDS, aligned, day_header, day_rows, grouped, patients_within
    from smi_care.programme.case_finding import CaseFindingPolicy
    from smi_care.programme.worklist import DayPolicies, day_worklist

    data = _read(args.registry, args.encoding)
    names = area_names(args.registry)
    if args.area and patients_within(data.registry.patients, args.area).height == 0:
        raise ValueError(f"no patient lives in area {args.area}")
    policies = DayPolicies(case_finding=CaseFindingPolicy(args.waiting_days))
    frame = day_worklist(data, args.on, args.within, policies, kinds=_kinds(args.kind), area=args.area,
                         doctor=args.doctor)
    if args.format == "fhir-care-gaps":
        from smi_care.export.care_gaps import care_gap_bundles
        from smi_care.indicators.periods import Period

        period = Period.parse(args.period) if args.period else Period(
            dt.date(args.on.year, 3 * ((args.on.month - 1) // 3) + 1, 1), args.on)
        inside = (patients_within(data.registry.patients, args.area)["patient_id"].to_list() if args.area else
                  frame["patient_id"].unique().to_list() if args.kind or args.doctor else None)
        bundles = care_gap_bundles(data, args.on, args.within, period, policies, frame, inside)
        emit(json.dumps({"resourceType": "Bundle", "type": "collection",
                          "entry": [{"resource": b} for b in bundles]}, ensure_ascii=False, indent=2), args)
        return 0
    rows = day_rows(frame, names, args.lang, args.include_names)
    fields = [*DAY_FIELDS, *(["doctor"] if args.include_names else [])]
    if args.format == "xlsx":
        from smi_care.export.worklist_book import write_day_workbook

        title = (f"随访工作清单 {args.on.isoformat()}（未来{args.within}天）" if args.lang == "zh" else
                 f"Worklist {args.on.isoformat()} (next {args.within} days)")
        out = write_day_workbook(rows, need_output(args, "xlsx"), args.lang, args.group_by, title)
        sys.stderr.write(f"written: {out}\n")
    elif args.format == "json":
        emit(json.dumps({"on": args.on.isoformat(), "within": args.within, "area": args.area, "items": rows},
                         ensure_ascii=False, indent=2), args)
    elif args.format == "csv":
        from smi_care.export.worklist import WORKLIST_FIELDS, csv_safe

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        w.writerow({f: day_header(f, args.lang) if f in WORKLIST_FIELDS[:9] else f
                    for f in fields})
        w.writerows({k: csv_safe(v) for k, v in r.items()} for r in rows)
        emit(buf.getvalue(), args, csv_text=True)
    else:
        zh = args.lang == "zh"
        lines = [(f"{args.on.isoformat()} 工作清单（未来{args.within}天）：{frame.height}项" if zh else
                  f"Worklist on {args.on.isoformat()} (next {args.within} days): {frame.height} item(s)")]
        counts = frame.group_by("kind").len().sort("kind")
        if counts.height:
            lines.append(("按事项：" if zh else "by kind: ") + ", ".join(f"{k} {n}" for k, n in counts.iter_rows()))
        cols = ["kind_name", "patient_id", "due", "status", "next_action", "last_class_name", "reason",
                *(["doctor"] if args.include_names else [])]
        for group, part in grouped(rows, args.group_by).items():
            lines.append(f"\n{group} ({len(part)})")
            lines += ["  " + line.rstrip() for line in aligned([day_header(c, args.lang) for c in cols],
                                                                [[r.get(c) for c in cols] for r in part])]
        emit("\n".join(lines), args)
    return 0


def register(sub: Any, folder: Callable[[str], Path], date: Callable[[str], dt.date]) -> None:
    """Add ``worklist`` to the ``smi-care`` sub-command parser."""
    help = ("the day's worklist: follow-ups, health checks, report deadlines, alerts, suspected cases, assessments, "
            "free medication, teams and guardian rewards due")
    w = sub.add_parser("worklist", help=help, description=help, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    w.add_argument("registry", type=folder)
    w.add_argument("--on", type=date, required=True, help="the day, YYYY-MM-DD")
    w.add_argument("--within", type=int, default=14, help="days ahead to include (default 14)")
    w.add_argument("--area", help="only patients living in this area (any level), e.g. 360102001")
    w.add_argument("--kind", action="append", help="only these item kinds (codes, comma separated or repeated)")
    w.add_argument("--doctor", help="only the patients whose last follow-up was by this doctor")
    w.add_argument("--group-by", default="township", choices=["township", "village"],
                   help="group the items by township (default) or village; xlsx has a sheet each")
    w.add_argument("--waiting-days", type=int, default=30,
                   help="days a suspected case may wait for a diagnosis (default 30)")
    w.add_argument("--period", help="care gaps: the period in which a done task closes its gap (default: the "
                   "quarter of --on up to it)")
    w.add_argument("--include-names", action="store_true",
                   help="also show the follow-up doctor's name (identifying: national-rules §10)")
    w.add_argument("--lang", default="zh", choices=["zh", "en"], help="labels in Chinese (default) or English")
    w.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when detected)")
    w.add_argument("--output", help="write to this file (needed for xlsx)")
    w.add_argument("--format", default="table", choices=["table", "json", "csv", "xlsx", "fhir-care-gaps"])
    w.set_defaults(func=cmd_worklist)
