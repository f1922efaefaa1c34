"""Documents a step issues, as its diagram declares them (camunda:property `document`
on the user task).  The engine decides *when* (the step is completed and the
condition, evaluated on the step's data, holds); what a document says is the
register's business: it listens here (app.setup.wiring), the engine knows no kinds."""

from __future__ import annotations

from typing import Callable

from app.engine import expressions
from app.engine.functions import RunContext, allowed_in_expressions

# Called as listener(ctx, kind, step, data) inside the step's transaction.
DOCUMENT_LISTENERS: list[Callable[[RunContext, str, str, dict], None]] = []


def due_documents(step_meta: dict, data: dict) -> list[str]:
    kinds = []
    for kind, condition in step_meta.get("documents") or []:
        if not condition or expressions.evaluate(condition, data, allowed_in_expressions()):
            kinds.append(kind)
    return kinds


def issue_step_documents(ctx: RunContext, step: str, step_meta: dict, data: dict) -> list[str]:
    kinds = due_documents(step_meta, data)
    for kind in kinds:
        for listener in DOCUMENT_LISTENERS:
            listener(ctx, kind, step, data)
    return kinds
