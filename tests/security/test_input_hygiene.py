"""NUL and XML-invalid characters never reach the database; numbers out of the
database's range are refused or not found, never a 500; drafts are checked."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.models import Case, ProcessVersion
from app.security.hygiene import clean
from tests.helpers import entry_named, repair_data

HUGE = "9" * 30


def test_clean_walks_strings_lists_and_keys():
    assert clean({"a\x00": ["x\x01y", {"k": "v\x0bw\ufffe"}], "n": 5, "t": "tab\tok\r\n"}) == {
        "a": ["xy", {"k": "vw"}],
        "n": 5,
        "t": "tab\tok\r\n",
    }


def test_json_text_loses_nul_and_control_characters(api, session):
    entry = entry_named(session, "示范化工有限公司")
    data = repair_data(entry.id, applicant="张三\x00\x07（代理人）")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": data})
    assert response.status_code == 201, response.get_json()
    case = session.get(Case, response.get_json()["id"])
    stored = str(case.facts) + str(case.state if hasattr(case, "state") else "")
    assert "\x00" not in stored and "\x07" not in stored


def test_form_text_loses_nul(login, session):
    client = login("supervisor")
    response = client.get("/supervisor/?officer=%00abc&step=%01")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/api/tasks/{HUGE}/claim",
        f"/api/cases/{HUGE}",
        f"/api/timers/{HUGE}/retry",
    ],
)
def test_huge_ids_in_urls_are_not_found(api, path):
    method = "GET" if path.startswith("/api/cases") else "POST"
    assert api("supervisor")(method, path).status_code == 404


def test_huge_page_numbers_and_ids_in_query_strings(login, api):
    client = login("supervisor")
    assert client.get(f"/supervisor/timers?page={HUGE}").status_code == 200
    assert client.get(f"/supervisor/figures?bureau={HUGE}").status_code in (200, 404)
    assert api("supervisor")("GET", f"/api/timers?page={HUGE}&per_page={HUGE}").status_code in (200, 422)
    assert api("supervisor")("GET", f"/api/stats?bureau={HUGE}").status_code in (200, 404, 422)


def test_a_thirty_digit_number_in_a_form_is_a_field_error():
    from app.engine import forms

    field = forms.FormField(id="penalty_amount", label="罚款金额", type="long")
    assert forms._coerce(field, HUGE)[1] == "数值超出范围"
    assert forms._coerce(field, int(HUGE))[1] == "数值超出范围"
    assert forms._coerce(field, "2147483647") == (2147483647, None)


def test_huge_penalty_amount_in_an_import_is_a_row_error(login):
    from tests.register.test_listing_import import csv_text, row

    client = login("admin")
    page = client.post(
        "/admin/import",
        data={"action": "check", "file": (io.BytesIO(csv_text(row(penalty_amount=HUGE)).encode()), "a.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "罚款金额超出范围" in page


def versions(session) -> int:
    return session.scalar(select(func.count(ProcessVersion.id)))


@pytest.mark.parametrize("key", ["Repair", "1abc", "a-b", "a" * 65, "中文"])
def test_malformed_draft_keys_are_refused_and_nothing_stored(api, session, key):
    before = versions(session)
    response = api("designer")("POST", f"/api/processes/{key}/drafts", None)
    assert response.status_code == 422 and "key" in response.get_json()["errors"]
    assert versions(session) == before


def test_oversized_drafts_are_not_stored(client, api, session):
    before = versions(session)
    token = client.post("/api/token", json={"username": "designer", "password": "test-pass"}).get_json()[
        "token"
    ]
    body = b"<definitions>" + b" " * (1024 * 1024 + 1) + b"</definitions>"
    response = client.post(
        "/api/processes/probe/drafts", data=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422 and "过大" in response.get_json()["errors"]["file"]
    assert versions(session) == before


def test_a_gbk_diagram_without_declaration_is_decoded(client, session):
    from app.models import ProcessVersion as PV

    xml = (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
        '<process id="gbk_probe" name="国标编码流程" isExecutable="true"><startEvent id="s"/></process>'
        "</definitions>"
    )
    token = client.post("/api/token", json={"username": "designer", "password": "test-pass"}).get_json()[
        "token"
    ]
    response = client.post(
        "/api/processes/gbk_probe/drafts",
        data=xml.encode("gbk"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (201, 422), response.get_json()
    stored = session.scalar(select(PV).where(PV.key == "gbk_probe"))
    assert stored is not None and "国标编码流程" in stored.xml and stored.name == "国标编码流程"
    undecodable = client.post(
        "/api/processes/gbk_probe/drafts",
        data=b"\x81\x20<definitions/>",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert undecodable.status_code == 422 and "编码" in undecodable.get_json()["message"]
