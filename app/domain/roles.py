"""Roles inside a bureau. BPMN lanes name them (by Chinese name or by code).

The roles are data: the `role` table, which administrators extend (app/org/roles.py).
ROLES is only the seed of that table (migration 0013_roles) and what is known where no
database is at hand (parsing a diagram in a unit test)."""

from __future__ import annotations

from typing import Callable, Mapping

ROLES: dict[str, str] = {
    "officer": "承办人",
    "legal": "法制审核",
    "leader": "负责人",
    "clerk": "受理窗口",
    "verifier": "核查人员",
    "publisher": "信用信息管理员",
    "supervisor": "督办",
    "designer": "流程设计",
    "admin": "系统管理员",
}

# code -> Chinese name of every role there is; app/setup/wiring.py points it at the table.
catalogue_provider: Callable[[], Mapping[str, str]] = lambda: ROLES  # noqa: E731


def known_roles() -> Mapping[str, str]:
    return catalogue_provider()


def role_code(lane_name: str | None) -> str | None:
    """The role code a lane names, or None when it names no known role."""
    if not lane_name:
        return None
    lane_name = lane_name.strip()
    roles = known_roles()
    if lane_name in roles:
        return lane_name
    return next((code for code, name in roles.items() if name == lane_name), None)


def role_label(code: str | None) -> str:
    return known_roles().get(code or "", code or "")
