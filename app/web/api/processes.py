"""API routes for processes (filled in by its feature)."""
from app.web.api.blueprint import bp  # noqa: F401
