"""The register's exceptional paths, each with its record and document:
withdrawal after the penalty is revoked or changed (复议/诉讼), restoration after an
early removal is revoked (hidden facts, false materials), and suspension of a
repair result when hazards rebound."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now, today
from app.domain.listing_rules import end_after_restoration
from app.engine.store import audit
from app.models import ACTIVE_STATUSES, Case, CaseStatus, Document, EntryStatus, RegisterEntry
from app.register.lifecycle import issue_for_entry, setting
from app.register.proposals import start_management_case

REVOKED_BY = {
    "reconsideration": "行政复议决定撤销或变更",
    "litigation": "人民法院判决撤销或变更",
    "self_correction": "本机关自行纠正",
}
GROUNDS = {"hidden_facts": "隐瞒有关情况", "false_materials": "提供虚假材料"}


def withdraw(
    session: Session,
    case: Case,
    entry: RegisterEntry,
    *,
    revoked_by: str,
    revocation_number: str,
    revoked_on: str,
    reasons: str,
) -> list[Document]:
    """Withdraw every listing of the bureau that rests on the same penalty decision."""
    on = today()
    how = REVOKED_BY.get(revoked_by, revoked_by)
    targets = session.scalars(
        select(RegisterEntry)
        .where(
            RegisterEntry.bureau_id == entry.bureau_id,
            RegisterEntry.penalty_number == entry.penalty_number,
            RegisterEntry.status.in_([s.value for s in (*ACTIVE_STATUSES, EntryStatus.REMOVED_EARLY)]),
        )
        .order_by(RegisterEntry.id)
    ).all()
    documents = []
    for target in targets:
        target.withdraw(on, f"行政处罚经{how}，撤销列入")
        documents.append(
            issue_for_entry(
                session,
                case,
                target,
                "withdrawal",
                reasons=reasons,
                revocation=f"行政处罚决定（{target.penalty_number}）于 {revoked_on} 经{how}（{revocation_number}）",
                result="撤销列入，移出名单，停止公开，解除管理措施",
            )
        )
        audit(
            session,
            case,
            None,
            "register_withdrawn",
            summary=f"{target.subject_name} 的列入因行政处罚被撤销或变更而撤销，已停止公示、解除措施",
            data={"register_entry_id": target.id, "revocation_number": revocation_number},
        )
    return documents


def restore(
    session: Session, case: Case, entry: RegisterEntry, *, grounds: str, findings: str, reasons: str
) -> Document:
    """Revoke an early removal: the subject is listed again for the remaining period
    (REVOKED_REMOVAL_KEEPS_SERVED_TIME), published, and under measures."""
    on = today()
    removed_on = entry.removed_on or on
    new_end = end_after_restoration(
        expires_on=entry.expires_on or on,
        removed_on=removed_on,
        restored_on=on,
        keeps_served_time=bool(setting("REVOKED_REMOVAL_KEEPS_SERVED_TIME", True)),
    )
    entry.restore(on, new_end)
    entry.publish(now())
    document = issue_for_entry(
        session,
        case,
        entry,
        "revocation",
        grounds=GROUNDS.get(grounds, grounds),
        findings=findings,
        reasons=reasons,
    )
    audit(
        session,
        case,
        None,
        "register_restored",
        summary=f"撤销 {entry.subject_name} 的提前移出决定，恢复列入至 {new_end.isoformat()}",
        data={"register_entry_id": entry.id, "expires_on": new_end.isoformat()},
    )
    # The revocation diagram then throws “恢复列入”: the running listing case restarts its
    # management period, or a new listing case starts at it (message start event).
    return document


def ensure_management(session: Session, entry: RegisterEntry) -> Case | None:
    """A restored subject needs its management period (inspections, expiry) running:
    the listing case picks it up at its next timer while it runs; once it has ended,
    a listing case starts again directly at the management period."""
    current = session.get(Case, entry.listing_case_id) if entry.listing_case_id else None
    if current is not None and current.status == CaseStatus.ACTIVE:
        return None
    return start_management_case(session, [entry], origin="restore")


def suspend(
    session: Session, case: Case, entry: RegisterEntry, *, findings: str, order: str, rectify_days: int
) -> Document:
    entry.suspend(today())
    entry.publish(now())
    document = issue_for_entry(
        session,
        case,
        entry,
        "suspension",
        findings=findings,
        order=order,
        rectify_days=f"{rectify_days} 个工作日",
        result="中止信用修复结果，恢复公示和管理措施，整改到位后恢复提前移出",
    )
    audit(
        session,
        case,
        None,
        "register_suspended",
        summary=f"{entry.subject_name} 回访发现隐患反弹：中止修复结果并责令整改",
        data={"register_entry_id": entry.id},
    )
    ensure_management(session, entry)
    return document


def resume(session: Session, case: Case, entry: RegisterEntry) -> None:
    entry.resume()
    audit(
        session,
        case,
        None,
        "register_resumed",
        summary=f"{entry.subject_name} 整改到位，恢复信用修复结果（提前移出）",
        data={"register_entry_id": entry.id},
    )
