"""The designer pages (filled in by its feature)."""
from flask import Blueprint

bp = Blueprint("designer", __name__, url_prefix="/designer")
