"""Synthetic area data of the social-psychological service pilot for a synthetic registry: the
``pilot/`` folder (``units.csv``, ``facilities.csv``, ``surveys.csv``, ``special_groups.csv``,
``emergencies.csv``; docs/registry-format.md).

Drawn from the registry's own ``areas.csv`` (every village and township of it), with shares of
the order the pilot plans aim at — assumptions, not published figures:

* a counselling room or social-work room in 85 % of the villages (one in ten a social-work
  station), a few closed again (each share is drawn as a quota, so it holds in a small county);
* primary and secondary schools with a counselling room 92 %, the county's university with
  its centre; the psychiatric hospital with a psychological clinic, the general hospitals of
  level 2 or above half, township hospitals (level 1) one in five; employers with a staff counselling
  room 65 %;
* a community rehabilitation institution in 40 % of the townships;
* every year one awareness survey per township of urban and of rural residents (about 50–70 %
  aware) and one county survey of staff and of students (about 75–90 %);
* special groups counted each quarter per township, about 55–75 % of those identified counselled;
* a few emergencies a year, aid most often the same or the next day.

>>> import tempfile
>>> from smi_care.synth import write_province
>>> from smi_care.registry.pilot_files import read_pilot_files
>>> folder = write_province(tempfile.mkdtemp(), patients=60, seed=3)
>>> load = read_pilot_files(folder)
>>> load.ok, load.units.height > 0, load.surveys.height > 0
(True, True, True)
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl

from smi_care.registry.pilot_files import PILOT_FOLDER, PILOT_SPECS


def _day(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    return dt.date.fromordinal(start + int(rng.random() * (end - start + 1)))


def write_pilot_files(folder: str | Path, seed: int = 7, first_year: int = 2023, last_year: int = 2025) -> Path:
    """Write ``folder``/``pilot/`` for a registry folder that holds ``areas.csv``. Returns the ``pilot/`` folder."""
    base = Path(folder)
    areas = pl.read_csv(base / "areas.csv", schema_overrides={"area_code": pl.String})
    villages = areas.filter(pl.col("level") == "village").get_column("area_code").to_list()
    townships = areas.filter(pl.col("level") == "township").get_column("area_code").to_list()
    counties = areas.filter(pl.col("level") == "county").get_column("area_code").to_list()
    rng = random.Random(f"{seed}-pilot")
    r = rng.random
    units: list[list[str]] = []
    facilities: list[list[str]] = []
    #: (unit ids, facility kind, share with one) per category: the share is met exactly (a quota).
    wanted: list[tuple[list[str], int, float]] = []

    def unit(uid: str, kind: int, area: str, school: str = "", hkind: str = "", hlevel: str = "") -> str:
        units.append([uid, str(kind), area, school, hkind, hlevel, ""])
        return uid

    wanted.append(([unit(f"V{v}", 1, v) for v in villages], 1, 0.85))
    wanted.append(([unit(f"T{t}", 5, t) for t in townships], 7, 0.4))
    wanted.append(([unit(f"S{t}{i}", 2, t, school="1") for t in townships for i in range(2 + int(r() * 3))]
                   + [unit(f"S{t}J", 2, t, school="2") for t in townships]
                   + [unit(f"S{c}{x}", 2, c, school=lvl) for c in counties for x, lvl in (("H", "3"), ("V", "4"))],
                   3, 0.92))
    wanted.append(([unit(f"S{c}U", 2, c, school="5") for c in counties], 4, 1.0))
    wanted.append(([unit(f"H{t}", 3, t, hkind="2", hlevel="1") for t in townships], 5, 0.2))
    wanted.append(([unit(f"H{c}P", 3, c, hkind="1", hlevel="3") for c in counties], 5, 1.0))
    wanted.append(([unit(f"H{c}G{i}", 3, c, hkind="2", hlevel=lvl) for c in counties
                    for i, lvl in enumerate(("2", "2", "3"))], 5, 0.5))
    wanted.append(([unit(f"E{t}{i}", 4, t) for t in townships for i in range(3 + int(r() * 4))], 6, 0.65))
    for ids, kind, share in wanted:
        for uid in sorted(rng.sample(ids, round(len(ids) * share))):
            # one village room in ten is a social-work station; a few facilities close again
            k = 2 if kind == 1 and r() < 0.1 else kind
            opened = _day(rng, first_year - 3, last_year)
            closed = _day(rng, opened.year, last_year + 1) if r() < 0.04 else None
            facilities.append([f"F{len(facilities) + 1:05d}", uid, str(k), opened.isoformat(),
                               max(closed, opened).isoformat() if closed else ""])
    surveys: list[list[str]] = []
    groups: list[list[str]] = []
    events: list[list[str]] = []
    for year in range(first_year, last_year + 1):
        for t in townships:
            for group, lo in (("1", 0.5), ("2", 0.45)):
                n = 80 + int(r() * 120)
                day = dt.date(year, 4 + int(r() * 6), 1 + int(r() * 28))
                surveys.append([f"Q{year}{t}{group}", t, day.isoformat(), group, str(n), str(int(n * (lo + r() * 0.25)))])
            for q_end in ((3, 31), (6, 30), (9, 30), (12, 31)):
                for g in ("1", "2", "3", "4"):
                    n = 10 + int(r() * 60)
                    groups.append([t, dt.date(year, *q_end).isoformat(), g, str(n), str(int(n * (0.55 + r() * 0.2)))])
        for cty in counties:
            for group in ("3", "4"):
                n = 200 + int(r() * 300)
                day = dt.date(year, 5 + int(r() * 5), 1 + int(r() * 28))
                surveys.append([f"Q{year}{cty}{group}", cty, day.isoformat(), group, str(n),
                                str(int(n * (0.75 + r() * 0.15)))])
            for i in range(1 + int(r() * 3)):
                event = _day(rng, year, year)
                mine = [t for t in townships if t.startswith(cty)] or [cty]
                area = mine[int(r() * len(mine))]
                lag = (0, 0, 1, 1, 1, 2, 3)[int(r() * 7)]
                response = "" if r() < 0.05 else (event + dt.timedelta(days=lag)).isoformat()
                events.append([f"X{year}{cty}{i}", area, event.isoformat(), response])
    out = base / PILOT_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    for spec, rows in zip(PILOT_SPECS, (units, facilities, surveys, groups, events), strict=True):
        with open(out / spec.file, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(spec.names) + "\n")
            fh.writelines(",".join(row) + "\n" for row in rows)
    return out


__all__ = ["write_pilot_files"]
