"""Typed failures of the engine adapter; each carries a Chinese message for users."""

from __future__ import annotations


class EngineError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FormInvalid(EngineError):
    """Submitted data failed the form drawn in the diagram; nothing changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("提交的内容有误，请按提示修改")
        self.errors = errors


class Conflict(EngineError):
    """Somebody else changed the case or completed the task first."""


class NotAllowed(EngineError):
    """The actor may not do this (wrong role, claimed by another, read-only bureau)."""


class InvalidProcess(EngineError):
    """A diagram with problems was asked to run or be published."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


class ProcessFailure(EngineError):
    """The diagram failed while running (a script or expression raised); the
    message is Chinese and names the element (`element_id`)."""

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id
