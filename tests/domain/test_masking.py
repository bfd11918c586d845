import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.masking import mask_bank_account, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110101199003071234", "110101********1234"),
        ("11010519491231002X", "110105********002X"),
        ("110101900307123", "110101*****7123"),  # old 15-digit number
        ("12345678901234", "123456****1234"),
        ("123456789012", "1234****9012"),
        ("12345678", "****5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_it_masks_id_numbers(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("02112345678", "021****5678"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_it_masks_phones(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6222021234567890123", "6222 **** **** 0123"),
        ("6222 0212 3456 7890 123", "6222 **** **** 0123"),
        ("6222021234567890", "6222 **** **** 7890"),
        ("12345678", "**** 5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_it_masks_bank_accounts(value: str, expected: str) -> None:
    assert mask_bank_account(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("买买提·艾力", "买**·**"),
        ("张", "*"),
        (" 张三 ", "张*"),
        ("", ""),
    ],
)
def test_it_masks_names(value: str, expected: str) -> None:
    assert mask_name(value) == expected


digits = st.text(alphabet="0123456789", max_size=30)


@given(value=digits)
def test_it_keeps_length_and_hides_at_least_four_id_characters(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked.count("*") >= min(4, len(value))
    if len(value) >= 8:
        assert masked[-4:] == value[-4:]


@given(value=digits)
def test_it_keeps_phone_length_and_ends(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    if len(value) >= 8:
        assert (masked[:3], masked[-4:]) == (value[:3], value[-4:])
    else:
        assert set(masked) <= {"*"}


@given(value=st.text(alphabet="0123456789", min_size=12, max_size=30))
def test_it_hides_bank_account_length(value: str) -> None:
    assert mask_bank_account(value) == f"{value[:4]} **** **** {value[-4:]}"


@given(value=st.text(alphabet=st.characters(categories=["Lo"]), min_size=1, max_size=10))
def test_it_keeps_only_the_first_character_of_a_name(value: str) -> None:
    masked = mask_name(value)
    assert len(masked) == len(value)
    assert masked[1:] == "*" * (len(value) - 1)
