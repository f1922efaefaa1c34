"""The API blueprint object; route modules of each audience attach to it."""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)
