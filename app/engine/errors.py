"""Typed failures of the engine adapter: members of the application's error family
(app/errors.py), each with a Chinese message for users."""

from __future__ import annotations

from app import errors


class EngineError(errors.AppError):
    """Any refusal of the engine adapter."""


class FormInvalid(EngineError, errors.Invalid):
    """Submitted data failed the form drawn in the diagram; nothing changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("提交的内容有误，请按提示修改", errors)


class Conflict(EngineError, errors.Conflict):
    """Somebody else changed the case or completed the task first."""


class NotAllowed(EngineError, errors.Forbidden):
    """The actor may not do this (wrong role, claimed by another, read-only bureau)."""


class InvalidProcess(EngineError, errors.Invalid):
    """A diagram with problems was asked to run or be published (422 everywhere)."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message, errors or [])


class ProcessFailure(EngineError, errors.Invalid):
    """The diagram failed while running (a script or expression raised); the
    message is Chinese and names the element (`element_id`)."""

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id
