"""The process API: list versions, download, save drafts, publish with a second approver."""

from __future__ import annotations

from urllib.parse import quote

from tests.designer.conftest import probe_xml, repair_xml, with_timer


def test_process_lists_versions_with_author_note_and_cases(raw_api, upload):
    response = upload(
        "designer",
        "repair",
        with_timer(repair_xml(), "decision_deadline", "working_days(7)"),
        note="决定期限改为7个工作日",
    )
    assert response.status_code == 201, response.get_json()
    body = raw_api("admin")("GET", "/api/processes/repair").get_json()
    assert body["key"] == "repair" and body["name"]
    newest, *older = body["versions"]
    assert (
        newest["state"] == "draft"
        and newest["author"] == "designer"
        and newest["note"] == "决定期限改为7个工作日"
    )
    assert newest["number"] == response.get_json()["number"] and newest["cases"] == 0
    assert any(v["state"] == "published" for v in older)
    assert set(newest) >= {"number", "state", "author", "created_at", "published_at", "note", "cases"}


def test_download_returns_the_stored_xml(raw_api, upload):
    xml = probe_xml()
    number = upload("designer", "probe", xml).get_json()["number"]
    response = raw_api("designer")("GET", f"/api/processes/probe/versions/{number}.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.get_data(as_text=True) == xml
    assert raw_api("designer")("GET", "/api/processes/probe/versions/99.bpmn").status_code == 404
    assert raw_api("designer")("GET", "/api/processes/nothing").status_code == 404


def test_invalid_draft_is_stored_and_refused_for_publishing(raw_api, upload):
    response = upload("designer", "probe", probe_xml(lane="财务科"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == [{"element_id": "lane_clerk", "message": body["errors"][0]["message"]}]
    versions = raw_api("designer")("GET", "/api/processes/probe").get_json()["versions"]
    assert versions[0]["number"] == body["number"] and versions[0]["valid"] is False
    publish = raw_api("admin")("POST", f"/api/processes/probe/versions/{body['number']}/publish")
    assert publish.status_code == 422 and publish.get_json()["errors"]


def test_malformed_upload_is_a_422_not_a_500(upload):
    response = upload("designer", "repair", b"\xff\xfe<<<not xml")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"].startswith("XML 格式错误")


def test_draft_for_another_process_id_is_refused(upload):
    response = upload("designer", "repair", probe_xml())
    assert response.status_code == 422
    assert "与目标流程“repair”不一致" in response.get_json()["errors"][0]["message"]


def test_no_one_publishes_their_own_change(raw_api, upload):
    number = upload("designer", "probe", probe_xml()).get_json()["number"]
    own = raw_api("designer")("POST", f"/api/processes/probe/versions/{number}/publish")
    assert own.status_code == 403 and "不能发布自己修改的版本" in own.get_json()["message"]
    clerk = raw_api("clerk")("POST", f"/api/processes/probe/versions/{number}/publish")
    assert clerk.status_code == 403
    second = raw_api("admin")("POST", f"/api/processes/probe/versions/{number}/publish")
    assert second.status_code == 200 and second.get_json()["state"] == "published"
    again = raw_api("admin")("POST", f"/api/processes/probe/versions/{number}/publish")
    assert again.status_code == 409


def test_admin_cannot_approve_own_draft_but_designer_can(raw_api, upload):
    number = upload("admin", "probe", probe_xml()).get_json()["number"]
    assert raw_api("admin")("POST", f"/api/processes/probe/versions/{number}/publish").status_code == 403
    assert raw_api("designer")("POST", f"/api/processes/probe/versions/{number}/publish").status_code == 200


def test_publishing_retires_the_previous_version(raw_api, upload):
    first = upload("designer", "probe", probe_xml()).get_json()["number"]
    raw_api("admin")("POST", f"/api/processes/probe/versions/{first}/publish")
    second = upload("designer", "probe", probe_xml(timer="working_days(5)")).get_json()["number"]
    raw_api("admin")("POST", f"/api/processes/probe/versions/{second}/publish")
    states = {
        v["number"]: v["state"]
        for v in raw_api("admin")("GET", "/api/processes/probe").get_json()["versions"]
    }
    assert states == {first: "retired", second: "published"}


def test_only_designers_save_drafts(upload):
    assert upload("clerk", "probe", probe_xml()).status_code == 403


def test_change_note_header_raw_utf8_or_percent_encoded(raw_api):
    call = raw_api("designer")
    encoded = call(
        "POST",
        "/api/processes/probe/drafts",
        data=probe_xml().encode(),
        headers={"X-Change-Note": quote("期限改为5日")},
    ).get_json()
    raw = call(
        "POST",
        "/api/processes/probe/drafts",
        data=probe_xml().encode(),
        headers={"X-Change-Note": "期限改为5日".encode("utf-8").decode("latin-1")},
    ).get_json()
    notes = {v["number"]: v["note"] for v in call("GET", "/api/processes/probe").get_json()["versions"]}
    assert notes[encoded["number"]] == notes[raw["number"]] == "期限改为5日"


def test_api_needs_a_token(client):
    assert client.get("/api/processes/repair").status_code == 401
    assert client.post("/api/processes/repair/drafts", data=probe_xml()).status_code == 401


def test_download_is_never_rendered_by_the_browser(raw_api, upload):
    number = upload(
        "designer", "probe", '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'
    ).get_json()["number"]
    response = raw_api("designer")("GET", f"/api/processes/probe/versions/{number}.bpmn")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_upload_in_another_encoding_is_stored_as_utf8(raw_api, upload):
    xml = probe_xml().replace('encoding="UTF-8"', 'encoding="GBK"')
    response = upload("designer", "probe", xml.encode("gbk"))
    assert response.status_code == 201, response.get_json()
    stored = raw_api("designer")("GET", f"/api/processes/probe/versions/{response.get_json()['number']}.bpmn")
    assert "审核期限" in stored.get_data(as_text=True)
