"""What cannot run is refused through the API and the editor's save, each problem in
Chinese on its element (the same cases as test_validation_runnable, which asks the
parser directly); what only documents (message flows to pools that do not run) saves
with a warning."""

from __future__ import annotations

import re

import pytest

from tests.designer.conftest import probe_xml
from tests.designer.test_validation_runnable import ERRORS, open_gateway

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("xml, element_id, fragment", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_what_cannot_run_is_refused_by_the_api(upload, raw_api, xml, element_id, fragment):
    response = upload("designer", "probe", xml)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e for e in errors if e["element_id"] == element_id and fragment in e["message"]], errors
    assert all(CHINESE.search(e["message"]) for e in errors)
    number = response.get_json()["number"]  # stored as a draft with errors, and not publishable
    refused = raw_api("admin")("POST", f"/api/processes/probe/versions/{number}/publish")
    assert refused.status_code == 422


def test_the_editor_save_shows_the_problem_on_its_element(login):
    client = login("designer")
    response = client.post(
        "/designer/processes/probe/drafts",
        data=probe_xml(timer="working_days(-3)").encode(),
        headers={"Accept": "application/json", "Content-Type": "application/xml", "X-Change-Note": "x"},
    )
    assert response.status_code == 422
    [problem] = [e for e in response.get_json()["errors"] if e["element_id"] == "review_deadline"]
    assert "是负数" in problem["message"]
    editor = client.get(response.get_json()["edit_url"]).get_data(as_text=True)
    assert "review_deadline" in editor  # the editor's problem list highlights it


def test_gateway_that_may_stop_saves_with_a_warning(upload):
    response = upload("designer", "probe", open_gateway("outcome == 'other'"))
    assert response.status_code == 201
    assert [w["element_id"] for w in response.get_json()["warnings"]] == ["gw"]


PARTNER = """<bpmn:collaboration id="collab">
    <bpmn:participant id="p_run" processRef="probe" />
    <bpmn:participant id="p_partner" name="当事人" processRef="partner" />
    <bpmn:messageFlow id="mf_in" sourceRef="partner_send" targetRef="{target}" />
  </bpmn:collaboration>
  <bpmn:process id="partner" isExecutable="false">
    <bpmn:laneSet id="partner_lanes"><bpmn:lane id="partner_lane" name="申请人"><bpmn:flowNodeRef>partner_send</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:task id="partner_send" name="提交材料" />
    <bpmn:dataStoreReference id="partner_store" name="档案" />
  </bpmn:process>
  <bpmn:process id="probe\""""


def with_partner(target: str) -> str:
    return probe_xml().replace('<bpmn:process id="probe"', PARTNER.format(target=target), 1)


def test_a_message_flow_from_a_pool_that_does_not_run_is_documentation(upload):
    response = upload("designer", "probe", with_partner("review"))
    assert response.status_code == 201, response.get_json()
    warnings = response.get_json()["warnings"]
    assert [w for w in warnings if w["element_id"] == "mf_in" and "仅作说明" in w["message"]], warnings


def test_a_message_flow_between_elements_that_run_is_refused(upload):
    xml = with_partner("review").replace('sourceRef="partner_send"', 'sourceRef="start"')
    response = upload("designer", "probe", xml)
    assert response.status_code == 422
    assert [
        e for e in response.get_json()["errors"] if e["element_id"] == "mf_in" and "消息流" in e["message"]
    ]
