"""Area names (行政区划名称) from the registry's optional ``areas.csv``.

The file has the columns ``area_code, name, level`` (level one of ``province``, ``city``,
``county``, ``township``, ``village``), one line per area, UTF-8 with or without a BOM. It is
optional: without it every area shows as its code. A line that cannot be read becomes a
:class:`~smi_care.registry.problems.Problem` (file, line, column, value, reason); the other
lines still load.

>>> names = AreaNames.of({"360102001": ("东湖街道", "township")})
>>> names.label("360102001")
'360102001 东湖街道'
>>> names.label("360102002")
'360102002'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from smi_care.domain.errors import AreaCodeError
from smi_care.domain.identity import AreaCode, AreaLevel
from smi_care.registry.problems import Problem
from smi_care.registry.sources import read_csv_file

AREAS_FILE = "areas.csv"
AREA_COLUMNS = ("area_code", "name", "level")


@attrs.frozen
class AreaName:
    """One named area: its code, its name and its administrative level."""

    code: str
    name: str
    level: AreaLevel


@attrs.frozen
class AreaNames:
    """Area code → name and level. Unknown codes are shown as the code alone."""

    names: Mapping[str, AreaName] = attrs.field(factory=dict)

    @classmethod
    def of(cls, entries: Mapping[str, tuple[str, str]]) -> AreaNames:
        """Build from ``{code: (name, level)}``; the level is a name such as ``township``."""
        return cls({c: AreaName(c, n, AreaLevel.parse(lvl)) for c, (n, lvl) in entries.items()})

    def name(self, code: str | None) -> str | None:
        """The name of an area, or None when it is not known."""
        entry = self.names.get(code or "")
        return entry.name if entry else None

    def label(self, code: str | None) -> str:
        """``360102001 东湖街道``, or the code alone when its name is not known."""
        if not code:
            return ""
        n = self.name(code)
        return f"{code} {n}" if n else code

    def __len__(self) -> int:
        return len(self.names)


NO_NAMES = AreaNames()


def read_areas(folder: str | Path, encoding: str | None = None) -> tuple[AreaNames, tuple[Problem, ...]]:
    """Read ``areas.csv`` from a registry folder (UTF-8, or GB18030 as Excel saves it, detected as
    for the other files; or ``encoding``). A missing file gives no names and no problem; a bad
    line gives a problem and is left out (never silently); an unreadable file raises
    :class:`~smi_care.registry.problems.RegistryReadError` naming it."""
    path = Path(folder) / AREAS_FILE
    if not path.is_file():
        return NO_NAMES, ()
    problems: list[Problem] = []
    names: dict[str, AreaName] = {}
    raw = read_csv_file(path, AREAS_FILE, encoding)  # encoding detected as for the other files
    problems.extend(raw.notices)
    problems.extend(raw.problems)
    missing = [c for c in AREA_COLUMNS if c not in raw.header]
    if missing:
        problems.append(Problem(AREAS_FILE, 1, missing[0], "", f"the header has no column {missing[0]}; "
                                f"expected {', '.join(AREA_COLUMNS)}", "bad_header"))
        return NO_NAMES, tuple(problems)
    for values in raw.data.select("line", *AREA_COLUMNS).iter_rows(named=True):
        line = int(values["line"])
        cells = {c: str(values[c] or "").strip() for c in AREA_COLUMNS}
        try:
            code = AreaCode(cells["area_code"]).code
        except AreaCodeError as exc:
            problems.append(Problem(AREAS_FILE, line, "area_code", cells["area_code"], str(exc), "bad_code"))
            continue
        if not cells["name"]:
            problems.append(Problem(AREAS_FILE, line, "name", "", "the area has no name", "missing_required"))
            continue
        try:
            level = AreaLevel.parse(cells["level"])
        except AreaCodeError as exc:
            problems.append(Problem(AREAS_FILE, line, "level", cells["level"], str(exc), "bad_code"))
            continue
        if code in names:
            problems.append(Problem(AREAS_FILE, line, "area_code", code, "the area is named twice; the first "
                                    "name is kept", "duplicate_area", rejected=True))
            continue
        names[code] = AreaName(code, cells["name"], level)
    return AreaNames(names), tuple(problems)
