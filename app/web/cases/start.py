"""发起: the processes the user may start, each with its start form drawn in the
diagram (the start event's camunda:formData)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import engine
from app.cases import starting
from app.extensions import db
from app.web.cases.routes import bp
from app.web.common import field_errors, form_values, unit_of_work


def _entry(version) -> dict:
    hook = starting.hook_of(version)
    page = hook.page if hook is not None else None
    return {
        "version": version,
        "url": url_for(page) if page else url_for("cases.start_form", key=version.key),
        "fields": len(engine.start_form(version)),
    }


def _code_said(case) -> str:
    """A tip taken on the phone: the code the caller asks about the outcome with."""
    code = (case.facts or {}).get("tracking_code")
    return f"，举报查询码 {code}（请告知举报人）" if code else ""


@bp.route("/start")
@login_required
def list_startable():
    versions = starting.startable(db.session, current_user)
    return render_template("cases/start_list.html", entries=[_entry(v) for v in versions])


@bp.route("/start/<key>", methods=["GET", "POST"])
@login_required
def start_form(key: str):
    version = engine.published_version(db.session, key[:64])
    if version is None:
        abort(404)
    if not starting.may_start(version, current_user):
        abort(403)
    hook = starting.hook_of(version)
    if hook is not None and hook.page:
        return redirect(url_for(hook.page))  # a start the drawn form cannot hold (subjects of a listing)
    fields = engine.start_form(version)
    values, errors = {}, {}

    if request.method == "POST":
        values = form_values(fields)
        case, refused = unit_of_work(
            lambda: starting.start_process(db.session, current_user, key, values),
            done=lambda case: f"已发起“{version.name}”，案件编号 {case.number}" + _code_said(case),
        )
        if refused is None:
            return redirect(url_for("cases.show_case", case_id=case.id))
        errors = field_errors(refused)
    return render_template(
        "cases/start_form.html", version=version, fields=fields, values=values, errors=errors
    ), (422 if errors else 200)
