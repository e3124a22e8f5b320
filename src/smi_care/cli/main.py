"""The ``smi-care`` command: thin wrappers that parse arguments, call the library, format.

Every user error is one clear sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smi_care import __version__
from smi_care.cli.classify import cmd_classify
from smi_care.cli.common import UserError, note_not_loaded
from smi_care.cli.common import area_names as _areas
from smi_care.cli.common import emit as _emit
from smi_care.cli.common import load_registry as _load
from smi_care.cli.common import load_tables as _load_tables
from smi_care.cli.common import need_output as _need_output
from smi_care.cli.common import print_text as _print
from smi_care.cli.demo import cmd_demo
from smi_care.cli.progress import stages
from smi_care.cli.registry import CONVERT_HELP, VALIDATE_HELP, add_convert, add_validate
from smi_care.cli.worklist import register as register_worklist
from smi_care.domain.codes import Disorder
from smi_care.domain.errors import SmiCareError
from smi_care.registry.areas import NO_NAMES, AreaNames
from smi_care.registry.problems import RegistryReadError

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2




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






def _indicators(texts: Sequence[str] | None) -> tuple[str, ...] | None:
    """Indicator ids from ``--indicator`` values (ids, Chinese or English names, comma lists)."""
    if not texts:
        return None
    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.labels import find_indicator

    out: list[str] = []
    for text in texts:
        for part in text.split(","):
            if part.strip().lower() == "all":
                out += [i.id for i in STANDARD_INDICATORS]
            elif part.strip():
                try:
                    out.append(find_indicator(part).id)
                except KeyError as exc:
                    raise UserError(str(exc.args[0])) from None
    return tuple(dict.fromkeys(out))


BY_HELP = ("breakdown: province, city, county, township, village (area levels), sex (男/女), age (age bands) or "
           "disorder (疾病); for --format xlsx a comma list gives a sheet each (township,village)")


# --- report -------------------------------------------------------------------------------

def _targets(args: argparse.Namespace) -> tuple[Any, ...]:
    from smi_care.indicators import NATIONAL_TARGETS, load_targets
    from smi_care.indicators.definitions import STANDARD_INDICATORS

    targets: tuple[Any, ...] = NATIONAL_TARGETS
    if args.targets:
        targets = (*targets, *load_targets(args.targets, [i.id for i in STANDARD_INDICATORS]))
    return targets


def _coverage(text: str | None) -> Any:
    """``--coverage 36`` or ``--coverage 360102,360103``: the areas the whole registry covers."""
    from smi_care.domain.identity import AreaCode
    from smi_care.domain.records import Coverage

    if not text:
        return None
    return Coverage(tuple(sorted({AreaCode(code.strip().ljust(6, "0")) for code in text.split(",") if code.strip()})))


def cmd_report(args: argparse.Namespace) -> int:
    from smi_care.indicators import Period, finalize, parse_by
    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.indicators.evaluate import EvaluationPolicy
    from smi_care.indicators.standard import StandardPolicy, StandardRule

    targets = _targets(args)
    chosen = _indicators(args.indicator)
    inds = tuple(i for i in STANDARD_INDICATORS if chosen is None or i.id in chosen)
    policy = EvaluationPolicy(standard=StandardPolicy(StandardRule(args.standard)))
    if args.periods:
        return _report_trend(args, inds, policy, targets)
    if not args.period:
        raise UserError("give the period with --period (or consecutive periods with --periods)")
    period = Period.parse(args.period)
    bys = [parse_by(b.strip()) for b in args.by.split(",")] if args.by else [parse_by(None)]
    if len(bys) > 1 and args.format not in MULTI_BY_FORMATS:
        raise UserError(f"several breakdowns (--by a,b) are for {', '.join(MULTI_BY_FORMATS)}, not {args.format}; "
                        "give one")
    from smi_care.indicators.columnar import evaluate_tables

    with stages(["reading the registry", "evaluating", "writing"]) as start:
        start("reading the registry")
        from smi_care.indicators.columns_needed import columns_needed
        from smi_care.registry.partitioned import is_partitioned

        areas = _areas(args.registry)
        if is_partitioned(args.registry):  # county by county, counts merged: memory for one county
            from smi_care.scale.folders import evaluate_partitioned

            start("evaluating")
            done = evaluate_partitioned(args.registry, period, bys, inds, policy, covers=_coverage(args.coverage),
                                        encoding=args.encoding, columns=columns_needed(inds, bys, policy))
            note_not_loaded(done, args.registry)
            partials = list(done.partials)
        else:
            from smi_care.registry.compact_when import COMPACT_WHEN

            # compact (text as codes) only where it pays: a registry of COMPACT_WHEN's size and up
            load = _load_tables(args.registry, args.encoding, columns_needed(inds, bys, policy),
                                compact=COMPACT_WHEN.pays(args.registry))
            start("evaluating")
            partials = evaluate_tables(load.tables, period, bys, inds, policy=policy, covers=_coverage(args.coverage))
        start("writing")
        if args.save_partial:
            _save_partials(partials, Path(args.save_partial))
        _write_reports([finalize(partial, targets) for partial in partials], args, areas, chosen)
    return EXIT_OK


def _partial_paths(partials: Sequence[Any], path: Path) -> list[Path]:
    """One file per breakdown: ``PATH`` itself for one, ``stem.<breakdown>.json`` for several."""
    from smi_care.indicators.evaluate import by_name

    if len(partials) == 1:
        return [path]
    return [path.with_name(f"{path.stem}.{by_name(p.by) or 'total'}{path.suffix or '.json'}") for p in partials]


def _save_partials(partials: Sequence[Any], path: Path) -> None:
    from smi_care.scale.partials import save

    for partial, out in zip(partials, _partial_paths(partials, path), strict=True):
        save(partial, out)
        sys.stderr.write(f"written: {out}\n")


def _write_reports(reps: Sequence[Any], args: argparse.Namespace, areas: AreaNames, chosen: tuple[str, ...] | None) -> None:
    """Print or write reports (one per breakdown) in ``args.format``; used by report and merge."""
    from smi_care.indicators.output import to_csv, to_json, to_json_data, to_table

    rep = reps[0]
    if args.format not in ("table", "json", "xlsx"):  # the other formats have no place for remarks
        for w in dict.fromkeys(w for r in reps for w in r.warnings):
            sys.stderr.write(f"warning: {w}\n")
    if args.chart:
        from smi_care.export.chart import chart_by_area

        shown = chosen or tuple(i for i in ("management_rate", "standard_management_rate", "regular_medication_rate",
                                            "schizophrenia_treatment_rate", "community_rehabilitation_rate",
                                            "counselling_rate"))
        sys.stderr.write(f"written: {chart_by_area(rep, args.chart, shown, areas, args.lang)}\n")
    if args.format == "xlsx":
        from smi_care.export.xlsx import write_report

        sys.stderr.write(f"written: {write_report(reps, _need_output(args, 'xlsx'), args.lang, areas)}\n")
    elif args.format in ("dhis2-json", "dhis2-csv"):
        from smi_care.export.dhis2 import Dhis2Mapping, data_value_set

        if not args.mapping:
            raise UserError("DHIS2 output needs the mapping file: --mapping FILE (kind,key,dhis2_id; "
                            "see examples/dhis2-mapping.csv)")
        dvs = data_value_set(rep, Dhis2Mapping.read(args.mapping))
        if dvs.unmapped:
            listed = ", ".join(dvs.unmapped[:10]) + (", ..." if len(dvs.unmapped) > 10 else "")
            sys.stderr.write(f"note: {len(dvs.unmapped)} result(s) not sent to DHIS2 (no data element or org unit "
                             f"mapped, or not an area): {listed}\n")
        if args.format == "dhis2-json":
            _emit(json.dumps(dvs.to_json_data(), ensure_ascii=False, indent=2), args)
        else:
            _emit(dvs.to_csv(), args)
    elif args.format == "fhir":
        from smi_care.export.fhir import bundle

        _emit(json.dumps(bundle(rep, areas), ensure_ascii=False, indent=2), args)
    elif args.format == "json":
        if len(reps) == 1:
            _emit(to_json(rep, areas=areas), args)
        else:
            _emit(json.dumps([to_json_data(r, areas) for r in reps], ensure_ascii=False, indent=2), args)
    elif args.format == "csv":
        header, *_ = to_csv(rep, areas).splitlines(keepends=True)
        _emit(header + "".join(to_csv(r, areas).split("\n", 1)[1] for r in reps), args, csv_text=True)
    else:
        _emit("\n".join(to_table(r, args.lang, areas) for r in reps), args)


MULTI_BY_FORMATS = ("table", "json", "csv", "xlsx")


def _finish_merge(merged: Sequence[Any], args: argparse.Namespace) -> None:
    """Write what ``merge`` added up (smi_care.cli.merge), as ``report`` writes its partials."""
    from smi_care.indicators import finalize

    areas = _areas(Path(args.areas)) if args.areas else NO_NAMES
    if args.save_partial:
        _save_partials(merged, Path(args.save_partial))
    _write_reports([finalize(m, _targets(args)) for m in merged], args, areas, None)


def _report_trend(args: argparse.Namespace, inds: tuple[Any, ...], policy: Any, targets: Any) -> int:
    from smi_care.indicators import parse_by
    from smi_care.indicators.trend import TREND_FIELDS, consecutive, rows_of, trend_records, trend_reports, trend_warnings
    from smi_care.labels import indicator_name

    periods = consecutive(args.periods)
    with stages(["reading the registry", "evaluating"]) as start:
        start("reading the registry")
        tables = _load_tables(args.registry, args.encoding).tables
        start("evaluating")
        reports = trend_reports(tables, periods, parse_by(args.by), inds, policy, targets)
    rows = [row for rep in reports for row in rows_of(rep)]
    warnings = trend_warnings(reports)
    if args.chart:
        from smi_care.export.chart import chart_trend

        shown = tuple(dict.fromkeys(r.indicator for r in rows))[:6] if args.indicator else (
            "management_rate", "standard_management_rate", "regular_medication_rate", "schizophrenia_treatment_rate",
            "community_rehabilitation_rate", "counselling_rate")
        sys.stderr.write(f"written: {chart_trend(rows, args.chart, shown, args.lang)}\n")
    records = trend_records(rows)
    if args.format == "json":
        _emit(json.dumps({"periods": args.periods, "by": args.by, "warnings": warnings, "rows": records},
                         ensure_ascii=False, indent=2), args)
    elif args.format == "csv":
        from smi_care.export.cells import csv_records

        for warning in warnings:
            sys.stderr.write(f"warning: {warning}\n")
        _emit(csv_records(TREND_FIELDS, records), args, csv_text=True)
    elif args.format == "table":
        from smi_care.export.terminal import text_table
        from smi_care.labels import group_label, header

        areas, by = _areas(args.registry), (args.by or None)
        table = text_table([header(k, args.lang) for k in ("period", "group", "value", "indicator")],
                           [[r.period, areas.label(r.area) if r.area else group_label(by, r.group, areas, args.lang),
                             "-" if r.value is None else f"{r.value:.2f}{r.unit}",
                             indicator_name(r.indicator, args.lang)] for r in rows], right=(2,))
        _emit("\n".join([table, *(f"warning: {w}" for w in warnings)]), args)
    else:
        raise UserError(f"--periods gives a table, json or csv, not {args.format}")
    return EXIT_OK


def cmd_chart(args: argparse.Namespace) -> int:
    if args.periods:
        from smi_care.export.chart import CHART_DEFAULT, chart_trend
        from smi_care.indicators import NATIONAL_TARGETS
        from smi_care.indicators.definitions import STANDARD_INDICATORS
        from smi_care.indicators.evaluate import DEFAULT_POLICY, parse_by
        from smi_care.indicators.trend import consecutive, trend

        chosen = _indicators(args.indicator) or CHART_DEFAULT
        rows = trend(_load_tables(args.registry).tables, consecutive(args.periods), parse_by(args.by),
                     STANDARD_INDICATORS, DEFAULT_POLICY, NATIONAL_TARGETS)
        sys.stderr.write(f"written: {chart_trend(rows, args.output_file, chosen, args.lang)}\n")
        return EXIT_OK
    if not args.period:
        raise UserError("give --period (bars by area against targets) or --periods (a trend)")
    from smi_care.export.chart import CHART_DEFAULT, chart_by_area
    from smi_care.indicators import NATIONAL_TARGETS, Period, parse_by, report

    chosen = _indicators(args.indicator) or CHART_DEFAULT
    rep = report(_load_tables(args.registry).tables, Period.parse(args.period), parse_by(args.by or "township"),
                 targets=NATIONAL_TARGETS)
    sys.stderr.write(f"written: {chart_by_area(rep, args.output_file, chosen, _areas(args.registry), args.lang)}\n")
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
        indicator = (_indicators([args.indicator]) or (args.indicator,))[0]
        _print(str(audit(record, indicator, Period.parse(args.period), covers=reg.coverage())))
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    return EXIT_OK


EPILOG = {
    "report": "examples:\n  smi-care report demo/ --period 2025\n  smi-care report demo/ --period 2025Q3 --by township "
              "--format xlsx --output 2025Q3.xlsx\n  smi-care report demo/ --periods 2024Q1..2025Q4 --indicator 规范管理率\n"
              "  smi-care report demo/ --period 2025Q3 --format dhis2-json --mapping dhis2-mapping.csv\n"
              "  smi-care report demo/ --period 2025 --by township --format fhir --output 2025.fhir.json\n"
              "  smi-care report demo/ --period 2025Q3 --by township "
              "--format json\n  smi-care report demo/ --period 2025-01-01..2025-06-30 --targets local-targets.csv",
    "classify": "examples:\n  smi-care classify followups.csv\n  smi-care classify followups.csv --format json",
    "validate": "examples:\n  smi-care validate demo/\n  smi-care validate demo/ --format json\n"
                "exit codes: 0 clean, 1 problems found, 2 unusable input",
    "demo": "examples:\n  smi-care demo\n  smi-care demo --out demo/ --period 2024",
    "audit": "examples:\n  smi-care audit demo/ --patient 360102-0000001 --indicator standard_management_rate "
             "--period 2025",
    "indicators": "examples:\n  smi-care indicators",
    "convert": "examples:\n  smi-care convert demo/ demo-parquet/ --to parquet\n"
               "  smi-care convert county-gbk/ county-utf8/ --to csv --encoding gb18030\n"
               "exit codes: 0 every row written, 1 some rows rejected (listed on stderr), 2 unusable input",
    "chart": "examples:\n  smi-care chart demo/ --period 2025 --output townships.png\n"
             "  smi-care chart demo/ --periods 2024Q1..2025Q4 --output trend.svg --indicator 规范管理率",
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
    d.add_argument("--lang", default="zh", choices=["zh", "en"], help="labels in Chinese (default) or English")
    d.set_defaults(func=cmd_demo)

    r = add("report", "compute the indicators of a registry for a period")
    r.add_argument("registry", type=_folder, help="registry folder (registry format v1)")
    r.add_argument("--period", help="2025, 2025Q3, 2025-07 or 2025-01-01..2025-06-30")
    r.add_argument("--periods", help="consecutive periods, one row each: 2024..2025, 2024Q1..2025Q4 or 2025-01..2025-12")
    r.add_argument("--by", help=BY_HELP)
    r.add_argument("--indicator", action="append", help="only these indicators: id, Chinese or English name "
                   "(规范管理率, standard management rate); repeat or separate with commas")
    r.add_argument("--lang", default="zh", choices=["zh", "en"], help="labels and headers in Chinese (default) or English")
    r.add_argument("--output", help="write to this file (needed for xlsx)")
    r.add_argument("--mapping", help="DHIS2 mapping file (kind,key,dhis2_id) for --format dhis2-json/dhis2-csv")
    r.add_argument("--chart", help="also draw the chart into this PNG or SVG file")
    r.add_argument("--targets", help="CSV of local targets: indicator,year,threshold,source[,area_code][,applies_to]")
    r.add_argument("--standard", default="four_followups",
                   choices=[rule.value for rule in StandardRule],
                   help="standard-management policy (default four_followups)")
    r.add_argument("--format", default="table", choices=["table", "json", "csv", "xlsx", "dhis2-json", "dhis2-csv",
                                                          "fhir"])
    r.add_argument("--encoding", help="encoding of the CSV files (default: UTF-8, or GB18030 when a file is not "
                   "valid UTF-8)")
    r.add_argument("--coverage", help="the areas the whole registry covers, when this folder is one part of it: "
                   "area codes of any level, e.g. 36 (the province) or 360102,360103; a transfer out to a covered "
                   "area keeps the patient registered (default: the areas of the population file)")
    r.add_argument("--save-partial", metavar="FILE", help="also save the mergeable counts as JSON for "
                   "'smi-care merge' (with several --by, one file each: FILE's stem + .<breakdown>.json)")
    r.set_defaults(func=cmd_report)

    from smi_care.cli.merge import register as register_merge

    register_merge(sub, _finish_merge, MULTI_BY_FORMATS)

    c = add("classify", "classify follow-up rows and give next dates, actions and reasons")
    c.add_argument("followups", help="a followups.csv in the registry format")
    c.add_argument("--format", default="csv", choices=["json", "csv"])
    c.set_defaults(func=cmd_classify)

    register_worklist(sub, _folder, _date)

    add_validate(add("validate", VALIDATE_HELP), _folder)

    ch = add("chart", "draw each indicator against its target by township, or a trend over periods (PNG or SVG)")
    ch.add_argument("registry", type=_folder)
    ch.add_argument("--period", help="bars by area for this period: 2025, 2025Q3, 2025-07")
    ch.add_argument("--periods", help="a trend over consecutive periods: 2024Q1..2025Q4")
    ch.add_argument("--by", help=BY_HELP + " (default township)")
    ch.add_argument("--indicator", action="append", help="indicators to draw: id, Chinese or English name, or all "
                    "(default: six with national targets)")
    ch.add_argument("--lang", default="zh", choices=["zh", "en"], help="labels in Chinese (default) or English")
    ch.add_argument("--output", dest="output_file", required=True, help="the chart file: .png or .svg")
    ch.set_defaults(func=cmd_chart)

    a = add("audit", "explain why a patient is or is not counted in an indicator")
    a.add_argument("registry", type=_folder)
    a.add_argument("--patient", required=True)
    a.add_argument("--indicator", required=True)
    a.add_argument("--period", required=True)
    a.set_defaults(func=cmd_audit)

    add_convert(add("convert", CONVERT_HELP), _folder)

    i = add("indicators", "list the indicator definitions")
    i.set_defaults(func=cmd_indicators)

    from smi_care.cli.programme import register as register_programme

    register_programme(sub, _folder)  # programme, key-patients, suspected, assessments-due, guardians, supplies
    from smi_care.cli.pilot import register as register_pilot

    register_pilot(sub, _folder)  # pilot
    from smi_care.cli.explain import register as register_explain

    register_explain(sub, _folder)  # explain, compare
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if not getattr(args, "func", None):
        p.print_help(sys.stderr)
        return EXIT_UNUSABLE
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
