"""Staff accounts as administrators keep them: create, edit, deactivate, reset the
password.  An administrator manages the users of their own bureau and those below it;
anyone else's account reads as absent (404).  Every change is audited."""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import now
from app.domain.roles import role_label
from app.engine import audit
from app.errors import Conflict, Invalid, NotFound
from app.models import ApplicantProfile, Bureau, User, UserRole
from app.org import roles as role_table
from app.org.bureaus import managed_bureau_ids, require_admin
from app.org.tokens import revoke_all_tokens
from app.security.passwords import policy_problem

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
EDITABLE = {"roles", "active", "name", "bureau_id"}
MAX_USERS_LISTED = 2000
MAX_ROLES_PER_USER = 20


def _min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"] if has_app_context() else 10


def staff_query(session: Session, admin: User | None):
    """Staff accounts (applicants of the portal are not staff) the admin manages."""
    applicants = select(ApplicantProfile.user_id)
    return select(User).where(
        User.bureau_id.in_(managed_bureau_ids(session, admin)), User.id.not_in(applicants)
    )


def list_users(
    session: Session, admin: User | None, bureau_id: int | None = None, limit: int = MAX_USERS_LISTED
):
    require_admin(admin)
    query = staff_query(session, admin)
    if bureau_id is not None:
        query = query.where(User.bureau_id == bureau_id)
    return list(session.scalars(query.order_by(User.bureau_id, User.username).limit(limit)))


def managed_user(session: Session, admin: User | None, user_id) -> User:
    require_admin(admin)
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or user.bureau_id not in managed_bureau_ids(session, admin)
        or getattr(user, "applicant_profile", None) is not None
    ):
        raise NotFound("用户不存在")
    return user


def _roles_problem(session: Session, raw) -> tuple[list[str], str | None]:
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        return [], "角色应为角色代码的列表"
    codes = list(dict.fromkeys(r.strip() for r in raw if r.strip()))
    if not codes:
        return [], "请至少选择一个角色"
    if len(codes) > MAX_ROLES_PER_USER:
        return [], f"一个用户最多 {MAX_ROLES_PER_USER} 个角色"
    unknown = role_table.unknown_codes(session, codes)
    if unknown:
        return [], f"未知的角色：{'、'.join(unknown)}"
    return codes, None


def _name_problem(name) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "请填写姓名"
    if len(name.strip()) > 64:
        return "姓名不能超过 64 个字"
    return None


def _bureau_problem(session: Session, admin: User | None, raw) -> tuple[int | None, str | None]:
    if raw in (None, ""):
        return (admin.bureau_id, None) if admin is not None else (None, "请指定机关")
    try:
        bureau_id = int(raw)
    except (TypeError, ValueError):
        return None, "请选择机关"
    if bureau_id not in managed_bureau_ids(session, admin):
        return None, "只能选择本机关或下级机关"
    return bureau_id, None


def _role_labels(codes) -> str:
    return "、".join(role_label(c) for c in sorted(codes)) or "无"


def create_user(session: Session, admin: User | None, data: dict) -> User:
    require_admin(admin)
    username = data.get("username")
    username = username.strip() if isinstance(username, str) else ""
    password = data.get("password") if isinstance(data.get("password"), str) else ""
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = "用户名应为 2 到 64 位字母、数字、点、下划线或短横线，以字母或数字开头"
    if problem := _name_problem(data.get("name")):
        errors["name"] = problem
    if problem := policy_problem(password, username, _min_length()):
        errors["password"] = problem
    codes, problem = _roles_problem(session, data.get("roles"))
    if problem:
        errors["roles"] = problem
    bureau_id, problem = _bureau_problem(session, admin, data.get("bureau_id"))
    if problem:
        errors["bureau_id"] = problem
    if errors:
        raise Invalid("用户信息有误", errors)
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise Conflict(f"用户名 {username} 已被使用", {"username": "该用户名已被使用"})
    user = User(
        username=username,
        display_name=data["name"].strip(),
        bureau_id=bureau_id,
        password_hash="",
        must_change_password=True,  # the person chooses their own password at first login
    )
    user.set_password(password)
    user.role_rows = [UserRole(role=c) for c in codes]
    session.add(user)
    session.flush()
    bureau = session.get(Bureau, bureau_id)
    audit(
        session,
        None,
        admin,
        "user_created",
        summary=f"新增用户：{user.display_name}（{username}），{bureau.name}，角色：{_role_labels(codes)}",
        data={"user_id": user.id, "roles": codes, "bureau_id": bureau_id},
    )
    return user


