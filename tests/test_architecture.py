"""The direction of the imports (docs/decisions.md, "Which package may import which"): values at
the bottom, pure rules on them, evaluation on the rules, files and the command line at the edges.
A new import that points the wrong way fails here, naming the module and the import."""

from __future__ import annotations

import ast
from pathlib import Path

import smi_care

ROOT = Path(smi_care.__file__).parent

# package (a folder, or a module at the top) -> the packages of ours it may import
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "rules": {"domain"},
    "registry": {"domain"},
    "serial": {"domain"},
    "testing": {"domain"},
    "labels": {"domain", "indicators", "registry"},
    "indicators": {"domain", "rules", "labels", "registry", "export"},
    "programme": {"domain", "rules", "indicators", "registry", "export"},
    "pilot": {"domain", "rules", "indicators", "registry"},  # the pilot's area indicators, like programme/
    "validation": {"domain", "rules", "registry", "indicators"},
    "synth": {"domain", "registry", "rules", "programme"},
    "scale": {"domain", "indicators", "registry"},
    "export": {"domain", "rules", "indicators", "labels", "registry", "validation", "programme", "pilot"},
    "cli": {"__init__", "domain", "rules", "indicators", "labels", "registry", "scale", "synth", "validation", "export",
            "programme", "pilot"},
    "__main__": {"cli"},
    "__init__": set(),
}

# Edges that are allowed above but narrower than a whole package: the importer may use only these modules.
NARROW: dict[tuple[str, str], set[str]] = {
    # formatting a report shows area names; nothing else of the reader
    ("indicators", "registry"): {"smi_care.registry.areas"},
    ("labels", "registry"): {"smi_care.registry.areas"},
    # a report's CSV and text go through the output layer's formula-safe cells and display-width
    # tables (leaves: they import nothing of ours)
    ("indicators", "export"): {"smi_care.export.cells", "smi_care.export.terminal"},
    ("programme", "export"): {"smi_care.export.terminal"},
}


def imports(source: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "smi_care" else [
                f"smi_care.{a.name}" if (ROOT / a.name).is_dir() or (ROOT / f"{a.name}.py").is_file() else "smi_care"
                for a in node.names]
            out += [(node.lineno, n) for n in names if n.startswith("smi_care")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("smi_care")]
    return out


def wrong_way(rel: str, source: str) -> list[str]:
    """The imports of one module (``rel``: its path under smi_care/) that point the wrong way."""
    here = rel.split("/")[0].removesuffix(".py")
    bad: list[str] = []
    for line, module in imports(source):
        parts = module.split(".")
        there = parts[1] if len(parts) > 1 else "__init__"
        if there == here:
            continue
        where = f"smi_care/{rel}:{line} imports {module}"
        if here not in ALLOWED:
            bad.append(f"{where}: package {here!r} is not in the map; add it to ALLOWED with its reason")
        elif there not in ALLOWED[here]:
            bad.append(f"{where}: {here}/ may import only {sorted(ALLOWED[here])}")
        elif (here, there) in NARROW and not any(module == m or module.startswith(m + ".")
                                                 for m in NARROW[(here, there)]):
            bad.append(f"{where}: {here}/ may use only {sorted(NARROW[(here, there)])} of {there}/")
    return bad


def test_every_import_points_the_right_way() -> None:
    found = [problem for path in sorted(ROOT.rglob("*.py"))
             for problem in wrong_way(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))]
    assert found == []


def test_nothing_imports_the_command_line() -> None:
    assert all("cli" not in allowed for pkg, allowed in ALLOWED.items() if pkg != "__main__")


def test_the_check_sees_a_wrong_import() -> None:
    assert wrong_way("rules/schedule.py", "import datetime\nfrom smi_care.registry import read_tables\n") == [
        "smi_care/rules/schedule.py:2 imports smi_care.registry: rules/ may import only ['domain']"]
    assert wrong_way("indicators/output.py", "from smi_care.registry.tables import read_tables\n")
    assert wrong_way("indicators/output.py", "from smi_care.registry.areas import AreaNames\n") == []
    assert wrong_way("newpkg/x.py", "from smi_care.domain import Patient\n")
