"""API routes for supervision (filled in by its feature)."""
from app.web.api.blueprint import bp  # noqa: F401
