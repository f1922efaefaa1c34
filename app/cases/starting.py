"""Starting a case of any published process, from the 发起 page and POST /api/cases.

The start form is the start event's camunda:formData, who may start is the role of the
start event's lane.  A process that needs a domain-specific start (the register entry
of a repair, the subjects of a listing) opts into a hook by
`camunda:property name="start_hook"` on its start event; the hooks are registered here
by name (never by process key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from app import engine
from app.cases.repair import start_repair
from app.domain.roles import role_label
from app.engine import start_hooks
from app.engine.errors import FormInvalid, InvalidProcess, NotAllowed
from app.models import Case, ProcessVersion, User
from app.register.exceptional_cases import start_revocation, start_withdrawal
from app.register.proposals import start_listing
from app.tips.submission import register_hotline_tip


@dataclass(frozen=True)
class StartHook:
    start: Callable[[Session, User, dict, str], Case]  # (session, actor, data, process key)
    description: str
    page: str | None = None  # the dedicated page when the drawn form cannot hold the start


HOOKS: dict[str, StartHook] = {
    "repair_application": StartHook(
        start_repair, "按名单记录编号（listing_id）关联名单记录，并给出申请条件核对结果", "cases.new_repair"
    ),
    "listing_proposal": StartHook(
        start_listing, "校验列入主体、处罚决定书并建立拟列入记录", "register.new_listing"
    ),
    "entry_withdrawal": StartHook(start_withdrawal, "关联可撤销列入的名单记录（listing_id）"),
    "entry_revocation": StartHook(start_revocation, "关联已提前移出的名单记录（listing_id）"),
    "hotline_tip": StartHook(register_hotline_tip, "电话或窗口受理的举报：生成查询码并登记举报记录"),
}
start_hooks.NAMES.update({name: hook.description for name, hook in HOOKS.items()})


def hook_of(version: ProcessVersion) -> StartHook | None:
    name = version.meta.get("start_hook") or ""
    if name and name not in HOOKS:
        raise InvalidProcess(f"流程“{version.name}”声明的 start_hook“{name}”不存在，请联系流程设计人员")
    return HOOKS.get(name) if name else None


def may_start(version: ProcessVersion, actor: User) -> bool:
    """A person starts a case only from a start event drawn in a lane of their role
    (a start without a lane, like a public tip, is started by the system)."""
    role = version.meta.get("start_role")
    return bool(role) and role in actor.roles


def startable(session: Session, actor: User) -> list[ProcessVersion]:
    """The published processes the actor may start, by name."""
    latest = engine.published_versions(session).values()
    return sorted((v for v in latest if may_start(v, actor)), key=lambda v: v.name)


def start_process(session: Session, actor: User, key, data) -> Case:
    """Start a case of the published process `key` with the start form's data."""
    version = engine.published_version(session, key) if isinstance(key, str) and key else None
    if version is None:
        raise FormInvalid({"process": "没有已发布的该流程，请在“发起”页面查看可发起的流程"})
    if not isinstance(data, dict):
        raise FormInvalid({"data": "data 应为对象"})
    if not may_start(version, actor):
        role = version.meta.get("start_role")
        if role:
            raise NotAllowed(f"只有“{role_label(role)}”可以发起“{version.name}”")
        raise NotAllowed(f"“{version.name}”不能由工作人员发起")
    hook = hook_of(version)
    if hook is not None:
        return hook.start(session, actor, data, version.key)
    return engine.start_case(session, version, data, actor, bureau_id=actor.bureau_id)
