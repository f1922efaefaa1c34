"""The one family of refusals users see: each carries a Chinese message and, where the
refusal is about fields, the field errors.

Services, the engine and the models raise these; only the web layer turns them into HTTP
(app/web/errors.py: Invalid 422, Forbidden 403, NotFound 404, Conflict 409, TooLarge 413).
"""

from __future__ import annotations


class AppError(Exception):
    """A refused request: nothing was changed, `message` says why in Chinese.

    `errors` are the field errors ({field: message}), or for a diagram the list of its
    problems ({"element_id", "message"}); None when the refusal is not about fields."""

    def __init__(self, message: str, errors: dict | list | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class Invalid(AppError):
    """What was submitted cannot be accepted as it is."""


class Forbidden(AppError):
    """The user may not do this."""


class NotFound(AppError):
    """The record does not exist, or the user's bureaus cannot see it."""


class TooLarge(AppError):
    """More bytes than a limit allows (an upload over the size limit): 413."""


class Conflict(AppError):
    """The request clashes with the record's current state (somebody got there first)."""
