"""``smi-care demo``: the synthetic demo county written as a registry folder, and its reports."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from smi_care.cli.common import area_names as _areas
from smi_care.cli.common import load_registry as _load
from smi_care.cli.common import print_text as _print
from smi_care.domain.identity import AreaLevel

EXIT_OK = 0


def cmd_demo(args: argparse.Namespace) -> int:
    from smi_care.indicators import Period, report
    from smi_care.indicators.output import to_grid
    from smi_care.synth import write_province

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="smi-care-demo-"))
    write_province(out, patients=args.patients, seed=args.seed)
    loaded = _load(out).registry
    rep = report(loaded, Period.parse(args.period), by=AreaLevel.TOWNSHIP)
    _print(f"Demo registry: {len(loaded):,} patients written to {out}")
    _print(f"Indicators {rep.period} by township (%, prevalence ‰) / 各乡镇（街道）指标")
    _print(to_grid(rep, areas=_areas(out), lang=args.lang))
    _print(f"\nAll 18 indicators: smi-care report {out} --period {args.period} --by township\n"
           f"As JSON:           smi-care report {out} --period {args.period} --format json\n"
           f"Due and overdue:   smi-care worklist {out} --on {Period.parse(args.period).end.isoformat()}\n"
           f"Check the data:    smi-care validate {out}\n"
           f"Guardian rewards:  smi-care guardians {out} --period {args.period}\n"
           f"Medication, teams: smi-care supplies {out} --on {Period.parse(args.period).end.isoformat()}")
    _demo_programme(out, args)
    from smi_care.cli.pilot import demo_scorecard

    _print(demo_scorecard(out, args.period))
    return EXIT_OK


def _demo_programme(out: Path, args: argparse.Namespace) -> None:
    """The demo's programme report (case finding, assessments, key patients, campaigns, free medication,
    guardians, teams)."""
    from smi_care.indicators import Period
    from smi_care.programme.report import programme_report, read_programme, to_text
    from smi_care.registry.tables import read_tables

    period = Period.parse(args.period)
    rep = programme_report(read_programme(out, read_tables(out).tables), period)
    areas = _areas(out)
    _print("\n" + to_text(rep, lambda code: areas.label(code)))
    _print(f"\nProgramme report:  smi-care programme {out} --period {args.period}\n"
           f"Key patients:      smi-care key-patients {out} --on {period.end.isoformat()}\n"
           f"Suspected cases:   smi-care suspected {out} --on {period.end.isoformat()}")
