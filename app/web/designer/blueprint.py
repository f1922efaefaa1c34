"""The designer blueprint object; its page and JSON routes attach to it."""

from flask import Blueprint

bp = Blueprint("designer", __name__, url_prefix="/designer")
