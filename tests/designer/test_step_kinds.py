"""Steps are known by their kind (step_kind), not their id: renaming the supplement
step keeps the one-time supplement rule, the figures and the board filter; a draft
that drops a step running cases are on is saved with a warning naming them."""

from __future__ import annotations

import re
from pathlib import Path

from app.engine.model import parse_process
from tests.designer.conftest import ROOT, repair_xml
from tests.designer.test_designer_versions import complete, start_repair


def renamed(xml: str, old: str, new: str) -> str:
    """The diagram with one task's id renamed everywhere it is referenced."""
    xml = xml.replace(f'<bpmn:userTask id="{old}"', f'<bpmn:userTask id="{new}"')
    xml = xml.replace(f"<bpmn:flowNodeRef>{old}<", f"<bpmn:flowNodeRef>{new}<")
    return re.sub(rf'(attachedToRef|sourceRef|targetRef|bpmnElement)="{old}"', rf'\1="{new}"', xml)


def publish(upload, raw_api, xml: str, key: str = "repair") -> int:
    draft = upload("designer", key, xml)
    assert draft.status_code == 201, draft.get_json()
    number = draft.get_json()["number"]
    assert raw_api("admin")("POST", f"/api/processes/{key}/versions/{number}/publish").status_code == 200
    return number


def test_every_shipped_user_task_has_a_kind(app):
    for path in sorted((ROOT / "workflows").glob("*.bpmn")):
        parsed = parse_process(Path(path).read_text(encoding="utf-8"))
        assert not parsed.errors, (path.name, parsed.errors)
        steps = parsed.meta["steps"]
        assert steps and all(info["kind"] for info in steps.values()), (path.name, steps)
    repair = parse_process(repair_xml()).meta["steps"]
    assert repair["supplement"]["kind"] == "supplement"


def test_renamed_supplement_step_keeps_the_rule_the_figures_and_the_filter(api, raw_api, upload, session):
    xml = renamed(repair_xml(), "supplement", "request_materials")
    assert 'id="request_materials"' in xml and 'value="supplement"' in xml
    publish(upload, raw_api, xml)
    case_id = start_repair(api, session, "示范化工有限公司")
    complete(
        api, "clerk", case_id, "acceptance_review", {"outcome": "supplement", "missing_items": ["整改报告"]}
    )
    # the board filters by kind: the renamed step is found as a supplement
    rows = api("supervisor")("GET", "/api/timers?step=supplement").get_json()
    assert any(r["case_id"] == case_id and r["step"] == "request_materials" for r in rows["timers"]), rows
    stats = api("supervisor")("GET", "/api/stats").get_json()
    assert sum(m["supplement"] for m in stats["repair_by_month"]) == 1
    complete(
        api, "clerk", case_id, "request_materials", {"materials_received": True, "materials": ["整改报告"]}
    )
    tasks = api("clerk")("GET", "/api/tasks").get_json()["tasks"]
    task = next(t for t in tasks if t["case_id"] == case_id and t["step"] == "acceptance_review")
    again = api("clerk")(
        "POST",
        f"/api/tasks/{task['id']}/complete",
        {"data": {"outcome": "supplement", "missing_items": ["再补"]}},
    )
    assert again.status_code == 422
    assert again.get_json()["errors"]["outcome"] == "已一次性告知补正，不能再次要求补正"


def test_draft_removing_a_step_running_cases_are_on_warns_and_names_them(api, upload, session, case_of):
    first = start_repair(api, session, "示范化工有限公司")
    second = start_repair(api, session, "东港建筑工程有限公司")
    xml = renamed(repair_xml(), "acceptance_review", "intake_review")
    draft = upload("designer", "repair", xml)
    assert draft.status_code == 201, draft.get_json()  # a warning, not a refusal
    warnings = draft.get_json()["warnings"]
    assert [w["element_id"] for w in warnings] == ["acceptance_review"]
    message = warnings[0]["message"]
    assert "受理审核" in message and "2 件" in message
    assert case_of(first).number in message and case_of(second).number in message
    same = upload("designer", "repair", repair_xml()).get_json()
    assert same["warnings"] == []
