"""The per-patient rules and the domain work without the columnar engine (docs/decisions.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import smi_care

BLOCKED = ("polars", "fastexcel", "xlsxwriter", "tqdm", "pyarrow", "duckdb", "pandas")


def run_without_columnar(code: str) -> subprocess.CompletedProcess[str]:
    prelude = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in BLOCKED)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120)


#: The rules over a patient's history: one home, in the columnar engine (issue 25, docs/architecture.md).
#: Since they moved there, ``smi_care.rules`` as a package needs polars (a required dependency);
#: the scalar rules themselves still import nothing of the engine, checked here from their source
#: (``rules.worklist`` and ``rules.quality`` too, since their loops moved to tests/oracle/).
ENGINE_MODULES = ("history", "record_tables", "status")
ENGINE_IMPORTS = ("polars", "fastexcel", "xlsxwriter", "pyarrow", "duckdb", "pandas", "smi_care.indicators",
                  *(f"smi_care.rules.{m}" for m in ENGINE_MODULES))


def top_level_imports(path: Path) -> list[str]:
    """The modules ``path`` imports when it is imported (not those imported inside a function)."""
    out: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def test_the_scalar_rules_and_the_domain_import_nothing_of_the_engine() -> None:
    root = Path(smi_care.__file__).parent
    modules = [p for p in [*(root / "domain").glob("*.py"), *(root / "rules").glob("*.py")]
               if p.stem not in ENGINE_MODULES and p.name != "__init__.py"]
    assert len(modules) >= 10
    wrong = [f"{p.relative_to(root)} imports {m}" for p in modules for m in top_level_imports(p)
             if m.startswith(ENGINE_IMPORTS)]
    assert wrong == []


def test_the_check_sees_an_engine_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import datetime\nimport polars as pl\ndef f():\n    import duckdb\n", encoding="utf-8")
    assert top_level_imports(module) == ["datetime", "polars"]


def test_a_follow_up_app_classifies_and_schedules() -> None:
    import datetime as dt

    from smi_care.domain.codes import Classification
    from smi_care.rules.schedule import next_visit_date

    assert next_visit_date(dt.date(2025, 1, 31), Classification.STABLE) == dt.date(2025, 4, 30)


def test_the_columnar_packages_say_what_is_missing() -> None:
    done = run_without_columnar("import smi_care.indicators")
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr and "polars" in done.stderr
