"""Any published process can be started: POST /api/cases and the 发起 page read the
start event's form and lane; domain pre-fills are hooks a process opts into."""

from __future__ import annotations

from app import engine
from app.models import Case, TaskItem
from app.org.roles import create_role
from tests.helpers import entry_named, repair_data

EXPERT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{key}" targetNamespace="http://example.cn/test">
  <bpmn:process id="{key}" name="专家论证申请" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_officer" name="承办人"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_leader" name="负责人"><bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start">
      <bpmn:extensionElements>{props}<camunda:formData>
        <camunda:formField id="topic" label="论证事项" type="string"><camunda:validation><camunda:constraint name="required" /><camunda:constraint name="maxlength" config="50" /></camunda:validation></camunda:formField>
        <camunda:formField id="experts" label="专家人数" type="long" />
      </camunda:formData></bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="review" name="审阅"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def publish(session, key="expert_opinion", props=""):
    version = engine.save_draft(session, EXPERT.format(key=key, props=props), None)
    assert version.errors == [], version.errors
    engine.publish(session, version, None, allow_self_approval=True)
    session.commit()
    return version


def test_a_newly_published_process_starts_by_api(api, session):
    publish(session)
    response = api("officer")(
        "POST", "/api/cases", {"process": "expert_opinion", "data": {"topic": "储罐改造"}}
    )
    assert response.status_code == 201, response.get_json()
    case = session.get(Case, response.get_json()["id"])
    assert case.process_key == "expert_opinion"
    assert session.query(TaskItem).filter_by(case_id=case.id, step="review").one().role == "leader"


def test_start_form_errors_and_lane(api, session):
    publish(session)
    before = session.query(Case).count()
    missing = api("officer")("POST", "/api/cases", {"process": "expert_opinion", "data": {"experts": "两个"}})
    assert missing.status_code == 422
    errors = missing.get_json()["errors"]
    assert errors["topic"] == "请填写“论证事项”" and "experts" in errors
    extra = api("officer")(
        "POST", "/api/cases", {"process": "expert_opinion", "data": {"topic": "x", "y": 1}}
    )
    assert extra.status_code == 422 and extra.get_json()["errors"]["y"] == "表单中没有这个字段"
    not_lane = api("clerk")("POST", "/api/cases", {"process": "expert_opinion", "data": {"topic": "x"}})
    assert not_lane.status_code == 403 and "承办人" in not_lane.get_json()["message"]
    unknown = api("officer")("POST", "/api/cases", {"process": "no_such_process", "data": {}})
    assert unknown.status_code == 422 and "process" in unknown.get_json()["errors"]
    not_a_key = api("officer")("POST", "/api/cases", {"process": ["repair"], "data": {}})
    assert not_a_key.status_code == 422 and "process" in not_a_key.get_json()["errors"]
    assert session.query(Case).count() == before


def test_a_start_without_a_lane_is_not_started_by_staff(api, session):
    xml = EXPERT.format(key="laneless", props="").replace("<bpmn:flowNodeRef>start</bpmn:flowNodeRef>", "")
    version = engine.save_draft(session, xml, None)
    assert version.errors == [] and version.meta["start_role"] is None
    engine.publish(session, version, None, allow_self_approval=True)
    response = api("officer")("POST", "/api/cases", {"process": "laneless", "data": {"topic": "x"}})
    assert response.status_code == 403 and "不能由工作人员发起" in response.get_json()["message"]


def test_a_hotline_tip_registered_by_the_clerk(api, session):
    from app.models import Tip

    data = {"subject_name": "某化工厂", "description": "夜间违规动火", "location": "东港区"}
    response = api("clerk")("POST", "/api/cases", {"process": "tip", "data": data})
    assert response.status_code == 201, response.get_json()
    tip = session.query(Tip).filter_by(case_id=response.get_json()["id"]).one()
    assert tip.tracking_code.startswith("JB") and tip.subject_name == "某化工厂"


def test_a_process_opts_into_the_repair_hook(api, session):
    """A second repair diagram (another key) gets the register entry and its checks by
    naming the hook, without any list of process keys in code."""
    xml = (engine.published_version(session, "repair").xml).replace('id="repair"', 'id="repair_county"')
    xml = xml.replace('processRef="repair"', 'processRef="repair_county"')
    version = engine.save_draft(session, xml, None)
    assert version.errors == [], version.errors
    engine.publish(session, version, None, allow_self_approval=True)
    session.commit()
    entry = entry_named(session, "示范化工有限公司")
    response = api("clerk")("POST", "/api/cases", {"process": "repair_county", "data": repair_data(entry.id)})
    assert response.status_code == 201, response.get_json()
    case = session.get(Case, response.get_json()["id"])
    assert case.register_entry_id == entry.id and case.subject_name == "示范化工有限公司"
    bad = api("clerk")("POST", "/api/cases", {"process": "repair_county", "data": repair_data(99999)})
    assert bad.status_code == 422 and "listing_id" in bad.get_json()["errors"]


def test_an_unknown_start_hook_is_refused_at_save(session):
    props = '<camunda:properties><camunda:property name="start_hook" value="repair_aplication" /></camunda:properties>'
    version = engine.save_draft(session, EXPERT.format(key="hooked", props=props), None)
    assert any("repair_aplication" in e["message"] and e["element_id"] == "start" for e in version.errors)


def test_the_shipped_diagrams_name_their_hooks(session):
    hooks = {
        key: engine.published_version(session, key).meta.get("start_hook")
        for key in ("repair", "listing", "withdrawal", "revocation", "tip")
    }
    assert hooks == {
        "repair": "repair_application",
        "listing": "listing_proposal",
        "withdrawal": "entry_withdrawal",
        "revocation": "entry_revocation",
        "tip": "hotline_tip",
    }


def test_the_start_page_lists_and_starts(login, client, session, user):
    publish(session)
    login("officer")
    page = client.get("/start").get_data(as_text=True)
    assert "专家论证申请" in page and "/start/expert_opinion" in page
    assert 'href="/listing/new"' in page  # the listing hook has its own page (subjects)
    assert "登记提前移出申请" not in page and "信用修复" not in page  # the clerk's, not the officer's
    assert ">发起</a>" in client.get("/").get_data(as_text=True)
    form = client.get("/start/expert_opinion").get_data(as_text=True)
    assert 'name="topic"' in form and "论证事项" in form
    refused = client.post("/start/expert_opinion", data={"topic": "", "experts": "x"})
    assert refused.status_code == 422 and "请填写“论证事项”" in refused.get_data(as_text=True)
    done = client.post("/start/expert_opinion", data={"topic": "储罐改造", "experts": "3"})
    assert done.status_code == 302 and "/cases/" in done.headers["Location"]
    case = session.query(Case).filter_by(process_key="expert_opinion").one()
    assert case.started_by_id == user("officer").id
    assert client.get("/start/repair").status_code == 403
    assert client.get("/start/nothing").status_code == 404
    assert client.get("/start/listing").status_code == 302


def test_the_start_page_for_someone_who_starts_nothing(login, client):
    login("supervisor")
    assert "没有可以发起的流程" in client.get("/start").get_data(as_text=True)
    assert ">发起</a>" not in client.get("/supervisor/").get_data(as_text=True)


def test_a_role_from_the_table_may_start(api, session, user):
    create_role(session, user("admin"), "expert", "专家组")
    xml = EXPERT.format(key="by_expert", props="").replace('name="承办人"', 'name="专家组"')
    version = engine.save_draft(session, xml, None)
    assert version.errors == []
    assert version.meta["start_role"] == "expert"
