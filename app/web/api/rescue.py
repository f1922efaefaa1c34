"""Incidents and rescue (token authenticated).

GET  /api/incidents                      -> {"incidents": [...]}: open ones of the visible
     bureaus; administrators and supervisors only.
POST /api/incidents/<id>/retry           -> {"case": {...}}: run the case again (after a fix)
POST /api/cases/<id>/cancel {"reason"}   -> {"id", "number", "status": "cancelled"}
POST /api/cases/<id>/variables {"name", "value", "reason"} -> {"name", "old", "new", "reason"}
POST /api/cases/<id>/migrate {"to_version", "dry_run"} -> {"can_migrate", "mapping", "problems"}
POST /api/processes/<key>/versions/<n>/migrate {"to_version", "dry_run"} -> {"cases": [...], "migrated"}
Acting on a case is for an administrator of the case's bureau.
"""

from __future__ import annotations

from flask import g, jsonify

from app.engine import migration, rescue
from app.errors import AppError
from app.extensions import db
from app.models import Case, Incident
from app.org.access import visible_bureau_ids
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.api.serialize import iso
from app.web.common import unit_of_work
from app.web.errors import json_error

VIEWERS = {"admin", "supervisor"}


def incident_json(incident: Incident) -> dict:
    case = incident.case
    return {
        "id": incident.id,
        "case_id": incident.case_id,
        "case_number": case.number if case else None,
        "process": case.process_key if case else None,
        "bureau_id": incident.bureau_id,
        "kind": incident.kind,
        "element_id": incident.element_id,
        "message": incident.message,
        "created_at": iso(incident.created_at),
        "resolved_at": iso(incident.resolved_at),
        "resolution": incident.resolution,
    }


@bp.route("/incidents")
@token_required
def list_incidents():
    if not g.api_user.roles & VIEWERS:
        return json_error(403, "只有系统管理员和督办人员可以查看故障")
    rows = rescue.open_incidents(db.session, visible_bureau_ids(db.session, g.api_user))
    return jsonify({"incidents": [incident_json(i) for i in rows]})


def _case_for_admin(case_id: int):
    """(case, None) or (None, error): visible = found; acting needs the bureau's admin."""
    case = db.session.get(Case, case_id)
    if case is None or case.bureau_id not in visible_bureau_ids(db.session, g.api_user):
        return None, json_error(404, "案件不存在")
    if "admin" not in g.api_user.roles or g.api_user.bureau_id != case.bureau_id:
        return None, json_error(403, "只有本案所属机关的系统管理员可以处理")
    return case, None


def _body():
    body = json_body()
    if body is None:
        return None, json_error(400, "请求体应为 JSON 对象")
    return body, None


@bp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@token_required
def retry_incident_case(incident_id: int):
    incident = db.session.get(Incident, incident_id)
    if incident is None or incident.bureau_id not in visible_bureau_ids(db.session, g.api_user):
        return json_error(404, "故障不存在")
    case, error = _case_for_admin(incident.case_id)
    if error is not None:
        return error
    done, _ = unit_of_work(lambda: rescue.retry(db.session, case.id, g.api_user))
    return jsonify({"case": {"id": done.id, "number": done.number, "status": done.status}})


@bp.route("/cases/<int:case_id>/cancel", methods=["POST"])
@token_required
def cancel_case(case_id: int):
    case, error = _case_for_admin(case_id)
    if error is not None:
        return error
    body, error = _body()
    if error is not None:
        return error
    done, _ = unit_of_work(lambda: rescue.cancel(db.session, case.id, g.api_user, body.get("reason")))
    return jsonify({"id": done.id, "number": done.number, "status": done.status})


@bp.route("/cases/<int:case_id>/variables", methods=["POST"])
@token_required
def correct_variable(case_id: int):
    case, error = _case_for_admin(case_id)
    if error is not None:
        return error
    body, error = _body()
    if error is not None:
        return error
    if "value" not in body:
        return json_error(422, errors={"value": "请填写新的取值"})
    change, _ = unit_of_work(
        lambda: rescue.set_variable(
            db.session, case.id, g.api_user, body.get("name"), body.get("value"), body.get("reason")
        )
    )
    return jsonify(change)


@bp.route("/cases/<int:case_id>/migrate", methods=["POST"])
@token_required
def migrate_case(case_id: int):
    """{"to_version": n, "dry_run": true} -> {"can_migrate", "mapping", "problems"};
    without dry_run the case moves (409 with the report when it cannot)."""
    case, error = _case_for_admin(case_id)
    if error is not None:
        return error
    body, error = _body()
    if error is not None:
        return error
    dry_run = body.get("dry_run", False) is True
    try:
        report = migration.migrate(db.session, case.id, body.get("to_version"), g.api_user, dry_run=dry_run)
    except migration.MigrationRefused as exc:
        db.session.rollback()
        return jsonify({"message": exc.message, **exc.report}), 409
    except AppError:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()  # a dry run changes nothing
    else:
        db.session.commit()
    return jsonify(report)


@bp.route("/processes/<key>/versions/<int:number>/migrate", methods=["POST"])
@token_required
def migrate_version(key: str, number: int):
    """Every running case of version `number` in the administrator's bureau:
    {"to_version": n, "dry_run": true} -> {"cases": [{id, number, can_migrate, mapping, problems}], "migrated"}."""
    if "admin" not in g.api_user.roles:
        return json_error(403, "只有系统管理员可以迁移案件")
    body, error = _body()
    if error is not None:
        return error
    dry_run = body.get("dry_run", False) is True
    try:
        result = migration.migrate_all(
            db.session, key, number, body.get("to_version"), g.api_user, g.api_user.bureau_id, dry_run=dry_run
        )
    except AppError:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return jsonify(result)
