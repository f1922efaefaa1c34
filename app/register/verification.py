"""Verification codes on printed 查询结果: the code names the entry, the query time and
the status then shown, signed with the application's secret, so a bank or department
holding the printout can check it on /public/verify."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re

CODE = re.compile(r"^(\d{1,10})-(\d{14})-([a-z_]{1,16})-([A-Z2-7]{12})$")


def _signature(secret: str, entry_id: int, stamp: str, status: str) -> str:
    digest = hmac.new(secret.encode(), f"{entry_id}|{stamp}|{status}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:12]


def make_code(secret: str, entry_id: int, at: dt.datetime, status: str) -> str:
    stamp = at.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    return f"{entry_id}-{stamp}-{status}-{_signature(secret, entry_id, stamp, status)}"


def read_code(secret: str, code: str) -> tuple[int, dt.datetime, str] | None:
    """(entry id, query time, status then) of a genuine code, None otherwise."""
    match = CODE.match((code or "").strip()[:60])
    if not match:
        return None
    entry_id, stamp, status, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(secret, int(entry_id), stamp, status)):
        return None
    at = dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)
    return int(entry_id), at, status
