"""A fast, calibrated synthetic registry: one county for the demo, a whole province for benchmarks.

``write_province(folder, patients=..., seed=...)`` writes a registry folder in format v1
(``patients.csv``, ``followups.csv``, ``events.csv``, ``population.csv``) plus ``areas.csv``
(``area_code,name,level``, made-up Chinese names). Rows are written straight to CSV from
plain values, without building domain objects, so 500,000 patients with three years of
history (2023–2025) take about a minute; the same seed gives the same bytes.

Where the shares come from (a :class:`Calibration` holds them; swap it to model another place):

* Reported prevalence 4.3‰, management 94.9 %, standard management 82.7 %, medication 81.3 %,
  regular medication 41.8 %, stability 80.6 %: the national figures for 2018 in
  国家严重精神障碍信息系统 reports as summarised in the reference (national-rules §6, "National
  figures"). The generator's knobs (consent refusals, missed and failed visits, adherence,
  the wellness of each patient) are tuned so that the demo county's 2025 rates, measured with
  :func:`smi_care.indicators.report`, land within about 3 points of them.
* The spread between townships (some below the 80 % standard-management target of
  national-rules §8, one or two well above): an assumption, modelled as a per-township
  quality factor that scales missed visits, refusals and losses.
* About two thirds schizophrenia, more men than women among schizophrenia, ages mostly 35–59,
  a few percent lost, a small share ever locked up (关锁), deaths about 1 % and transfers out
  about 1 % a year, new registrations about 5 % a year: assumptions of the same order as the
  published descriptions of the national system; they are not in the reference.

Every recorded class and next date is the rule's (national-rules §4, computed once per
assessment template and per date with :func:`smi_care.rules.classification.classify` and
:func:`smi_care.rules.schedule.next_visit_date`), and every attempt after a classified
follow-up comes no later than that date, so a clean registry has no data-quality finding.
Missed visits show as an unreached attempt on time followed by a long silence, as a real
register shows them.

>>> import tempfile
>>> from smi_care.registry import read_registry
>>> folder = write_province(tempfile.mkdtemp(), patients=60, seed=3)
>>> result = read_registry(folder)
>>> len(result.registry), len(result.problems)
(60, 0)
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from smi_care.domain.codes import Classification
from smi_care.domain.identity import check_character
from smi_care.registry.columns import EVENT_COLUMNS, FOLLOWUP_COLUMNS, PATIENT_COLUMNS
from smi_care.rules.schedule import next_visit_date
from smi_care.synth.area_names import area_name
from smi_care.synth.calibration import DEFAULT_SHAPE, NATIONAL_2018, Calibration, ProvinceShape, county_codes
from smi_care.synth.templates import DISORDER_CODES, assessment_templates, cumulative, pick

__all__ = ["NATIONAL_2018", "Calibration", "ProvinceShape", "area_name", "county_codes", "write_province"]


def write_province(folder: str | Path, patients: int = 3000, seed: int = 7, shape: ProvinceShape = DEFAULT_SHAPE,
                   calibration: Calibration = NATIONAL_2018, include_identifying: bool = False,
                   workers: int | None = None) -> Path:
    """Write a synthetic registry of ``patients`` patients to ``folder`` (created if needed).

    With ``include_identifying=True`` the patients get made-up names, identity numbers and
    guardians (left out otherwise: the registry format makes them optional). Each county has
    its own random stream (from ``seed`` and its code), so the files are the same whatever
    ``workers`` (processes; by default one per core for 50,000 patients or more, else one).
    Returns the folder.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    counties = county_codes(shape, patients)
    per_county = max(1, math.ceil(patients / len(counties)))
    if workers is None:
        workers = (os.cpu_count() or 1) if patients >= 50_000 else 1
    workers = max(1, min(workers, len(counties)))
    bounds = [len(counties) * k // workers for k in range(workers + 1)]
    jobs = [_Part(str(out / f".part{k}"), min(bounds[k] * per_county, patients),
                  min(bounds[k + 1] * per_county, patients), shape, calibration, seed, patients, include_identifying)
            for k in range(workers)]
    if workers == 1:
        counts = [_write_part(jobs[0])]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            counts = list(pool.map(_write_part, jobs))
    for name, columns in (("patients", PATIENT_COLUMNS), ("followups", FOLLOWUP_COLUMNS), ("events", EVENT_COLUMNS)):
        with open(out / f"{name}.csv", "wb") as target:
            target.write((",".join(columns) + "\n").encode())
            for job in jobs:
                part = Path(f"{job.prefix}.{name}")
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, target, 1 << 22)
                part.unlink()
    gen = _Generator(shape, calibration, seed, patients, include_identifying)
    for c in counts:
        for code, n in c.items():
            gen.registered_end[code] = gen.registered_end.get(code, 0) + n
    gen.write_population(out / "population.csv")
    gen.write_areas(out / "areas.csv")
    from smi_care.synth.pilot_files import write_pilot_files
    from smi_care.synth.programme_files import write_programme_files
    from smi_care.synth.support_files import write_support_files

    write_programme_files(out, seed)
    write_support_files(out, seed, shape.first_year, shape.last_year)
    write_pilot_files(out, seed, shape.first_year, shape.last_year)
    return out


