"""Staff accounts from a CSV file: every row is checked first; the file is imported
only when all rows are valid (nothing otherwise), each problem named by its row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.roles import role_code
from app.engine import audit
from app.errors import AppError, Invalid
from app.models import Bureau, User
from app.org.bureaus import managed_bureau_ids
from app.org.users import create_user

COLUMNS = ("用户名", "姓名", "机关代码", "角色", "初始密码")
TEMPLATE = "用户名,姓名,机关代码,角色,初始密码\r\nzhang_wei,张伟,CITY,受理窗口,Chushi2026abc\r\n"
MAX_BYTES = 256 * 1024
MAX_ROWS = 200  # each row hashes a password (tens of milliseconds)
FIELD_NAMES = {
    "username": "用户名",
    "name": "姓名",
    "bureau_id": "机关代码",
    "roles": "角色",
    "password": "初始密码",
}


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # 第 N 行：…


def _split_roles(text: str) -> list[str]:
    for sep in ("；", "、", "，", ","):
        text = text.replace(sep, ";")
    names = [part.strip() for part in text.split(";") if part.strip()]
    return [role_code(name) or name for name in names]  # a code or a Chinese name


def import_users(session: Session, admin: User | None, data: bytes) -> ImportResult:
    """Create the accounts of the file, or none when any row is wrong (Invalid)."""
    from app.register.importing import decode

    if len(data) > MAX_BYTES:
        raise Invalid(f"文件过大：一次最多导入 {MAX_BYTES // 1024} KB")
    rows = list(csv.reader(io.StringIO(decode(data))))
    header = [h.strip() for h in rows[0]] if rows else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise Invalid(f"第 1 行应为列名：{'，'.join(COLUMNS)}；缺少：{'，'.join(missing)}")
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(cell.strip() for cell in r)]
    if not body:
        raise Invalid("文件中没有用户")
    if len(body) > MAX_ROWS:
        raise Invalid(f"一次最多导入 {MAX_ROWS} 个用户，本文件有 {len(body)} 个")
    bureaus = dict(session.execute(select(Bureau.code, Bureau.id)).all())
    allowed = managed_bureau_ids(session, admin)
    result = ImportResult()
    seen: dict[str, int] = {}
    for line, raw in body:
        cells = dict(zip(header, (c.strip() for c in raw)))
        username = cells.get("用户名", "")
        if username.lower() in seen:
            result.errors.append(f"第 {line} 行：用户名 {username} 与第 {seen[username.lower()]} 行重复")
            continue
        seen[username.lower()] = line
        code = cells.get("机关代码", "").upper()
        if code and code not in bureaus:
            result.errors.append(f"第 {line} 行：机关代码 {code} 不存在")
            continue
        if code and bureaus[code] not in allowed:
            result.errors.append(f"第 {line} 行：机关 {code} 不在您的管理范围内")
            continue
        values = {
            "username": username,
            "name": cells.get("姓名", ""),
            "password": cells.get("初始密码", ""),
            "roles": _split_roles(cells.get("角色", "")),
            "bureau_id": bureaus.get(code) if code else None,
        }
        try:
            with session.begin_nested():  # a refused row leaves nothing behind
                result.created.append(create_user(session, admin, values))
        except AppError as exc:
            problems = exc.errors if isinstance(exc.errors, dict) and exc.errors else {"": exc.message}
            said = "；".join(f"{FIELD_NAMES.get(k, k)}：{m}" if k else m for k, m in problems.items())
            result.errors.append(f"第 {line} 行：{said}")
    if result.errors:
        raise Invalid(f"文件有 {len(result.errors)} 处错误，未导入任何用户", result.errors)
    audit(
        session,
        None,
        admin,
        "users_imported",
        summary=f"从 CSV 导入 {len(result.created)} 个用户",
        data={"user_ids": [u.id for u in result.created]},
    )
    return result
