"""Commands of programme part B: ``smi-care guardians`` (the guardian reward list with reasons)
and ``smi-care supplies`` (free-medication supplies running out, and key patients' teams)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

from smi_care.domain.identity import AreaCode, AreaLevel

GUARDIANS_EPILOG = ("examples:\n  smi-care guardians demo/ --period 2025Q3\n"
                    "  smi-care guardians demo/ --period 2025 --policy no_incident --format csv\n"
                    "  smi-care guardians demo/ --period 2025Q3 --include-names   (guardian names: national-rules §10)")
SUPPLIES_EPILOG = ("examples:\n  smi-care supplies demo/ --on 2025-12-20\n"
                   "  smi-care supplies demo/ --on 2025-12-20 --within 14 --format json")


def _load(folder: Path) -> tuple[Any, Any]:
    from smi_care.registry.programme_b import read_programme_b
    from smi_care.registry.tables import read_tables

    load = read_tables(folder)
    b = read_programme_b(folder, load.tables)
    problems = len(load.problems) + len(b.problems)
    if problems:
        sys.stderr.write(f"note: {problems} problem(s) in the registry; run 'smi-care validate {folder}' and "
                         "read the files with smi_care.registry.programme_b to list them\n")
    return load.tables, b


def _township(area: str) -> str:
    code = AreaCode(area)
    return code.at(AreaLevel.TOWNSHIP).code if code.level.value >= AreaLevel.TOWNSHIP.value else area


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_guardians(args: argparse.Namespace) -> int:
    import polars as pl

    from smi_care.indicators.periods import Period
    from smi_care.programme.guardians import REWARD_DEFAULT, REWARD_NO_INCIDENT, guardian_facts, guardian_list

    policy = {p.name: p for p in (REWARD_DEFAULT, REWARD_NO_INCIDENT)}[args.policy]
    period = Period.parse(args.period)
    tables, b = _load(args.registry)
    facts = guardian_facts(tables, b.guardians, period, policy)
    if args.area:
        facts = facts.filter(pl.col("area").str.starts_with(args.area))
    names = None
    if args.include_names and "guardian_name" in tables.patients.columns:
        names = {p: n for p, n in tables.patients.select("patient_id", "guardian_name").iter_rows() if n}
    rows = guardian_list(facts, policy, names)
    records: list[dict[str, Any]] = [{"township": _township(g.area), "patient_id": g.patient_id,
                **({"guardian_name": g.guardian_name or ""} if args.include_names else {}),
                "eligible": g.decision.eligible, "reasons": list(g.decision.failed or g.decision.reasons)}
               for g in rows]
    eligible = sum(r["eligible"] for r in records)
    if args.format == "json":
        _emit(json.dumps({"period": str(period), "policy": policy.name, "guardians": len(records),
                          "eligible": eligible, "items": records}, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        buf = io.StringIO()
        fields = list(records[0]) if records else ["township", "patient_id", "eligible", "reasons"]
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "eligible": int(r["eligible"]), "reasons": "; ".join(r["reasons"])} for r in records)
        _emit(buf.getvalue())
    else:
        lines = [f"Guardian rewards (以奖代补) {period} under {policy.name}: {eligible} of {len(records)} guardian(s) "
                 "eligible"]
        town = None
        for r in records:
            if r["township"] != town:
                town = r["township"]
                lines.append(f"\n{town}")
            who = f"  {r['guardian_name']}" if args.include_names else ""
            mark = "eligible" if r["eligible"] else "not eligible"
            lines.append(f"  {r['patient_id']}{who}  {mark}: " + "; ".join(r["reasons"]))
        _emit("\n".join(lines))
    return 0


def cmd_supplies(args: argparse.Namespace) -> int:
    import polars as pl

    from smi_care.indicators.periods import Period
    from smi_care.programme.medication import SupplyAlertPolicy, supply_alerts
    from smi_care.programme.teams import team_facts, team_worklist
    from smi_care.registry.programme_a import read_assessments

    tables, b = _load(args.registry)
    day: dt.date = args.on
    # key patients as ``smi-care key-patients --on`` finds them: incidents from the quarter's start to the day
    period = Period(Period.quarter(day.year, (day.month - 1) // 3 + 1).start, day)
    assessments = read_assessments(args.registry, tables.patients).table
    facts = team_facts(tables, b.teams, b.team_reviews, period, assessments=assessments)
    registered = facts.filter(pl.col("registered"))
    areas = dict(registered.select("patient_id", "area").iter_rows())
    alerts = supply_alerts(b.dispensings, day, SupplyAlertPolicy(args.within, args.lookback), patients=list(areas))
    flags = team_worklist(facts)
    items = ([{"township": _township(areas[a.patient_id]), "patient_id": a.patient_id, "kind": "supply",
               "reason": a.reason} for a in alerts]
             + [{"township": _township(areas[f.patient_id]), "patient_id": f.patient_id, "kind": f.kind,
                 "reason": f.reason} for f in flags])
    items.sort(key=lambda i: (i["township"], i["kind"], i["patient_id"]))
    if args.format == "json":
        _emit(json.dumps({"on": day.isoformat(), "within": args.within, "items": items}, ensure_ascii=False, indent=2))
    else:
        lines = [f"Free medication and case-management teams on {day.isoformat()}: {len(alerts)} supply alert(s), "
                 f"{len(flags)} team flag(s)"]
        town = None
        for i in items:
            if i["township"] != town:
                town = i["township"]
                lines.append(f"\n{town}")
            lines.append(f"  {i['patient_id']}  {i['reason']}")
        _emit("\n".join(lines))
    return 0


def add_commands(sub: Any, folder: Any, date: Any) -> None:
    """Register the part-B commands on the main parser's sub-parsers."""
    g = sub.add_parser("guardians", help="the guardians eligible for a reward in a period, and why each is or is not",
                       description="the guardians eligible for a reward (以奖代补) in a period, and why each is or "
                       "is not", epilog=GUARDIANS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("registry", type=folder)
    g.add_argument("--period", required=True, help="2025, 2025Q3, 2025-07 or 2025-01-01..2025-06-30")
    g.add_argument("--policy", default="no_incident_on_medication_present",
                   choices=["no_incident_on_medication_present", "no_incident"],
                   help="the reward policy (default: no incident, on medication, guardian present at a follow-up)")
    g.add_argument("--area", help="only patients living in this area (a code prefix), e.g. 360102001")
    g.add_argument("--include-names", action="store_true",
                   help="also show the guardian's name (identifying: national-rules §10)")
    g.add_argument("--format", default="table", choices=["table", "csv", "json"])
    g.set_defaults(func=cmd_guardians)
    s = sub.add_parser("supplies", help="free-medication supplies running out, and key patients without a team or "
                       "with an overdue team review", description="free-medication supplies running out, and key "
                       "patients without a case-management team or with an overdue review",
                       epilog=SUPPLIES_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("registry", type=folder)
    s.add_argument("--on", type=date, required=True, help="the day, YYYY-MM-DD")
    s.add_argument("--within", type=int, default=7, help="supplies running out within this many days (default 7)")
    s.add_argument("--lookback", type=int, default=30, help="and supplies that ran out in the last this many days "
                   "(default 30)")
    s.add_argument("--format", default="table", choices=["table", "json"])
    s.set_defaults(func=cmd_supplies)