def _end_sessions(session: Session, user: User) -> None:
    user.session_generation += 1  # the signed-in pages of this user end
    revoke_all_tokens(session, user)


def update_user(session: Session, admin: User | None, user_id, changes: dict) -> User:
    user = managed_user(session, admin, user_id)
    errors: dict[str, str] = {}
    for key in changes:
        if key not in EDITABLE:
            errors[str(key)[:40]] = "不能修改该字段（可修改：roles、active、name、bureau_id）"
    codes, name, bureau_id = None, None, None
    if "roles" in changes:
        codes, problem = _roles_problem(session, changes["roles"])
        if problem:
            errors["roles"] = problem
        elif admin is not None and user.id == admin.id and "admin" not in codes:
            errors["roles"] = "不能取消自己的系统管理员角色"
    if "name" in changes:
        if problem := _name_problem(changes["name"]):
            errors["name"] = problem
        else:
            name = changes["name"].strip()
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            errors["active"] = "active 应为 true 或 false"
        elif admin is not None and user.id == admin.id and not changes["active"]:
            errors["active"] = "不能停用自己的账号"
    if "bureau_id" in changes:
        bureau_id, problem = _bureau_problem(session, admin, changes["bureau_id"])
        if problem or changes["bureau_id"] in (None, ""):
            errors["bureau_id"] = problem or "请选择机关"
        elif admin is not None and user.id == admin.id and bureau_id != admin.bureau_id:
            errors["bureau_id"] = "不能把自己调到其他机关"
    if errors:
        raise Invalid("用户信息有误", errors)
    said = []
    if codes is not None and set(codes) != user.roles:
        said.append(f"角色 {_role_labels(user.roles)} → {_role_labels(codes)}")
        keep = [r for r in user.role_rows if r.role in codes]
        user.role_rows = keep + [UserRole(role=c) for c in codes if c not in {r.role for r in keep}]
    if name is not None and name != user.display_name:
        said.append(f"姓名 {user.display_name} → {name}")
        user.display_name = name
    if bureau_id is not None and bureau_id != user.bureau_id:
        said.append(f"机关 {user.bureau.name} → {session.get(Bureau, bureau_id).name}")
        user.bureau_id = bureau_id
        session.expire(user, ["bureau"])
    action = "user_updated"
    if "active" in changes and changes["active"] != user.active:
        user.active = changes["active"]
        action = "user_reactivated" if user.active else "user_deactivated"
        said.append("启用" if user.active else "停用（已登录的会话和访问令牌失效）")
        if not user.active:
            _end_sessions(session, user)
    session.flush()
    if said:
        audit(
            session,
            None,
            admin,
            action,
            summary=f"{user.display_name}（{user.username}）：" + "；".join(said),
            data={"user_id": user.id, "changes": sorted(k for k in changes if k in EDITABLE)},
        )
    return user


def reset_password(session: Session, admin: User | None, user_id, password) -> User:
    user = managed_user(session, admin, user_id)
    password = password if isinstance(password, str) else ""
    if problem := policy_problem(password, user.username, _min_length()):
        raise Invalid("密码不符合要求", {"password": problem})
    user.set_password(password)
    user.must_change_password = True  # the person chooses a new one at the next login
    user.password_changed_at = now()
    _end_sessions(session, user)
    session.flush()
    audit(
        session,
        None,
        admin,
        "password_reset",
        summary=f"重置 {user.display_name}（{user.username}）的密码，下次登录须修改",
        data={"user_id": user.id},
    )
    return user


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "bureau_id": user.bureau_id,
        "bureau": user.bureau.name,
        "roles": sorted(user.roles),
        "active": user.active,
        "must_change_password": user.must_change_password,
    }
