"""Departments and banks: organisation accounts, their query log, webhook
subscriptions and deliveries (administrators), and measures reported back (API key).

POST /api/admin/organisations {"name", "kind"}            -> 201 {id, api_key} (the key shown once)
GET  /api/admin/organisations                              -> {"organisations": [...]}
GET  /api/admin/register-queries                           -> {"queries": [{organisation, credit_code, at, listed}]}
POST /api/admin/subscriptions {"organisation_id", "url", "events"} -> 201 {id, secret}
GET  /api/admin/subscriptions                              -> {"subscriptions": [...]}
GET  /api/admin/deliveries?status=pending|delivered|failed -> {"deliveries": [...]}
POST /api/feedback {"credit_code", "measure", "description"?, "applied_on"?}  (X-Api-Key) -> 201 {id}
"""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from sqlalchemy import select

from app.extensions import db
from app.models import Delivery, Organisation, Subscription
from app.org.access import visible_bureau_ids
from app.partners.feedback import report_measure
from app.partners.organisations import KINDS, create_organisation, organisation_for_key, organisations_in
from app.partners.queries import query_json, recent_queries
from app.partners.subscriptions import create_subscription, subscriptions_in
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.errors import json_error

LIST_LIMIT = 500


def admin_required(view):
    """After token_required: administrators only."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if "admin" not in g.api_user.roles:
            return json_error(403, "只有系统管理员可以管理外部单位")
        return view(*args, **kwargs)

    return wrapped


def api_key_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        organisation = organisation_for_key(db.session, request.headers.get("X-Api-Key", ""))
        if organisation is None:
            return json_error(401, "缺少或无效的 API 密钥（X-Api-Key）")
        g.organisation = organisation
        return view(*args, **kwargs)

    return wrapped


def organisation_json(organisation: Organisation) -> dict:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": KINDS.get(organisation.kind, organisation.kind),
        "bureau_id": organisation.bureau_id,
        "key_prefix": organisation.key_prefix,
        "active": organisation.active,
    }


def delivery_json(delivery: Delivery) -> dict:
    return {
        "id": delivery.id,
        "event_id": delivery.event.event_id,
        "event": delivery.event.kind,
        "subscription_id": delivery.subscription_id,
        "organisation": delivery.subscription.organisation.name,
        "url": delivery.subscription.url,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at.isoformat(),
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None,
    }


@bp.route("/admin/organisations", methods=["POST"])
@token_required
@admin_required
def create_organisation_api():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    organisation, key = create_organisation(db.session, g.api_user, body.get("name"), body.get("kind"))
    db.session.commit()
    return jsonify({**organisation_json(organisation), "api_key": key}), 201


@bp.route("/admin/organisations")
@token_required
@admin_required
def list_organisations():
    found = organisations_in(db.session, visible_bureau_ids(db.session, g.api_user))
    return jsonify({"organisations": [organisation_json(o) for o in found]})


@bp.route("/admin/register-queries")
@token_required
@admin_required
def list_register_queries():
    found = recent_queries(db.session, visible_bureau_ids(db.session, g.api_user))
    return jsonify({"queries": [query_json(q) for q in found]})


@bp.route("/admin/subscriptions", methods=["POST"])
@token_required
@admin_required
def create_subscription_api():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    subscription = create_subscription(
        db.session,
        visible_bureau_ids(db.session, g.api_user),
        body.get("organisation_id"),
        body.get("url"),
        body.get("events"),
    )
    db.session.commit()
    return jsonify({"id": subscription.id, "secret": subscription.secret, "events": subscription.events}), 201


@bp.route("/admin/subscriptions")
@token_required
@admin_required
def list_subscriptions():
    found = subscriptions_in(db.session, visible_bureau_ids(db.session, g.api_user), LIST_LIMIT)
    return jsonify(
        {
            "subscriptions": [
                {
                    "id": s.id,
                    "organisation_id": s.organisation_id,
                    "url": s.url,
                    "events": s.events,
                    "active": s.active,
                }
                for s in found
            ]
        }
    )


@bp.route("/admin/deliveries")
@token_required
@admin_required
def list_deliveries():
    bureaus = visible_bureau_ids(db.session, g.api_user)
    stmt = (
        select(Delivery)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .join(Organisation, Organisation.id == Subscription.organisation_id)
        .where(Organisation.bureau_id.in_(bureaus))
        .order_by(Delivery.id.desc())
        .limit(LIST_LIMIT)
    )
    status = request.args.get("status")
    if status:
        if status not in ("pending", "delivered", "failed"):
            return json_error(422, errors={"status": "状态应为 pending、delivered 或 failed"})
        stmt = stmt.where(Delivery.status == status)
    return jsonify({"deliveries": [delivery_json(d) for d in db.session.scalars(stmt)]})


@bp.route("/feedback", methods=["POST"])
@api_key_required
def report_feedback():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    feedback = report_measure(db.session, g.organisation, body)
    db.session.commit()
    return jsonify({"id": feedback.id, "register_entry_id": feedback.register_entry_id}), 201
