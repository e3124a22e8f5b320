"""The ``smi-care merge`` command: add up saved partial results (``report --save-partial``) of
disjoint parts, e.g. counties into their province, and write the report.

Every file is read and checked by :mod:`smi_care.scale.partials` before anything is added: a
file that is not a partial (not UTF-8, not JSON, a field missing), counts that cannot be true,
a file edited after it was written, the same county twice or breakdowns that do not cover the
same counties are refused with one sentence naming the file (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from smi_care.indicators.evaluate import Partial, PartialMergeError, by_name
from smi_care.scale.partials import load, merge_partials

#: What the command does with the merged partials (one per breakdown): write the reports.
Finish = Callable[[Sequence[Partial], argparse.Namespace], None]

EPILOG = ("examples:\n  smi-care report county-360102/ --period 2025 --by township --coverage 36 "
          "--save-partial 360102.json\n  smi-care report county-360103/ --period 2025 --by township --coverage 36 "
          "--save-partial 360103.json\n  smi-care merge 360102.json 360103.json --format xlsx --output province.xlsx\n"
          "give --coverage the whole province when each county is reported alone, so a transfer between two of "
          "its counties is not counted as leaving")
FORMATS = ["table", "json", "csv", "xlsx", "dhis2-json", "dhis2-csv", "fhir"]


def merged(paths: Sequence[str], formats_of_several: Sequence[str], fmt: str) -> list[Partial]:
    """The partials in ``paths`` read, checked and added up, one per breakdown; refused when
    there are several breakdowns and ``fmt`` is not one of ``formats_of_several``."""
    out = merge_partials([(str(path), load(path)) for path in paths])
    if len(out) > 1 and fmt not in formats_of_several:
        names = ", ".join(by_name(p.by) or "total" for p in out)
        raise PartialMergeError(f"the partials hold several breakdowns ({names}); {fmt} takes one: give the files "
                                "of one breakdown")
    return out


def register(sub: Any, finish: Finish, formats_of_several: Sequence[str]) -> None:
    """Add ``merge`` to the subcommands ``sub``; ``finish`` writes the merged reports (shared with
    ``report``), ``formats_of_several`` are the formats that hold several breakdowns."""
    help = ("add up saved partial results (report --save-partial) of disjoint parts, e.g. counties into their "
            "province, and print the report")
    m = sub.add_parser("merge", help=help, description=help, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("partials", nargs="+", help="partial files (JSON, from report --save-partial)")
    m.add_argument("--areas", help="a registry folder whose areas.csv names the areas")
    m.add_argument("--targets", help="CSV of local targets: indicator,year,threshold,source[,area_code][,applies_to]")
    m.add_argument("--lang", default="zh", choices=["zh", "en"], help="labels in Chinese (default) or English")
    m.add_argument("--format", default="table", choices=FORMATS)
    m.add_argument("--output", help="write to this file (needed for xlsx)")
    m.add_argument("--mapping", help="DHIS2 mapping file (kind,key,dhis2_id) for --format dhis2-json/dhis2-csv")
    m.add_argument("--chart", help="also draw the chart into this PNG or SVG file")
    m.add_argument("--save-partial", metavar="FILE", help="also save the merged partial(s), e.g. a city's for the "
                   "province")

    def run(args: argparse.Namespace) -> int:
        finish(merged(args.partials, formats_of_several, args.format), args)
        return 0

    m.set_defaults(func=run)
