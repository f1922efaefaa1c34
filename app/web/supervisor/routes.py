"""The supervisor pages (filled in by its feature)."""
from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
