"""外部单位: the administrator's pages for departments and banks — their accounts and
API keys (shown once), webhook subscriptions (secret shown once), suspension, and the
record of their register checks (查询留痕).  The same rules as /api/admin/organisations."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.org.access import visible_bureau_ids
from app.partners import organisations, queries, subscriptions
from app.partners.subscriptions import EVENT_KINDS
from app.web.admin.routes import bp
from app.web.common import field_errors, role_required, unit_of_work


def _bureaus() -> set[int]:
    return visible_bureau_ids(db.session, current_user)


def _page(status: int = 200, **shown):
    bureaus = _bureaus()
    found = organisations.organisations_in(db.session, bureaus)
    context = {
        "organisations": found,
        "names": {o.id: o.name for o in found},
        "subscriptions": subscriptions.subscriptions_in(db.session, bureaus),
        "queries": queries.recent_queries(db.session, bureaus, limit=100),
        "kinds": organisations.KINDS,
        "events": EVENT_KINDS,
        "errors": {},
        "values": {},
        "sub_errors": {},
        "sub_values": {},
    }
    context.update(shown)
    return render_template("admin/organisations.html", **context), status


@bp.route("/organisations")
@role_required("admin")
def list_organisations():
    return _page()


@bp.route("/organisations", methods=["POST"])
@role_required("admin")
def create_organisation():
    values = {"name": request.form.get("name", "")[:200], "kind": request.form.get("kind", "")}
    created, error = unit_of_work(
        lambda: organisations.create_organisation(db.session, current_user, values["name"], values["kind"]),
        "外部单位已添加",
    )
    if error is not None:
        return _page(422, errors=field_errors(error), values=values)
    organisation, key = created
    return _page(201, new_key={"name": organisation.name, "key": key})


@bp.route("/organisations/<int:organisation_id>/active", methods=["POST"])
@role_required("admin")
def set_organisation_active(organisation_id: int):
    active = request.form.get("active") == "1"
    unit_of_work(
        lambda: organisations.set_active(db.session, _bureaus(), organisation_id, active),
        "已恢复该单位的接口访问" if active else "已暂停该单位的接口访问，其密钥立即失效",
    )
    return redirect(url_for("admin.list_organisations"))


@bp.route("/subscriptions", methods=["POST"])
@role_required("admin")
def create_subscription():
    chosen = request.form.getlist("events")[: len(EVENT_KINDS) + 1]
    values = {
        "organisation_id": request.form.get("organisation_id", type=int),
        "url": request.form.get("url", "")[:600],
        "events": ["*"] if "*" in chosen else chosen,
    }
    created, error = unit_of_work(
        lambda: subscriptions.create_subscription(
            db.session, _bureaus(), values["organisation_id"], values["url"], values["events"]
        ),
        "订阅已添加",
    )
    if error is not None:
        return _page(422, sub_errors=field_errors(error), sub_values=values)
    return _page(201, new_secret={"url": created.url, "secret": created.secret})
