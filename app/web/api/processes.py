"""JSON API for process versions: scripted deployment as with other BPM engines.

GET  /api/processes/<key>                          versions with author, note, cases
GET  /api/processes/<key>/versions/<n>.bpmn        the XML
POST /api/processes/<key>/drafts                   body: BPMN XML, X-Change-Note header
POST /api/processes/<key>/versions/<n>/publish     a second designer or an admin approves
DELETE /api/processes/<key>/versions/<n>           discard a draft (its author, or an admin)

Saving again updates the caller's working draft of the process; drafts and
publishing are for the owning bureau and the bureaus above it (403 otherwise).
"""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify

from app import engine
from app.engine import deploy, ownership
from app.extensions import db
from app.web.api.auth import token_required
from app.web.api.blueprint import bp
from app.web.common import unit_of_work
from app.web.designer.payload import bpmn_upload, change_note, draft_json, version_json, xml_download
from app.web.errors import json_error


def _may_design() -> bool:
    return bool(g.api_user.roles & deploy.PUBLISHER_ROLES)


def designer_required(view):
    """Diagrams and their drafts are for designers and administrators, as on the pages."""

    @wraps(view)
    @token_required
    def wrapped(*args, **kwargs):
        if not _may_design():
            return json_error(403, "只有流程设计人员或系统管理员可以查看流程定义")
        return view(*args, **kwargs)

    return wrapped


@bp.route("/processes/<key>")
@designer_required
def show_process(key: str):
    rows = deploy.version_rows(db.session, key)
    if not rows:
        return json_error(404, "流程不存在")
    newest = rows[0].version
    return jsonify(
        {
            "key": key,
            "name": newest.name,
            "owner": ownership.owner_name(db.session, key),
            "versions": [version_json(r) for r in rows],
        }
    )


@bp.route("/processes/<key>/versions/<int:number>.bpmn")
@designer_required
def download_version(key: str, number: int):
    version = deploy.find_version(db.session, key, number)
    if version is None:
        return json_error(404, "版本不存在")
    return xml_download(version)


@bp.route("/processes/<key>/drafts", methods=["POST"])
@token_required
def create_draft(key: str):
    if not _may_design():
        return json_error(403, "只有流程设计人员或系统管理员可以保存草稿")
    data = bpmn_upload()
    refused = deploy.draft_refusal(key, data)
    if refused:
        return json_error(422, "；".join(refused.values()), refused)
    try:
        version = deploy.save_draft(db.session, data, g.api_user, change_note(), expected_key=key)
    except engine.InvalidProcess as exc:
        return json_error(422, exc.message, {"file": exc.message})
    db.session.commit()
    if version.errors:
        return jsonify({"message": "草稿已保存，但有错误，修正后才能发布", **draft_json(version)}), 422
    return jsonify(draft_json(version)), 201


@bp.route("/processes/<key>/versions/<int:number>/publish", methods=["POST"])
@token_required
def publish_version(key: str, number: int):
    version = deploy.find_version(db.session, key, number)
    if version is None:
        return json_error(404, "版本不存在")
    unit_of_work(lambda: engine.publish(db.session, version, g.api_user))  # refusals: app.web.errors
    return jsonify(
        {
            "key": key,
            "number": version.number,
            "state": version.state,
            "published_at": version.published_at.isoformat(),
        }
    )


@bp.route("/processes/<key>/versions/<int:number>", methods=["DELETE"])
@designer_required
def discard_version(key: str, number: int):
    version = deploy.find_version(db.session, key, number)
    if version is None:
        return json_error(404, "版本不存在")
    unit_of_work(lambda: deploy.discard_draft(db.session, version, g.api_user))
    return jsonify({"key": key, "number": version.number, "state": version.state})
