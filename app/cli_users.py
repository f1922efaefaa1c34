"""flask users …: staff accounts from the server's command line (the operator is
trusted with every bureau; each change is audited as done by 系统)."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.errors import AppError
from app.extensions import db

users_group = click.Group("users", help="staff accounts: create, list, set roles, deactivate, reset password")


def _run(work):
    """Run a change and commit; a refusal becomes a clear message and exit status 1."""
    try:
        result = work()
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        detail = ""
        if isinstance(exc.errors, dict) and exc.errors:
            detail = "\n" + "\n".join(f"  {field}: {message}" for field, message in exc.errors.items())
        raise click.ClickException(exc.message + detail) from None
    return result


def _user_id(username: str) -> int:
    from app.models import User

    user_id = db.session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise click.ClickException(f"用户 {username} 不存在")
    return user_id


def _bureau_id(code: str) -> int:
    from app.models import Bureau

    bureau_id = db.session.scalar(select(Bureau.id).where(Bureau.code == code.strip().upper()))
    if bureau_id is None:
        raise click.ClickException(f"机关代码 {code} 不存在")
    return bureau_id


@users_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="姓名")
@click.option("--bureau", "bureau_code", required=True, help="机关代码，如 CITY")
@click.option("--role", "role_codes", multiple=True, required=True, help="角色代码（可重复）")
@click.password_option("--password", help="初始密码（首次登录须修改）")
def create(username: str, name: str, bureau_code: str, role_codes: tuple[str, ...], password: str) -> None:
    """Create a staff account who must change the password at first login."""
    from app.org.users import create_user

    data = {
        "username": username,
        "name": name,
        "password": password,
        "roles": list(role_codes),
        "bureau_id": _bureau_id(bureau_code),
    }
    user = _run(lambda: create_user(db.session, None, data))
    click.echo(f"created {user.username} (id {user.id})")


@users_group.command("list")
@click.option("--bureau", "bureau_code", default=None, help="只列出该机关（代码）")
def list_(bureau_code: str | None) -> None:
    """List staff accounts: username, name, bureau, roles, state."""
    from app.org.users import list_users

    bureau_id = _bureau_id(bureau_code) if bureau_code else None
    for u in list_users(db.session, None, bureau_id=bureau_id):
        state = "active" if u.active else "inactive"
        if u.must_change_password:
            state += ",must-change-password"
        click.echo(f"{u.username}\t{u.display_name}\t{u.bureau.code}\t{','.join(sorted(u.roles))}\t{state}")


@users_group.command("set-roles")
@click.argument("username")
@click.argument("role_codes", nargs=-1, required=True)
def set_roles(username: str, role_codes: tuple[str, ...]) -> None:
    """Replace the user's roles by ROLE_CODES."""
    from app.org.users import update_user

    user_id = _user_id(username)
    user = _run(lambda: update_user(db.session, None, user_id, {"roles": list(role_codes)}))
    click.echo(f"{user.username}: {','.join(sorted(user.roles))}")


@users_group.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Deactivate the account: it can no longer sign in, its sessions and tokens end."""
    from app.org.users import update_user

    user_id = _user_id(username)
    _run(lambda: update_user(db.session, None, user_id, {"active": False}))
    click.echo(f"{username} deactivated")


@users_group.command("reset-password")
@click.argument("username")
@click.password_option("--password", help="新的初始密码（下次登录须修改）")
def reset_password_(username: str, password: str) -> None:
    """Set a new initial password; the user must change it at the next sign-in."""
    from app.org.users import reset_password

    user_id = _user_id(username)
    _run(lambda: reset_password(db.session, None, user_id, password))
    click.echo(f"{username}: password reset, to be changed at the next sign-in")
