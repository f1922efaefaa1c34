"""Officers' register and document pages."""

from app.web.register import documents  # noqa: F401  (attaches the document routes)
from app.web.register.routes import bp

__all__ = ["bp"]
