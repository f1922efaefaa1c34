"""The user of a request is read every time: the process's kept copy of a user is
handed out only while the rows are unchanged, so a change made elsewhere (another
worker, an administrator, the database itself) counts from the next request."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import delete, event, update

from app.extensions import db
from app.models import Bureau, User, UserRole
from tests.conftest import PASSWORD


def bearer(client, username: str) -> dict:
    response = client.post("/api/token", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@contextmanager
def user_reads():
    """The statements that read user_account rows while the block runs."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if "FROM user_account" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_role_taken_away_counts_from_the_next_request(client, session, user):
    headers = bearer(client, "designer")
    assert client.get("/api/processes/repair", headers=headers).status_code == 200
    assert client.get("/api/processes/repair", headers=headers).status_code == 200  # from the kept copy
    designer = user("designer")
    session.execute(delete(UserRole).where(UserRole.user_id == designer.id, UserRole.role == "designer"))
    session.commit()
    assert client.get("/api/processes/repair", headers=headers).status_code == 403
    session.add(UserRole(user_id=designer.id, role="designer"))
    session.commit()
    assert client.get("/api/processes/repair", headers=headers).status_code == 200


def test_a_deactivated_account_or_a_token_past_its_time_is_refused_at_once(client, session, user):
    headers = bearer(client, "clerk")
    assert client.get("/api/tasks", headers=headers).status_code == 200
    clerk = user("clerk")
    session.execute(update(User).where(User.id == clerk.id).values(active=False))
    session.commit()
    assert client.get("/api/tasks", headers=headers).status_code == 401
    session.execute(update(User).where(User.id == clerk.id).values(active=True))
    session.commit()
    assert client.get("/api/tasks", headers=headers).status_code == 200


def test_a_signed_in_user_sees_a_changed_name_and_bureau_on_the_next_page(client, session, user, login):
    login("clerk")
    clerk = user("clerk")
    county = session.query(Bureau).filter_by(code="COUNTY").one()
    before = client.get("/").get_data(as_text=True)
    assert clerk.display_name in before and county.name not in before
    session.execute(
        update(User).where(User.id == clerk.id).values(display_name="改名后的窗口", bureau_id=county.id)
    )
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "改名后的窗口" in page
    assert county.name in page


def test_an_unchanged_user_is_read_in_one_statement(client):
    headers = bearer(client, "clerk")
    client.get("/api/tasks", headers=headers)  # loads the user and keeps a copy
    with user_reads() as seen:
        assert client.get("/api/tasks", headers=headers).status_code == 200
    assert len(seen) == 1, seen
