"""What a supervisor (督办) does on the board: remind, reassign, note.

The rules:
- a supervisor sees their own bureau and the bureaus below it;
- in any bureau they see, they may send a reminder and add a note;
- only a supervisor of the task's own bureau may reassign it (upper bureaus watch,
  they do not act inside a lower bureau's case), and only to another active user
  of that bureau who holds the task's role.

Each action is recorded in the case history (AuditEvent "reminder", "reassign",
"note"); reminders and reassignments reach the inbox as Notification rows of kind
"reminder".  Functions flush, never commit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.domain.roles import role_label
from app.engine import audit
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import AuditEvent, Case, Notification, TaskItem, User, UserRole
from app.org.access import visible_row

SUPERVISOR = "supervisor"
MAX_TEXT = 400


class NotPermitted(Forbidden):
    """Not a supervisor, or an upper bureau trying to act inside a lower bureau's case."""


class NotVisible(NotFound):
    """No such row in the supervisor's bureaus."""


class InvalidRequest(Invalid):
    """A reminder, reassignment or note that cannot be accepted as written."""


class TaskClosed(Conflict):
    """The task (or timer) was finished meanwhile."""


# --- permission checks ------------------------------------------------------


def require_supervisor(user: User) -> None:
    if SUPERVISOR not in user.roles:
        raise NotPermitted("只有督办人员可以进行督办操作")


def require_act_in(user: User, bureau_id: int, action: str) -> None:
    """Reassigning is an act inside a case: own bureau only."""
    require_supervisor(user)
    if user.bureau_id != bureau_id:
        raise NotPermitted(f"上级机关只能督促和备注，不能{action}下级机关案件中的任务")


def _visible(session: Session, user: User, model, row_id: int, missing: str):
    """A supervisor's row of a visible bureau; anything else reads as absent."""
    require_supervisor(user)
    row = visible_row(session, user, model, row_id)
    if row is None:
        raise NotVisible(missing)
    return row


def visible_task(session: Session, user: User, task_id: int) -> TaskItem:
    return _visible(session, user, TaskItem, task_id, "任务不存在")


def visible_case(session: Session, user: User, case_id: int) -> Case:
    return _visible(session, user, Case, case_id, "案件不存在")


def _clean_text(text: str | None, field: str, required: bool) -> str:
    value = (text or "").strip()
    if required and not value:
        raise InvalidRequest(f"请填写{field}")
    if len(value) > MAX_TEXT:
        raise InvalidRequest(f"{field}不能超过 {MAX_TEXT} 字")
    return value


def _lock_open(session: Session, item: TaskItem) -> None:
    """Serialise with the engine on the case row, then re-read the task."""
    session.execute(select(Case.id).where(Case.id == item.case_id).with_for_update())
    session.refresh(item)
    if item.completed_at is not None:
        raise TaskClosed("该任务已办结或已不再需要办理，无需督办")


# --- actions ----------------------------------------------------------------


def remind_task(
    session: Session, actor: User, task_id: int, *, target: str = "auto", message: str = ""
) -> Notification:
    """A reminder to the task's assignee, or to everyone holding its role when it is
    unclaimed (target "auto"); "assignee" or "role" choose explicitly."""
    item = visible_task(session, actor, task_id)
    _lock_open(session, item)
    text = _clean_text(message, "督办意见", required=False)
    if target not in ("auto", "assignee", "role"):
        raise InvalidRequest("提醒对象应为 assignee（认领人）或 role（该角色全体人员）")
    if target == "assignee" and item.claimed_by_id is None:
        raise InvalidRequest("该任务尚未认领，只能提醒该角色的全体人员")
    to_user = item.claimed_by_id if target in ("auto", "assignee") else None
    case = item.case
    who = item.claimed_by.display_name if to_user else f"{role_label(item.role)}（全体）"
    body = f"督办提醒（{actor.bureau.name} {actor.display_name}）：请尽快办理“{item.name}”（{case.number}）"
    if text:
        body += f"。{text}"
    at = now()
    note = Notification(
        bureau_id=item.bureau_id,
        user_id=to_user,
        role=None if to_user else item.role,
        case_id=case.id,
        kind="reminder",
        message=body[:500],
        created_at=at,
    )
    session.add(note)
    audit(
        session,
        case,
        actor,
        "reminder",
        step=item.step,
        at=at,
        summary=f"督办“{item.name}”，提醒 {who}",
        data={"提醒对象": who, "督办意见": text or "—", "督办机关": actor.bureau.name},
    )
    session.flush()
    return note


