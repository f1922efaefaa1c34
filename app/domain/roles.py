"""Roles inside a bureau. BPMN lanes name them (by Chinese name or by code)."""

from __future__ import annotations

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

_BY_NAME = {name: code for code, name in ROLES.items()}


def role_code(lane_name: str | None) -> str | None:
    """The role code a lane names, or None when it names no known role."""
    if not lane_name:
        return None
    lane_name = lane_name.strip()
    if lane_name in ROLES:
        return lane_name
    return _BY_NAME.get(lane_name)


def role_label(code: str | None) -> str:
    return ROLES.get(code or "", code or "")
