"""Registering a credit-repair application: look up the listing, run the eligibility
checks for the officer to see, and start the repair process."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import engine
from app.cases.opening import version_to_start
from app.clock import today
from app.domain.eligibility import check_eligibility
from app.models import Case, EntryStatus, RegisterEntry, User
from app.register.entries import entry_for_new_case


def eligibility_for(session: Session, entry: RegisterEntry, submitted: dict) -> list[dict]:
    newer = (
        session.scalar(
            select(func.count(RegisterEntry.id)).where(
                RegisterEntry.id != entry.id,
                RegisterEntry.credit_code == entry.credit_code,
                RegisterEntry.credit_code.is_not(None),
                RegisterEntry.listed_on > entry.listed_on,
            )
        )
        if entry.credit_code and entry.listed_on
        else 0
    )
    truthy = lambda v: v is True or str(v).lower() in ("true", "on", "1", "yes")  # noqa: E731
    return check_eligibility(
        listed_on=entry.listed_on,
        today=today(),
        penalty_carried_out=truthy(submitted.get("penalty_carried_out")),
        newer_listings=newer or 0,
        commitment_given=truthy(submitted.get("commitment_given")),
    )


def find_entry_for(session: Session, actor: User, raw_id, process: str = "repair") -> RegisterEntry:
    return entry_for_new_case(
        session, actor, raw_id, process=process, allowed={EntryStatus.LISTED}, what="提前移出申请"
    )


def start_repair(session: Session, actor: User, submitted: dict, process: str = "repair") -> Case:
    """A repair application on a listed entry of the actor's bureau (the start hook
    repair_application: any process opting into it gets the entry and its checks)."""
    version = version_to_start(session, process, actor, submitted, "信用修复")
    entry = find_entry_for(session, actor, submitted.get("listing_id"), process)
    # At the window the clerk records the channel in the start form (counter by default).
    return start_repair_on_entry(session, version, entry, submitted, actor, channel=submitted.get("channel"))


def start_repair_on_entry(
    session: Session,
    version,
    entry: RegisterEntry,
    submitted: dict,
    actor: User | None,
    *,
    channel: str | None,
    facts: dict | None = None,
    as_system: bool = False,
) -> Case:
    """Start a repair case on a listed entry, in the bureau that listed it, with the
    eligibility checks computed for the officer: one way in for the window, the
    applicant portal and 信用中国."""
    channel = channel or "counter"
    submitted = {**submitted, "channel": channel}
    return engine.start_case(
        session,
        version,
        submitted,
        actor,
        bureau_id=entry.bureau_id,
        subject_name=entry.subject_name,
        credit_code=entry.credit_code,
        register_entry_id=entry.id,
        extra_data={
            "eligibility": eligibility_for(session, entry, submitted),
            "subject_name": entry.subject_name,
            "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
            "channel": channel,
            **(facts or {}),
        },
        as_system=as_system,
    )
