"""Starting the cases of the register's exceptional paths on one register entry:
withdrawal (the penalty was revoked or changed) and revocation of an early removal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import engine
from app.engine.errors import FormInvalid, InvalidProcess
from app.models import ACTIVE_STATUSES, Case, EntryStatus, User
from app.register.entries import entry_for_new_case

# A proposal still in the procedure is not withdrawn: the leader decides not to list it.
WITHDRAWABLE = {*ACTIVE_STATUSES, EntryStatus.REMOVED_EARLY}
REVOCABLE = {EntryStatus.REMOVED_EARLY, EntryStatus.SUSPENDED}


def _start_on_entry(
    session: Session, actor: User, submitted: dict, process: str, allowed: set[EntryStatus], what: str
) -> Case:
    version = engine.published_version(session, process)
    if version is None:
        raise InvalidProcess(f"{what}流程尚未部署")
    engine.check_can_start(version, actor)
    if not isinstance(submitted, dict):
        raise FormInvalid({"data": "提交的数据应为对象"})
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


def start_withdrawal(session: Session, actor: User, submitted: dict) -> Case:
    return _start_on_entry(session, actor, submitted, "withdrawal", WITHDRAWABLE, "撤销列入")


def start_revocation(session: Session, actor: User, submitted: dict) -> Case:
    return _start_on_entry(session, actor, submitted, "revocation", REVOCABLE, "撤销提前移出")
