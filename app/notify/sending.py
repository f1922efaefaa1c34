"""The scheduler's job: send each due OutboundMessage once, one transaction each,
rows locked with SKIP LOCKED so that two schedulers never send one twice at once.
A failure waits longer each time; after NOTIFY_MAX_ATTEMPTS it is marked failed and
shown to the administrators (and to supervisors on the incident page)."""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy.orm import Session

from app.clock import now
from app.models import OutboundMessage
from app.notify import channels
from app.ops.retry_queue import work_due

log = logging.getLogger(__name__)

BATCH = 50
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=2)


def attempt(message: OutboundMessage, at: dt.datetime) -> bool:
    """One try; updates the row (the caller commits).  True when sent."""
    message.attempts += 1
    sender = channels.sender_for(message.channel)
    try:
        if sender is None:
            raise channels.SendFailed(
                f"本系统未配置{channels.CHANNELS.get(message.channel, message.channel)}发送"
            )
        sender.send(message.address, message.subject, message.body)
    except channels.SendFailed as exc:
        message.last_error = str(exc)[:2000]
        if message.attempts >= int(current_app.config.get("NOTIFY_MAX_ATTEMPTS", 6)):
            message.status = "failed"
        else:
            message.next_attempt_at = at + min(FIRST_RETRY * 2 ** (message.attempts - 1), LONGEST_WAIT)
        log.warning(
            "notification %s (%s) attempt %s failed: %s", message.id, message.channel, message.attempts, exc
        )
        return False
    message.status, message.sent_at, message.last_error = "sent", at, ""
    return True


def send_due(session: Session, at: dt.datetime | None = None, limit: int = BATCH) -> int:
    at = at or now()
    return work_due(session, OutboundMessage, at, limit, lambda message: attempt(message, at))


def retry(message: OutboundMessage, at: dt.datetime | None = None) -> None:
    """An administrator's retry of a failed message: back in the queue, due now."""
    message.status, message.next_attempt_at, message.attempts = "pending", at or now(), 0
