"""A call activity runs the called process's version published when the call runs
(Camunda's default binding), or the version the diagram pins; a case keeps the
version its call started on.  The designer lists which processes call which."""

from __future__ import annotations

from sqlalchemy import select

from app import engine
from app.models import TaskItem
from tests.designer.conftest import probe_xml
from tests.designer.test_designer_versions import CALLER


def deploy(session, xml):
    version = engine.save_draft(session, xml, None)
    assert version.errors == [], version.errors
    return engine.publish(session, version, None, allow_self_approval=True)


def open_item(session, case_id):
    return session.scalar(
        select(TaskItem).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
    )


def pinned(number: int) -> str:
    return CALLER.replace(
        'calledElement="probe"',
        f'calledElement="probe" camunda:calledElementBinding="version" camunda:calledElementVersion="{number}"',
    ).replace('id="defs_caller"', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_caller"')


def test_latest_binding_takes_the_version_published_when_the_call_runs(session, user):
    first = deploy(session, probe_xml())
    caller = deploy(session, CALLER)
    clerk = user("clerk")
    old = engine.start_case(session, caller, {}, clerk, bureau_id=clerk.bureau_id)
    second = deploy(session, probe_xml(field_id="verdict", condition="verdict == 'accept'"))
    new = engine.start_case(session, caller, {}, clerk, bureau_id=clerk.bureau_id)
    old_item, new_item = open_item(session, old.id), open_item(session, new.id)
    assert old_item.step == new_item.step == "probe:review"
    assert [f.id for f in engine.task_form(caller, old_item.step, old)] == ["outcome"]
    assert [f.id for f in engine.task_form(caller, new_item.step, new)] == ["verdict"]
    engine.complete(session, new_item.id, {"verdict": "accept"}, clerk)
    engine.complete(session, old_item.id, {"outcome": "accept"}, clerk)  # still on the first version
    assert old.status == new.status == "completed"
    assert first.number < second.number


def test_pinned_binding_keeps_the_named_version(session, user):
    first = deploy(session, probe_xml())
    caller = deploy(session, pinned(first.number))
    deploy(session, probe_xml(field_id="verdict", condition="verdict == 'accept'"))
    clerk = user("clerk")
    case = engine.start_case(session, caller, {}, clerk, bureau_id=clerk.bureau_id)
    item = open_item(session, case.id)
    assert [f.id for f in engine.task_form(caller, item.step, case)] == ["outcome"]
    assert caller.meta["calls"][0]["binding"] == "version"


def test_pinning_a_version_that_does_not_exist_is_refused(session):
    deploy(session, probe_xml())
    version = engine.save_draft(session, pinned(99), None)
    assert [e["element_id"] for e in version.errors] == ["call_probe"]
    assert "第 99 版" in version.errors[0]["message"]


def test_designer_shows_which_processes_call_which(session, login):
    deploy(session, probe_xml())
    deploy(session, CALLER)
    session.commit()
    page = login("designer").get("/designer/calls").get_data(as_text=True)
    assert 'data-caller="caller" data-callee="probe"' in page and "调用时的现行版本" in page
