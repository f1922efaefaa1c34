"""The designer's pages and the case page diagram data."""

from __future__ import annotations

import io
import json
import re

from tests.designer.conftest import probe_xml, repair_xml, with_timer
from tests.helpers import entry_named, repair_data


def config_of(html: str, element_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def upload_form(client, url, xml, note="测试"):
    return client.post(
        url,
        data={"file": (io.BytesIO(xml.encode()), "x.bpmn"), "note": note},
        content_type="multipart/form-data",
    )


def test_designer_sees_processes_and_nav(login):
    client = login("designer")
    page = client.get("/designer/").get_data(as_text=True)
    assert "流程设计" in page and 'data-key="repair"' in page
    assert "流程设计" not in login("clerk").get("/").get_data(as_text=True)


def test_other_roles_are_kept_out(login):
    client = login("clerk")
    for url in (
        "/designer/",
        "/designer/processes/repair",
        "/designer/processes/repair/versions/1/edit",
        "/designer/processes/repair/versions/1.bpmn",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/designer/processes/repair/drafts", data=probe_xml()).status_code == 403


def test_editor_page_carries_xml_url_errors_and_published_version(login):
    client = login("designer")
    html = client.get("/designer/processes/repair/versions/1/edit").get_data(as_text=True)
    config = config_of(html, "designer-config")
    assert config["published_number"] == 1 and config["errors"] == []
    assert client.get(config["xml_url"]).get_data(as_text=True) == repair_xml()
    assert "dist/designer.js" in html and 'id="properties"' in html


def test_editor_save_returns_errors_then_upload_form_redirects_to_editor(login):
    client = login("designer")
    response = client.post(
        "/designer/processes/repair/drafts",
        data=with_timer(repair_xml(), "decision_deadline", "working_days("),
        headers={
            "Content-Type": "application/xml",
            "Accept": "application/json",
            "X-Change-Note": "%E6%94%B9",
        },
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["element_id"] == "decision_deadline" and body["edit_url"].endswith("/edit")
    html = client.get(body["edit_url"]).get_data(as_text=True)
    assert config_of(html, "designer-config")["errors"] == body["errors"]
    response = upload_form(client, "/designer/processes/repair/drafts", repair_xml())
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")


def test_upload_new_process_and_publish_by_second_designer(login):
    client = login("designer")
    response = upload_form(client, "/designer/processes", probe_xml(), note="新流程")
    assert response.status_code == 302
    page = client.get("/designer/processes/probe").get_data(as_text=True)
    assert "新流程" in page and "待他人审核发布" in page
    refused = client.post("/designer/processes/probe/versions/1/publish", follow_redirects=True)
    assert "不能发布自己修改的版本" in refused.get_data(as_text=True)
    client = login("admin")
    published = client.post("/designer/processes/probe/versions/1/publish", follow_redirects=True)
    assert "第 1 版已发布" in published.get_data(as_text=True)


def test_unreadable_upload_stores_nothing(login):
    client = login("designer")
    response = upload_form(client, "/designer/processes", "not xml at all", note="坏文件")
    assert response.status_code == 302
    assert "XML 格式错误" in client.get("/designer/").get_data(as_text=True)


def test_diff_page_compares_with_published(login):
    client = login("designer")
    upload_form(
        client,
        "/designer/processes/repair/drafts",
        with_timer(repair_xml(), "decision_deadline", "working_days(7)"),
    )
    html = client.get("/designer/processes/repair/versions/2/diff").get_data(as_text=True)
    config = config_of(html, "diff-config")
    assert config["left_url"].endswith("/versions/1.bpmn")
    assert config["right_url"].endswith("/versions/2.bpmn")


def test_case_diagram_marks_steps_from_the_indexes(api, login, session):
    entry = entry_named(session, "示范化工有限公司")
    case = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}).get_json()
    tasks = api("clerk")("GET", "/api/tasks").get_json()["tasks"]
    task = next(t for t in tasks if t["case_id"] == case["id"])
    api("clerk")("POST", f"/api/tasks/{task['id']}/complete", {"data": {"outcome": "accept"}})

    data = login("verifier").get(f"/designer/cases/{case['id']}/diagram.json").get_json()
    assert data["current"] == ["verification"] and "acceptance_review" in data["completed"]
    assert "verification_deadline" in data["waiting"] and data["xml"].startswith("<?xml")
    page = login("verifier").get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'id="case-diagram"' in page and "dist/viewer.js" in page
    assert login("province_supervisor").get(f"/designer/cases/{case['id']}/diagram.json").status_code == 200
    assert login("county_clerk").get(f"/designer/cases/{case['id']}/diagram.json").status_code == 404
