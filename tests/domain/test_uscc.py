from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.uscc import ALPHABET, InvalidCreditCode, make_credit_code, parse_credit_code


def test_it_accepts_a_published_code() -> None:
    # The example printed on GB 32100-2015 specimen licences.
    assert parse_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_it_normalises_spaces_and_case() -> None:
    assert parse_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_it_names_the_expected_check_character() -> None:
    with pytest.raises(InvalidCreditCode, match="校验位错误：应为 3，实为 4"):
        parse_credit_code("91350100M000100Y44")


def test_it_rejects_letters_outside_the_alphabet_and_bad_length() -> None:
    with pytest.raises(InvalidCreditCode, match="不允许的字符：I"):
        parse_credit_code("91350100I000100Y43")
    with pytest.raises(InvalidCreditCode, match="应为18位，实为17位"):
        parse_credit_code("91350100M000100Y4")


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_it_makes_codes_that_parse(body: str) -> None:
    assert parse_credit_code(make_credit_code(body))[:17] == body
