"""Merge the verdicts of a mutmut run made in a scratch copy of the project into ``mutants/``.

On a loaded machine the full test selection can be too slow for some modules. A scratch copy
(``git archive HEAD | tar -x -C DIR``) whose ``pyproject.toml`` mutates the same modules against a
*subset* of the selected tests runs much faster; its mutants have the same names as long as the
sources are the same (checked). A kill by a subset of the selection is a kill; any other verdict
is copied only where ``mutants/`` has none yet (a survivor of a subset might have been killed by
the whole selection, so this only ever errs towards survivors).

    .venv/bin/python scripts/mutation_merge.py DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KILLED = {1, 3, 37}


def main(scratch: Path) -> int:
    root = Path(__file__).resolve().parent.parent
    merged = 0
    for meta in sorted((scratch / "mutants").rglob("*.py.meta")):
        rel = meta.relative_to(scratch / "mutants")
        source = str(rel)[: -len(".meta")]
        if (scratch / source).read_bytes() != (root / source).read_bytes():
            print(f"{source}: the scratch copy's source differs from this one; not merged")
            return 1
        target = root / "mutants" / rel
        if not target.exists():
            continue
        theirs = json.loads(meta.read_text())["exit_code_by_key"]
        data = json.loads(target.read_text())
        ours = data["exit_code_by_key"]
        for name, code in theirs.items():
            if name not in ours or code is None:
                continue
            if (code in KILLED and ours[name] not in KILLED) or ours[name] is None:
                ours[name] = code
                merged += 1
        target.write_text(json.dumps(data, indent=4))
    print(f"merged {merged} verdicts from {scratch}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
