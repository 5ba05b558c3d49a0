"""The credit code's check character (GB 32100-2015) and the names that make one investor."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from investrack.projects.investor_keys import (
    CREDIT_CODE_CHARS,
    credit_code_check_char,
    investor_name_key,
    validate_credit_code,
)

seventeen = st.text(alphabet=CREDIT_CODE_CHARS, min_size=17, max_size=17)


def test_a_published_code_checks():
    validate_credit_code("91350100M000100Y43")  # the example of GB 32100-2015
    validate_credit_code(" 91350100m000100y43 ")  # as typed: lower case, spaces
    with pytest.raises(ValidationError, match="校验位不符"):
        validate_credit_code("91350100M000100Y44")


@given(seventeen)
def test_every_code_with_its_check_character_is_valid(first17):
    validate_credit_code(first17 + credit_code_check_char(first17))


@given(seventeen, st.integers(0, 16), st.sampled_from(CREDIT_CODE_CHARS))
def test_one_character_mistyped_is_caught(first17, at, char):
    code = first17 + credit_code_check_char(first17)
    typed = code[:at] + char + code[at + 1 :]
    if typed == code:
        return
    with pytest.raises(ValidationError):
        validate_credit_code(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("9135010", "18位"), ("91350100I000100Y43", "“I”"), ("91350100M000100Y4O", "“O”")],
)
def test_a_bad_code_says_what_is_wrong(typed, message):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(typed)
    assert message in str(caught.value.messages[0] % caught.value.params)


SAME = [
    ("宁德时代新能源科技股份有限公司", "宁德时代新能源科技有限公司"),
    ("比亚迪（中国）投资有限公司", "比亚迪(中国)投资 有限公司"),
    ("浙江吉利控股集团有限公司", "浙江吉利控股集团"),
    ("ＡＢＢ（中国）有限公司", "ABB有限公司"),
    ("Tesla Co., Ltd.", "TESLA"),
    ("正泰电器股份有限公司", "正泰电器 股份公司"),
]
DIFFERENT = [
    ("宁德时代新能源科技股份有限公司", "宁德时代电机科技有限公司"),
    ("浙江吉利控股集团有限公司", "吉利汽车控股有限公司"),
    ("温州正泰电器有限公司", "正泰电器股份有限公司"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_ways_officials_type_one_company_give_one_key(a, b):
    assert investor_name_key(a) == investor_name_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_companies_stay_apart(a, b):
    assert investor_name_key(a) != investor_name_key(b)
