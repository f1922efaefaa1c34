"""API routes for register feed (filled in by its feature)."""
from app.web.api.blueprint import bp  # noqa: F401
