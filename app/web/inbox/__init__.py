"""The inbox blueprint: its pages (routes) and batch work on ticked rows (batch)."""

from app.web.inbox import batch, routes  # noqa: F401  (batch adds its views to routes.bp)
