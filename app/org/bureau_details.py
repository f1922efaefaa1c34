"""What a bureau's documents print about it: the contact line (address, phone,
contact person) and the bodies its remedies name (行政复议机关 — usually the people's
government at the same level — and the court).  Kept by the bureau's administrators
(their own bureau and those below); each change is in the history."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.engine import audit
from app.errors import Invalid, NotFound
from app.models import Bureau, User
from app.org.bureaus import managed_bureau_ids, require_admin

FIELDS = {
    "reconsideration_body": "行政复议机关",
    "court": "管辖法院",
    "address": "联系地址",
    "phone": "联系电话",
    "contact_person": "联系人",
}
MAX_LENGTH = 200


def managed_bureau(session: Session, admin: User, bureau_id: int) -> Bureau:
    require_admin(admin)
    if bureau_id not in managed_bureau_ids(session, admin):
        raise NotFound("机关不存在")
    return session.get(Bureau, bureau_id)


def update_details(session: Session, admin: User, bureau_id: int, data: dict) -> Bureau:
    bureau = managed_bureau(session, admin, bureau_id)
    errors = {key: "不能修改此项" for key in data if key not in FIELDS}
    values = {}
    for key, label in FIELDS.items():
        if key not in data:
            continue
        value = data[key]
        if value is not None and not isinstance(value, str):
            errors[key] = f"{label}应为文字"
        elif len((value or "").strip()) > MAX_LENGTH:
            errors[key] = f"{label}不能超过 {MAX_LENGTH} 个字"
        else:
            values[key] = (value or "").strip()
    if errors:
        raise Invalid("机关文书信息有误", errors)
    changed = {k: v for k, v in values.items() if getattr(bureau, k) != v}
    for key, value in changed.items():
        setattr(bureau, key, value)
    if changed:
        audit(
            session,
            None,
            admin,
            "bureau_updated",
            summary=f"修改{bureau.name}的文书信息：{'、'.join(FIELDS[k] for k in changed)}",
            data={"bureau_id": bureau.id, **changed},
        )
    return bureau


def details_json(bureau: Bureau) -> dict:
    return {key: getattr(bureau, key) for key in FIELDS}
