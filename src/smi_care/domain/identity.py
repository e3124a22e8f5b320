"""Resident identity numbers and area codes (national-rules §9).

>>> rid = ResidentId.parse("11010519491231002X")
>>> rid.birth_date, rid.sex
(datetime.date(1949, 12, 31), <Sex.FEMALE: 2>)
>>> rid
ResidentId(<hidden>)
>>> AreaCode("110105001002").level
<AreaLevel.VILLAGE: 5>
>>> AreaCode("110105001002").within(AreaCode("110100"))
True
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import attrs

from smi_care.domain.codes import Sex
from smi_care.domain.errors import AreaCodeError, IdentityError, quoted

#: ISO 7064 MOD 11-2 weights for the first 17 characters (GB 11643-1999).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: Remainder (index) to check character.
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits of an identity number.

    >>> check_character("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise IdentityError("needs 17 digits before its check character")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


@attrs.frozen(repr=False)
class ResidentId:
    """A validated resident identity number (公民身份号码). Never shown in a repr or str."""

    value: str

    def __repr__(self) -> str:
        return "ResidentId(<hidden>)"

    __str__ = __repr__

    @classmethod
    def parse(cls, text: str) -> ResidentId:
        """Validate an 18-character (or legacy 15-digit) number.

        Errors say what is wrong without repeating the number.
        """
        value = text.strip().upper()
        if len(value) == 18:
            if not value[:17].isdigit():
                raise IdentityError("must have 17 digits before the check character")
            if value[17] != check_character(value[:17]):
                raise IdentityError("fails its check character (ISO 7064 MOD 11-2)")
            birth = value[6:14]
        elif len(value) == 15:
            if not value.isdigit():
                raise IdentityError("a legacy 15-character number must be all digits")
            birth = "19" + value[6:12]
        else:
            raise IdentityError(f"must have 18 characters (or 15 for a legacy number), not {len(value)}")
        try:
            dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
        except ValueError:
            raise IdentityError("holds a birth date that does not exist") from None
        return cls(value)

    @property
    def is_legacy(self) -> bool:
        return len(self.value) == 15

    @property
    def birth_date(self) -> dt.date:
        """The birth date written in the number."""
        b = "19" + self.value[6:12] if self.is_legacy else self.value[6:14]
        return dt.date(int(b[:4]), int(b[4:6]), int(b[6:8]))

    @property
    def sex(self) -> Sex:
        """Odd sequence digit: male; even: female."""
        digit = int(self.value[14] if self.is_legacy else self.value[16])
        return Sex.MALE if digit % 2 else Sex.FEMALE

    @property
    def area_prefix(self) -> str:
        return self.value[:6]

    def disagreements(self, sex: Sex, birth_date: dt.date) -> list[str]:
        """Plain-word reasons why the number disagrees with a recorded sex and birth date."""
        reasons = []
        if sex in (Sex.MALE, Sex.FEMALE) and sex is not self.sex:
            reasons.append(f"resident_id gives sex {self.sex.code} {self.sex.label}, but sex is {sex.code}")
        if birth_date != self.birth_date:
            reasons.append("resident_id gives a birth date other than birth_date")
        return reasons


def upgrade_legacy(legacy: str) -> ResidentId:
    """Turn a 15-digit legacy number into its 18-character form (century 19, check added).

    >>> upgrade_legacy("110105491231002").value
    '11010519491231002X'
    """
    old = ResidentId.parse(legacy)
    if not old.is_legacy:
        raise IdentityError("is not a legacy 15-digit number")
    first17 = old.value[:6] + "19" + old.value[6:]
    return ResidentId.parse(first17 + check_character(first17))


class AreaLevel(Enum):
    """Administrative levels at which indicators are reported (§9)."""

    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5

    @classmethod
    def parse(cls, text: str) -> AreaLevel:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(m.name.lower() for m in cls)
            raise AreaCodeError(f"area level {quoted(text)} is not one of {names}") from None


#: Number of significant digits of a code at each level.
_LEVEL_DIGITS = {AreaLevel.PROVINCE: 2, AreaLevel.CITY: 4, AreaLevel.COUNTY: 6, AreaLevel.TOWNSHIP: 9, AreaLevel.VILLAGE: 12}


def _check_area(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or len(value) not in (6, 9, 12) or not (value.isascii() and value.isdigit()):
        raise AreaCodeError(f"area code {quoted(value)} must be 6, 9 or 12 digits (GB/T 2260 or statistical code)")


@attrs.frozen(order=True)
class AreaCode:
    """A 6-digit administrative (GB/T 2260) or 9/12-digit statistical area code.

    Trailing zero groups mark a higher level: ``110000`` is a province, ``110100`` a city,
    ``110105`` a county, ``110105001`` a township, ``110105001002`` a village.
    """

    code: str = attrs.field(validator=_check_area)

    def __str__(self) -> str:
        return self.code

    @property
    def level(self) -> AreaLevel:
        c = self.code
        if len(c) == 12 and c[9:] != "000":
            return AreaLevel.VILLAGE
        if len(c) >= 9 and c[6:9] != "000":
            return AreaLevel.TOWNSHIP
        if c[4:6] != "00":
            return AreaLevel.COUNTY
        if c[2:4] != "00":
            return AreaLevel.CITY
        return AreaLevel.PROVINCE

    @property
    def prefix(self) -> str:
        """The significant digits: what every code within this area starts with."""
        return self.code[: _LEVEL_DIGITS[self.level]]

    def at(self, level: AreaLevel) -> AreaCode:
        """This area's ancestor (or itself) at ``level``, written in its canonical length.

        >>> AreaCode("110105001002").at(AreaLevel.TOWNSHIP)
        AreaCode(code='110105001')
        """
        if level.value > self.level.value:
            raise AreaCodeError(f"area {self.code} is at {self.level.name.lower()} level, above {level.name.lower()}")
        digits = _LEVEL_DIGITS[level]
        length = 6 if digits <= 6 else digits
        return AreaCode(self.code[:digits].ljust(length, "0"))

    @property
    def parent(self) -> AreaCode | None:
        if self.level is AreaLevel.PROVINCE:
            return None
        return self.at(AreaLevel(self.level.value - 1))

    def ancestors(self) -> tuple[AreaCode, ...]:
        """The areas that contain this one, nearest first."""
        out: list[AreaCode] = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return tuple(out)

    def within(self, other: AreaCode) -> bool:
        """True when this area is ``other`` or lies inside it."""
        return self.code.startswith(other.prefix) and self.level.value >= other.level.value
