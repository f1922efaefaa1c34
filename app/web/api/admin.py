"""Administration by API: roles, staff accounts, bureaus (administrators only; an
administrator manages their own bureau and those below it).

GET  /api/admin/roles                                   -> {"roles": [{code, name}]}
POST /api/admin/roles {"code", "name"}                  -> 201 {code, name}; 409 duplicate
GET  /api/admin/users                                   -> {"users": [...]}
POST /api/admin/users {"username", "name", "password", "roles": [codes], "bureau_id"?} -> 201 {id, username}
PATCH /api/admin/users/<id> {"roles"?, "active"?, "name"?, "bureau_id"?} -> the user
POST /api/admin/users/<id>/password {"password"}        -> {id, must_change_password}
GET  /api/admin/bureaus                                 -> {"bureaus": [...]}
POST /api/admin/bureaus {"name", "code", "parent_id", "doc_prefix"?} -> 201 the bureau
PATCH /api/admin/bureaus/<id> {"address"?, "phone"?, "contact_person"?, "reconsideration_body"?, "court"?} -> the bureau
"""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify

from app.extensions import db
from app.org import bureau_details, bureaus, roles, users
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.common import unit_of_work
from app.web.errors import json_error


def administrators(view):
    """Token required, administrators only, a JSON object body on writes."""

    @wraps(view)
    @token_required
    def wrapped(*args, **kwargs):
        if "admin" not in g.api_user.roles:
            return json_error(403, "只有系统管理员可以进行此操作")
        return view(*args, **kwargs)

    return wrapped


def _body():
    body = json_body()
    if body is None:
        return None, json_error(400, "请求体应为 JSON 对象")
    return body, None


@bp.route("/admin/roles", methods=["GET"])
@administrators
def admin_roles():
    catalogue = roles.catalogue(db.session)
    return jsonify({"roles": [{"code": c, "name": n} for c, n in catalogue.items()]})


@bp.route("/admin/roles", methods=["POST"])
@administrators
def admin_create_role():
    body, refused = _body()
    if refused:
        return refused
    role, _ = unit_of_work(
        lambda: roles.create_role(db.session, g.api_user, body.get("code"), body.get("name"))
    )
    return jsonify({"code": role.code, "name": role.name}), 201


@bp.route("/admin/users", methods=["GET"])
@administrators
def admin_users():
    return jsonify({"users": [users.user_json(u) for u in users.list_users(db.session, g.api_user)]})


@bp.route("/admin/users", methods=["POST"])
@administrators
def admin_create_user():
    body, refused = _body()
    if refused:
        return refused
    user, _ = unit_of_work(lambda: users.create_user(db.session, g.api_user, body))
    return jsonify({"id": user.id, "username": user.username}), 201


@bp.route("/admin/users/<int:user_id>", methods=["GET"])
@administrators
def admin_user(user_id: int):
    return jsonify(users.user_json(users.managed_user(db.session, g.api_user, user_id)))


@bp.route("/admin/users/<int:user_id>", methods=["PATCH"])
@administrators
def admin_update_user(user_id: int):
    body, refused = _body()
    if refused:
        return refused
    user, _ = unit_of_work(lambda: users.update_user(db.session, g.api_user, user_id, body))
    return jsonify(users.user_json(user))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@administrators
def admin_reset_password(user_id: int):
    body, refused = _body()
    if refused:
        return refused
    user, _ = unit_of_work(
        lambda: users.reset_password(db.session, g.api_user, user_id, body.get("password"))
    )
    return jsonify({"id": user.id, "must_change_password": user.must_change_password})


@bp.route("/admin/bureaus", methods=["GET"])
@administrators
def admin_bureaus():
    rows = bureaus.managed_bureaus(db.session, g.api_user)
    return jsonify({"bureaus": [bureaus.bureau_json(b) for b in rows]})


@bp.route("/admin/bureaus", methods=["POST"])
@administrators
def admin_create_bureau():
    body, refused = _body()
    if refused:
        return refused
    bureau, _ = unit_of_work(lambda: bureaus.create_bureau(db.session, g.api_user, body))
    return jsonify(bureaus.bureau_json(bureau)), 201


@bp.route("/admin/bureaus/<int:bureau_id>", methods=["PATCH"])
@administrators
def admin_update_bureau(bureau_id: int):
    body, refused = _body()
    if refused:
        return refused
    bureau, _ = unit_of_work(lambda: bureau_details.update_details(db.session, g.api_user, bureau_id, body))
    return jsonify({**bureaus.bureau_json(bureau), **bureau_details.details_json(bureau)})
