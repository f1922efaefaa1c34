"""One blueprint package per audience, registered explicitly here."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.web import errors, filters, navigation
    from app.web.admin import bureau_details as _bureau_details  # noqa: F401  (what documents print)
    from app.web.admin import imports as _register_import  # noqa: F401  (CSV import routes)
    from app.web.admin import organisations as _organisations  # noqa: F401  (departments and banks)
    from app.web.admin import people as _people  # noqa: F401  (bureaus, users, roles)
    from app.web.admin.routes import bp as admin_bp
    from app.web.api import bp as api_bp
    from app.web.auth import account as _account  # noqa: F401  (password change)
    from app.web.auth import notifications as _notifications  # noqa: F401  (contact channels)
    from app.web.auth.routes import bp as auth_bp
    from app.web.cases import start as _start  # noqa: F401  (发起: any published process)
    from app.web.cases.routes import bp as cases_bp
    from app.web.designer.routes import bp as designer_bp
    from app.web.inbox.routes import bp as inbox_bp
    from app.web.ops.routes import bp as ops_bp
    from app.web.portal.routes import bp as portal_bp
    from app.web.public import tips as _public_tips  # noqa: F401  (tip form routes)
    from app.web.public.routes import bp as public_bp
    from app.web.register import bp as register_bp
    from app.web.supervisor.routes import bp as supervisor_bp

    for blueprint in (
        auth_bp,
        inbox_bp,
        cases_bp,
        public_bp,
        admin_bp,
        supervisor_bp,
        designer_bp,
        api_bp,
        register_bp,
        portal_bp,
        ops_bp,
    ):
        app.register_blueprint(blueprint)
    errors.register(app)
    filters.register(app)
    navigation.register(app)
