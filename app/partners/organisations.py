"""Organisation accounts and their API keys.  Only a key's SHA-256 is stored; the key
itself is shown once, when the account is created."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.models import Organisation, User

KINDS = {
    "bank": "银行业金融机构",
    "ndrc": "发展改革部门",
    "market": "市场监管部门",
    "land": "自然资源部门",
    "finance": "财政部门",
    "housing": "住房城乡建设部门",
    "other": "其他部门",
}
KEY_PREFIX = "rk_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_organisation(session: Session, admin: User, name, kind) -> tuple[Organisation, str]:
    errors = {}
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "请填写单位名称"
    elif len(name.strip()) > 100:
        errors["name"] = "单位名称不能超过100个字"
    if kind not in KINDS:
        errors["kind"] = "请选择单位类型：" + "、".join(f"{k}（{v}）" for k, v in KINDS.items())
    if errors:
        raise Invalid("提交的内容有误", errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    organisation = Organisation(
        bureau_id=admin.bureau_id,
        name=name.strip(),
        kind=kind,
        key_hash=_digest(key),
        key_prefix=key[:10],
    )
    session.add(organisation)
    session.flush()
    return organisation, key


def organisation_for_key(session: Session, key: str) -> Organisation | None:
    if not key or len(key) > 200:
        return None
    organisation = session.scalar(select(Organisation).where(Organisation.key_hash == _digest(key.strip())))
    if organisation is None or not organisation.active:
        return None
    return organisation


def organisations_in(session: Session, bureau_ids: set[int]) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation).where(Organisation.bureau_id.in_(bureau_ids)).order_by(Organisation.id)
        )
    )


def set_active(session: Session, bureau_ids: set[int], organisation_id: int, active: bool) -> Organisation:
    """Suspend or restore an organisation: a suspended one's key answers 401 at once."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.bureau_id not in bureau_ids:
        raise NotFound("单位不存在")
    organisation.active = active
    session.flush()
    return organisation
