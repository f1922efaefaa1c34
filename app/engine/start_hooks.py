"""The start hooks a start event may name (camunda:property start_hook): a process
opts into a domain-specific start (the register entry of a repair, the subjects of a
listing).  The hooks live outside the engine (app/cases/starting.py); only their names
and descriptions are known here, for validation and the designer's help."""

from __future__ import annotations

NAMES: dict[str, str] = {}  # name -> what it does, in Chinese


def known(name: str) -> bool:
    return name in NAMES
