"""The programme commands: ``smi-care programme``, ``key-patients``, ``suspected``,
``assessments-due``, ``guardians`` (the guardian reward list with reasons) and ``supplies``
(free-medication supplies running out, and key patients' teams) — thin: read, call
:mod:`smi_care.programme`, format."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import polars as pl

from smi_care.cli.common import area_names, emit, load_tables, need_output
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.labels import Lang

EXIT_OK = 0


def _read(folder: Path, encoding: str | None) -> Any:
    """The registry tables and the programme files, with a note when rows were not loaded."""
    from smi_care.programme.report import read_programme

    load = load_tables(folder, encoding)
    data = read_programme(folder, load.tables, encoding)
    if data.problems:
        rejected = sum(c.rejected for c in data.counts)
        sys.stderr.write(f"note: {len(data.problems)} problem(s) in the programme files, {rejected} row(s) not "
                         f"loaded; first: {data.problems[0]}\n")
    return data


def _with_township(df: pl.DataFrame, column: str, folder: Path, named: bool = False) -> pl.DataFrame:
    """``township`` first: the township of ``column``'s area code, with its name from areas.csv
    (and, when ``named``, ``column`` itself shown with its name)."""
    from smi_care.domain.identity import AreaCode
    from smi_care.indicators.facts_table import map_unique

    areas = area_names(folder)

    def township(code: str) -> str:
        a = AreaCode(code)
        return areas.label(a.at(AreaLevel.TOWNSHIP).code if a.level.value >= AreaLevel.TOWNSHIP.value else code)

    out = df.with_columns(map_unique(df[column], township, pl.Utf8).alias("township"))
    if named:
        out = out.with_columns(map_unique(df[column], areas.label, pl.Utf8).alias(column))
    return out.select("township", *[c for c in df.columns])


def _table(df: pl.DataFrame, args: argparse.Namespace, title: str) -> None:
    """CSV (safe cells), a workbook (through the output layer) or a table by township."""
    from smi_care.export.cells import csv_frame
    from smi_care.export.columns import column_header
    from smi_care.export.terminal import text_table

    lang: Lang = "en" if getattr(args, "lang", "zh") == "en" else "zh"
    if args.format == "csv":
        emit(csv_frame(df), args, csv_text=True)
    elif args.format == "xlsx":
        from smi_care.export.lists import write_list

        out = write_list(df, need_output(args, "xlsx"), lang, "township", title)
        sys.stderr.write(f"written: {out}\n")
    else:
        lines = [title]
        rest = [c for c in df.columns if c != "township"]
        right = [n for n, c in enumerate(rest) if df.schema[c].is_numeric()]
        for (town,), part in df.sort("township").group_by("township", maintain_order=True):
            lines += ["", f"{town} ({part.height})",
                      text_table([column_header(c, lang) for c in rest], part.select(rest).iter_rows(), right,
                                 indent="  ")]
        emit("\n".join(lines), args)


def cmd_programme(args: argparse.Namespace) -> int:
    from smi_care.indicators.evaluate import parse_by
    from smi_care.indicators.periods import Period
    from smi_care.programme.case_finding import CaseFindingPolicy
    from smi_care.programme.report import programme_report, to_json_report, to_text

    data = _read(args.registry, args.encoding)
    if args.audit:
        return _audit(data, Period.parse(args.period), args)
    rep = programme_report(data, Period.parse(args.period), parse_by(args.by),
                           case_policy=CaseFindingPolicy(args.waiting_days))
    if args.format == "json":
        emit(to_json_report(rep), args)
    elif args.format == "xlsx":
        from smi_care.export.lists import write_programme

        out = write_programme(rep, need_output(args, "xlsx"), args.lang, area_names(args.registry))
        sys.stderr.write(f"written: {out}\n")
    else:
        areas = area_names(args.registry)
        emit(to_text(rep, lambda code: areas.label(code)), args)
    return EXIT_OK


def _audit(data: Any, period: Any, args: argparse.Namespace) -> int:
    """``--audit ID --indicator ID``: one patient's or suspected case's facts against one indicator."""
    from smi_care.programme.report import SECTIONS, audit_unit, programme_facts

    if not args.indicator:
        raise ValueError("--audit needs --indicator (a programme indicator id)")
    found = [(s, i) for s in SECTIONS for i in s.indicators if i.id == args.indicator]
    if not found:
        known = ", ".join(i.id for s in SECTIONS for i in s.indicators)
        raise ValueError(f"no programme indicator {args.indicator!r}; known: {known}")
    section, indicator = found[0]
    patients, units = programme_facts(data, period)
    table, key = (patients, "patient_id") if section.unit == "patient" else (units[section.id], "case_id")
    rows = table.filter(pl.col(key) == args.audit)
    if rows.height == 0:
        raise ValueError(f"no {key} {args.audit!r} in this registry")
    emit("\n".join(audit_unit(indicator, rows.row(0, named=True))), args)
    return EXIT_OK


def cmd_key_patients(args: argparse.Namespace) -> int:
    from smi_care.indicators.periods import Period
    from smi_care.programme.key_patients import KeyPatientPolicy, key_patient_list
    from smi_care.programme.report import programme_facts

    data = _read(args.registry, args.encoding)
    period = Period.parse(args.period) if args.period else Period.quarter(args.on.year, (args.on.month - 1) // 3 + 1)
    period = Period(period.start, min(period.end, args.on))
    facts, _ = programme_facts(data, period)
    rows = key_patient_list(facts, args.on, KeyPatientPolicy(args.risk_from))
    if args.lang == "zh" and args.format != "csv":
        from smi_care.export.columns import key_text_zh

        rows = rows.with_columns(pl.col(c).map_elements(key_text_zh, return_dtype=pl.Utf8) for c in ("reasons", "due"))
    title = (f"重点管理患者 {args.on.isoformat()}：{rows.height}人" if args.lang == "zh" else
             f"Key patients (重点管理) on {args.on.isoformat()}: {rows.height}")
    _table(_with_township(rows, "area", args.registry, args.format != "csv"), args, title)
    return EXIT_OK


def cmd_suspected(args: argparse.Namespace) -> int:
    from smi_care.programme.case_finding import CaseFindingPolicy, case_items

    data = _read(args.registry, args.encoding)
    items = case_items(data.table("suspected_cases"), args.on, CaseFindingPolicy(args.waiting_days))
    _table(_with_township(items, "area_code", args.registry, args.format != "csv"), args,
           f"Suspected cases needing action on {args.on.isoformat()} (110 alerts, waiting > {args.waiting_days} days): "
           f"{items.height}")
    return EXIT_OK


def cmd_assessments_due(args: argparse.Namespace) -> int:
    from smi_care.indicators.periods import Period
    from smi_care.programme.assessments import assessments_due, quarter_start
    from smi_care.programme.report import programme_facts

    data = _read(args.registry, args.encoding)
    facts, _ = programme_facts(data, Period(quarter_start(args.on), args.on))
    rows = assessments_due(facts, data.table("assessments"), data.registry.followups, args.on)
    _table(_with_township(rows, "area", args.registry, args.format != "csv"), args,
           f"Condition assessments due this quarter (每季度病情评估) on {args.on.isoformat()}: {rows.height}")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def register(sub: Any, folder: Any) -> None:
    """Add the programme commands to the ``smi-care`` sub-command parser."""
    def add(name: str, help: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help)
        p.add_argument("registry", type=folder, help="registry folder (with the optional programme files)")
        p.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when detected)")
        p.add_argument("--output", help="write to this file (needed for xlsx)")
        p.add_argument("--lang", default="zh", choices=["zh", "en"], help="headings in Chinese (default) or English")
        return p

    p = add("programme", "the quarterly programme report: case finding, assessments, key patients, campaigns, "
            "with the work plans' targets")
    p.add_argument("--period", required=True, help="2025Q3, 2025, 2025-07 or 2025-01-01..2025-06-30")
    p.add_argument("--by", default="township", help="township (default), county, village or total")
    p.add_argument("--waiting-days", type=int, default=30, help="days a suspected case may wait for a diagnosis "
                   "(default 30)")
    p.add_argument("--format", default="table", choices=["table", "json", "xlsx"])
    p.add_argument("--audit", metavar="ID", help="a patient_id (or a case_id for case-finding indicators): why it is "
                   "or is not counted in --indicator")
    p.add_argument("--indicator", help="the programme indicator to audit")
    p.set_defaults(func=cmd_programme)

    k = add("key-patients", "the key-patient list (重点管理) by township: reason, last risk, last contact, what is due")
    k.add_argument("--on", type=_date, required=True, help="the day, YYYY-MM-DD")
    k.add_argument("--period", help="period for incidents and emergencies (default: the quarter of --on up to it)")
    k.add_argument("--risk-from", type=int, default=3, help="risk level from which a patient is key (default 3)")
    k.add_argument("--format", default="table", choices=["table", "csv", "xlsx"])
    k.set_defaults(func=cmd_key_patients)

    s = add("suspected", "suspected cases needing action: 110 alerts and cases waiting too long for a diagnosis")
    s.add_argument("--on", type=_date, required=True, help="the day, YYYY-MM-DD")
    s.add_argument("--waiting-days", type=int, default=30, help="days a case may wait for a diagnosis (default 30)")
    s.add_argument("--format", default="table", choices=["table", "csv", "xlsx"])
    s.set_defaults(func=cmd_suspected)

    a = add("assessments-due", "registered patients without a condition assessment this quarter")
    a.add_argument("--on", type=_date, required=True, help="the day, YYYY-MM-DD")
    a.add_argument("--format", default="table", choices=["table", "csv", "xlsx"])
    a.set_defaults(func=cmd_assessments_due)

    _add_support_commands(sub, folder, _date)


# --- free medication, guardians and teams -------------------------------------------------------

GUARDIANS_EPILOG = ("examples:\n  smi-care guardians demo/ --period 2025Q3\n"
                    "  smi-care guardians demo/ --period 2025 --policy no_incident --format csv\n"
                    "  smi-care guardians demo/ --period 2025Q3 --include-names   (guardian names: national-rules §10)")
SUPPLIES_EPILOG = ("examples:\n  smi-care supplies demo/ --on 2025-12-20\n"
                   "  smi-care supplies demo/ --on 2025-12-20 --within 14 --format json")


def _load(folder: Path) -> tuple[Any, Any]:
    from smi_care.registry.support_files import read_support_files
    from smi_care.registry.tables import read_tables

    load = read_tables(folder)
    b = read_support_files(folder, load.tables)
    problems = len(load.problems) + len(b.problems)
    if problems:
        sys.stderr.write(f"note: {problems} problem(s) in the registry; run 'smi-care validate {folder}' and "
                         "read the files with smi_care.registry.support_files to list them\n")
    return load.tables, b


def _township(area: str) -> str:
    code = AreaCode(area)
    return code.at(AreaLevel.TOWNSHIP).code if code.level.value >= AreaLevel.TOWNSHIP.value else area


def _by_township(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Items grouped by their ``township`` code, in order of first appearance."""
    out: dict[str, list[dict[str, Any]]] = {}
    for i in items:
        out.setdefault(i["township"], []).append(i)
    return out


