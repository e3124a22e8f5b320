"""The per-patient rules and the domain work without the columnar engine (docs/decisions.md)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKED = ("polars", "fastexcel", "xlsxwriter", "tqdm", "pyarrow", "duckdb", "pandas")


def run_without_columnar(code: str) -> subprocess.CompletedProcess[str]:
    prelude = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in BLOCKED)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120)


#: The rules over a patient's history: one home, in the columnar engine (issue 25, docs/architecture.md).
ENGINE_MODULES = ("smi_care.rules.history", "smi_care.rules.record_tables", "smi_care.rules.status",
                  "smi_care.rules.worklist", "smi_care.rules.quality")


def test_every_scalar_rule_and_domain_module_imports_without_polars() -> None:
    done = run_without_columnar(f"""
        import importlib, pkgutil
        import smi_care.domain, smi_care.rules
        names = []
        for package in (smi_care.domain, smi_care.rules):
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                if info.name in {ENGINE_MODULES!r}:
                    continue
                importlib.import_module(info.name)
                names.append(info.name)
        print(len(names))
        """)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 10


def test_a_follow_up_app_classifies_and_schedules_without_polars() -> None:
    done = run_without_columnar("""
        import datetime as dt
        from smi_care.domain.codes import Classification
        from smi_care.rules.schedule import next_visit_date
        print(next_visit_date(dt.date(2025, 1, 31), Classification.STABLE))
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2025-04-30"


def test_the_columnar_packages_say_what_is_missing() -> None:
    done = run_without_columnar("import smi_care.indicators")
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr and "polars" in done.stderr
