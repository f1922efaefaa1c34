"""One loop for the tables that are sent later and retried (webhook deliveries,
notifications): pick the due pending rows, then lock and work each in a transaction of
its own with SKIP LOCKED, so that two schedulers never send one row twice at once and
a slow receiver holds up only its own row."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy import event, select
from sqlalchemy.orm import Session


def work_due(session: Session, model, at: dt.datetime, limit: int, attempt: Callable[[object], bool]) -> int:
    """attempt(row) -> True when done; it updates the row, this commits.  Returns the count done."""
    ids = session.scalars(
        select(model.id)
        .where(model.status == "pending", model.next_attempt_at <= at)
        .order_by(model.next_attempt_at, model.id)
        .limit(limit)
    ).all()
    session.commit()  # end the read: each row below is its own transaction
    done = 0
    for row_id in ids:
        row = session.scalar(
            select(model)
            .where(model.id == row_id, model.status == "pending")
            .with_for_update(skip_locked=True, of=model)
        )
        if row is None:  # done meanwhile, or held by another scheduler
            session.rollback()
            continue
        done += bool(attempt(row))
        session.commit()
    return done


def connect_session_listeners(listeners) -> None:
    """Register (name, function) pairs on every Session once (idempotent across apps)."""
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