def _print_out(text: str) -> None:
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
    from smi_care.export.cells import csv_records
    from smi_care.export.terminal import text_table

    areas = area_names(args.registry)
    records: list[dict[str, Any]] = [{"township": _township(g.area), "patient_id": g.patient_id,
                **({"guardian_name": g.guardian_name or ""} if args.include_names else {}),
                "eligible": g.decision.eligible, "reasons": list(g.decision.failed or g.decision.reasons)}
               for g in rows]
    eligible = sum(r["eligible"] for r in records)
    if args.format == "json":
        _print_out(json.dumps({"period": str(period), "policy": policy.name, "guardians": len(records),
                          "eligible": eligible, "items": records}, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        fields = list(records[0]) if records else ["township", "patient_id", "eligible", "reasons"]
        _print_out(csv_records(fields, ({**r, "eligible": int(r["eligible"]), "reasons": "; ".join(r["reasons"])}
                                        for r in records)))
    else:
        lines = [f"Guardian rewards (以奖代补) {period} under {policy.name}: {eligible} of {len(records)} guardian(s) "
                 "eligible"]
        for town, part in _by_township(records).items():
            lines += ["", areas.label(town), text_table(
                [h for h, keep in (("patient_id", True), ("guardian_name", args.include_names), ("eligible", True),
                                   ("reasons", True)) if keep],
                [[r["patient_id"], *([r["guardian_name"]] if args.include_names else []),
                  "eligible" if r["eligible"] else "not eligible", "; ".join(r["reasons"])] for r in part],
                indent="  ")]
        _print_out("\n".join(lines))
    return 0


def cmd_supplies(args: argparse.Namespace) -> int:
    import polars as pl

    from smi_care.indicators.periods import Period
    from smi_care.programme.medication import SupplyAlertPolicy, supply_alerts
    from smi_care.programme.teams import team_facts, team_worklist
    from smi_care.registry.programme_files import read_assessments

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
        _print_out(json.dumps({"on": day.isoformat(), "within": args.within, "items": items}, ensure_ascii=False, indent=2))
    else:
        from smi_care.export.terminal import text_table

        names = area_names(args.registry)
        lines = [f"Free medication and case-management teams on {day.isoformat()}: {len(alerts)} supply alert(s), "
                 f"{len(flags)} team flag(s)"]
        for town, part in _by_township(items).items():
            lines += ["", names.label(town), text_table(["patient_id", "kind", "reason"],
                                                        [[i["patient_id"], i["kind"], i["reason"]] for i in part],
                                                        indent="  ")]
        _print_out("\n".join(lines))
    return 0


def _add_support_commands(sub: Any, folder: Any, date: Any) -> None:
    """Add ``guardians`` and ``supplies`` to the ``smi-care`` sub-command parser."""
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
