"""The register's life after the decision: each move of an entry (decide, publish,
expire, withdraw, restore, suspend) with its record and, where relevant, document.
Services flush, never commit; diagram actions (listing_actions) call these."""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import now, today
from app.domain import listing_rules
from app.domain.documents import REMOVAL_TERMS, cn_date
from app.domain.measures import measure_label
from app.domain.situations import SITUATIONS, situation_label
from app.engine.store import audit
from app.models import ACTIVE_STATUSES, Case, Document, EntryStatus, RegisterEntry
from app.register.documents import issue_document

SERVED_KINDS = ("decision", "repair_notice", "withdrawal", "revocation", "suspension")


def setting(key: str, default):
    return current_app.config.get(key, default) if has_app_context() else default


def case_entries(session: Session, case: Case, statuses=None) -> list[RegisterEntry]:
    ids = [int(i) for i in (case.facts or {}).get("entry_ids") or []]
    stmt = select(RegisterEntry).where(
        RegisterEntry.bureau_id == case.bureau_id,
        or_(RegisterEntry.listing_case_id == case.id, RegisterEntry.id.in_(ids)),
    )
    if statuses is not None:
        stmt = stmt.where(RegisterEntry.status.in_([EntryStatus(s).value for s in statuses]))
    return list(session.scalars(stmt.order_by(RegisterEntry.id)))


def entry_fields(entry: RegisterEntry) -> dict:
    """The fields most documents share, from the entry as it stands."""
    situation = SITUATIONS.get(entry.situation)
    period = ""
    if entry.listed_on and entry.expires_on:
        period = f"自{cn_date(entry.listed_on)}起至{cn_date(entry.expires_on)}止"
    return {
        "subject_name": entry.subject_name,
        "subject_code": entry.subject_identifier,
        "penalty_number": entry.penalty_number,
        "penalty_date": cn_date(entry.penalty_date),
        "listed_on": cn_date(entry.listed_on),
        "facts": entry.facts,
        "situation": situation_label(entry.situation),
        "legal_ground": f"《安全生产严重失信主体名单管理办法》（应急管理部令第11号）{situation.article}"
        if situation
        else "",
        "measures": "；".join(measure_label(m) for m in entry.measures or []),
        "period": period,
        "decision_number": entry.decision_number or "",
    }


def issue_for_entry(
    session: Session, case: Case | None, entry: RegisterEntry, kind: str, **extra
) -> Document:
    return issue_document(
        session,
        entry.bureau,
        kind,
        {**entry_fields(entry), **extra},
        case_id=case.id if case else None,
        entry_id=entry.id,
    )


# --- the listing procedure ---------------------------------------------------


def issue_notices(
    session: Session, case: Case, *, situation: str, measures: list, facts: str, statement_days: int
) -> list[Document]:
    documents = []
    for entry in case_entries(session, case, {EntryStatus.PROPOSED}):
        entry.situation, entry.measures, entry.facts = situation, list(measures or []), facts or ""
        documents.append(
            issue_for_entry(
                session,
                case,
                entry,
                "notice",
                rights="当事人对拟列入决定享有陈述、申辩的权利。陈述、申辩不会导致更重的处理结果。",
                deadline=f"请于收到本告知书之日起 {statement_days} 个工作日内提出陈述、申辩；逾期视为放弃。",
            )
        )
    audit(
        session,
        case,
        None,
        "documents",
        summary=f"已制作拟列入告知书 {len(documents)} 份",
        # the period the notice gives: the decision waits for it (app.domain.preconditions)
        data={"numbers": [d.number for d in documents], "statement_days": statement_days},
    )
    return documents


def record_review(session: Session, case: Case, **fields) -> list[Document]:
    documents = [
        issue_for_entry(session, case, entry, "statement_review", **fields)
        for entry in case_entries(session, case, {EntryStatus.PROPOSED})
    ]
    audit(
        session,
        case,
        None,
        "documents",
        summary="已制作陈述申辩记录及复核意见",
        data={"numbers": [d.number for d in documents]},
    )
    return documents


