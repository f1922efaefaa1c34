"""The password policy, and checks that take the same time for unknown users."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

COMMON = {
    "password",
    "password1",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "qwerty1234",
    "abc1234567",
    "a123456789",
    "admin12345",
    "demo123456",
    "iloveyou12",
    "woaini1314",
    "1qaz2wsx3edc",
}


def policy_problem(password: str, username: str, min_length: int = 10) -> str | None:
    """The reason a new password is refused, in Chinese, or None when it is acceptable."""
    if len(password) < min_length:
        return f"密码至少 {min_length} 位"
    if len(password) > 128:
        return "密码不能超过 128 位"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "密码须同时包含字母和数字"
    if len(set(password)) < 4:
        return "密码过于简单，请勿使用重复字符"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    if password.lower() in COMMON:
        return "该密码过于常见，请另选一个"
    return None


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-password-of-anyone")


def check_login(user, password: str) -> bool:
    """True when `user` exists, is active and `password` is theirs.  An unknown user
    costs one hash check too, so that timing does not tell who has an account."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    matches = user.check_password(password)
    return matches and bool(user.active)
