"""JSON API: one blueprint; each module attaches the routes of one concern."""
from app.web.api import routes  # noqa: F401  tasks, cases, token, register list
from app.web.api import processes, register_feed, supervision  # noqa: F401
from app.web.api.blueprint import bp

__all__ = ["bp"]
