"""What failed to go out: webhook deliveries to departments and banks that gave up
after their retries, and e-mail/SMS notifications that could not be sent.  Both are
shown beside the engine's incidents; an administrator of the bureau queues them again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound
from app.models import Delivery, Organisation, OutboundMessage, Subscription, User
from app.notify import sending
from app.partners import delivery as webhooks

LIMIT = 200


def failed_deliveries(session: Session, bureau_ids: set[int], limit: int = LIMIT) -> list[Delivery]:
    return list(
        session.scalars(
            select(Delivery)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .join(Organisation, Organisation.id == Subscription.organisation_id)
            .where(Delivery.status == "failed", Organisation.bureau_id.in_(bureau_ids))
            .order_by(Delivery.id.desc())
            .limit(limit)
        ).unique()
    )


def failed_messages(session: Session, bureau_ids: set[int], limit: int = LIMIT) -> list[OutboundMessage]:
    return list(
        session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.status == "failed", OutboundMessage.bureau_id.in_(bureau_ids))
            .order_by(OutboundMessage.id.desc())
            .limit(limit)
        ).unique()
    )


def _require_admin_of(actor: User, bureau_id: int) -> None:
    if "admin" not in actor.roles or actor.bureau_id != bureau_id:
        raise Forbidden("只有所属机关的系统管理员可以重新发送")


def retry_delivery(session: Session, actor: User, delivery_id: int, bureau_ids: set[int]) -> Delivery:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.subscription.organisation.bureau_id not in bureau_ids:
        raise NotFound("推送记录不存在")
    _require_admin_of(actor, delivery.subscription.organisation.bureau_id)
    if delivery.status != "failed":
        raise Conflict("该推送不是失败状态，无需重新发送")
    webhooks.retry(session, delivery)
    return delivery


def retry_message(session: Session, actor: User, message_id: int, bureau_ids: set[int]) -> OutboundMessage:
    message = session.get(OutboundMessage, message_id)
    if message is None or message.bureau_id not in bureau_ids:
        raise NotFound("消息不存在")
    _require_admin_of(actor, message.bureau_id)
    if message.status != "failed":
        raise Conflict("该消息不是失败状态，无需重新发送")
    sending.retry(message)
    return message
