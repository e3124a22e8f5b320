"""The province benchmark: smi_care against a DuckDB baseline on one synthetic registry.

Run:  .venv/bin/python benchmarks/run.py --scale 100000 [--seed 1] [--period 2025] [--on 2025-12-01]
      .venv/bin/python benchmarks/run.py --scale 10000,100000,500000 --steps report_csv,report_parquet,baseline
      .venv/bin/python benchmarks/run.py --scale 10000,100000,500000 --repeat 3 --steps report_csv,baseline

Generates (once; cached by seed and size under ``benchmarks/.cache/``) a synthetic province
of ``--scale`` patients with three years of history (2023-2025), as registry CSV files and,
when the installed smi_care can write it, Parquet. Then measures, each step in its own
process, the wall time and the peak memory (resident set size) of:

- reading and validating the registry from CSV, and from Parquet;
- CSV -> the annual report by township (and Parquet -> the same report);
- the worklist for one day; the quality findings (each after reading the CSV);
- the DuckDB baseline: the six core indicators by township as hand-written SQL over the same
  CSV files on one thread (``benchmarks/baseline.py``).

It prints every figure, the time per patient, the ratio library / baseline and each of issue 19's
targets that the run can judge (``benchmarks/targets.py``; with several sizes, the cost per
patient over them), and exits 1 when the library's six core indicators differ from the
baseline's in any township (2 when the library's report did not finish within ``--timeout``
and nothing could be compared); with several sizes, the worst of their exits. With several
sizes it also runs the CSV -> report and the SQL on a registry of 200 patients, the fixed cost
of a run, and prints the cost per added patient net of it beside the flatness target. With
``--repeat N`` each step runs N times, each in its own process, and the median run is the one
printed and judged (a single run of a small registry moves by a tenth from one run to the next).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets  # noqa: E402  (benchmarks/targets.py: issue 19's targets, judged on the figures)

STEPS = ("read_csv", "read_parquet", "report_csv", "report_parquet", "report_partitioned", "dask", "worklist", "quality",
         "baseline")
#: Dask workers of the ``dask`` step (one thread each).
DASK_WORKERS = 2
DESCRIPTIONS = {
    "read_csv": "read + validate, CSV",
    "read_parquet": "read + validate, Parquet",
    "report_csv": "CSV -> annual report by township",
    "report_parquet": "Parquet -> annual report by township",
    "report_partitioned": "Parquet by county -> report, one county at a time",
    "dask": f"Parquet by county -> report, Dask ({DASK_WORKERS} local workers)",
    "worklist": "CSV -> worklist for one day",
    "quality": "CSV -> quality findings",
    "baseline": "DuckDB baseline, CSV -> six core indicators by township (1 thread)",
}


# --- one step, in its own process ------------------------------------------------------------

def _peak_mb() -> float:
    """This process's own peak resident memory, in MB.

    ``VmHWM`` belongs to the process image, so it starts afresh at ``exec``; ``ru_maxrss`` does
    not on Linux (a child started by a parent that had grown larger reports the parent's peak),
    so it is only the fallback where ``/proc`` is missing."""
    try:
        for text in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_step(step: str, folder: Path, period_text: str, on: dt.date) -> dict[str, Any]:
    """Do one step in this process: its phases' times, its result and the peak memory."""
    from smi_care.indicators import Period

    period = Period.parse(period_text)
    phases: dict[str, float] = {}
    out: dict[str, Any] = {"step": step}
    t = time.perf_counter()
    if step in ("report_partitioned", "dask"):
        import library_steps as lib

        if step == "dask":
            cluster, client = lib.start_dask(DASK_WORKERS)
            phases["cluster"] = time.perf_counter() - t
            t = time.perf_counter()
            rep, out["partitions"] = lib.report_dask(client, folder, period)
            client.close()
            cluster.close()
        else:
            rep, out["partitions"] = lib.report_partitioned(folder, period)
        phases["report"] = time.perf_counter() - t
        out["counts"] = lib.core_counts(rep)
    elif step == "baseline":
        import baseline

        db = baseline.connect()
        out["counts"] = baseline.core_counts(db, folder, period.start, period.end)
        phases["query"] = time.perf_counter() - t
    else:
        import library_steps as lib

        data, accepted, problems = lib.read(folder, lib.step_columns(step), lib.step_compact(step, folder))
        phases["read"] = time.perf_counter() - t
        out.update(rows=accepted, problems=problems, path="tables" if lib.HAS_TABLES else "objects")
        t = time.perf_counter()
        if step.startswith("report"):
            out["counts"] = lib.core_counts(lib.annual_report(data, period))
            phases["report"] = time.perf_counter() - t
        elif step == "worklist":
            out["items"] = lib.worklist(data, on)
            phases["worklist"] = time.perf_counter() - t
        elif step == "quality":
            out["findings"] = lib.quality(data)
            phases["quality"] = time.perf_counter() - t
    out["phases"] = phases
    out["peak_mb"] = _peak_mb()
    out["cpu"] = _cpu_s()
    return out


def spawn(step: str, folder: Path, period: str, on: dt.date, timeout: float) -> dict[str, Any]:
    """Run one step in a child process; its wall time as seen from here, and what it reported."""
    result_file = folder.parent / f".{step}.json"
    result_file.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", step, "--folder", str(folder), "--period", period,
           "--on", on.isoformat(), "--result", str(result_file)]
    t = time.perf_counter()
    try:
        done = subprocess.run(cmd, timeout=timeout, capture_output=True, text=True, check=False)
    except subprocess.TimeoutExpired:
        return {"step": step, "wall": time.perf_counter() - t, "stopped": f"stopped after {timeout:.0f} s"}
    wall = time.perf_counter() - t
    if done.returncode != 0 or not result_file.is_file():
        return {"step": step, "wall": wall, "stopped": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
    out: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    result_file.unlink()
    out["wall"] = wall
    return out


# --- the registry, cached ------------------------------------------------------------------------

def cached_registry(cache: Path, scale: int, seed: int) -> tuple[Path, Path | None, dict[str, float]]:
    """The CSV folder and (when the library writes Parquet) the Parquet folder for this seed and
    size, generated on first use. Returns the times spent generating and converting."""
    import library_steps as lib

    base = cache / f"seed{seed}-n{scale}"
    csv_dir, pq_dir = base / "csv", base / "parquet"
    spent: dict[str, float] = {}
    if not csv_dir.is_dir():
        tmp = base / "csv.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"generating {scale:,} patients (seed {seed}) into {csv_dir} ...", flush=True)
        t = time.perf_counter()
        lib.generate(tmp, scale, seed)
        tmp.rename(csv_dir)
        spent["generate"] = time.perf_counter() - t
    if not pq_dir.is_dir():
        tmp = base / "parquet.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        t = time.perf_counter()
        if lib.write_parquet(csv_dir, tmp):
            tmp.rename(pq_dir)
            spent["to_parquet"] = time.perf_counter() - t
    part_dir = base / "parquet-county"
    if not part_dir.is_dir():
        tmp = base / "parquet-county.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        t = time.perf_counter()
        if lib.write_partitioned_parquet(csv_dir, tmp):
            tmp.rename(part_dir)
            spent["to_partitioned_parquet"] = time.perf_counter() - t
    return csv_dir, (pq_dir if pq_dir.is_dir() else None), spent


def file_rows(folder: Path) -> dict[str, int]:
    out = {}
    for name in ("patients", "followups", "events"):
        with (folder / f"{name}.csv").open("rb") as fh:
            out[name] = sum(1 for _ in fh) - 1
    return out


# --- comparison and printing -------------------------------------------------------------------------

def differences(library: dict[str, dict[str, int]], baseline: dict[str, dict[str, int]]) -> list[str]:
    """Every township and count where the two disagree, in plain words."""
    out = []
    for group in sorted(set(library) | set(baseline)):
        a, b = library.get(group, {}), baseline.get(group, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name, 0) != b.get(name, 0):
                out.append(f"township {group}: {name} is {a.get(name, 0)} in smi_care, {b.get(name, 0)} in the baseline")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=_scales, default=(10_000,),
                    help="patients (10000, 100000, 500000), or sizes run in turn (10000,100000,500000): "
                         "the cost per patient is then judged over them")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--period", default="2025", help="the report's period (default 2025)")
    ap.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2025, 12, 1), help="the worklist's day")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache", help="where generated registries are kept")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds after which a step is stopped")
    ap.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run (default: all)")
    ap.add_argument("--repeat", type=_runs, default=1,
                    help="runs of each step, each in its own process: the median run's figures are printed and "
                         "judged, with the fastest and slowest (default 1)")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.step:  # a child: one step, result as JSON
        out = run_step(args.step, args.folder, args.period, args.on)
        args.result.write_text(json.dumps(out), encoding="utf-8")
        return 0

    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        ap.error(f"unknown step(s) {', '.join(unknown)}; known: {', '.join(STEPS)}")
    exits: list[int] = []
    times: dict[int, dict[str, float]] = {}
    for scale in args.scale:
        rc, times[scale] = one_scale(args, scale, steps)
        exits.append(rc)
    if len(args.scale) > 1:
        curve = {n: t["report_csv"] / n * 1e6 for n, t in times.items() if "report_csv" in t}
        print(targets.flatness(curve))
        print(flatness_explained(args, steps, times))
    return 1 if 1 in exits else max(exits)  # a disagreement first, then a size not compared


