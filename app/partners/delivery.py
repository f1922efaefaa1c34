"""Sending webhook deliveries: a signed JSON POST per delivery, retried with backoff.

Each body is signed with the subscription's secret: header X-Signature is the hex
HMAC-SHA256 of the exact body bytes; X-Event-Id is the event's id, the same on every
retry, so a receiver can drop duplicates.  A delivery that keeps failing is marked
failed and shown on the supervisor's incident page, where it can be retried."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Delivery
from app.ops.retry_queue import work_due

log = logging.getLogger(__name__)

BATCH = 50
MAX_RESPONSE_BYTES = 64 * 1024
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=6)


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.event.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _refused_address(url: str) -> str | None:
    """Deliveries go to departments' servers, not into our own network (SSRF)."""
    if current_app.config.get("WEBHOOK_ALLOW_PRIVATE"):
        return None
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        return f"无法解析接收地址：{exc}"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return f"接收地址指向内部网络（{address}），不予投递"
    return None


def _post(delivery: Delivery) -> tuple[int | None, str]:
    url = delivery.subscription.url
    refused = _refused_address(url)
    if refused:
        return None, refused
    body = body_of(delivery)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "credit-register-webhook/1",
            "X-Event-Id": delivery.event.event_id,
            "X-Event": delivery.event.kind,
            "X-Signature": sign(delivery.subscription.secret, body),
        },
    )
    timeout = current_app.config.get("WEBHOOK_TIMEOUT_SECONDS", 5)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (checked above)
            response.read(MAX_RESPONSE_BYTES)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"对方返回 HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, f"投递失败：{getattr(exc, 'reason', exc)}"


def attempt(session: Session, delivery: Delivery, at: dt.datetime) -> bool:
    """One try; updates the delivery (the caller commits).  True when delivered."""
    status, error = _post(delivery)
    delivery.attempts += 1
    delivery.last_status = status
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", at, ""
        return True
    delivery.last_error = error[:2000]
    if delivery.attempts >= current_app.config.get("WEBHOOK_MAX_ATTEMPTS", 8):
        delivery.status = "failed"
    else:
        wait = min(FIRST_RETRY * 2 ** (delivery.attempts - 1), LONGEST_WAIT)
        delivery.next_attempt_at = at + wait
    log.warning("webhook delivery %s attempt %s failed: %s", delivery.id, delivery.attempts, error)
    return False


def deliver_due(session: Session, at: dt.datetime | None = None, limit: int = BATCH) -> int:
    """Try every due delivery once, one transaction each; returns how many arrived.
    Rows are locked with SKIP LOCKED, so two schedulers never send one twice at once."""
    at = at or now()
    return work_due(session, Delivery, at, limit, lambda delivery: attempt(session, delivery, at))


def retry(session: Session, delivery: Delivery, at: dt.datetime | None = None) -> None:
    """A supervisor's retry of a failed delivery: back in the queue, due now."""
    delivery.status, delivery.next_attempt_at = "pending", at or now()
    delivery.attempts = 0
