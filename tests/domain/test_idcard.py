from datetime import date
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.idcard import (
    IdNumberInfo,
    InvalidIdNumber,
    age_on,
    check_digit,
    make_id_number,
    parse_id_number,
)

TODAY = date(2026, 6, 1)

# Check digit worked by hand: digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 times weights
# 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167;
# 167 mod 11 = 2, and "10X98765432"[2] = "X".
KNOWN_VALID = "11010519491231002X"


def test_it_computes_the_check_digit() -> None:
    assert check_digit("11010519491231002") == "X"
    # 7+9+0+5+0+4+2+9+54+0+0+27+0+35+0+0+2 = 154; 154 mod 11 = 0 → "1".
    assert check_digit("11010119900307001") == "1"
    with pytest.raises(InvalidIdNumber):
        check_digit("1101011990030700")


def test_it_parses_a_known_valid_number() -> None:
    info = parse_id_number(KNOWN_VALID, today=TODAY)
    assert info == IdNumberInfo(
        number=KNOWN_VALID, region_code="110105", birth_date=date(1949, 12, 31), gender="F"
    )


def test_it_accepts_lower_case_x_and_spaces() -> None:
    assert parse_id_number("11010519491231002x", today=TODAY).number == KNOWN_VALID
    assert parse_id_number(" 110105 19491231 002x ", today=TODAY).number == KNOWN_VALID


def test_it_reads_gender_from_the_seventeenth_digit() -> None:
    assert parse_id_number("110101199003070011", today=TODAY).gender == "M"
    assert parse_id_number(KNOWN_VALID, today=TODAY).gender == "F"


def test_it_reports_a_wrong_check_digit() -> None:
    with pytest.raises(InvalidIdNumber, match=r"^校验位错误：应为 X，实为 3$"):
        parse_id_number("110105194912310023", today=TODAY)


def _with_check_digit(first17: str) -> str:
    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "^身份证号码为空$"),
        ("1101051949", "^长度错误：应为 18 位，实为 10 位$"),
        ("11010519491231002X1", "^长度错误：应为 18 位，实为 19 位$"),
        ("1101051949123100XX", "^字符错误：第 17 位「X」不是数字$"),
        ("11010519491231002A", "^字符错误：第 18 位「A」应为数字或 X$"),
        ("x10105194912310023", "^字符错误：第 1 位「x」不是数字$"),
        (_with_check_digit("99010519491231002"), "^地区码错误：省级代码 99 不存在$"),
        (_with_check_digit("10010519491231002"), "^地区码错误：省级代码 10 不存在$"),
        (_with_check_digit("11010519900230001"), "^出生日期错误：19900230 不是有效日期$"),
        (_with_check_digit("11010520230229001"), "不是有效日期"),  # 2023 is not a leap year
        (_with_check_digit("11010518991231001"), "早于 1900-01-01"),
        (_with_check_digit("11010520260602001"), "^出生日期错误：2026-06-02 晚于今天"),
    ],
)
def test_it_says_exactly_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidIdNumber, match=message):
        parse_id_number(text, today=TODAY)


def test_it_is_a_value_error_and_allows_birth_today() -> None:
    assert issubclass(InvalidIdNumber, ValueError)
    number = make_id_number(region_code="310104", birth_date=TODAY, sequence=0, gender="M")
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_it_accepts_every_listed_province() -> None:
    provinces = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45]
    provinces += [46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
    for code in provinces:
        number = _with_check_digit(f"{code}010119900101001")
        assert parse_id_number(number, today=TODAY).region_code == f"{code}0101"
    for code in (16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 83, 90):
        with pytest.raises(InvalidIdNumber, match="地区码错误"):
            parse_id_number(_with_check_digit(f"{code}010119900101001"), today=TODAY)


def test_it_makes_numbers_with_the_requested_parts() -> None:
    number = make_id_number(
        region_code="440305", birth_date=date(1988, 8, 8), sequence=7, gender="F"
    )
    assert number[:17] == "44030519880808072"
    assert number[17] == check_digit(number[:17])
    male = make_id_number(region_code="440305", birth_date=date(1988, 8, 8), sequence=7, gender="M")
    assert male[16] == "1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region_code": "4403", "birth_date": date(1990, 1, 1), "sequence": 1, "gender": "M"},
        {"region_code": "990305", "birth_date": date(1990, 1, 1), "sequence": 1, "gender": "M"},
        {"region_code": "440305", "birth_date": date(1899, 1, 1), "sequence": 1, "gender": "M"},
        {"region_code": "440305", "birth_date": date(1990, 1, 1), "sequence": 100, "gender": "M"},
        {"region_code": "440305", "birth_date": date(1990, 1, 1), "sequence": -1, "gender": "M"},
        {"region_code": "440305", "birth_date": date(1990, 1, 1), "sequence": 1, "gender": "X"},
    ],
)
def test_it_refuses_to_make_invalid_numbers(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make_id_number(**kwargs)  # type: ignore[arg-type]


regions = st.builds(
    lambda p, rest: f"{p}{rest:04d}",
    st.sampled_from(["11", "31", "44", "65", "71", "81", "82"]),
    st.integers(0, 9999),
)
genders: st.SearchStrategy[Literal["M", "F"]] = st.sampled_from(["M", "F"])


@given(
    region=regions,
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 99),
    gender=genders,
)
def test_it_parses_back_what_it_makes(
    region: str, birth: date, sequence: int, gender: Literal["M", "F"]
) -> None:
    number = make_id_number(region_code=region, birth_date=birth, sequence=sequence, gender=gender)
    info = parse_id_number(number, today=TODAY)
    assert (info.region_code, info.birth_date, info.gender) == (region, birth, gender)
    assert info.number == number


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    position=st.integers(0, 17),
    shift=st.integers(1, 10),
)
def test_it_detects_any_single_character_change(birth: date, position: int, shift: int) -> None:
    # MOD 11-2 catches every single-character substitution; a change may also be caught earlier
    # (province, date), which is fine: what matters is that it never parses.
    number = make_id_number(region_code="110105", birth_date=birth, sequence=3, gender="F")
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    changed = alphabet[(old + shift) % len(alphabet)]
    if changed == number[position]:
        return
    with pytest.raises(InvalidIdNumber):
        parse_id_number(number[:position] + changed + number[position + 1 :], today=TODAY)


def test_it_computes_age_in_completed_years() -> None:
    birth = date(1990, 3, 7)
    assert age_on(birth, date(2026, 3, 6)) == 35
    assert age_on(birth, date(2026, 3, 7)) == 36
    assert age_on(birth, birth) == 0
    leap = date(2000, 2, 29)
    assert age_on(leap, date(2025, 2, 28)) == 24
    assert age_on(leap, date(2025, 3, 1)) == 25
    assert age_on(leap, date(2028, 2, 29)) == 28
    with pytest.raises(ValueError):
        age_on(birth, date(1990, 3, 6))


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    days=st.integers(0, 40000),
    more=st.integers(0, 400),
)
def test_it_age_never_decreases(birth: date, days: int, more: int) -> None:
    from datetime import timedelta

    a = birth + timedelta(days=days)
    b = a + timedelta(days=more)
    assert 0 <= age_on(birth, a) <= age_on(birth, b) <= age_on(birth, a) + 2