def flatness_explained(args: argparse.Namespace, steps: list[str], times: dict[int, dict[str, float]]) -> str:
    """The cost per patient of the library and of the SQL net of the fixed cost of a run, measured
    on a registry of :data:`targets.FIXED_AT` patients (its figures printed as any size's), and the
    SQL's own spread, beside the flatness target."""
    both = [s for s in ("report_csv", "baseline") if s in steps]
    if not both:
        return "the fixed cost of a run: not measured (neither report_csv nor baseline was run)"
    print(f"the fixed cost of a run, on {targets.FIXED_AT:,} patients:")
    _, fixed = one_scale(args, targets.FIXED_AT, both)
    out = []
    for step, label in (("report_csv", "smi_care"), ("baseline", "SQL")):
        curve = {n: t[step] for n, t in times.items() if step in t}
        if step in fixed and curve:
            if step == "baseline":  # the SQL's own curve, against the same bar
                out.append(targets.flatness({n: t / n * 1e6 for n, t in curve.items()}, "the SQL's"))
            out.append(targets.net_of_fixed(label, curve, fixed[step]))
    return "\n".join(out)


def _runs(text: str) -> int:
    """``--repeat``: a whole number of runs, at least one."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of runs (1 or more)")
    return int(text)


def _scales(text: str) -> tuple[int, ...]:
    """``--scale``: one size, or sizes separated by commas."""
    try:
        sizes = tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size or sizes separated by commas") from None
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: every size must be a positive number of patients")
    return sizes


def one_scale(args: argparse.Namespace, scale: int, steps: list[str]) -> tuple[int, dict[str, float]]:
    """Every step at one size: the verdict (:func:`verdict`) and the in-process seconds of the
    CSV -> report and of the SQL (those of the two that ran)."""
    csv_dir, pq_dir, spent = cached_registry(args.cache, scale, args.seed)
    rows = file_rows(csv_dir)
    import library_steps as lib

    print(f"registry: {rows['patients']:,} patients, {rows['followups']:,} follow-ups, {rows['events']:,} events "
          f"({csv_dir}); period {args.period}, worklist on {args.on.isoformat()}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; smi_care data path: "
          f"{'columnar (read_tables)' if lib.HAS_TABLES else 'objects (read_registry)'}")
    for what, seconds in spent.items():
        print(f"  ({what}: {seconds:.1f} s)")

    results: dict[str, dict[str, Any]] = {}
    part_dir = csv_dir.parent / "parquet-county"
    for step in steps:
        folder = pq_dir if step.endswith("parquet") else (part_dir if step in ("report_partitioned", "dask") else csv_dir)
        if folder is None or not folder.is_dir():
            results[step] = {"step": step, "stopped": "skipped: this smi_care reads no Parquet"}
        else:
            results[step] = median_run([spawn(step, folder, args.period, args.on, args.timeout)
                                        for _ in range(args.repeat)])
        print(line(results[step], rows["patients"]), flush=True)

    rc = verdict(results, rows["patients"])
    for judged in targets.judge(scale, results):
        print(judged)
    return rc, {step: targets.in_process(r) for step, r in results.items()
                if step in ("report_csv", "baseline") and "phases" in r and "stopped" not in r}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One step's runs (``--repeat``) as one result: the run of the median in-process time (the
    lower of the two middle ones for an even count), with the largest peak of them all and the
    fastest and slowest in-process times (``spread``); the first run that was stopped, if any.

    >>> runs = [{"phases": {"read": t}, "peak_mb": p} for t, p in ((3.0, 10.0), (1.0, 30.0), (2.0, 20.0))]
    >>> r = median_run(runs)
    >>> r["phases"], r["peak_mb"], r["spread"], r["runs"]
    ({'read': 2.0}, 30.0, (1.0, 3.0), 3)
    >>> median_run(runs[:1]) is runs[0]
    True
    """
    stopped = [r for r in runs if "stopped" in r]
    if stopped or len(runs) == 1:
        return stopped[0] if stopped else runs[0]
    ordered = sorted(runs, key=targets.in_process)
    inner = [targets.in_process(r) for r in ordered]
    return {**ordered[(len(ordered) - 1) // 2], "peak_mb": max(r["peak_mb"] for r in runs),
            "spread": (inner[0], inner[-1]), "runs": len(runs)}


def line(r: dict[str, Any], patients: int) -> str:
    name = f"{DESCRIPTIONS[r['step']]:<66}"
    if "stopped" in r:
        return f"{name} {r['stopped']}"
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in r["phases"].items())
    inner = targets.in_process(r)
    extra = ""
    if "items" in r:
        extra = f"; {r['items']:,} items"
    elif "findings" in r:
        extra = f"; {r['findings']:,} findings"
    elif "partitions" in r:
        extra = f"; {r['partitions']} partitions"
    elif "problems" in r:
        extra = f"; {r['rows']:,} rows, {r['problems']} problems"
    if "spread" in r:
        extra += f"; the median of {r['runs']} runs, {r['spread'][0]:.2f} to {r['spread'][1]:.2f} s in-process"
    return (f"{name} wall {r['wall']:6.2f} s, cpu {r['cpu']:6.2f} s ({phases}; {inner / patients * 1e6:.1f} "
            f"µs/patient), peak {r['peak_mb']:,.0f} MB{extra}")