@attrs.frozen
class _Part:
    """Patients ``lo``..``hi`` (whole counties) written to ``prefix``.{patients,followups,events}."""

    prefix: str
    lo: int
    hi: int
    shape: ProvinceShape
    calibration: Calibration
    seed: int
    patients: int
    identifying: bool


def _write_part(job: _Part) -> dict[str, int]:
    """Write one part; return the patients registered at the end, by home village."""
    gen = _Generator(job.shape, job.calibration, job.seed, job.patients, job.identifying)
    with (open(f"{job.prefix}.patients", "w", encoding="utf-8", newline="") as pf,
          open(f"{job.prefix}.followups", "w", encoding="utf-8", newline="") as ff,
          open(f"{job.prefix}.events", "w", encoding="utf-8", newline="") as ef):
        batch_p: list[str] = []
        batch_f: list[str] = []
        batch_e: list[str] = []
        for i in range(job.lo, job.hi):
            if i % gen.per_county == 0 or i == job.lo:
                gen.rng = random.Random(f"{job.seed}:{gen.county_of(i)}")
            gen.patient(i, batch_p, batch_f, batch_e)
            if len(batch_f) > 50_000:
                pf.write("".join(batch_p))
                ff.write("".join(batch_f))
                ef.write("".join(batch_e))
                batch_p.clear()
                batch_f.clear()
                batch_e.clear()
        pf.write("".join(batch_p))
        ff.write("".join(batch_f))
        ef.write("".join(batch_e))
    return gen.registered_end


#: The empty columns loss_reason's neighbours to counselling of an unreached attempt.
_REST = "," * 25 + "\n"
#: form 3 (phone), seen 2 (family), hospitalisation 1 (in hospital now), nothing else.
_IN_HOSPITAL = "3,2" + "," * 15 + "1" + "," * 11 + "\n"
_REHAB = ("1", "4", "1;4", "2", "3;5", "1;2")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
_RELATIONS = ("父亲", "母亲", "配偶", "子女", "兄弟姐妹")


