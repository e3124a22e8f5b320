"""Re-apply by hand the twelve mutants of issue 12 (nine survived the suite then) and check
that the boundary tables now turn each one red. Restores every file it touches.

    .venv/bin/python scripts/mutation_issue12.py
"""

import pathlib
import subprocess
import sys

R = pathlib.Path(__file__).resolve().parents[1]
M = [
    ("gap policy allows 4 months", "src/smi_care/indicators/standard.py", "gap_months: int = 3", "gap_months: int = 4"),
    (
        "medication: admission branch removed",
        "src/smi_care/indicators/facts.py",
        "    if admitted_on(record, period.end):\n        return True\n    return last is not None and last.hospitalisation",
        "    return last is not None and last.hospitalisation",
    ),
    ("risk: smashing outside home stopped", "src/smi_care/rules/risk.py", " or obs.setting is Setting.ANY:", ":"),
    (
        "pro-rating <= to <",
        "src/smi_care/indicators/facts.py",
        "while add_months(start, months * k) <= end:",
        "while add_months(start, months * k) < end:",
    ),
    (
        "discharge on a visit day",
        "src/smi_care/rules/schedule.py",
        "and (last is None or e.date >= last.visit_date)]",
        "and (last is None or e.date > last.visit_date)]",
    ),
    (
        "retry date vs discharge",
        "src/smi_care/rules/schedule.py",
        "past[-1].visit_date >= discharge)",
        "past[-1].visit_date > discharge)",
    ),
    ("police-alert window", "src/smi_care/rules/worklist.py", "lookback <= e.date <= on", "lookback < e.date <= on"),
    (
        "24-hour emergency window",
        "src/smi_care/rules/worklist.py",
        "e.date + dt.timedelta(hours=policy.emergency_record_hours)",
        "e.date + dt.timedelta(days=policy.emergency_record_hours)",
    ),
    (
        "age-band labels",
        "src/smi_care/indicators/evaluate.py",
        "hi = self.bounds[i + 1] - 1 if",
        "hi = self.bounds[i + 1] if",
    ),
    (
        "lost after 3 failures",
        "src/smi_care/rules/status.py",
        "failures >= policy.consecutive_failures_lost",
        "failures > policy.consecutive_failures_lost",
    ),
    ("contract ending on D", "src/smi_care/indicators/facts.py", "e.contract_end >= end)", "e.contract_end > end)"),
    ("lock-up fallback", "src/smi_care/rules/status.py", "    return record.patient.past_lockup", "    return None"),
]
TESTS = ["tests/test_rules_boundaries.py", "tests/test_indicator_policies.py"]
survived = 0
for name, f, old, new in M:
    p = R / f
    src = p.read_text()
    assert src.count(old) == 1, (name, src.count(old))
    p.write_text(src.replace(old, new))
    try:
        out = subprocess.run(
            [str(R / ".venv/bin/python"), "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", *TESTS],
            cwd=R,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        p.write_text(src)
    failed = [ln.split("::")[1].split(" ")[0] for ln in out.splitlines() if ln.startswith("FAILED")]
    survived += not failed
    print(f"{name}: {'KILLED' if failed else 'SURVIVED'} by {', '.join(sorted(set(x.split('[')[0] for x in failed)))}")
sys.exit(1 if survived else 0)
