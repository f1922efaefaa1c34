"""The navigation, declared in one place: the main menu's entries after the fixed ones
of base.html (each shown to the roles named, or to everyone when none are), and the
download links of the public register page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, url_for

from app.extensions import db


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str] = frozenset()


def _item(label: str, endpoint: str, *roles: str) -> NavItem:
    return NavItem(label, endpoint, frozenset(roles))


NAV: tuple[NavItem, ...] = (
    _item("用户与机关", "admin.list_users", "admin"),
    _item("导入历史名单", "admin.import_register", "admin"),
    _item("流程设计", "designer.list_processes", "designer", "admin"),
    _item("名单管理", "register.list_entries"),
    _item("发起列入", "register.new_listing", "officer"),
    _item("督办看板", "supervisor.show_board", "supervisor"),
    _item("统计分析", "supervisor.show_figures", "supervisor"),
    _item("计时器诊断", "supervisor.list_timers", "supervisor", "admin"),
    _item("申请人账号确认", "portal.reviews", "clerk", "admin"),
    _item("故障与救援", "supervisor.list_incidents", "supervisor", "admin"),
    _item("外部单位", "admin.list_organisations", "admin"),
    _item("文书信息", "admin.edit_bureau_details", "admin"),
)

PUBLIC_REGISTER_LINKS: tuple[tuple[str, str], ...] = (
    ("下载 CSV", "api.register_csv"),
    ("下载 JSON", "api.register_json"),
)


# Roles whose work is not in an inbox land on their own console after signing in.
LANDING = (("supervisor", "supervisor.show_board"), ("designer", "designer.list_processes"))
TASKLESS_ROLES = frozenset({"supervisor", "designer", "admin"})


def landing_endpoint(user) -> str:
    """The supervisor lands on the board, the designer on the designer, everyone with
    tasks (any other role) on the inbox."""
    if not set(user.roles) - TASKLESS_ROLES:
        for role, endpoint in LANDING:
            if role in user.roles:
                return endpoint
    return "inbox.show_inbox"


def may_start_anything(user) -> bool:
    """Whether 发起 is in the menu: some published process starts in a lane of the
    user's roles (read once per request)."""
    from app.cases.starting import startable

    known = g.setdefault("_may_start", {})
    if user.id not in known:
        known[user.id] = bool(startable(db.session, user))
    return known[user.id]


def register(app: Flask) -> None:
    @app.context_processor
    def navigation():
        def nav_extensions(user):
            items = [
                {"label": i.label, "url": url_for(i.endpoint)}
                for i in NAV
                if not i.roles or user.roles.intersection(i.roles)
            ]
            if may_start_anything(user):
                items.insert(0, {"label": "发起", "url": url_for("cases.list_startable")})
            return items

        def public_register_links():
            return [{"label": label, "url": url_for(endpoint)} for label, endpoint in PUBLIC_REGISTER_LINKS]

        return {"nav_extensions": nav_extensions, "public_register_links": public_register_links}
