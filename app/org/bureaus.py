"""The tree of bureaus as administrators keep it: an administrator sees and extends
their own bureau and those below it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine import audit
from app.errors import Conflict, Forbidden, Invalid
from app.models import Bureau, User
from app.org.access import bureau_and_below

CODE = re.compile(r"^[A-Z0-9_-]{2,32}$")
CHILD_LEVEL = {"province": "city", "city": "county"}
LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级"}
MAX_BUREAUS = 2000


# actor None: the operator at the server's command line (flask users …), who manages all.


def require_admin(actor: User | None) -> None:
    if actor is not None and "admin" not in actor.roles:
        raise Forbidden("只有系统管理员可以进行此操作")


def managed_bureau_ids(session: Session, admin: User | None) -> set[int]:
    if admin is None:
        return set(session.scalars(select(Bureau.id)))
    return bureau_and_below(session, admin.bureau_id)


def managed_bureaus(session: Session, admin: User) -> list[Bureau]:
    ids = managed_bureau_ids(session, admin)
    return list(session.scalars(select(Bureau).where(Bureau.id.in_(ids)).order_by(Bureau.id)))


@dataclass
class Node:
    bureau: Bureau
    depth: int
    children: list["Node"] = field(default_factory=list)


def bureau_tree(session: Session, admin: User) -> list[Node]:
    """The administrator's bureau and those below, depth first (for an indented list)."""
    bureaus = managed_bureaus(session, admin)
    by_parent: dict[int | None, list[Bureau]] = {}
    for b in bureaus:
        by_parent.setdefault(b.parent_id, []).append(b)
    rows: list[Node] = []

    def walk(bureau: Bureau, depth: int) -> None:
        rows.append(Node(bureau, depth))
        for child in by_parent.get(bureau.id, []):
            walk(child, depth + 1)

    root = next(b for b in bureaus if b.id == admin.bureau_id)
    walk(root, 0)
    return rows


def _prefix_from(name: str) -> str:
    """示范县应急管理局 -> 示范县应急 (document numbers; the administrator may give another)."""
    base = name.replace("应急管理局", "").replace("应急管理厅", "").strip() or name
    return (base[:6] + "应急")[:20]


def create_bureau(session: Session, admin: User, data: dict) -> Bureau:
    require_admin(admin)
    name = str(data.get("name") or "").strip()
    code = str(data.get("code") or "").strip().upper()
    prefix = str(data.get("doc_prefix") or "").strip()
    raw_parent = data.get("parent_id")
    errors = {}
    if not name:
        errors["name"] = "请填写机关名称"
    elif len(name) > 100:
        errors["name"] = "机关名称不能超过 100 个字"
    if not CODE.match(code):
        errors["code"] = "机关代码应为 2 到 32 位字母、数字、下划线或短横线，如 COUNTY2"
    if len(prefix) > 20:
        errors["doc_prefix"] = "文号前缀不能超过 20 个字"
    parent = None
    try:
        parent_id = int(raw_parent) if raw_parent not in (None, "") else admin.bureau_id
    except (TypeError, ValueError):
        parent_id = None
    if parent_id is not None and parent_id in managed_bureau_ids(session, admin):
        parent = session.get(Bureau, parent_id)
    if parent is None:
        errors["parent_id"] = "请选择本机关或下级机关作为上级机关"
    elif parent.level not in CHILD_LEVEL:
        errors["parent_id"] = f"{LEVEL_LABELS.get(parent.level, parent.level)}机关下不能再设下级机关"
    if errors:
        raise Invalid("机关信息有误", errors)
    if session.scalar(select(Bureau.id).where(Bureau.code == code)):
        raise Conflict(f"机关代码 {code} 已存在", {"code": "该机关代码已存在"})
    if session.scalar(select(Bureau.id).where(Bureau.name == name)):
        raise Conflict(f"机关“{name}”已存在", {"name": "该机关名称已存在"})
    if session.scalar(select(func.count(Bureau.id))) >= MAX_BUREAUS:
        raise Invalid(f"机关最多 {MAX_BUREAUS} 个")
    bureau = Bureau(
        name=name,
        code=code,
        level=CHILD_LEVEL[parent.level],
        doc_prefix=prefix or _prefix_from(name),
        parent_id=parent.id,
    )
    session.add(bureau)
    session.flush()
    audit(
        session,
        None,
        admin,
        "bureau_created",
        summary=f"新增机关：{name}（{code}），上级：{parent.name}",
        data={"bureau_id": bureau.id, "parent_id": parent.id},
    )
    return bureau


def bureau_json(bureau: Bureau) -> dict:
    return {
        "id": bureau.id,
        "name": bureau.name,
        "code": bureau.code,
        "level": bureau.level,
        "doc_prefix": bureau.doc_prefix,
        "parent_id": bureau.parent_id,
    }
