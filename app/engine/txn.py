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


# --- several cases in one transaction ------------------------------------------
# The scheduler fires the due timers of a group of cases in one transaction.  Their
# rows are read for the whole group at once (`prefetched`) and what each case's step
# writes goes to the database in one flush at the group's end, where the ORM sends the
# rows of a table in one statement: a few statements for the group, not ten a case.


def defer_flushes(session: Session) -> None:
    """Until the transaction ends, `flush` leaves the writes to the final flush."""
    memory(session, "deferred")[True] = True


def flush(session: Session) -> None:
    """The end of a part of a step: write now, unless the group writes at its end."""
    if not memory(session, "deferred"):
        session.flush()


def prefetched(session: Session, name: str, case_id: int):
    """What the group read for this case under `name`, taken once: the case's first
    step in the transaction uses it, any later one reads again what that step wrote."""
    return memory(session, name).pop(case_id, None)
