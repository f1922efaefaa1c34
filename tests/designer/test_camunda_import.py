"""Camunda Modeler (and Activiti) files import as far as the engine can run them;
the MIWG reference models no longer fail on documentation elements."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from app.engine.camunda import juel_to_python
from app.models import ProcessVersion
from tests.designer.conftest import MIWG, probe_xml
from tests.designer.test_validation_runnable import open_gateway

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@pytest.mark.parametrize(
    "juel, python",
    [
        ("${outcome == 'grant'}", "outcome == 'grant'"),
        ("${!approved}", "not approved"),
        ("${approved && amount > 1000}", "approved and amount > 1000"),
        ("${a eq 'x' || b ne 'y'}", "a == 'x' or b != 'y'"),
        ("#{clarified == 'yes'}", "clarified == 'yes'"),
        ("${text == 'a && b'}", "text == 'a && b'"),
        ("true", "True"),
        ("${execution.getVariable('x')}", None),  # not something our evaluator runs
        ("outcome == 'grant'", None),  # already ours
    ],
)
def test_simple_juel_conditions_translate(app, juel, python):
    assert juel_to_python(juel) == python


def test_camunda_notation_is_translated_on_save_and_shown(app, upload, session):
    xml = open_gateway("${outcome != 'accept'}").replace("outcome == 'accept'", "${outcome == 'accept'}")
    xml = xml.replace(
        "<bpmn:timeDate>working_days(3)</bpmn:timeDate>", "<bpmn:timeDuration>P7D</bpmn:timeDuration>"
    )
    response = upload("designer", "probe", xml)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    notes = [w["message"] for w in body["warnings"] if w["message"].startswith("已转换")]
    assert any("P7D" in n for n in notes) and any("outcome == 'accept'" in n for n in notes), body["warnings"]
    stored = session.query(ProcessVersion).filter_by(key="probe", number=body["number"]).one().xml
    assert '"P7D"' in stored and "${" not in stored


def test_pt2h_duration_and_legacy_activiti_namespace(app, upload):
    xml = probe_xml(timer="PT2H").replace("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn")
    response = upload("designer", "probe", xml)
    assert response.status_code == 201, response.get_json()
    messages = " ".join(w["message"] for w in response.get_json()["warnings"])
    assert "Activiti" in messages and '"PT2H"' in messages


def test_candidate_groups_name_the_role_where_there_is_no_lane(app, upload, session):
    xml = re.sub(r"<bpmn:laneSet.*?</bpmn:laneSet>", "", probe_xml(), flags=re.S)
    refused = upload("designer", "probe", xml)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["element_id"] == "review"
    xml = xml.replace(
        '<bpmn:userTask id="review" name="审核">',
        '<bpmn:userTask id="review" name="审核" camunda:candidateGroups="受理窗口">',
    )
    response = upload("designer", "probe", xml)
    assert response.status_code == 201, response.get_json()
    version = session.query(ProcessVersion).filter_by(key="probe", number=response.get_json()["number"]).one()
    assert version.meta["steps"]["review"]["role"] == "clerk"


def test_non_executable_process_is_explained_and_fixed_in_one_click(app, upload, login):
    response = upload("designer", "probe", probe_xml().replace('isExecutable="true"', 'isExecutable="false"'))
    assert response.status_code == 422
    [problem] = response.get_json()["errors"]
    assert problem["fix"] == "make_executable" and "说明文档" in problem["message"]
    client = login("designer")
    fixed = client.post(
        f"/designer/processes/probe/versions/{response.get_json()['number']}/make-executable",
        headers={"Accept": "application/json"},
    )
    assert fixed.status_code == 201 and fixed.get_json()["errors"] == []
    page = client.get(fixed.get_json()["edit_url"])
    assert page.status_code == 200


@pytest.mark.parametrize(
    "form, field",
    [
        ({"key": "1bad", "name": "x"}, "key"),
        ({"key": "repair", "name": "x"}, "key"),
        ({"key": "ok", "name": ""}, "name"),
    ],
)
def test_blank_process_refuses_bad_input(app, login, form, field):
    response = login("designer").post("/designer/processes/new", json=form)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_blank_process_starter_gives_a_valid_draft(app, login):
    client = login("designer")
    response = client.post("/designer/processes/new", json={"key": "expert_review", "name": "专家论证"})
    assert response.status_code == 201 and response.get_json()["errors"] == []
    assert client.get(response.get_json()["edit_url"]).status_code == 200
    listing = client.get("/designer/").get_data(as_text=True)
    assert "专家论证" in listing and "新建空白流程" in listing


FILES = sorted(MIWG.glob("*.bpmn"))


def _non_executable_ids(root) -> set[str]:
    ids = set()
    for process in root.iter(f"{BPMN}process"):
        if process.get("isExecutable", "true").lower() == "false":
            ids |= {n.get("id") for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
    return ids


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_miwg_models_do_not_fail_on_documentation(app, upload, path):
    body = path.read_bytes()
    root = etree.fromstring(body)
    documentation = _non_executable_ids(root)
    flows = {
        f.get("id")
        for f in root.iter(f"{BPMN}messageFlow")
        if f.get("sourceRef") in documentation and f.get("targetRef") in documentation
    }
    stores = {s.get("id") for s in root.iter(f"{BPMN}dataStore")}
    lanes = {lane.get("id") for lane in root.iter(f"{BPMN}lane") if lane.get("id") in documentation}
    errors = upload("designer", "ignored", body).get_json()["errors"]
    assert not [e for e in errors if e["element_id"] in flows | stores | lanes], errors
