"""Jurisdiction: a user acts only in their own bureau; upper bureaus read; others see nothing."""

from __future__ import annotations

from tests.helpers import entry_named, repair_data


def county_case(api, session):
    entry = entry_named(session, "县南冶金铸造厂")
    response = api("county_clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_city_user_cannot_start_repair_for_county_entry(api, session):
    entry = entry_named(session, "县南冶金铸造厂")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 422
    assert response.get_json()["errors"]["listing_id"] == "本局名单中没有这条记录"


def test_upper_bureau_reads_but_cannot_act(api, session):
    case_id = county_case(api, session)
    assert api("clerk")("GET", f"/api/cases/{case_id}").status_code == 200
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    response = api("clerk")("POST", f"/api/tasks/{task_id}/complete", {"data": {"outcome": "accept"}})
    assert response.status_code == 403
    assert api("clerk")("POST", f"/api/tasks/{task_id}/claim").status_code == 403
    assert all(t["case_id"] != case_id for t in api("clerk")("GET", "/api/tasks").get_json()["tasks"])
    assert api("county_clerk")("GET", f"/api/cases/{case_id}").get_json()["status"] == "active"


def test_lower_bureau_cannot_see_upper_bureau_case(api, session, client, login):
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    assert api("county_clerk")("GET", f"/api/cases/{case_id}").status_code == 404
    assert (
        api("county_clerk")(
            "POST", f"/api/tasks/{task_id}/complete", {"data": {"outcome": "accept"}}
        ).status_code
        == 404
    )
    login("county_clerk")
    assert client.get(f"/cases/{case_id}").status_code == 404
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert client.post(f"/tasks/{task_id}", data={"outcome": "accept"}).status_code == 404
    assert api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["completed_at"] is None


def test_wrong_role_in_same_bureau_is_forbidden(api, session):
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    response = api("verifier")("POST", f"/api/tasks/{task_id}/complete", {"data": {"outcome": "accept"}})
    assert response.status_code == 403
    assert "角色" in response.get_json()["message"]


def test_claimed_task_is_only_for_its_claimant(api, session):
    from app.models import User, UserRole

    clerk = session.query(User).filter_by(username="clerk").one()
    session.add(
        User(
            username="clerk2",
            display_name="钱受理",
            bureau_id=clerk.bureau_id,
            password_hash=clerk.password_hash,
            must_change_password=False,
            role_rows=[UserRole(role="clerk")],
        )
    )
    session.commit()
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    claimed = api("clerk")("POST", f"/api/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["task"]["claimed_by"] == "clerk"
    assert all(t["id"] != task_id for t in api("clerk2")("GET", "/api/tasks").get_json()["tasks"])
    response = api("clerk2")("POST", f"/api/tasks/{task_id}/complete", {"data": {"outcome": "accept"}})
    assert response.status_code == 403 and "王受理" in response.get_json()["message"]
    assert api("clerk2")("POST", f"/api/tasks/{task_id}/unclaim").status_code == 403
    assert api("clerk")("POST", f"/api/tasks/{task_id}/unclaim").get_json()["task"]["claimed_by"] is None
    done = api("clerk2")("POST", f"/api/tasks/{task_id}/complete", {"data": {"outcome": "accept"}})
    assert done.status_code == 200 and done.get_json()["task"]["claimed_by"] == "clerk2"  # claimed in passing
    again = api("clerk")("POST", f"/api/tasks/{task_id}/complete", {"data": {"outcome": "accept"}})
    assert again.status_code == 409 and "钱受理" in again.get_json()["message"]


def test_only_the_start_lane_role_starts_a_case(api, session):
    """The role allowed to start is read from the lane holding the start event."""
    entry = entry_named(session, "示范化工有限公司")
    response = api("verifier")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 403 and "受理窗口" in response.get_json()["message"]
    response = api("clerk")("POST", "/api/cases", {"process": "listing", "data": {}})
    assert response.status_code == 403 and "承办人" in response.get_json()["message"]
