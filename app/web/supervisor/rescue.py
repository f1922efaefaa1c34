"""故障与救援, the repairs beyond a retry, on pages (the API has them too): correct one
variable of the stuck case, or move the case to a newer published version of its
process after a preview of the step mapping.  For an administrator of the case's bureau."""

from __future__ import annotations

import json

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.engine import migration, rescue
from app.engine.errors import FormInvalid
from app.extensions import db
from app.web.common import field_errors, role_required, unit_of_work
from app.web.supervisor.blueprint import bp
from app.web.supervisor.incidents import _rescue, incident_to_act_on

MAX_RAW = 4000


def typed_value(raw: str, kind: str):
    """The form's text as the chosen type; a value that is not of it is a field error."""
    raw = raw[:MAX_RAW]
    if kind == "text":
        return raw
    if kind == "number":
        try:
            number = float(raw.strip())
        except ValueError:
            raise FormInvalid({"value": "请填写数字"}) from None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "boolean":
        if raw.strip() not in ("是", "否", "true", "false"):
            raise FormInvalid({"value": "请填写“是”或“否”"})
        return raw.strip() in ("是", "true")
    if kind == "json":
        try:
            value = json.loads(raw)
        except ValueError:
            raise FormInvalid({"value": "请填写有效的 JSON 列表或对象"}) from None
        if not isinstance(value, (list, dict)):
            raise FormInvalid({"value": "请填写有效的 JSON 列表或对象"})
        return value
    raise FormInvalid({"value_type": "请选择取值类型"})


@bp.route("/incidents/<int:incident_id>/variable", methods=["POST"])
@role_required("admin")
def correct_incident_variable(incident_id: int):
    form = request.form

    def work(incident):
        value = typed_value(form.get("value", ""), form.get("value_type", ""))
        return rescue.set_variable(
            db.session,
            incident.case_id,
            current_user,
            form.get("name", "")[:64],
            value,
            form.get("reason", ""),
        )

    return _rescue(incident_id, work, "变量已更正，案件可继续办理")


@bp.route("/incidents/<int:incident_id>/migrate", methods=["POST"])
@role_required("admin")
def migrate_incident_case(incident_id: int):
    incident = incident_to_act_on(incident_id)
    if incident is None:
        return redirect(url_for("supervisor.list_incidents"))
    to_version = request.form.get("to_version", type=int)
    confirmed = request.form.get("confirm") == "1"
    report, error = unit_of_work(
        lambda: migration.migrate(
            db.session, incident.case_id, to_version, current_user, dry_run=not confirmed
        ),
        "案件已迁移到新版本，可继续办理" if confirmed else None,
    )
    if confirmed and error is None:
        return redirect(url_for("supervisor.list_incidents"))
    return render_template(
        "supervisor/migrate.html",
        incident=incident,
        to_version=to_version,
        report=report or getattr(error, "report", None),
        errors=field_errors(error),
    )
