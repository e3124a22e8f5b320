"""The registry's settings file: ``registry.toml`` (or ``registry.json``) and its form edition."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from smi_care.domain.codes import (
    FormEdition,
)
from smi_care.domain.errors import SmiCareError
from smi_care.registry.problems import Problem, RegistryReadError
from smi_care.registry.raw import reading


def read_edition(folder: Path) -> FormEdition:
    """The form edition from ``registry.toml`` or ``registry.json`` (default ``WS2018``)."""
    meta: Any = {}
    toml, js = folder / "registry.toml", folder / "registry.json"
    name = toml.name if toml.exists() else js.name
    with reading(name):
        if toml.exists():
            meta = tomllib.loads(_metadata_text(toml))
        elif js.exists():
            meta = json.loads(_metadata_text(js))
    if not isinstance(meta, dict):
        raise RegistryReadError(Problem(name, 1, "", "", f"must hold a table of settings (format_version, "
                                        f"edition), not {type(meta).__name__}", "bad_file"))
    version = meta.get("format_version", 1)
    if version != 1:
        raise RegistryReadError(Problem("registry.toml", 1, "format_version", str(version),
                                        "only format_version 1 is supported", "bad_file"))
    edition = meta.get("edition", meta.get("form_edition", "WS2018"))
    try:
        return FormEdition.from_code(str(edition))
    except SmiCareError:
        raise RegistryReadError(Problem("registry.toml", 1, "edition", str(edition),
                                        f"edition must be one of {FormEdition.expected()}", "bad_file")) from None


def _metadata_text(path: Path) -> str:
    """The text of ``registry.toml``/``registry.json``: UTF-8 (BOM allowed), else GB18030 as
    for the other files; a byte valid in neither is an error naming the file and the byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RegistryReadError(Problem(path.name, data.count(b"\n", 0, exc.start) + 1, "", "",
                                        f"byte {exc.start + 1} is valid neither as UTF-8 nor as GB18030",
                                        "bad_file")) from None
