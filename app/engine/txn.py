"""What one transaction knows about the rows it holds locked, kept in session.info.

A step locks its case first; from then on nobody else writes that case, so what the
step has read or written of it (its audit chain head, whether it has an open incident)
need not be read again within the transaction.  All of it is forgotten when the
transaction ends, and whenever any part of it is rolled back (a rolled-back savepoint
also releases the locks taken inside it).
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "engine.txn"


def memory(session: Session, name: str) -> dict:
    """The transaction's dict called `name` (created empty)."""
    return session.info.setdefault(_KEY, {}).setdefault(name, {})


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction: committed, rolled back or closed
        _forget(session)
