"""``smi-care pilot REGISTRY --period 2021``: the county scorecard of the social-psychological
service pilot (every pilot indicator, patient and area, for the county and each township) as a
table, JSON, an Excel workbook, a chart or DHIS2 data values — thin: read, call
:mod:`smi_care.pilot`, format with :mod:`smi_care.export.pilot`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0


def build(folder: Path, period_text: str, by_text: str = "township", plans: str | None = None,
          encoding: str | None = None) -> tuple[Any, Any]:
    """The scorecard of a registry folder and its area names (problems are noted on stderr)."""
    from smi_care.indicators import Period
    from smi_care.indicators.evaluate import parse_by
    from smi_care.pilot.evaluate import evaluate_pilot
    from smi_care.pilot.plans import DEFAULT_PLANS, PlanChoice
    from smi_care.pilot.scorecard import scorecard
    from smi_care.registry.areas import read_areas
    from smi_care.registry.pilot_files import read_pilot_files
    from smi_care.registry.tables import read_tables

    load = read_tables(folder, encoding=encoding)
    pilot = read_pilot_files(folder, encoding)
    for what, problems, counts in (("registry", load.problems, load.counts), ("pilot files", pilot.problems,
                                                                                pilot.counts)):
        if problems:
            rejected = sum(c.rejected for c in counts)
            sys.stderr.write(f"note: {len(problems)} problem(s) in the {what}, {rejected} row(s) not loaded; "
                             f"first: {problems[0]}\n")
    names, _ = read_areas(folder)
    choice = PlanChoice.parse(plans) if plans else DEFAULT_PLANS
    card = scorecard(evaluate_pilot(load.tables, pilot, Period.parse(period_text), parse_by(by_text)), choice)
    return card, names


def cmd_pilot(args: argparse.Namespace) -> int:
    from smi_care.export import pilot as out

    card, names = build(args.registry, args.period, args.by, args.plan, args.encoding)
    label = names.label
    if args.format in ("xlsx", "chart") and not args.output:
        raise ValueError(f"--format {args.format} writes a file: give it with --output")
    if args.format == "table":
        text = out.to_table(card, label)
    elif args.format == "json":
        text = out.to_json(card, label)
    elif args.format == "xlsx":
        sys.stdout.write(f"wrote {out.write_xlsx(card, args.output, label)}\n")
        return EXIT_OK
    elif args.format == "chart":
        sys.stdout.write(f"wrote {out.write_chart(card, args.output)}\n")
        return EXIT_OK
    else:
        from smi_care.export.dhis2 import Dhis2Mapping, data_value_set

        if not args.mapping:
            raise ValueError("--format dhis2-json and dhis2-csv need --mapping FILE (kind,key,dhis2_id)")
        dvs = data_value_set(out.to_report(card), Dhis2Mapping.read(args.mapping))
        text = (json.dumps(dvs.to_json_data(), ensure_ascii=False, indent=2) if args.format == "dhis2-json"
                else dvs.to_csv())
        if dvs.unmapped:
            sys.stderr.write(f"note: {len(dvs.unmapped)} figure(s) not mapped, not sent: "
                             f"{', '.join(dvs.unmapped[:5])}{' …' if len(dvs.unmapped) > 5 else ''}\n")
    if args.output:
        Path(args.output).write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return EXIT_OK


def register(sub: Any, folder: Any) -> None:
    """Add ``pilot`` to the ``smi-care`` sub-command parser."""
    help = ("the county scorecard of the social-psychological service pilot: patient and area indicators with the "
            "plans' targets and their source sentences")
    p: argparse.ArgumentParser = sub.add_parser(
        "pilot", help=help, description=help, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  smi-care pilot demo/ --period 2025\n  smi-care pilot demo/ --period 2025 --plan wuhan,national"
               "\n  smi-care pilot demo/ --period 2025 --format xlsx --output pilot-2025.xlsx\n"
               "  smi-care pilot demo/ --period 2025 --format dhis2-json --mapping dhis2-mapping.csv")
    p.add_argument("registry", type=folder, help="registry folder (with its pilot/ folder of area data)")
    p.add_argument("--period", required=True, help="2021, 2021Q4, 2021-12 or 2021-01-01..2021-12-31")
    p.add_argument("--by", default="township", help="township (default), village, county or total")
    p.add_argument("--plan", help="plans whose targets judge, in order (default national,yinchuan); "
                   "known: national, wuzhong, horinger, yinchuan, helan, wuhan")
    p.add_argument("--format", default="table", choices=["table", "json", "xlsx", "chart", "dhis2-json", "dhis2-csv"])
    p.add_argument("--mapping", help="DHIS2 mapping file (kind,key,dhis2_id), for the dhis2 formats")
    p.add_argument("--output", help="write to this file (needed for xlsx and chart)")
    p.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when detected)")
    p.set_defaults(func=cmd_pilot)





def demo_scorecard(folder: Path, period: str) -> str:
    """The demo's pilot scorecard, for ``smi-care demo``."""
    from smi_care.export.pilot import to_table

    card, names = build(folder, period, "total")
    return (f"\n{to_table(card, names.label)}\n\nPilot scorecard:   smi-care pilot {folder} --period {period} "
            "(by township)")
__all__ = ["build", "cmd_pilot", "demo_scorecard", "register"]
