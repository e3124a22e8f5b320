import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi_care.domain import AreaCode, AreaLevel, IdentityError, ResidentId, Sex
from smi_care.domain.identity import check_character, upgrade_legacy
from smi_care.testing import resident_ids

ALPHABET = "0123456789X"


@given(resident_ids())
def test_every_generated_identity_number_validates(rid: ResidentId) -> None:
    assert ResidentId.parse(rid.value) == rid


@given(resident_ids(), st.integers(0, 17), st.sampled_from(ALPHABET))
def test_every_single_character_change_is_rejected(rid: ResidentId, pos: int, char: str) -> None:
    if rid.value[pos] == char:
        return
    changed = rid.value[:pos] + char + rid.value[pos + 1:]
    with pytest.raises(IdentityError):
        ResidentId.parse(changed)


@given(resident_ids(sex=Sex.FEMALE, birth=dt.date(1990, 2, 28)))
def test_sex_and_birth_date_read_from_number(rid: ResidentId) -> None:
    assert rid.sex is Sex.FEMALE
    assert rid.birth_date == dt.date(1990, 2, 28)


def test_known_number_with_x_check_character() -> None:
    rid = ResidentId.parse("11010519491231002x")
    assert rid.value.endswith("X") and rid.sex is Sex.FEMALE
    assert check_character("11010519491231002") == "X"


def test_error_never_shows_the_number() -> None:
    with pytest.raises(IdentityError) as err:
        ResidentId.parse("110105194912310021")
    assert "110105194912310021" not in str(err.value)
    assert "check character" in str(err.value)
    assert "110105" not in repr(ResidentId.parse("11010519491231002X"))


def test_legacy_fifteen_digit_number() -> None:
    rid = ResidentId.parse("110105491231002")
    assert rid.is_legacy and rid.birth_date == dt.date(1949, 12, 31) and rid.sex is Sex.FEMALE
    assert upgrade_legacy("110105491231002").value == "11010519491231002X"


@pytest.mark.parametrize("bad", ["", "123", "11010519491331002X", "1101051949123100AX", "11010549123100A"])
def test_malformed_numbers_rejected(bad: str) -> None:
    with pytest.raises(IdentityError):
        ResidentId.parse(bad)


def test_disagreement_with_recorded_sex_and_birth() -> None:
    rid = ResidentId.parse("11010519491231002X")
    reasons = rid.disagreements(Sex.MALE, dt.date(1950, 1, 1))
    assert len(reasons) == 2


def test_area_levels_parents_and_within() -> None:
    v = AreaCode("110105001002")
    assert v.level is AreaLevel.VILLAGE
    assert [a.code for a in v.ancestors()] == ["110105001", "110105", "110100", "110000"]
    assert AreaCode("110105001").level is AreaLevel.TOWNSHIP
    assert AreaCode("110105001000").level is AreaLevel.TOWNSHIP
    assert AreaCode("110000").level is AreaLevel.PROVINCE
    assert v.within(AreaCode("110105")) and v.within(v)
    assert not v.within(AreaCode("110106"))
    assert not AreaCode("110105").within(v)
    assert v.at(AreaLevel.CITY) == AreaCode("110100")
    with pytest.raises(ValueError):
        AreaCode("11010")
