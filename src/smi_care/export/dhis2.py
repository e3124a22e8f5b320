"""A report as a DHIS2 ``dataValueSet`` (JSON or CSV), through a mapping file.

DHIS2 knows data elements, category option combos and organisation units by its own ids. A
mapping file (CSV, UTF-8) says which is which, one line per thing mapped::

    kind,key,dhis2_id
    indicator,management_rate,DE_manage01
    indicator,management_rate.numerator,DE_manage_n
    coc,default,HllvX50cXC0
    orgunit,360102001,OU_donghu01
    orgunit,total,OU_county01

``indicator`` lines map an indicator's value (``key`` = its id), and optionally its
numerator or denominator (``key`` = ``id.numerator`` / ``id.denominator``), to a data
element; one ``coc`` line gives the category option combo (``default`` when absent);
``orgunit`` lines map an area code (or ``total`` for the report's whole area) to an
organisation unit. Results without a mapped data element or organisation unit, and the groups
of a sex, age or disorder breakdown, are not sent and are listed in
:attr:`DataValueSet.unmapped`, never dropped silently.

The DHIS2 period id is ``2025`` for a year, ``2025Q3`` for a quarter and ``202507`` for a
month:

>>> from smi_care.indicators import Period
>>> [dhis2_period(Period.parse(p)) for p in ("2025", "2025Q3", "2025-07")]
['2025', '2025Q3', '202507']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from smi_care.domain.checks import fail, text
from smi_care.domain.errors import SmiCareError
from smi_care.indicators.evaluate import Report
from smi_care.indicators.periods import Period
from smi_care.indicators.trend import period_label

DEFAULT_COC = "HllvX50cXC0"  # the id DHIS2 gives its built-in "default" category option combo


class MappingError(SmiCareError, ValueError):
    """A mapping file line that cannot be used; names the line, the column and the value."""


def _ids(what: str) -> Any:
    """Validator: a mapping of keys (text) to DHIS2 ids (text, not empty)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Mapping):
            raise fail(instance, attribute.name, value, f"expected a mapping of {what} keys to DHIS2 ids")
        for key, uid in value.items():
            if not isinstance(key, str) or not isinstance(uid, str) or not uid.strip():
                raise fail(instance, f"{attribute.name}[{key!r}]" if isinstance(key, str) else attribute.name, uid,
                           "expected a DHIS2 id (a text, not empty) under a text key")

    return check


@attrs.frozen
class Dhis2Mapping:
    """Indicator keys → data elements, area codes → organisation units, one category option combo."""

    data_elements: Mapping[str, str] = attrs.field(validator=_ids("data_elements"))
    org_units: Mapping[str, str] = attrs.field(validator=_ids("org_units"))
    category_option_combo: str = attrs.field(default=DEFAULT_COC, validator=text("a DHIS2 id"))

    @classmethod
    def read(cls, path: str | Path) -> Dhis2Mapping:
        """Read a mapping file (see the module's documentation)."""
        path = Path(path)
        des: dict[str, str] = {}
        ous: dict[str, str] = {}
        coc = DEFAULT_COC
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("kind", "key", "dhis2_id") if c not in (reader.fieldnames or [])]
            if missing:
                raise MappingError(f"{path.name}: the header has no column {missing[0]}; expected kind,key,dhis2_id")
            for n, row in enumerate(reader, start=2):
                kind, key, uid = ((row.get(c) or "").strip() for c in ("kind", "key", "dhis2_id"))
                if not uid:
                    raise MappingError(f"{path.name} line {n} column dhis2_id: empty; every line needs a DHIS2 id")
                if kind == "indicator":
                    des[key] = uid
                elif kind == "orgunit":
                    ous[key] = uid
                elif kind == "coc":
                    coc = uid
                else:
                    raise MappingError(f"{path.name} line {n} column kind: {kind!r} is not indicator, orgunit or coc")
        return cls(des, ous, coc)


def dhis2_period(period: Period) -> str:
    """The DHIS2 period id of a year, quarter or month; other ranges have none."""
    label = period_label(period)
    if len(label) == 4 or "Q" in label:
        return label
    if len(label) == 7:
        return label.replace("-", "")
    raise ValueError(f"period {period} is not a year, quarter or month, so it has no DHIS2 period id")


@attrs.frozen
class DataValueSet:
    """The data values to send and what could not be mapped (``indicator/area`` keys)."""

    period: str
    data_values: tuple[dict[str, str], ...]
    unmapped: tuple[str, ...]

    def to_json_data(self) -> dict[str, Any]:
        """The DHIS2 ``dataValueSets`` import payload."""
        return {"period": self.period, "dataValues": list(self.data_values)}

    def to_csv(self) -> str:
        """The DHIS2 CSV import format (dataelement, period, orgunit, categoryoptioncombo, ...)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value",
                    "storedby", "lastupdated", "comment", "followup"])
        for v in self.data_values:
            w.writerow([v["dataElement"], v["period"], v["orgUnit"], v["categoryOptionCombo"], "", v["value"], "",
                        "", v.get("comment", ""), "false"])
        return buf.getvalue()


def _number(x: float | int) -> str:
    return str(x) if isinstance(x, int) else f"{x:.4f}".rstrip("0").rstrip(".")


def data_value_set(report: Report, mapping: Dhis2Mapping) -> DataValueSet:
    """The report's figures as DHIS2 data values. Each value is the report's value (rounded to
    four decimals), numerator or denominator; results with no value (denominator 0) are not sent."""
    pe = dhis2_period(report.period)
    values: list[dict[str, str]] = []
    unmapped: list[str] = []
    for r in report.results:
        if r.group and r.area is None:
            # sex, age or disorder groups (and patients of no known area): DHIS2 disaggregates
            # these by categories, not org units; they are listed as not sent
            unmapped.append(f"{r.indicator}/{r.group}")
            continue
        ou = mapping.org_units.get(r.area or "total")
        parts: list[tuple[str, float | int | None]] = [(r.indicator, r.value), (f"{r.indicator}.numerator", r.numerator),
                                                      (f"{r.indicator}.denominator", r.denominator)]
        sent = False
        for key, x in parts:
            de = mapping.data_elements.get(key)
            if de is None or x is None or ou is None:
                continue
            values.append({"dataElement": de, "period": pe, "orgUnit": ou,
                           "categoryOptionCombo": mapping.category_option_combo, "value": _number(x)})
            sent = True
        if not sent:
            unmapped.append(f"{r.indicator}/{r.area or 'total'}")
    return DataValueSet(pe, tuple(values), tuple(unmapped))
