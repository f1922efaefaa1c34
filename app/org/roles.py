"""The role table: what lanes of diagrams may name, and what users are given."""

from __future__ import annotations

import re

from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.roles import ROLES
from app.engine import audit
from app.errors import Conflict, Invalid
from app.models import Role, User

CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
MAX_ROLES = 200  # a bureau has a handful; the limit keeps lists and lane checks small


def catalogue(session: Session) -> dict[str, str]:
    """code -> Chinese name of every role, read once per request (or command)."""
    if has_app_context() and "_role_catalogue" in g:
        return g._role_catalogue
    roles = dict(session.execute(select(Role.code, Role.name).order_by(Role.id)).all()) or dict(ROLES)
    if has_app_context():
        g._role_catalogue = roles
    return roles


def forget() -> None:
    if has_app_context():
        g.pop("_role_catalogue", None)


def unknown_codes(session: Session, codes) -> list[str]:
    known = catalogue(session)
    return [c for c in codes if c not in known]


def create_role(session: Session, actor: User | None, code, name) -> Role:
    code = str(code or "").strip()
    name = str(name or "").strip()
    errors = {}
    if not CODE.match(code):
        errors["code"] = "角色代码应为 2 到 32 位小写字母、数字或下划线，以字母开头，如 expert"
    if not name:
        errors["name"] = "请填写角色名称"
    elif len(name) > 64:
        errors["name"] = "角色名称不能超过 64 个字"
    if errors:
        raise Invalid("角色信息有误", errors)
    known = catalogue(session)
    if code in known:
        raise Conflict(f"角色代码 {code} 已存在（{known[code]}）", {"code": "该角色代码已存在"})
    if name in known.values() or name in known:
        raise Conflict(f"角色名称“{name}”已存在", {"name": "该角色名称已存在"})
    if len(known) >= MAX_ROLES:
        raise Invalid(f"角色最多 {MAX_ROLES} 个")
    role = Role(code=code, name=name)
    session.add(role)
    session.flush()
    forget()
    audit(session, None, actor, "role_created", summary=f"新增角色：{name}（{code}）", data={"role": code})
    return role
