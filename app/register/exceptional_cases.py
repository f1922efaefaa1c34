"""Starting the cases of the register's exceptional paths on one register entry:
withdrawal (the penalty was revoked or changed) and revocation of an early removal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import engine
from app.cases.opening import version_to_start
from app.models import ACTIVE_STATUSES, Case, EntryStatus, User
from app.register.entries import entry_for_new_case

# A proposal still in the procedure is not withdrawn: the leader decides not to list it.
WITHDRAWABLE = {*ACTIVE_STATUSES, EntryStatus.REMOVED_EARLY}
REVOCABLE = {EntryStatus.REMOVED_EARLY, EntryStatus.SUSPENDED}


def _start_on_entry(
    session: Session, actor: User, submitted: dict, process: str, allowed: set[EntryStatus], what: str
) -> Case:
    version = version_to_start(session, process, actor, submitted, what)
    entry = entry_for_new_case(
        session, actor, submitted.get("listing_id"), process=process, allowed=allowed, what=what
    )
    return engine.start_case(
        session,
        version,
        submitted,
        actor,
        bureau_id=actor.bureau_id,
        subject_name=entry.subject_name,
        credit_code=entry.credit_code,
        register_entry_id=entry.id,
    )


def start_withdrawal(session: Session, actor: User, submitted: dict, process: str = "withdrawal") -> Case:
    return _start_on_entry(session, actor, submitted, process, WITHDRAWABLE, "撤销列入")


def start_revocation(session: Session, actor: User, submitted: dict, process: str = "revocation") -> Case:
    return _start_on_entry(session, actor, submitted, process, REVOCABLE, "撤销提前移出")
