"""Navigation entries that audience blueprints add without editing base.html."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str]


NAV: list[NavItem] = []
PUBLIC_REGISTER_LINKS: list[tuple[str, str]] = []  # (label, endpoint) shown on the public page


def add_nav(label: str, endpoint: str, *roles: str) -> None:
    if not any(i.endpoint == endpoint for i in NAV):
        NAV.append(NavItem(label, endpoint, frozenset(roles)))


def register(app: Flask) -> None:
    @app.context_processor
    def navigation():
        def nav_extensions(user):
            return [
                {"label": i.label, "url": url_for(i.endpoint)}
                for i in NAV
                if not i.roles or user.roles.intersection(i.roles)
            ]

        def public_register_links():
            return [{"label": label, "url": url_for(endpoint)} for label, endpoint in PUBLIC_REGISTER_LINKS]

        return {"nav_extensions": nav_extensions, "public_register_links": public_register_links}
