"""Print mutmut's verdicts per module, with the mutants listed as equivalent taken out.

Reads ``mutants/**/*.py.meta`` (written by ``mutmut run``) and
``tests/mutation_equivalents.toml``. Exit status 1 when a module under ``src/smi_care/rules``
or one of the indicator definitions, facts, evaluation and policies scores below the target or
has mutants not run yet, or when a listed equivalent mutant is not a survivor any more.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import sys
import tomllib
from pathlib import Path

TARGET = 90.0
KILLED = {1, 3, 37}
SURVIVED = {0}
GATED = ("src/smi_care/rules/", "src/smi_care/indicators/definitions.py", "src/smi_care/indicators/facts.py",
         "src/smi_care/indicators/standard.py", "src/smi_care/indicators/periods.py",
         "src/smi_care/indicators/targets.py", "src/smi_care/indicators/evaluate.py")


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    equivalents = tomllib.loads((root / "tests" / "mutation_equivalents.toml").read_text(encoding="utf-8"))
    listed: dict[str, str] = {k: v["reason"] for k, v in equivalents.get("mutant", {}).items()}
    # only the modules mutmut is told to mutate (a module taken out of only_mutate leaves a stale .meta)
    only = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]["only_mutate"]
    metas = sorted(m for m in (root / "mutants").rglob("*.py.meta")
                   if any(fnmatch.fnmatch(str(m.relative_to(root / "mutants"))[: -len(".meta")], pat) for pat in only))
    if not metas:
        print("no mutation results: run bash scripts/mutation first")
        return 1
    status = 0
    rows = []
    survivors: list[str] = []
    seen_equivalent: set[str] = set()
    for meta in metas:
        module = str(meta.relative_to(root / "mutants"))[: -len(".meta")]
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        killed = survived = equivalent = other = pending = 0
        for name, code in codes.items():
            if name in listed:
                equivalent += 1
                seen_equivalent.add(name)
                if code not in SURVIVED:
                    print(f"listed as equivalent but not a survivor any more (code {code}): {name}")
                    status = 1
            elif code is None:
                pending += 1
            elif code in KILLED:
                killed += 1
            elif code in SURVIVED:
                survived += 1
                survivors.append(name)
            else:
                other += 1
                survivors.append(f"{name} ({'no test reaches it' if code in (5, 33) else f'exit code {code}'})")
        judged = killed + survived + other
        score = 100.0 * killed / judged if judged else 100.0
        rows.append((module, len(codes), equivalent, killed, judged, score, pending))
        if module.startswith(GATED) and (score < TARGET or pending):
            status = 1
    width = max(len(r[0]) for r in rows)
    print(f"mutation score on {dt.date.today().isoformat()} (killed / non-equivalent mutants; target {TARGET:.0f}%)")
    print(f"{'module':<{width}}  mutants  equivalent  killed  score   not run yet")
    total_k = total_j = 0
    for module, n, eq, k, j, score, todo in rows:
        print(f"{module:<{width}}  {n:>7}  {eq:>10}  {k:>4}/{j:<4} {score:5.1f}%  {todo or ''}")
        total_k, total_j = total_k + k, total_j + j
    print(f"{'all':<{width}}  {'':>7}  {'':>10}  {total_k:>4}/{total_j:<4} {100.0 * total_k / max(total_j, 1):5.1f}%")
    for name in sorted(set(listed) - seen_equivalent):
        print(f"listed as equivalent but no such mutant: {name}")
    if survivors:
        print("surviving mutants (kill with a test, or list in tests/mutation_equivalents.toml with the reason):")
        for s in survivors:
            print(f"  {s}")
    return status


if __name__ == "__main__":
    sys.exit(main())
