"""JSON API: one blueprint; each module attaches the routes of one concern."""

from app.web.api import (  # noqa: F401
    admin,
    attachments,
    case_lookup,
    notifications,
    partners,
    portal,
    processes,
    register_feed,
    rescue,
    routes,  # noqa: F401  tasks, cases, token, register list
    supervision,
    tips,
)
from app.web.api.blueprint import bp

__all__ = ["bp"]
