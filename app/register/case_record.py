"""What a case has recorded, for the register's legal preconditions
(app.domain.preconditions): the steps people completed, read from the history the
platform writes (never from the case's variables, which a diagram's script can set),
plus the step being completed right now (recorded when the step is saved)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.calendar import workdays as cal
from app.domain import preconditions
from app.domain.preconditions import CaseRecord, RecordedStep
from app.engine import functions
from app.engine.steps import step_info
from app.models import AuditEvent, Case, User

MAX_STEPS = 2000  # the history read for one check


def case_record(session: Session, case: Case) -> CaseRecord:
    rows = [
        (step, data or {}, actor_id)
        for step, data, actor_id in session.execute(
            select(AuditEvent.step, AuditEvent.data, AuditEvent.actor_id)
            .where(AuditEvent.case_id == case.id, AuditEvent.action == "complete")
            .order_by(AuditEvent.id)
            .limit(MAX_STEPS)
        )
    ]
    ctx = functions.current_run.get()
    if ctx is not None and ctx.case is case and ctx.completing is not None:
        step, data = ctx.completing
        rows.append((step, data, ctx.actor.id if ctx.actor else None))
    actor_ids = {actor_id for _, _, actor_id in rows if actor_id is not None}
    users = (
        {u.id: u for u in session.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    )
    steps = []
    for step, data, actor_id in rows:
        user = users.get(actor_id)
        steps.append(
            RecordedStep(
                kind=step_info(case.process_version, step or "", case).get("kind"),
                data=dict(data),
                roles=frozenset(user.roles) if user and user.active else frozenset(),
                bureau_id=user.bureau_id if user else None,
            )
        )
    return CaseRecord(bureau_id=case.bureau_id, steps=tuple(steps))


def period_over(served_on: str | None, working_days: int) -> bool:
    """The working days a notice gave, counted from its service, have passed."""
    if not served_on:
        return False
    try:
        start = dt.date.fromisoformat(str(served_on)[:10])
    except ValueError:
        return False
    deadline = cal.add_working_days(start, working_days, functions.overrides_provider())
    return clock.now() > deadline.end_utc


# --- the checks the register's actions make before moving an entry ---------------


class PreconditionFailed(ValueError):
    """A move of the register that the law does not allow yet: the step fails with
    this message (an incident), and nothing is changed."""


def _require(refusal: str | None) -> None:
    if refusal:
        raise PreconditionFailed(refusal)


def require_early_removal(session: Session, case: Case, entry) -> None:
    own = entry.bureau_id == case.bureau_id and case.register_entry_id in (None, entry.id)
    _require(preconditions.early_removal_refusal(case_record(session, case), own_entry=own))


def require_listing(session: Session, case: Case, entries: list) -> None:
    notices = session.execute(
        select(AuditEvent.data)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "documents")
        .order_by(AuditEvent.id)
        .limit(MAX_STEPS)
    ).scalars()
    statement_days = [int(d["statement_days"]) for d in notices if d and "statement_days" in d]
    record = case_record(session, case)
    notice = record.done("notice")
    over = bool(record.done("statement")) or bool(
        statement_days and notice and period_over(notice.data.get("served_on"), statement_days[-1])
    )
    missing = [e.subject_name for e in entries if not (e.penalty_number or "").strip() or e.penalty_revoked]
    _require(
        preconditions.listing_refusal(
            record, penalties_missing=missing, notices=len(statement_days), statement_over=over
        )
    )


def require_withdrawal(session: Session, case: Case, revocation_number: str) -> None:
    _require(
        preconditions.withdrawal_refusal(case_record(session, case), revocation_number=revocation_number)
    )


def require_restoration(session: Session, case: Case) -> None:
    _require(preconditions.restoration_refusal(case_record(session, case)))