def reassign_candidates(session: Session, bureau_id: int, roles: set[str]) -> dict[str, list]:
    """Role -> (id, display_name) of the active users of a bureau holding it: whom its
    tasks may go to.  Columns, not users: the board asks on every page."""
    choices: dict[str, list] = {}
    if roles:
        for row in session.execute(
            select(UserRole.role, User.id, User.display_name)
            .join(User, User.id == UserRole.user_id)
            .where(User.bureau_id == bureau_id, User.active.is_(True), UserRole.role.in_(roles))
            .order_by(User.username)
        ):
            choices.setdefault(row.role, []).append(row)
    return choices


def reassign_task(
    session: Session, actor: User, task_id: int, to_user_id: int | None, reason: str = ""
) -> TaskItem:
    item = visible_task(session, actor, task_id)
    require_act_in(actor, item.bureau_id, "改派")
    _lock_open(session, item)
    text = _clean_text(reason, "改派理由", required=False)
    target = session.get(User, to_user_id) if to_user_id else None
    if target is None:
        raise InvalidRequest("请选择改派给谁")
    if target.bureau_id != item.bureau_id:
        raise InvalidRequest("只能改派给本局的人员")
    if not target.active:
        raise InvalidRequest(f"{target.display_name} 的账号已停用，不能改派")
    if item.role not in target.roles:
        raise InvalidRequest(f"{target.display_name} 没有“{role_label(item.role)}”角色，不能办理该环节")
    if target.id == item.claimed_by_id:
        raise InvalidRequest(f"该任务已由 {target.display_name} 办理，无需改派")
    previous = item.claimed_by.display_name if item.claimed_by_id else "待认领"
    at = now()
    item.claimed_by_id = target.id
    case = item.case
    audit(
        session,
        case,
        actor,
        "reassign",
        step=item.step,
        at=at,
        summary=f"“{item.name}”由 {previous} 改派给 {target.display_name}",
        data={"原办理人": previous, "改派给": target.display_name, "改派理由": text or "—"},
    )
    session.add(
        Notification(
            bureau_id=item.bureau_id,
            user_id=target.id,
            case_id=case.id,
            kind="reminder",
            created_at=at,
            message=f"督办改派：“{item.name}”（{case.number}）已改派给您办理" + (f"。{text}" if text else ""),
        )
    )
    session.flush()
    session.expire(item, ["claimed_by"])
    return item


def add_note(
    session: Session, actor: User, case_id: int, text: str, *, task_id: int | None = None
) -> AuditEvent:
    """A supervisor's note on a case (optionally about one of its tasks), in its history."""
    case = visible_case(session, actor, case_id)
    body = _clean_text(text, "备注内容", required=True)
    step = None
    if task_id is not None:
        item = session.get(TaskItem, task_id)
        if item is None or item.case_id != case.id:
            raise InvalidRequest("该任务不属于这个案件")
        step = item.step
    event = audit(session, case, actor, "note", step=step, summary=body, data={"督办机关": actor.bureau.name})
    session.flush()
    return event


def latest_supervision(session: Session, case_ids: set[int]) -> dict[int, AuditEvent]:
    """The last reminder, reassignment or note of each case, for the board's page rows."""
    if not case_ids:
        return {}
    latest: dict[int, AuditEvent] = {}
    for event in session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id.in_(case_ids), AuditEvent.action.in_(("reminder", "reassign", "note")))
        .order_by(AuditEvent.at, AuditEvent.id)
    ):
        latest[event.case_id] = event
    return latest