def verdict(results: dict[str, dict[str, Any]], patients: int) -> int:
    lib, base = results.get("report_csv", {}), results.get("baseline", {})
    reports = ("report_csv", "report_parquet", "report_partitioned", "dask")
    if "counts" not in base or not any("counts" in results.get(step, {}) for step in reports):
        print("library and baseline not compared: a step did not finish or did not run")
        return 2
    base_time = targets.in_process(base)
    bad: list[str] = []
    if "counts" in lib:
        lib_time = targets.in_process(lib)
        print(f"ratio library / baseline, CSV -> six core indicators by township: {lib_time / base_time:.1f}x "
              f"in-process ({lib_time:.2f} s / {base_time:.2f} s), {lib['wall'] / base['wall']:.1f}x wall with "
              f"start-up ({lib['wall']:.2f} s / {base['wall']:.2f} s), {lib['cpu'] / base['cpu']:.1f}x cpu; "
              f"peak memory {lib['peak_mb']:,.0f} MB / {base['peak_mb']:,.0f} MB")
        bad = differences(lib["counts"], base["counts"])
    for step, label in (("report_parquet", "Parquet"), ("report_partitioned", "Parquet by county"),
                        ("dask", "Dask")):
        other = results.get(step, {})
        if "counts" in other:
            bad += [f"({label}) {d}" for d in differences(other["counts"], base["counts"])]
            mine = other["phases"]["report"] if step == "dask" else targets.in_process(other)  # cluster apart
            print(f"ratio {label} / baseline: {mine / base_time:.1f}x in-process ({mine:.2f} s / {base_time:.2f} s), "
                  f"{other['wall'] / base['wall']:.1f}x wall, {other['cpu'] / base['cpu']:.1f}x cpu; "
                  f"peak memory {other['peak_mb']:,.0f} MB")
    part, dask = results.get("report_partitioned", {}), results.get("dask", {})
    if "counts" in part and "counts" in dask:
        n = dask["partitions"]
        alone, spread = part["phases"]["report"], dask["phases"]["report"]
        print(f"Dask: {n} partitions in {spread:.2f} s on {DASK_WORKERS} workers (+ {dask['phases']['cluster']:.2f} s "
              f"to start the cluster), one process {alone:.2f} s; overhead per partition "
              f"{(DASK_WORKERS * spread - alone) / n * 1000:.0f} ms of worker time (workers x time - one process's "
              f"time, per partition)")
    if bad:
        print(f"DISAGREE: {len(bad)} difference(s)")
        for d in bad[:50]:
            print(f"  {d}")
        return 1
    townships = len(base["counts"])
    registered = sum(c["registered"] for c in base["counts"].values())
    print(f"library and baseline agree: six core indicators in {townships} townships, {registered:,} registered "
          f"of {patients:,} patients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
