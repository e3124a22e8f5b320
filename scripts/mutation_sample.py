"""Print every k-th mutant of some modules: a sample to run when a module's full run cannot finish.

Reads the mutant names mutmut generated (``mutants/src/<module>.meta``), orders them by function
and number, and prints every ``k``-th one from the first, one per line, for ``mutmut run``:

    .venv/bin/python scripts/mutation_sample.py src/smi_care/indicators/facts_table.py 3 > sample.txt
    nice -n 15 .venv/bin/mutmut run --max-children 1 $(cat sample.txt)

The score of a sample (``scripts/mutation_score.py`` counts mutants without a verdict as "not
run yet", not as survivors) is stated as a sample in docs/testing.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def sample(meta: Path, k: int) -> list[str]:
    names = json.loads(meta.read_text())["exit_code_by_key"]

    def key(name: str) -> tuple[str, int]:
        function, _, number = name.rpartition("__mutmut_")
        return function, int(number)

    return sorted(names, key=key)[::k]


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: mutation_sample.py src/smi_care/MODULE.py K  (K >= 1: every K-th mutant)", file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parent.parent
    meta = root / "mutants" / f"{argv[0]}.meta"
    if not meta.exists():
        print(f"no mutants for {argv[0]} ({meta} missing): run mutmut once to generate them", file=sys.stderr)
        return 1
    print("\n".join(sample(meta, int(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
