"""统一社会信用代码 (GB 32100-2015) and ID-number handling."""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str | None) -> str | None:
    """None when valid, else a Chinese explanation."""
    if not code:
        return "请填写统一社会信用代码"
    code = code.strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为18位"
    if not _CODE.match(code):
        return "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）"
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None


def make_credit_code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_number_error(number: str | None) -> str | None:
    if not number:
        return "请填写身份证号码"
    number = number.strip().upper()
    if not re.match(r"^\d{17}[\dX]$", number):
        return "身份证号码应为18位"
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17]:
        return "身份证号码校验位不正确，请核对"
    return None


def mask_id_number(number: str) -> str:
    number = number.strip().upper()
    return number[:6] + "********" + number[-4:] if len(number) >= 10 else "****"
