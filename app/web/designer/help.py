"""What a designer may write in a diagram: the roles lanes name and the functions
expressions call (the same registry the validator allows)."""

from __future__ import annotations

import inspect

from app.domain.roles import known_roles
from app.engine import functions


def role_help() -> list[tuple[str, str]]:
    return [(name, code) for code, name in known_roles().items()]


def function_help() -> list[dict]:
    rows = []
    for kind, registry in (("表达式、计时器、条件", functions.PURE), ("仅脚本任务", functions.ACTIONS)):
        for name, fn in sorted(registry.items()):
            signature = inspect.signature(fn).replace(return_annotation=inspect.Signature.empty)
            rows.append(
                {
                    "call": f"{name}{signature}",
                    "description": functions.DESCRIPTIONS.get(name, ""),
                    "kind": kind,
                }
            )
    return rows
