"""What an applicant does online: apply for early removal, answer the steps a diagram
gives to the party (by step_kind), follow their cases, open documents served to them.
Everything is limited to the cases about the applicant's own subject."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import engine
from app.attachments.service import case_attachments
from app.cases.repair import start_repair_on_entry
from app.clock import now
from app.engine import audit
from app.errors import Invalid, NotFound
from app.models import (
    ApplicantProfile,
    Attachment,
    Case,
    Document,
    DocumentReceipt,
    EntryStatus,
    TaskItem,
    User,
)
from app.portal import PARTY_STEP_KINDS
from app.portal.accounts import subject_entries
from app.register.entries import running_case_number

MAX_MATERIALS = 50


def own_cases(session: Session, profile: ApplicantProfile) -> list[Case]:
    entry_ids = [e.id for e in subject_entries(session, profile)]
    conditions = [Case.register_entry_id.in_(entry_ids)]
    if profile.credit_code:
        conditions.append(Case.credit_code == profile.credit_code)
    return list(session.scalars(select(Case).where(or_(*conditions)).order_by(Case.id.desc()).limit(200)))


def own_case(session: Session, profile: ApplicantProfile, case_id: int) -> Case:
    case = next((c for c in own_cases(session, profile) if c.id == case_id), None)
    if case is None:
        raise NotFound("案件不存在")
    return case


def party_tasks(session: Session, case: Case) -> list[TaskItem]:
    """Open steps of the case that the diagram gives to the party (by step_kind)."""
    steps = case.process_version.meta.get("steps", {})
    items = session.scalars(
        select(TaskItem).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
    ).all()
    return [i for i in items if steps.get(i.step, {}).get("kind") in PARTY_STEP_KINDS]


def apply_online(session: Session, user: User, profile: ApplicantProfile, body: dict) -> Case:
    if not isinstance(body, dict):
        raise Invalid("提交的内容有误", {"data": "提交的数据应为对象"})
    entry_id = body.get("register_entry_id")
    entry = next((e for e in subject_entries(session, profile) if e.id == entry_id), None)
    if entry is None:
        raise Invalid("提交的内容有误", {"register_entry_id": "请选择本主体的名单记录"})
    if EntryStatus(entry.status) != EntryStatus.LISTED:
        raise Invalid(
            "提交的内容有误", {"register_entry_id": f"该记录状态为“{entry.status_label}”，不能申请提前移出"}
        )
    materials = body.get("materials")
    if not isinstance(materials, list) or not 0 < len(materials) <= MAX_MATERIALS:
        raise Invalid("提交的内容有误", {"materials": f"请列出提交的材料（1 至 {MAX_MATERIALS} 项）"})
    running = running_case_number(session, entry.id, "repair")
    if running:
        raise Invalid("提交的内容有误", {"register_entry_id": f"该记录已有正在办理的申请（{running}）"})
    version = engine.published_version(session, "repair")
    if version is None:
        raise NotFound("信用修复流程尚未部署")
    submitted = {
        "listing_id": entry.id,
        "applicant": f"{profile.subject_name}（网上申请）",
        "materials": [str(m)[:200] for m in materials],
        "commitment_given": body.get("commitment_given") is True,
        "penalty_carried_out": body.get("penalty_carried_out") is True,
    }
    return start_repair_on_entry(
        session,
        version,
        entry,
        submitted,
        user,
        channel="online",
        facts={"submitted_online_by": user.username},
        as_system=True,
    )


def party_step(session: Session, profile: ApplicantProfile, case_id: int, kind: str) -> tuple[Case, TaskItem]:
    """The applicant's own case and its open step of this kind (refused when there is none)."""
    case = own_case(session, profile, case_id)
    item = next(
        (i for i in party_tasks(session, case) if case.process_version.meta["steps"][i.step]["kind"] == kind),
        None,
    )
    if item is None:
        raise Invalid(f"本案当前没有待您办理的“{PARTY_STEP_KINDS[kind]}”环节（可能已办理或期限已届满）")
    return case, item


def answer_step(session: Session, user: User, profile: ApplicantProfile, case_id: int, kind: str, data: dict):
    """Complete the case's open step of this kind with the applicant's form data."""
    case, item = party_step(session, profile, case_id, kind)
    done = engine.complete(session, item.id, data, user, as_party=True)
    audit(session, case, user, "portal_submit", step=item.step, summary=f"当事人网上提交：{item.name}")
    return done


def own_attachment(session: Session, profile: ApplicantProfile, attachment_id: int) -> Attachment:
    """A file the applicant submitted online on one of their own cases; otherwise 404 (the
    bureau's working files are not handed out through the portal)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.channel != "portal":
        raise NotFound("附件不存在")
    if attachment.case_id not in {c.id for c in own_cases(session, profile)}:
        raise NotFound("附件不存在")
    return attachment


def own_attachments(session: Session, profile: ApplicantProfile, case: Case) -> list[Attachment]:
    return [a for a in case_attachments(session, case.id) if a.channel == "portal"]


def served_documents(session: Session, profile: ApplicantProfile) -> list[Document]:
    entry_ids = [e.id for e in subject_entries(session, profile)]
    case_ids = [c.id for c in own_cases(session, profile)]
    return list(
        session.scalars(
            select(Document)
            .where(or_(Document.entry_id.in_(entry_ids), Document.case_id.in_(case_ids)))
            .order_by(Document.id)
            .limit(500)
        )
    )


def open_document(session: Session, user: User, profile: ApplicantProfile, document_id: int) -> Document:
    """电子送达: the first opening is recorded with its time, in the case history."""
    document = next((d for d in served_documents(session, profile) if d.id == document_id), None)
    if document is None:
        raise NotFound("文书不存在")
    seen = session.scalar(
        select(DocumentReceipt.id).where(
            DocumentReceipt.document_id == document.id, DocumentReceipt.user_id == user.id
        )
    )
    if seen is None:
        at = now()
        session.add(DocumentReceipt(document_id=document.id, user_id=user.id, opened_at=at))
        case = session.get(Case, document.case_id) if document.case_id else None
        audit(
            session,
            case,
            user,
            "served_online",
            summary=f"电子送达：{profile.subject_name} 已查阅《{document.title}》（{document.number}）",
            data={"document_id": document.id, "method": "electronic", "opened_at": at.isoformat()},
            at=at,
        )
        session.flush()
    return document
