"""Webhook subscriptions: a department names a URL and the events it wants."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.models import Organisation, Subscription

EVENT_KINDS = {
    "published": "列入名单并公示",
    "removed": "管理期满移出",
    "removed_early": "提前移出（信用修复）",
    "restored": "恢复列入",
    "withdrawn": "撤销列入",
    "suspended": "中止信用修复结果",
}
MAX_URL = 500


def url_error(url) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "请填写接收地址"
    if len(url) > MAX_URL:
        return f"接收地址不能超过{MAX_URL}个字符"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "接收地址应为 http:// 或 https:// 开头的完整网址"
    if parts.username or parts.password:
        return "接收地址不能包含用户名或密码"
    return None


def create_subscription(session: Session, bureau_ids: set[int], organisation_id, url, events) -> Subscription:
    organisation = session.get(Organisation, organisation_id) if isinstance(organisation_id, int) else None
    if organisation is None or organisation.bureau_id not in bureau_ids:
        raise NotFound("单位不存在")
    errors = {}
    problem = url_error(url)
    if problem:
        errors["url"] = problem
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        errors["events"] = '请选择订阅的事件：["*"] 表示全部'
    elif events != ["*"] and not set(events) <= set(EVENT_KINDS):
        unknown = "、".join(sorted(set(events) - set(EVENT_KINDS)))
        errors["events"] = f"不认识的事件：{unknown}；可选 {'、'.join(EVENT_KINDS)} 或 *"
    if errors:
        raise Invalid("提交的内容有误", errors)
    subscription = Subscription(
        organisation_id=organisation.id,
        url=url.strip(),
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
    )
    session.add(subscription)
    session.flush()
    return subscription


def wants(subscription: Subscription, kind: str) -> bool:
    return subscription.active and ("*" in subscription.events or kind in subscription.events)


def subscriptions_in(session: Session, bureau_ids: set[int], limit: int = 500) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .join(Organisation, Organisation.id == Subscription.organisation_id)
            .where(Organisation.bureau_id.in_(bureau_ids))
            .order_by(Subscription.id)
            .limit(limit)
        )
    )
