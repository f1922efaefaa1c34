"""GET /api/cases?register_entry=<id>: the cases about one register entry."""

from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Case, RegisterEntry
from app.org.access import visible_bureau_ids
from app.web.api.auth import token_required
from app.web.api.blueprint import bp
from app.web.errors import json_error

MAX_CASES = 200


@bp.route("/cases", methods=["GET"])
@token_required
def cases_about_entry():
    raw = request.args.get("register_entry", "")
    if not raw.isdigit() or len(raw) > 12:
        return json_error(422, errors={"register_entry": "请填写名单记录编号（正整数）"})
    entry_id = int(raw)
    entry = db.session.get(RegisterEntry, entry_id)
    bureaus = visible_bureau_ids(db.session, g.api_user)
    if entry is None or entry.bureau_id not in bureaus:
        return json_error(404, "名单记录不存在")
    about = [Case.register_entry_id == entry_id]
    if entry.listing_case_id:
        about.append(Case.id == entry.listing_case_id)
    cases = db.session.scalars(
        select(Case).where(or_(*about), Case.bureau_id.in_(bureaus)).order_by(Case.id).limit(MAX_CASES)
    ).unique()
    return jsonify(
        {
            "cases": [
                {"id": c.id, "number": c.number, "process": c.process_key, "status": c.status} for c in cases
            ]
        }
    )
