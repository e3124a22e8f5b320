"""Synthetic area data of the social-psychological service pilot for a synthetic registry: the
``pilot/`` folder (``units.csv``, ``facilities.csv``, ``surveys.csv``, ``special_groups.csv``,
``emergencies.csv``; docs/registry-format.md).

Drawn from the registry's own ``areas.csv`` (every village and township of it), with shares of
the order the pilot plans aim at — assumptions, not published figures:

* a counselling room or social-work room in about 85 % of the villages (一 in ten a social-work
  station), a few closed again;
* primary and secondary schools with a counselling room about 92 %, the county's university with
  its centre; the psychiatric hospital with a psychological clinic, the general hospitals of
  level 2 or above about half; employers with a staff counselling room about 65 %;
* a community rehabilitation institution in about 40 % of the townships;
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

    def facility(unit: str, kind: int, share: float, since: int = first_year - 3) -> None:
        if r() < share:
            opened = _day(rng, since, last_year)
            closed = _day(rng, opened.year, last_year + 1) if r() < 0.04 else None
            if closed is not None and closed < opened:
                closed = opened
            facilities.append([f"F{len(facilities) + 1:05d}", unit, str(kind), opened.isoformat(),
                               closed.isoformat() if closed else ""])

    def unit(uid: str, kind: int, area: str, school: str = "", hkind: str = "", hlevel: str = "") -> str:
        units.append([uid, str(kind), area, school, hkind, hlevel, ""])
        return uid

    for v in villages:
        u = unit(f"V{v}", 1, v)
        facility(u, 2 if r() < 0.1 else 1, 0.85)
    for t in townships:
        facility(unit(f"T{t}", 5, t), 7, 0.4)
        for i in range(2 + int(r() * 3)):
            facility(unit(f"S{t}{i}", 2, t, school="1"), 3, 0.92)
        facility(unit(f"S{t}J", 2, t, school="2"), 3, 0.92)
        facility(unit(f"H{t}", 3, t, hkind="2", hlevel="1"), 5, 0.2)
        for i in range(3 + int(r() * 4)):
            facility(unit(f"E{t}{i}", 4, t), 6, 0.65)
    for cty in counties:
        facility(unit(f"S{cty}H", 2, cty, school="3"), 3, 0.92)
        facility(unit(f"S{cty}V", 2, cty, school="4"), 3, 0.92)
        facility(unit(f"S{cty}U", 2, cty, school="5"), 4, 0.95)
        facility(unit(f"H{cty}P", 3, cty, hkind="1", hlevel="3"), 5, 1.0)
        for i, level in enumerate(("2", "2", "3")):
            facility(unit(f"H{cty}G{i}", 3, cty, hkind="2", hlevel=level), 5, 0.5)
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
                area = townships[int(r() * len(townships))] if townships else cty
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
