"""统一社会信用代码 and ID numbers."""

import pytest

from app.domain.identifiers import (
    credit_code_check_char,
    credit_code_error,
    id_number_error,
    make_credit_code,
    mask_id_number,
)


def test_known_valid_code():
    # the sample code given in GB 32100-2015
    assert credit_code_error("91350100M000100Y43") is None
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "请填写统一社会信用代码"),
        ("91350100M000100Y4", "统一社会信用代码应为18位"),
        ("91350100M000100YI3", "不允许的字符"),
        ("91350100M000100Y44", "校验位不正确"),
    ],
)
def test_invalid_codes(code, message):
    assert message in credit_code_error(code)


def test_made_codes_validate():
    assert credit_code_error(make_credit_code("91330100MA2A00010")) is None


def test_id_numbers():
    assert id_number_error("11010519491231002X") is None
    assert "校验位" in id_number_error("110105194912310021")
    assert "18位" in id_number_error("1101051949")
    assert mask_id_number("11010519491231002X") == "110105********002X"
