"""Administration pages: bureaus, users (create, edit, deactivate, reset, import), roles."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, Bureau, Role, User
from tests.conftest import PASSWORD

STRONG = "Qiangmima2026x"


def test_pages_are_for_administrators_only(login, client):
    login("clerk")
    for path in ("/admin/users", "/admin/bureaus", "/admin/roles", "/admin/users/import"):
        assert client.get(path).status_code == 403
    login("admin")
    for path in ("/admin/users", "/admin/bureaus", "/admin/roles", "/admin/users/import"):
        assert client.get(path).status_code == 200
    assert "用户与机关" in client.get("/admin/users").get_data(as_text=True)


def test_create_a_user_on_the_page(login, client, user):
    login("admin")
    county = user("county_admin").bureau
    response = client.post(
        "/admin/users",
        data={
            "username": "zhou_qi",
            "name": "周七",
            "password": STRONG,
            "roles": ["clerk", "verifier"],
            "bureau_id": county.id,
        },
    )
    assert response.status_code == 302
    created = user("zhou_qi")
    assert created.bureau_id == county.id and created.roles == {"clerk", "verifier"}
    page = client.get("/admin/users").get_data(as_text=True)
    assert "周七" in page and "待修改初始密码" in page


def test_create_form_shows_field_errors_and_keeps_no_password(login, client, session):
    login("admin")
    before = session.query(User).count()
    response = client.post("/admin/users", data={"username": "x", "name": "", "password": "short9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请至少选择一个角色" in page and "请填写姓名" in page and "密码至少" in page
    assert "short9" not in page
    assert session.query(User).count() == before
    duplicate = client.post(
        "/admin/users", data={"username": "clerk", "name": "某", "password": STRONG, "roles": ["clerk"]}
    )
    assert duplicate.status_code == 422 and "该用户名已被使用" in duplicate.get_data(as_text=True)


def test_edit_deactivate_and_reset_on_the_page(login, client, user, session):
    clerk = user("clerk")
    login("admin")
    page = client.get(f"/admin/users/{clerk.id}")
    assert page.status_code == 200 and "重置密码" in page.get_data(as_text=True)
    saved = client.post(
        f"/admin/users/{clerk.id}",
        data={
            "action": "save",
            "name": "孙窗口",
            "roles": ["clerk", "officer"],
            "bureau_id": clerk.bureau_id,
        },
    )
    assert saved.status_code == 302 and user("clerk").roles == {"clerk", "officer"}
    weak = client.post(f"/admin/users/{clerk.id}", data={"action": "reset_password", "password": "abc"})
    assert weak.status_code == 422 and "密码至少" in weak.get_data(as_text=True)
    client.post(f"/admin/users/{clerk.id}", data={"action": "reset_password", "password": STRONG})
    assert user("clerk").must_change_password and user("clerk").check_password(STRONG)
    client.post(f"/admin/users/{clerk.id}", data={"action": "deactivate"})
    assert not user("clerk").active
    assert "已停用" in client.get(f"/admin/users/{clerk.id}").get_data(as_text=True)
    client.post("/logout")
    refused = client.post("/login", data={"username": "clerk", "password": STRONG})
    assert refused.status_code == 200 and "用户名或密码错误" in refused.get_data(as_text=True)
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.case_id.is_(None)))]
    assert {"user_updated", "password_reset", "user_deactivated"} <= set(actions)


def test_a_deactivated_users_session_ends(client, login, user, app):
    login("clerk")
    assert client.get("/").status_code in (200, 302)
    other = app.test_client()
    other.post("/login", data={"username": "admin", "password": PASSWORD})
    other.post(f"/admin/users/{user('clerk').id}", data={"action": "deactivate"})
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_bureaus_user_page_is_not_found(login, client, user):
    login("county_admin")
    assert client.get(f"/admin/users/{user('clerk').id}").status_code == 404
    assert client.post(f"/admin/users/{user('clerk').id}", data={"action": "deactivate"}).status_code == 404
    assert user("clerk").active


def test_add_a_county_and_a_role_on_the_pages(login, client, session, user):
    login("admin")
    city = user("admin").bureau
    response = client.post(
        "/admin/bureaus", data={"parent_id": city.id, "name": "示范二县应急管理局", "code": "COUNTY2"}
    )
    assert response.status_code == 302
    assert session.scalar(select(Bureau.level).where(Bureau.code == "COUNTY2")) == "county"
    assert "示范二县应急管理局" in client.get("/admin/bureaus").get_data(as_text=True)
    bad = client.post("/admin/bureaus", data={"parent_id": city.id, "name": "", "code": "?"})
    assert bad.status_code == 422 and "请填写机关名称" in bad.get_data(as_text=True)
    added = client.post("/admin/roles", data={"code": "expert", "name": "专家组"})
    assert added.status_code == 302 and session.scalar(select(Role.name).where(Role.code == "expert"))
    assert "专家组" in client.get("/admin/roles").get_data(as_text=True)
    again = client.post("/admin/roles", data={"code": "expert", "name": "专家组二"})
    assert again.status_code == 422 and "该角色代码已存在" in again.get_data(as_text=True)
    assert "专家组" in client.get("/admin/users").get_data(as_text=True)  # offered as a role


def _upload(client, text: str, encoding: str = "utf-8"):
    import io

    return client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(text.encode(encoding)), "users.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_all_or_nothing_with_row_numbers(login, client, session, user):
    login("admin")
    before = session.query(User).count()
    text = (
        "用户名,姓名,机关代码,角色,初始密码\n"
        "wu_yi,吴一,CITY,受理窗口,Chushi2026abc\n"
        "wu_er,吴二,PROV,clerk,Chushi2026abc\n"
        "wu_san,吴三,COUNTY,幽灵,Chushi2026abc\n"
        "wu_si,吴四,,clerk,123\n"
        "wu_yi,吴一,CITY,clerk,Chushi2026abc\n"
    )
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 3 行：机关 PROV 不在您的管理范围内" in page
    assert "第 4 行：角色：未知的角色：幽灵" in page
    assert "第 5 行：初始密码：密码至少" in page
    assert "第 6 行：用户名 wu_yi 与第 2 行重复" in page
    assert session.query(User).count() == before
    good = "用户名,姓名,机关代码,角色,初始密码\nwu_yi,吴一,CITY,受理窗口;核查人员,Chushi2026abc\nwu_er,吴二,COUNTY,clerk,Chushi2026abc\n"
    response = _upload(client, good, "gb18030")
    assert response.status_code == 302
    assert user("wu_yi").roles == {"clerk", "verifier"} and user("wu_er").bureau.code == "COUNTY"
    assert user("wu_yi").must_change_password
    assert session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "users_imported"))


def test_csv_import_limits(login, client):
    login("admin")
    wrong_header = _upload(client, "name,password\nx,y\n")
    assert "第 1 行应为列名" in wrong_header.get_data(as_text=True)
    many = "用户名,姓名,机关代码,角色,初始密码\n" + "".join(
        f"u{i},某,,clerk,Chushi2026abc\n" for i in range(201)
    )
    assert "一次最多导入 200 个用户" in _upload(client, many).get_data(as_text=True)
    huge = "用户名,姓名,机关代码,角色,初始密码\n" + "x" * (257 * 1024)
    assert "文件过大" in _upload(client, huge).get_data(as_text=True)
    assert client.get("/admin/users/import/template.csv").status_code == 200
