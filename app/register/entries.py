"""Finding the register entry a new case is about: one rule for every process that
starts on an entry (repair, withdrawal, revocation of an early removal)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.errors import FormInvalid
from app.models import Case, CaseStatus, EntryStatus, RegisterEntry, User


def entry_for_new_case(
    session: Session, actor: User, raw_id, *, process: str, allowed: set[EntryStatus], what: str
) -> RegisterEntry:
    """The actor's own bureau's entry `raw_id`, in an allowed state, with no case of
    `process` already running on it; otherwise a field error on `listing_id`."""
    try:
        entry_id = int(str(raw_id).strip())
    except (TypeError, ValueError):
        raise FormInvalid({"listing_id": "请填写名单记录编号（整数）"}) from None
    entry = session.get(RegisterEntry, entry_id)
    # Another bureau's entry reads as absent: ids are not to be probed.
    if entry is None or entry.bureau_id != actor.bureau_id:
        raise FormInvalid({"listing_id": "本局名单中没有这条记录"})
    if EntryStatus(entry.status) not in allowed:
        raise FormInvalid({"listing_id": f"该记录状态为“{entry.status_label}”，不能办理{what}"})
    running = running_case_number(session, entry.id, process)
    if running:
        raise FormInvalid({"listing_id": f"该记录已有正在办理的{what}（{running}）"})
    return entry


def running_case_number(session: Session, entry_id: int, process: str) -> str | None:
    """The number of a case of `process` still running on the entry, if any."""
    return session.scalar(
        select(Case.number).where(
            Case.register_entry_id == entry_id, Case.process_key == process, Case.status == CaseStatus.ACTIVE
        )
    )
