"""The public register feed (no login): downloads and a check of one subject for
other departments and banks (联合惩戒).  Only entries currently published."""

from __future__ import annotations

from flask import Response, jsonify, request

from app.clock import now, today
from app.domain.identifiers import credit_code_error
from app.extensions import db
from app.partners.organisations import organisation_for_key
from app.partners.queries import record_query
from app.register.feed import feed_entry, to_csv
from app.register.queries import published_entries
from app.web.api.blueprint import bp
from app.web.errors import json_error


def _stamp() -> str:
    return today().strftime("%Y%m%d")


@bp.route("/register.json")
def register_json():
    body = {
        "generated_at": now().isoformat(),
        "entries": [feed_entry(e) for e in published_entries(db.session)],
    }
    response = jsonify(body)
    response.headers["Content-Disposition"] = f'attachment; filename="register-{_stamp()}.json"'
    return response


@bp.route("/register.csv")
def register_csv():
    return Response(
        to_csv(published_entries(db.session)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="register-{_stamp()}.csv"'},
    )


@bp.route("/register/<credit_code>")
def check_subject(credit_code: str):
    """Anyone may check; a department or bank that sends its X-Api-Key has the check
    recorded (查询留痕) for the bureau that issued the key.  A wrong key is refused
    rather than silently treated as anonymous."""
    organisation = None
    if "X-Api-Key" in request.headers:
        organisation = organisation_for_key(db.session, request.headers["X-Api-Key"])
        if organisation is None:
            return json_error(401, "API 密钥无效或已停用")
    code = credit_code.strip().upper()
    problem = credit_code_error(code)
    if problem:
        return json_error(422, problem, {"credit_code": problem})
    entries = [e for e in published_entries(db.session, code) if e.credit_code == code]
    if organisation is not None:
        record_query(db.session, organisation, code, bool(entries))
        db.session.commit()
    return jsonify(
        {
            "credit_code": code,
            "listed": bool(entries),
            "checked_at": now().isoformat(),
            "entries": [feed_entry(e) for e in entries],
        }
    )
