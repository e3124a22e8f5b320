"""Synthetic support files of the programme for a synthetic registry: ``dispensings.csv``,
``guardians.csv``, ``teams.csv`` and ``team_reviews.csv`` (docs/registry-format.md).

They are drawn from the registry's own ``patients.csv`` and ``followups.csv``, so they agree
with it (same patients, dates after registration, teams for the patients whose follow-ups were
unstable or at risk level 3 or more). Each patient has its own random stream (from ``seed`` and
the patient_id), so the files do not depend on the order or the number of processes. The shares
are assumptions of the same order as the work plans describe, not published figures:

* free medication (免费服药) for about 85 % of the poor patients (economic status 1) — most of
  them supplied every 1–3 months, about one in five irregularly, so days covered spread from
  under 50 % to full; a few non-free dispensings for other patients;
* a guardian on record for about 85 % of the patients, insured (监护人责任险) year by year for
  about 60 % of those;
* a case-management team for about 70 % of the patients with an unstable or risk ≥ 3
  follow-up, formed within three weeks of it, its plan reviewed about monthly, a quarter of the
  reviews late.

>>> import tempfile
>>> from smi_care.synth import write_province
>>> from smi_care.registry.tables import read_tables
>>> from smi_care.registry.support_files import read_support_files
>>> folder = write_province(tempfile.mkdtemp(), patients=80, seed=3)
>>> load = read_support_files(folder, read_tables(folder).tables)
>>> load.ok, load.dispensings.height > 0, load.guardians.height > 0
(True, True, True)
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from pathlib import Path

import polars as pl

from smi_care.registry.columns import (
    DISPENSING_COLUMNS,
    DISPENSINGS,
    GUARDIAN_COLUMNS,
    GUARDIANS,
    TEAM_COLUMNS,
    TEAM_REVIEW_COLUMNS,
    TEAM_REVIEWS,
    TEAMS,
)

#: Drugs of the free-medication list of many counties, by disorder group (names only).
_PSYCHOSIS = ("利培酮", "奥氮平", "氯氮平", "阿立哌唑", "喹硫平", "奋乃静")
_MOOD = ("丙戊酸钠", "碳酸锂", "奥氮平")
_PLANS = ("每两周面访，督导服药", "每月面访，联系派出所备案", "协助住院治疗，出院后每周随访", "家属监护培训，按时取药")


@functools.cache
def _d(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def write_support_files(folder: str | Path, seed: int = 7, first_year: int = 2023, last_year: int = 2025) -> Path:
    """Write the four files into a registry folder that already holds ``patients.csv`` and
    ``followups.csv`` (as :func:`~smi_care.synth.province.write_province` writes them)."""
    out = Path(folder)
    start, end = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    pats = pl.read_csv(out / "patients.csv", columns=["patient_id", "disorder", "economic_status", "registered_on"],
                       schema_overrides={"patient_id": pl.String, "disorder": pl.Int64, "economic_status": pl.Int64,
                                         "registered_on": pl.Date})
    fus = pl.read_csv(out / "followups.csv", columns=["patient_id", "visit_date", "risk_level", "classification"],
                      schema_overrides={"patient_id": pl.String, "visit_date": pl.Date, "risk_level": pl.Int64,
                                        "classification": pl.Int64})
    first_alarm = dict(fus.filter((pl.col("classification") == 1) | (pl.col("risk_level") >= 3))
                       .group_by("patient_id").agg(pl.col("visit_date").min()).iter_rows())
    disp: list[str] = []
    guards: list[str] = []
    teams: list[str] = []
    reviews: list[str] = []
    first, last = start.toordinal(), end.toordinal()
    for pid, disorder, status, registered_date in pats.iter_rows():
        rng = random.Random(f"{seed}-b-{pid}")
        r = rng.random
        registered = registered_date.toordinal()
        begin = max(first, registered)
        poor = status == 1
        if (poor and r() < 0.85) or (not poor and r() < 0.03):
            drugs = _MOOD if disorder == 4 else _PSYCHOSIS
            drug = drugs[int(r() * len(drugs))]
            per_day = 1 + int(r() * 2)
            irregular = r() < 0.2
            day = begin + int(r() * 30)
            free = "1" if poor else "0"
            while day <= last:
                days = (30, 30, 60, 90)[int(r() * 4)]
                disp.append(f"{pid},{_d(day)},{drug},{days * per_day},{days},{free}\n")
                gap = days - 5 + int(r() * 12)
                if irregular and r() < 0.5:
                    gap += 20 + int(r() * 70)
                day += max(gap, 7)
        if r() < 0.85:
            since = registered + int(r() * 10)
            guards.append(f"{pid},{_d(since)},,,\n")
            if r() < 0.6:
                for year in range(max(first_year, dt.date.fromordinal(since).year), last_year + 1):
                    if r() < 0.9:
                        frm = max(dt.date(year, 1, 1).toordinal(), since)
                        guards.append(f"{pid},{_d(since)},,{_d(frm)},{_d(dt.date(year, 12, 31).toordinal())}\n")
        alarm_date = first_alarm.get(pid)
        alarm = alarm_date.toordinal() if alarm_date is not None else None
        if alarm is not None and alarm >= begin and r() < 0.7:
            formed = alarm + int(r() * 21)
            if formed <= last:
                roles = sorted({3, *(c for c in (1, 2, 4, 5, 6, 7, 8) if r() < 0.5)})
                tid = f"T-{pid}"
                plan = _PLANS[int(r() * len(_PLANS))]
                teams.append(f"{tid},{pid},{_d(formed)},{';'.join(map(str, roles))},,{plan}\n")
                day = formed + 20 + int(r() * 15)
                while day <= last:
                    reviews.append(f"{tid},{_d(day)},{_d(day + 30)}\n")
                    late = r() < 0.25
                    day += 45 + int(r() * 35) if late else 25 + int(r() * 8)
    for name, columns, rows in ((DISPENSINGS, DISPENSING_COLUMNS, disp), (GUARDIANS, GUARDIAN_COLUMNS, guards),
                                (TEAMS, TEAM_COLUMNS, teams), (TEAM_REVIEWS, TEAM_REVIEW_COLUMNS, reviews)):
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(columns) + "\n")
            fh.writelines(rows)
    return out


__all__ = ["write_support_files"]