class _Generator:
    """The state of one run: random stream, lookup tables, village counts for the population."""

    def __init__(self, shape: ProvinceShape, cal: Calibration, seed: int, patients: int, identifying: bool) -> None:
        self.shape, self.cal, self.identifying = shape, cal, identifying
        self.rng = random.Random(seed)
        self.counties = county_codes(shape, patients)
        self.per_county = max(1, math.ceil(patients / len(self.counties)))
        self.start = dt.date(shape.first_year, 1, 1).toordinal()
        self.end = dt.date(shape.last_year, 12, 31).toordinal()
        self.day0 = dt.date(1940, 1, 1).toordinal()
        self.iso = [dt.date.fromordinal(o).isoformat() for o in range(self.day0, self.end + 400)]
        self.stable, self.basic, self.unstable, self.acts = assessment_templates()
        self.base3m = self.start - 400
        self.years = [dt.date.fromordinal(o).year for o in range(self.start, self.end + 200)]
        self.next3m = [next_visit_date(dt.date.fromordinal(o), Classification.STABLE).toordinal()
                       for o in range(self.start - 400, self.end + 200)]
        self.next14 = next_visit_date(dt.date(2025, 1, 1), Classification.UNSTABLE).toordinal() - dt.date(
            2025, 1, 1).toordinal()
        assert self.next14 == next_visit_date(dt.date(2025, 1, 1), Classification.BASICALLY_STABLE).toordinal() - \
            dt.date(2025, 1, 1).toordinal()
        self.disorder_cum = cumulative(cal.disorders)
        self.age_cum = cumulative(tuple(w for _, _, w in cal.age_bands))
        self.adherence_cum = cumulative(cal.adherence)
        self.lockup_cum = cumulative(cal.past_lockup)
        self.registered_end: dict[str, int] = {}

    def county_of(self, i: int) -> str:
        return self.counties[min(i // self.per_county, len(self.counties) - 1)]

    def d(self, o: int) -> str:
        return self.iso[o - self.day0]

    def village(self, county: str, r: Callable[[], float]) -> tuple[str, int]:
        s = self.shape
        t = int(r() * s.townships) + 1
        v = int(r() * s.villages_per_township) + 1
        return f"{county}{t:03d}{v:03d}", t

    def patient(self, i: int, pat: list[str], fol: list[str], evt: list[str]) -> None:
        cal, rng = self.cal, self.rng
        r = rng.random
        county = self.county_of(i)
        area, town = self.village(county, r)
        q = cal.township_quality[(town - 1) % len(cal.township_quality)]
        pid = f"{county}-{i + 1:07d}"
        disorder = DISORDER_CODES[pick(r(), self.disorder_cum)]
        male = r() < (cal.male_schizophrenia if disorder == 1 else cal.male_other)
        lo, hi, _ = cal.age_bands[pick(r(), self.age_cum)]
        birth = dt.date(self.shape.last_year - lo, 12, 31).toordinal() - int(r() * (hi - lo + 1) * 365.25)
        years = self.shape.last_year - self.shape.first_year + 1
        if r() < cal.new * years:
            registered = self.start + int(r() * (self.end - 30 - self.start))
            diagnosis = registered - 1 - int(r() * 20)
        else:
            diagnosis = max(birth + 16 * 366, dt.date(2004, 1, 1).toordinal()) + int(r() * 3000)
            diagnosis = min(diagnosis, self.start - 40 - int(r() * 300))
            diagnosis = max(diagnosis, birth + 16 * 366)
            registered = diagnosis + 1 + int(r() * 12)
        refused = r() < cal.refusal * q
        past_lockup = pick(r(), self.lockup_cum) + 1
        sex = 1 if male else 2
        name = rid = guardian = ""
        if self.identifying:
            name = _SURNAMES[int(r() * len(_SURNAMES))] + _GIVEN[int(r() * len(_GIVEN))]
            if r() < 0.6:
                name += _GIVEN[int(r() * len(_GIVEN))]
            first17 = f"{county}{self.d(birth).replace('-', '')}{int(r() * 500) * 2 + (1 if male else 0):03d}"
            rid = first17 + check_character(first17)
            guardian = (f"{_SURNAMES[int(r() * len(_SURNAMES))]}{_GIVEN[int(r() * len(_GIVEN))]},13{int(r() * 9e8) + 10**8},"
                        f"{int(r() * 98) + 1}号,{_RELATIONS[int(r() * 5)]}")
        else:
            guardian = ",,," + _RELATIONS[int(r() * 5)]
        pat.append(f"{pid},{name},{rid},{sex},{self.d(birth)},{area},{int(r() * 2) + 1},{int(r() * 9) + 1},"
                   f"{pick(r(), [0.25, 0.9, 1.0]) + 1},{disorder},{self.d(diagnosis)},{self.d(registered)},"
                   f"{0 if refused else 1},{'' if refused else self.d(registered)},{guardian},{past_lockup}\n")
        # --- status-ending events, drawn once (yearly hazards) ---
        end, start = self.end, self.start
        begin = max(start, registered)
        span = end - begin + 1
        stop = end + 1
        stop_event = ""
        for kind, rate in (("death", cal.death), ("transfer_out", cal.transfer_out), ("diagnosis_withdrawn",
                                                                                       cal.withdrawn)):
            if r() < rate * span / 365.25:
                day = begin + int(r() * span)
                if day < stop:
                    stop, stop_event = day, kind
        home = area
        moved_on = end + 1
        moved_to = ""
        if stop_event == "transfer_out" and r() < cal.transfer_inside:
            other = self.counties[int(r() * len(self.counties))]
            moved_to, _ = self.village(other, r)
            if moved_to != home:
                moved_on = stop
                evt.append(f"{pid},{self.d(stop)},transfer_out,{moved_to}\n")
            stop, stop_event = end + 1, ""
        if registered >= start and r() < cal.transfer_in:
            evt.append(f"{pid},{self.d(registered)},transfer_in,{self.counties[0][:2]}9901001001\n")
        if stop_event == "death":
            cause = ("1", "1.4", "2", "3", "4", "5", "6")[int(r() * 7)]
            evt.append(f"{pid},{self.d(stop)},death,{cause}\n")
        elif stop_event == "transfer_out":
            evt.append(f"{pid},{self.d(stop)},transfer_out,440303001001\n")
        elif stop_event:
            evt.append(f"{pid},{self.d(stop)},{stop_event},\n")
        if stop > end:
            last_home = moved_to if moved_on <= end else home
            self.registered_end[last_home] = self.registered_end.get(last_home, 0) + 1
        if refused or r() < cal.never_visited * q:
            return
        # --- the follow-up history ---
        wellness = cal.wellness[int(r() * len(cal.wellness))]
        wellness = min(0.99, wellness + (0.03 if q < 0.8 else -0.04 if q > 1.5 else 0.0))
        adherence = pick(r(), self.adherence_cum) + 1
        lost_at = begin + int(r() * span) if r() < cal.lost * q else end + 1
        locker = past_lockup > 1
        missed, failed, admission = cal.missed * q, cal.failed, cal.admission
        due = begin + (14 if registered >= start else int(r() * 90) + 1)
        last = begin - 1
        failures = 0
        year_done = 0
        well = r() < wellness
        recover = 14 * wellness / (1800 * (1 - wellness))
        iso, d0 = self.iso, self.day0
        year_of = self.years
        visit = self._visit
        while True:
            day = due - int(r() * 7)
            if day <= last:
                day = last + 1
            if day >= stop or day > end:
                break
            ds = iso[day - d0]
            year = year_of[day - start]
            if year != year_done and r() < 0.35:  # yearly services, once per calendar year
                year_done = year
                if r() < cal.health_check:
                    evt.append(f"{pid},{ds},health_check,\n")
                if r() < cal.rehabilitation:
                    evt.append(f"{pid},{ds},community_rehabilitation,\n")
                if r() < cal.counselling:
                    evt.append(f"{pid},{ds},counselling,\n")
                if r() < cal.contract:
                    evt.append(f"{pid},{ds},family_doctor_contract,{iso[day + 364 - d0]}\n")
            if day >= lost_at:
                if r() < 0.5:
                    reason = (1, 2, 3, 5)[int(r() * 4)]
                    fol.append(f"{pid},{ds},2,,{reason}{_REST}")
                else:
                    for k in range(3):
                        dk = day + 7 * k
                        if dk >= stop or dk > end:
                            break
                        fol.append(f"{pid},{iso[dk - d0]},{2 if k else 3},,{4 if k == 2 else ''}{_REST}")
                if r() < 0.3:  # found again months later
                    lost_at = end + 1
                    due = day + 60 + int(r() * 120)
                    last = day + 14
                    continue
                break
            x = r()
            if x < failed or (failures and x < 0.5):
                failures += 1
                fol.append(f"{pid},{ds},{3 if r() < 0.6 else 2},,{4 if failures == 3 else ''}{_REST}")
                if failures == 3:
                    failures = 0
                    due = day + 30 + int(r() * 60)
                else:
                    due = day + 7 + int(r() * 7)
                last = day
                continue
            failures = 0
            if x < failed + admission:
                out_day = day + 15 + int(r() * 55)
                evt.append(f"{pid},{ds},admission,\n")
                if r() < 0.3:
                    evt.append(f"{pid},{ds},emergency,{int(r() * 4) + 1}\n")
                fol.append(f"{pid},{ds},{_IN_HOSPITAL}")
                if out_day <= end and out_day < stop:
                    evt.append(f"{pid},{iso[out_day - d0]},discharge,\n")
                    if out_day - day > 30:
                        mid = day + 30
                        fol.append(f"{pid},{iso[mid - d0]},{_IN_HOSPITAL}")
                    due = out_day + 3 + int(r() * 11)
                    last = out_day
                    discharged = out_day
                    # the first visit after discharge records it
                    day2 = due
                    if day2 >= stop or day2 > end:
                        break
                    well = r() < recover
                    row, nxt = visit(pid, day2, well, adherence, locker, "2", iso[discharged - d0])
                    fol.append(row)
                    due, last = nxt, day2
                    continue
                break
            if x > 1 - missed:
                # an unreached attempt on time, then months of silence (no visit recorded)
                fol.append(f"{pid},{ds},3,,{_REST}")
                due = day + 30 + int(r() * 100)
                last = day
                continue
            well = r() < (0.95 if well else recover)
            if r() < 0.15:
                adherence = pick(r(), self.adherence_cum) + 1
            if r() < 0.01:  # a same-day tie: an unanswered call, then the home visit
                fol.append(f"{pid},{ds},3,,{_REST}")
            row, nxt = visit(pid, day, well, adherence, locker, "0", "")
            fol.append(row)
            due, last = nxt, day
        return

    def _visit(self, pid: str, day: int, well: bool, adherence: int, locker: bool, hosp: str,
               discharge: str) -> tuple[str, int]:
        """A reached follow-up row (class and next date the rule's) and its next date."""
        r = self.rng.random
        if well:
            body, adr, cls, referral = self.stable[int(r() * len(self.stable))]
            nxt = self.next3m[day - self.base3m]
        else:
            x = r()
            pool = self.basic if x < 0.75 else self.acts if x < 0.75 + 0.25 * self.cal.acts else self.unstable
            body, adr, cls, referral = pool[int(r() * len(pool))]
            nxt = day + self.next14
        bits = self.rng.getrandbits(24)
        if adr == "1,,0" and bits & 15 < 2:
            adr = "2,0,0"  # a reaction, not serious: no change to the class
        b = bits >> 4 & 15  # 0..15
        lockup = ("2" if b < 16 * self.cal.locked_now else "3") if locker else ("1" if b < 4 else "")
        b = bits >> 8 & 15
        form = "1" if b < 5 else "2" if b < 12 else "3"
        seen = "2" if form == "3" and bits >> 12 & 1 else "1"
        b = bits >> 13 & 15
        rehab = _REHAB[b - 10] if b >= 10 else ""
        counselling = "1" if bits >> 17 & 31 < 2 else ""
        iso, d0 = self.iso, self.day0
        return (f"{pid},{iso[day - d0]},{form},{seen},,{body},{lockup},{hosp},{discharge},{adherence},{adr},,"
                f"{referral},{rehab},{cls},{iso[nxt - d0]},{counselling}\n"), nxt

    def write_population(self, path: Path) -> None:
        """Village populations sized for the shape's prevalence, growing 0.4 % a year."""
        rng = random.Random(f"population-{len(self.counties)}")
        s = self.shape
        lines = ["area_code,year,population\n"]
        for county in self.counties:
            for t in range(1, s.townships + 1):
                for v in range(1, s.villages_per_township + 1):
                    code = f"{county}{t:03d}{v:03d}"
                    n = self.registered_end.get(code, 0)
                    size = (max(n, 0.5) / s.prevalence) * (0.85 + 0.3 * rng.random())
                    for year in range(s.first_year, s.last_year + 1):
                        lines.append(f"{code},{year},{int(size * (1 - 0.004 * (s.last_year - year)))}\n")
        path.write_text("".join(lines), encoding="utf-8")

    def write_areas(self, path: Path) -> None:
        """``areas.csv``: every area of the registry with a made-up name and its level."""
        s = self.shape
        codes: list[str] = [s.province]
        for city in sorted({c[:4] for c in self.counties}):
            codes.append(city)
            for county in (c for c in self.counties if c.startswith(city)):
                codes.append(county)
                for t in range(1, s.townships + 1):
                    codes.append(f"{county}{t:03d}")
                    codes += [f"{county}{t:03d}{v:03d}" for v in range(1, s.villages_per_township + 1)]
        # GB/T 2260 writes a province or a city in six digits (36 -> 360000, 3601 -> 360100)
        path.write_text("area_code,name,level\n" + "".join(f"{c.ljust(6, '0')},{','.join(area_name(c))}\n"
                                                             for c in codes), encoding="utf-8")
