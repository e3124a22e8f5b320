"""The commands ``smi-care explain`` (why figures moved between two periods; with ``--periods``,
which figures of a trend to explain first) and ``smi-care compare`` (every area under every
reading of the indicators) — thin: read the registry tables, call
:mod:`smi_care.indicators.explain`, :mod:`~smi_care.indicators.compare` and
:mod:`~smi_care.indicators.outliers`, format through :mod:`smi_care.export`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK = 0


class UsageError(ValueError):
    """Arguments that do not fit together (the message says what to give)."""


def _tables(folder: Path, encoding: str | None, columns: Any) -> Any:
    """The registry tables, reading only ``columns`` (``{file: columns}``; the cells read are
    judged as a full read judges them)."""
    from smi_care.registry.tables import read_tables

    load = read_tables(folder, encoding=encoding, columns=columns)
    if load.problems:
        rejected = sum(c.rejected for c in load.counts)
        sys.stderr.write(f"note: {len(load.problems)} problem(s), {rejected} row(s) not loaded; "
                         f"run 'smi-care validate {folder}' to list them\n")
    return load.tables


def _names(folder: Path) -> Any:
    from smi_care.registry.areas import read_areas

    names, problems = read_areas(folder)
    for p in problems:
        sys.stderr.write(f"note: {p}\n")
    return names


def _chosen(texts: Sequence[str] | None) -> tuple[str, ...] | None:
    """Indicator ids from ``--indicator`` values (ids, Chinese or English names, comma lists, all)."""
    if not texts:
        return None
    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.labels import find_indicator

    out: list[str] = []
    for text in texts:
        for part in (p.strip() for p in text.split(",")):
            if part.lower() == "all":
                out += [i.id for i in STANDARD_INDICATORS]
            elif part:
                try:
                    out.append(find_indicator(part).id)
                except KeyError as exc:
                    raise UsageError(str(exc.args[0])) from None
    return tuple(dict.fromkeys(out))


def _emit(text: str, args: argparse.Namespace) -> None:
    if args.output:
        Path(args.output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        sys.stderr.write(f"written: {args.output}\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _xlsx(result: Any, args: argparse.Namespace) -> None:
    from smi_care.export.explain import write_xlsx

    if not args.output:
        raise UsageError("--format xlsx writes a file: give it with --output FILE")
    sys.stderr.write(f"written: {write_xlsx(result, args.output, _names(args.registry), args.lang)}\n")


def cmd_explain(args: argparse.Namespace) -> int:
    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.indicators.evaluate import parse_by
    from smi_care.indicators.periods import Period

    if args.periods:
        return _outliers(args)
    if not (args.start and args.end):
        raise UsageError("give the two periods with --from and --to (e.g. --from 2025Q2 --to 2025Q3), "
                         "or a trend with --periods to find what to explain first")
    from smi_care.export.explain import explain_table
    from smi_care.indicators.explain import explain, to_json_data
    from smi_care.indicators.rule_columns import explain_columns

    chosen = _chosen(args.indicator)
    inds = tuple(i for i in STANDARD_INDICATORS if chosen is None or i.id in chosen)
    by = parse_by(args.by)
    ex = explain(_tables(args.registry, args.encoding, explain_columns(inds, [by])), Period.parse(args.start),
                 Period.parse(args.end), by, inds)
    if args.chart:
        from smi_care.export.explain_chart import waterfall

        groups = None if args.area is None else ["", *args.area.split(",")]
        drawn = chosen or ("standard_management_rate",)
        sys.stderr.write(f"written: {waterfall(ex, args.chart, drawn, groups, _names(args.registry), args.lang)}\n")
    if args.format == "json":
        _emit(json.dumps(to_json_data(ex, patients=not args.no_patients), ensure_ascii=False, indent=1), args)
    elif args.format == "xlsx":
        _xlsx(ex, args)
    else:
        _emit(explain_table(ex, _names(args.registry), args.lang, changed_only=not args.all), args)
    return EXIT_OK


def _outliers(args: argparse.Namespace) -> int:
    import attrs

    from smi_care.indicators.definitions import STANDARD_INDICATORS
    from smi_care.indicators.evaluate import parse_by
    from smi_care.indicators.outliers import OutlierPolicy, outliers
    from smi_care.indicators.rule_columns import explain_columns
    from smi_care.indicators.trend import consecutive, trend

    chosen = _chosen(args.indicator)
    inds = tuple(i for i in STANDARD_INDICATORS if chosen is None or i.id in chosen)
    by = parse_by(args.by)
    rows = trend(_tables(args.registry, args.encoding, explain_columns(inds, [by])), consecutive(args.periods), by,
                 inds)
    found = outliers(rows, OutlierPolicy(threshold=args.threshold))
    if args.format == "json":
        _emit(json.dumps({"periods": args.periods, "by": args.by, "threshold": args.threshold,
                          "outliers": [attrs.asdict(o) for o in found]}, ensure_ascii=False, indent=1), args)
        return EXIT_OK
    if args.format != "table":
        raise UsageError(f"--periods gives a table or json, not {args.format}")
    zh = args.lang == "zh"
    names = _names(args.registry)
    lines = [("离群值（修正 z 分数 |M| > " if zh else "Outliers (modified z-score |M| > ") + f"{args.threshold:g})"]
    if not found:
        lines.append("无" if zh else "none")
    periods = [p.strip() for p in args.periods.split("..")]
    for o in found:
        where = names.label(o.group) if o.group else ("合计" if zh else "total")
        against = ("与本地区历史相比" if o.against == "history" else "与同期其他地区相比") if zh else \
            ("against its own history" if o.against == "history" else "against its peers")
        lines.append(f"  {o.period:<10}{where:<24}{o.indicator:<34}{o.value:6.1f} (median {o.median:.1f}, "
                     f"M {o.score:+.1f}) {against}")
    if found:
        lines.append(("先解释：" if zh else "explain first: ") + f"smi-care explain {args.registry} --from "
                     f"{periods[0]} --to {found[0].period} --by {args.by or 'township'} --indicator {found[0].indicator}")
    _emit("\n".join(lines), args)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from smi_care.export.explain import compare_table
    from smi_care.indicators.compare import compare, definition_variants, standard_variants
    from smi_care.indicators.evaluate import parse_by
    from smi_care.indicators.periods import Period

    if bool(args.standard) == bool(args.definition):
        raise UsageError("give the readings to compare with --standard (four_followups,followups_and_health_check,"
                         "no_gap_over_3_months) or with --definition (registered,followed_up or "
                         "with_admissions,without_admissions), one of the two")
    names = (args.standard or args.definition).split(",")
    variants = standard_variants(names) if args.standard else definition_variants(names)
    from smi_care.indicators.rule_columns import compare_columns

    chosen = _chosen(args.indicator)
    by = parse_by(args.by)
    columns = compare_columns([(v.indicators, v.policy) for v in variants], [by])
    cmp = compare(_tables(args.registry, args.encoding, columns), Period.parse(args.period), variants, by, chosen)
    if args.chart:
        from smi_care.export.explain_chart import compare_chart

        drawn = chosen or ("standard_management_rate",) if args.standard else chosen or ("medication_rate",)
        sys.stderr.write(f"written: {compare_chart(cmp, args.chart, drawn, _names(args.registry), args.lang)}\n")
    if args.format == "json":
        data = {"period": str(cmp.period), "by": args.by, "variants": list(cmp.variants),
                "rows": [{"indicator": r.indicator, "group": r.group, "area": r.area, "unit": r.unit,
                          "figures": [{"variant": f.variant, "numerator": f.numerator, "denominator": f.denominator,
                                       "value": f.value} for f in r.figures], "points": list(r.points),
                          "flips": [{"variant": v, "part": e.part, "reason": e.reason, "en": e.en, "zh": e.zh,
                                     "change": e.change, **({} if args.no_patients else {"patients": list(e.patients)})}
                                    for v, e in r.flips]} for r in cmp.rows]}
        _emit(json.dumps(data, ensure_ascii=False, indent=1), args)
    elif args.format == "xlsx":
        _xlsx(cmp, args)
    else:
        _emit(compare_table(cmp, _names(args.registry), args.lang), args)
    return EXIT_OK


def register(sub: Any, folder: Any) -> None:
    """Add ``explain`` and ``compare`` to the ``smi-care`` sub-command parser."""
    def add(name: str, help: str, epilog: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help, epilog=epilog,
                                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("registry", type=folder, help="registry folder")
        p.add_argument("--by", help="breakdown: township, county, village … (default: the total only)")
        p.add_argument("--indicator", action="append", help="indicators: id, Chinese or English name, comma list")
        p.add_argument("--format", default="table", choices=["table", "json", "xlsx"])
        p.add_argument("--lang", default="zh", choices=["zh", "en"], help="labels in Chinese (default) or English")
        p.add_argument("--output", help="write to this file (needed for xlsx)")
        p.add_argument("--chart", help="also draw the chart into this PNG or SVG file")
        p.add_argument("--no-patients", action="store_true", help="leave the patient identifiers out of the JSON")
        p.add_argument("--encoding", help="encoding of the CSV files (default: detected)")
        return p

    e = add("explain", "why each figure moved between two periods: the patients behind the change, by reason",
            "examples:\n  smi-care explain demo/ --from 2025Q2 --to 2025Q3 --by township --indicator 规范管理率\n"
            "  smi-care explain demo/ --from 2025Q2 --to 2025Q3 --by township --chart why.png --area 360102001\n"
            "  smi-care explain demo/ --periods 2024Q1..2025Q4 --by township   (outliers: what to explain first)")
    e.add_argument("--from", dest="start", help="the earlier period: 2025Q2, 2025, 2025-07 …")
    e.add_argument("--to", dest="end", help="the later period")
    e.add_argument("--periods", help="a trend (2024Q1..2025Q4): flag the figures far from their history or peers")
    e.add_argument("--threshold", type=float, default=3.5, help="outlier threshold on |modified z| (default 3.5)")
    e.add_argument("--area", help="the chart's groups (comma list of codes; default: the total and every group)")
    e.add_argument("--all", action="store_true", help="list unchanged figures too")
    e.set_defaults(func=cmd_explain)

    c = add("compare", "every area under every reading of the indicators, side by side, with the patients who flip",
            "examples:\n  smi-care compare demo/ --period 2025 --by township "
            "--standard four_followups,followups_and_health_check,no_gap_over_3_months\n"
            "  smi-care compare demo/ --period 2025 --definition registered,followed_up --indicator 服药率")
    c.add_argument("--period", required=True, help="2025, 2025Q3, 2025-07 …")
    c.add_argument("--standard", help="standard-management rules, comma list (the first is the baseline)")
    c.add_argument("--definition", help="definition readings, comma list: registered,followed_up (denominators) "
                   "or with_admissions,without_admissions (medication)")
    c.set_defaults(func=cmd_compare)