def decide(
    session: Session, case: Case, *, decided_on: dt.date, period_end: dt.date, measures: list, reasons: str
) -> list[Document]:
    """List every proposed subject and issue 列入决定书 and 信用修复告知书 together (两书同达)."""
    documents = []
    for entry in case_entries(session, case, {EntryStatus.PROPOSED}):
        entry.measures = list(measures or entry.measures or [])
        entry.list_(decided_on, period_end, listing_rules.eligible_from(decided_on))
        decision = issue_for_entry(session, case, entry, "decision", reasons=reasons, removal=REMOVAL_TERMS)
        entry.decision_number = decision.number
        repair = issue_for_entry(
            session,
            case,
            entry,
            "repair_notice",
            decision_number=decision.number,
            eligible_from=cn_date(entry.eligible_on),
            conditions=REMOVAL_TERMS,
            materials="提前移出申请书；履行行政处罚的证明；整改及消除不良影响的证明；信用承诺书；身份证明",
            where=f"{entry.bureau.name}（窗口、网上申请或经“信用中国”网站提交）",
        )
        documents += [decision, repair]
    audit(
        session,
        case,
        None,
        "register_listed",
        summary="作出列入决定，同时制作列入决定书和信用修复告知书（两书同达）",
        data={"numbers": [d.number for d in documents]},
    )
    return documents


def drop(session: Session, case: Case, reasons: str) -> None:
    for entry in case_entries(session, case, {EntryStatus.PROPOSED}):
        entry.drop(reasons or "决定不予列入")
    audit(session, case, None, "register_dropped", summary="决定不予列入", data={"reasons": reasons})


def record_service(
    session: Session, case: Case, *, served_on: str, method: str, recipient: str
) -> list[Document]:
    """A 送达回证 per subject for the documents of the case that are served on it."""
    served = (
        session.scalars(
            select(Document)
            .where(Document.case_id == case.id, Document.kind.in_(SERVED_KINDS))
            .order_by(Document.id)
        )
        .unique()
        .all()
    )
    by_entry: dict[int, list[Document]] = {}
    for document in served:
        by_entry.setdefault(document.entry_id, []).append(document)
    receipts = [
        issue_for_entry(
            session,
            case,
            session.get(RegisterEntry, entry_id),
            "service_receipt",
            served_documents="；".join(f"{d.title}（{d.number}）" for d in documents),
            served_on=served_on,
            method=method,
            recipient=recipient,
        )
        for entry_id, documents in by_entry.items()
    ]
    audit(
        session,
        case,
        None,
        "documents",
        summary=f"已送达并制作送达回证 {len(receipts)} 份",
        data={"served_on": served_on, "method": method, "recipient": recipient},
    )
    return receipts


def publish(session: Session, case: Case) -> int:
    at = now()
    entries = case_entries(session, case, ACTIVE_STATUSES)
    for entry in entries:
        entry.publish(at)
    audit(session, case, None, "register_published", summary=f"已在公开名单中公示 {len(entries)} 个主体")
    return len(entries)


# --- the management period ---------------------------------------------------


def management_end(session: Session, case: Case) -> dt.date:
    """The latest end of the management period among the case's subjects still
    under it (listed, restored, suspended, or removed early and restorable)."""
    ends = [
        e.expires_on
        for e in case_entries(session, case, {*ACTIVE_STATUSES, EntryStatus.REMOVED_EARLY})
        if e.expires_on
    ]
    return max(ends) if ends else today()


def expire_due(session: Session, case: Case) -> int:
    """Remove every subject whose period has ended (with a 期满移出记录); returns how
    many subjects of the case still have a period running."""
    on = today()
    pending = 0
    for entry in case_entries(session, case, {*ACTIVE_STATUSES, EntryStatus.REMOVED_EARLY}):
        if entry.expires_on and entry.expires_on > on:
            pending += 1
        elif entry.is_active:
            entry.expire(on)
            issue_for_entry(
                session,
                case,
                entry,
                "expiry",
                removed_on=cn_date(on),
                result="将其移出安全生产严重失信主体名单，停止公开，解除管理措施",
            )
            audit(
                session,
                case,
                None,
                "register_expired",
                summary=f"{entry.subject_name} 管理期满，已移出名单，停止公示，管理措施解除",
                data={"register_entry_id": entry.id},
            )
    return pending


def listing_result(session: Session, case: Case) -> str:
    statuses = {EntryStatus(e.status) for e in case_entries(session, case)}
    for status, result in (
        (EntryStatus.EXPIRED, "expired"),
        (EntryStatus.WITHDRAWN, "withdrawn"),
        (EntryStatus.REMOVED_EARLY, "removed_early"),
        (EntryStatus.DROPPED, "dropped"),
    ):
        if status in statuses:
            return result
    return "completed"
