"""flask users create | list | set-roles | deactivate | reset-password."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, User

STRONG = "Qiangmima2026x"


def test_create_list_set_roles_deactivate_reset(runner, session, user):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "zhao_liu",
            "--name",
            "赵六",
            "--bureau",
            "county",
            "--role",
            "clerk",
            "--password",
            STRONG,
        ]
    )
    assert result.exit_code == 0, result.output
    created = user("zhao_liu")
    assert created.bureau.code == "COUNTY" and created.roles == {"clerk"} and created.must_change_password
    listed = runner.invoke(args=["users", "list", "--bureau", "COUNTY"])
    assert "zhao_liu\t赵六\tCOUNTY\tclerk\tactive,must-change-password" in listed.output
    lines = listed.output.splitlines()
    assert any(line.startswith("county_clerk\t") for line in lines)
    assert not any(line.startswith("clerk\t") for line in lines)  # the city's clerk is not in COUNTY
    result = runner.invoke(args=["users", "set-roles", "zhao_liu", "clerk", "verifier"])
    assert result.exit_code == 0 and user("zhao_liu").roles == {"clerk", "verifier"}
    result = runner.invoke(args=["users", "reset-password", "zhao_liu", "--password", "Xinmima2026y"])
    assert result.exit_code == 0 and user("zhao_liu").check_password("Xinmima2026y")
    result = runner.invoke(args=["users", "deactivate", "zhao_liu"])
    assert result.exit_code == 0 and not user("zhao_liu").active
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id.is_(None))))
    assert {"user_created", "user_updated", "password_reset", "user_deactivated"} <= actions


def test_refusals_are_clear_and_change_nothing(runner, session):
    before = session.query(User).count()
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "zhao_liu",
            "--name",
            "赵六",
            "--bureau",
            "CITY",
            "--role",
            "clerk",
            "--password",
            "123",
        ]
    )
    assert weak.exit_code == 1 and "password" in weak.output and "密码至少" in weak.output
    unknown_role = runner.invoke(
        args=[
            "users",
            "create",
            "zhao_liu",
            "--name",
            "赵六",
            "--bureau",
            "CITY",
            "--role",
            "ghost",
            "--password",
            STRONG,
        ]
    )
    assert unknown_role.exit_code == 1 and "ghost" in unknown_role.output
    duplicate = runner.invoke(
        args=[
            "users",
            "create",
            "clerk",
            "--name",
            "某",
            "--bureau",
            "CITY",
            "--role",
            "clerk",
            "--password",
            STRONG,
        ]
    )
    assert duplicate.exit_code == 1 and "已被使用" in duplicate.output
    no_bureau = runner.invoke(
        args=[
            "users",
            "create",
            "x1",
            "--name",
            "某",
            "--bureau",
            "NOPE",
            "--role",
            "clerk",
            "--password",
            STRONG,
        ]
    )
    assert no_bureau.exit_code == 1 and "NOPE" in no_bureau.output
    assert runner.invoke(args=["users", "deactivate", "nobody"]).exit_code == 1
    assert runner.invoke(args=["users", "set-roles", "clerk", "ghost"]).exit_code == 1
    assert session.query(User).count() == before
