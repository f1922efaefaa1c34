"""故障与救援: the open incidents of the visible bureaus; an administrator of the
case's bureau retries the case or cancels it with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.engine import rescue
from app.extensions import db
from app.models import Incident
from app.notify.channels import CHANNELS
from app.supervision import outbound
from app.web.common import field_errors, role_required, unit_of_work
from app.web.supervisor.blueprint import bp, visible

KIND_LABELS = {"step": "环节运行", "timer": "计时器", "message": "消息"}
# How the administrator's text for a corrected variable is read (app/web/supervisor/rescue.py).
VALUE_TYPES = {"text": "文字", "number": "数字", "boolean": "是/否", "json": "列表或对象（JSON）"}


@bp.route("/incidents")
@role_required("supervisor", "admin")
def list_incidents():
    bureaus = visible()
    return render_template(
        "supervisor/incidents.html",
        rows=rescue.open_incidents(db.session, bureaus),
        kinds=KIND_LABELS,
        deliveries=outbound.failed_deliveries(db.session, bureaus),
        messages=outbound.failed_messages(db.session, bureaus),
        channels=CHANNELS,
        value_types=VALUE_TYPES,
    )


@bp.route("/incidents/deliveries/<int:delivery_id>/retry", methods=["POST"])
@role_required("admin")
def retry_failed_delivery(delivery_id: int):
    unit_of_work(
        lambda: outbound.retry_delivery(db.session, current_user, delivery_id, visible()),
        "已重新加入推送队列",
    )
    return redirect(url_for("supervisor.list_incidents"))


@bp.route("/incidents/messages/<int:message_id>/retry", methods=["POST"])
@role_required("admin")
def retry_failed_message(message_id: int):
    unit_of_work(
        lambda: outbound.retry_message(db.session, current_user, message_id, visible()),
        "已重新加入发送队列",
    )
    return redirect(url_for("supervisor.list_incidents"))


def incident_to_act_on(incident_id: int) -> Incident | None:
    """The incident, when the signed-in administrator may act on its case; else a
    flashed reason and None (another bureau's reads as absent)."""
    incident = db.session.get(Incident, incident_id)
    if incident is None or incident.bureau_id not in visible():
        flash("故障不存在", "error")
    elif "admin" not in current_user.roles or current_user.bureau_id != incident.bureau_id:
        flash("只有本案所属机关的系统管理员可以处理", "error")
    else:
        return incident
    return None


def _rescue(incident_id: int, work, done: str):
    incident = incident_to_act_on(incident_id)
    if incident is not None:
        _, error = unit_of_work(lambda: work(incident), done)
        if field_errors(error):
            flash("；".join(field_errors(error).values()), "error")
    return redirect(url_for("supervisor.list_incidents"))


@bp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@role_required("admin")
def retry_incident_case(incident_id: int):
    return _rescue(
        incident_id, lambda i: rescue.retry(db.session, i.case_id, current_user), "已重试，案件继续运行"
    )


@bp.route("/incidents/<int:incident_id>/cancel", methods=["POST"])
@role_required("admin")
def cancel_incident_case(incident_id: int):
    reason = request.form.get("reason", "")
    return _rescue(
        incident_id, lambda i: rescue.cancel(db.session, i.case_id, current_user, reason), "案件已撤销"
    )
