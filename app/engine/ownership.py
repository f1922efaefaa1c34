"""Who may write and publish a process: its owning bureau and the bureaus above it.

A process belongs to a bureau (`Process.owner_bureau_id`); a new process to its first
author's bureau.  The shipped workflows have no owner row value: they belong to the
bureau the deployment is set up for (setting DEPLOYMENT_BUREAU, its code or name).
Drafts: designers and administrators of the owner or above.  Publishing: the same
people, never the draft's own author (checked in deploy.check_can_publish)."""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.engine.errors import NotAllowed
from app.models import Bureau, Process, ProcessVersion, User
from app.org.access import bureau_and_below

DESIGN_ROLES = {"designer", "admin"}


def deployment_bureau(session: Session) -> Bureau | None:
    """The bureau named by DEPLOYMENT_BUREAU (code or name); without the setting, the
    one bureau at the top of the tree, if there is exactly one."""
    wanted = current_app.config.get("DEPLOYMENT_BUREAU") if has_app_context() else None
    if wanted:
        return session.scalar(select(Bureau).where(or_(Bureau.code == wanted, Bureau.name == wanted)))
    roots = session.scalars(select(Bureau).where(Bureau.parent_id.is_(None)).limit(2)).all()
    return roots[0] if len(roots) == 1 else None


def owner(session: Session, key: str) -> Bureau | None:
    row = session.get(Process, key)
    if row is not None and row.owner_bureau_id is not None:
        return session.get(Bureau, row.owner_bureau_id)
    return deployment_bureau(session)


def ensure_process(session: Session, key: str, author: User | None) -> Process:
    """The process row; a new process belongs to its first author's bureau (a
    deployment's own workflows, saved without an author, to DEPLOYMENT_BUREAU)."""
    row = session.get(Process, key)
    if row is None:
        row = Process(key=key, owner_bureau_id=author.bureau_id if author else None)
        session.add(row)
        session.flush()
    return row


def is_at_or_above(session: Session, user: User, bureau: Bureau | None) -> bool:
    return bureau is not None and bureau.id in bureau_and_below(session, user.bureau_id)


def may_write(session: Session, user: User, key: str) -> bool:
    if not user.roles & DESIGN_ROLES:
        return False
    if session.get(Process, key) is None and not _any_version(session, key):
        return True  # a new process: it will be the user's bureau's
    return is_at_or_above(session, user, owner(session, key))


def _any_version(session: Session, key: str) -> bool:
    return session.scalar(select(ProcessVersion.id).where(ProcessVersion.key == key).limit(1)) is not None


def owner_name(session: Session, key: str) -> str:
    bureau = owner(session, key)
    return bureau.name if bureau else "（未设置：请检查 DEPLOYMENT_BUREAU）"


def check_may_write(session: Session, user: User, key: str) -> None:
    if not user.roles & DESIGN_ROLES:
        raise NotAllowed("只有流程设计人员或系统管理员可以保存草稿")
    if not may_write(session, user, key):
        raise NotAllowed(
            f"流程“{key}”属于{owner_name(session, key)}：只有该机关及其上级机关的流程设计人员可以修改"
        )


def check_may_publish(session: Session, user: User, key: str) -> None:
    if not user.roles & DESIGN_ROLES:
        raise NotAllowed("只有流程设计人员或系统管理员可以发布流程")
    if not is_at_or_above(session, user, owner(session, key)):
        raise NotAllowed(
            f"流程“{key}”属于{owner_name(session, key)}：只有该机关及其上级机关的管理员或流程设计人员可以审核发布"
        )
