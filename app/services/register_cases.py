"""Starting the cases of the register's exceptional paths on one register entry:
withdrawal (the penalty was revoked or changed) and revocation of an early removal."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import engine
from app.engine.errors import FormInvalid, InvalidProcess
from app.models import ACTIVE_STATUSES, Case, EntryStatus, RegisterEntry, User

# A proposal still in the procedure is not withdrawn: the leader decides not to list it.
WITHDRAWABLE = {*ACTIVE_STATUSES, EntryStatus.REMOVED_EARLY}
REVOCABLE = {EntryStatus.REMOVED_EARLY, EntryStatus.SUSPENDED}


def _start_on_entry(session: Session, actor: User, submitted: dict, process: str,
                    allowed: set[EntryStatus], what: str) -> Case:
    version = engine.published_version(session, process)
    if version is None:
        raise InvalidProcess(f"{what}流程尚未部署")
    engine.check_can_start(version, actor)
    if not isinstance(submitted, dict):
        raise FormInvalid({"data": "提交的数据应为对象"})
    try:
        entry_id = int(str(submitted.get("listing_id")).strip())
    except (TypeError, ValueError):
        raise FormInvalid({"listing_id": "请填写名单记录编号（整数）"}) from None
    entry = session.get(RegisterEntry, entry_id)
    if entry is None or entry.bureau_id != actor.bureau_id:
        raise FormInvalid({"listing_id": "本局名单中没有这条记录"})
    if EntryStatus(entry.status) not in allowed:
        raise FormInvalid({"listing_id": f"该记录状态为“{entry.status_label}”，不能办理{what}"})
    running = session.scalar(select(Case.number).where(
        Case.register_entry_id == entry.id, Case.process_key == process, Case.status == "active"))
    if running:
        raise FormInvalid({"listing_id": f"该记录已有正在办理的{what}（{running}）"})
    return engine.start_case(session, version, submitted, actor, bureau_id=actor.bureau_id,
                             subject_name=entry.subject_name, credit_code=entry.credit_code,
                             register_entry_id=entry.id)


def start_withdrawal(session: Session, actor: User, submitted: dict) -> Case:
    return _start_on_entry(session, actor, submitted, "withdrawal", WITHDRAWABLE, "撤销列入")


def start_revocation(session: Session, actor: User, submitted: dict) -> Case:
    return _start_on_entry(session, actor, submitted, "revocation", REVOCABLE, "撤销提前移出")
