"""The public register (no login): search by name or code; downloads."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.extensions import db
from app.register.feed import feed_entry
from app.register.queries import published_entries

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.route("/register")
def show_register():
    query = request.args.get("q", "").strip()[:100]
    entries = [feed_entry(e) for e in published_entries(db.session, query)]
    return render_template("public/register.html", entries=entries, q=query)
