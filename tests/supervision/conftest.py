"""Fixtures of the supervisor console: two small diagrams of our own (so the tests do
not depend on the bundled ones), a case factory that writes the index rows directly
(the board reads nothing else), and a fixed clock on a plain working week."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from app import engine
from app.calendar import workdays as cal
from app.clock import now
from app.models import Bureau, Case, ProcessVersion, TaskItem, Timer, User, UserRole

# Monday 2026-03-09, 10:00 in Shanghai: a week without holidays on either side.
MONDAY = dt.datetime(2026, 3, 9, 10, 0, tzinfo=cal.SHANGHAI)
DAY = dt.timedelta(days=1)

TIMER = """<bpmn:boundaryEvent id="{id}" name="{name}" attachedToRef="handle" cancelActivity="false">
      <bpmn:extensionElements><camunda:properties><camunda:property name="timer_kind" value="{kind}" /></camunda:properties></bpmn:extensionElements>{outgoing}
      <bpmn:timerEventDefinition id="{id}_def"><bpmn:timeDate>{expression}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>"""


def diagram(key: str, *, failing: bool = False) -> str:
    """One officer task with a warning (1 working day) and a deadline (2 working days).
    failing: the deadline path runs take_over_entries(), which raises for a case that
    has no register entry: an engine error on a timer.  (Not remove_early(): that one
    also needs a recorded decision, app.domain.preconditions.)"""
    warning = TIMER.format(
        id="handle_warning", name="办理预警", kind="warning", outgoing="", expression="working_days(1)"
    )
    deadline = TIMER.format(
        id="handle_deadline",
        name="办理期限",
        kind="deadline",
        outgoing="\n      <bpmn:outgoing>f_late</bpmn:outgoing>" if failing else "",
        expression="working_days(2)",
    )
    late_path = (
        """
    <bpmn:scriptTask id="on_late" name="逾期处理"><bpmn:incoming>f_late</bpmn:incoming><bpmn:outgoing>f_late_end</bpmn:outgoing>
      <bpmn:script>take_over_entries()</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="late_end"><bpmn:incoming>f_late_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f_late" sourceRef="handle_deadline" targetRef="on_late" />
    <bpmn:sequenceFlow id="f_late_end" sourceRef="on_late" targetRef="late_end" />"""
        if failing
        else ""
    )
    late_refs = (
        "<bpmn:flowNodeRef>on_late</bpmn:flowNodeRef><bpmn:flowNodeRef>late_end</bpmn:flowNodeRef>"
        if failing
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{key}" targetNamespace="http://example.cn/test">
  <bpmn:process id="{key}" name="督办测试流程 {key}" isExecutable="true">
    <bpmn:laneSet id="ls_{key}">
      <bpmn:lane id="lane_officer" name="承办人">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>handle</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>handle_warning</bpmn:flowNodeRef><bpmn:flowNodeRef>handle_deadline</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>{late_refs}
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="handle" name="办理"><bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_done</bpmn:outgoing></bpmn:userTask>
    {warning}
    {deadline}
    <bpmn:endEvent id="end"><bpmn:incoming>f_done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f_done" sourceRef="handle" targetRef="end" />{late_path}
  </bpmn:process>
</bpmn:definitions>"""


def deploy(session, key: str, failing: bool = False) -> ProcessVersion:
    version = engine.save_draft(session, diagram(key, failing=failing), None)
    assert not version.errors, version.errors
    return engine.publish(session, version, None, allow_self_approval=True)


@pytest.fixture()
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture()
def deadline_process(session):
    return deploy(session, "sup_deadline")


@pytest.fixture()
def failing_process(session):
    return deploy(session, "sup_failing", failing=True)


@pytest.fixture()
def bureau(session):
    def get(code: str) -> Bureau:
        return session.scalar(select(Bureau).where(Bureau.code == code))

    return get


@pytest.fixture()
def start_case(session, user):
    """start_case(version, username="officer") -> a case run by the engine to its first task."""

    def start(version: ProcessVersion, username: str = "officer", subject: str = "测试主体") -> Case:
        actor = user(username)
        return engine.start_case(session, version, {}, actor, bureau_id=actor.bureau_id, subject_name=subject)

    return start


@pytest.fixture()
def officer_factory(session, bureau):
    """officer_factory(username, bureau_code="CITY", role="officer", active=True) -> a new user."""

    def make(username: str, bureau_code: str = "CITY", role: str = "officer", active: bool = True) -> User:
        user = User(
            username=username,
            display_name=f"测试{username}",
            password_hash="x",
            bureau_id=bureau(bureau_code).id,
            active=active,
        )
        user.role_rows = [UserRole(role=role)]
        session.add(user)
        session.commit()
        return user

    return make


@pytest.fixture()
def index_case(session, bureau):
    """index_case(bureau_code, due_in=timedelta | None, ...) -> (case, task): rows written
    straight into the indexes, the way the board sees them."""
    repair = session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == "repair", ProcessVersion.state == "published")
    )
    counter = iter(range(1, 10_000))

    def make(
        bureau_code: str,
        due_in: dt.timedelta | None,
        *,
        step: str = "verification",
        role: str = "verifier",
        claimed_by: User | None = None,
        warn_in: dt.timedelta | None = None,
        subject: str = "",
        timer_kind: str | None = None,
    ) -> tuple[Case, TaskItem | None]:
        at = now()
        b = bureau(bureau_code)
        n = next(counter)
        case = Case(
            number=f"T{bureau_code}-{n:04d}",
            process_key="repair",
            process_version_id=repair.id,
            bureau_id=b.id,
            subject_name=subject or f"{b.name}主体{n}",
            status="active",
            created_at=at - dt.timedelta(days=3),
            updated_at=at,
        )
        session.add(case)
        session.flush()
        task = None
        if timer_kind == "wait":  # a case waiting on a timer, no open task
            session.add(
                Timer(
                    case_id=case.id,
                    bureau_id=b.id,
                    engine_task_id=f"w{n}",
                    element_id="wait_follow_up",
                    name="移出后6个月回访",
                    step=None,
                    kind="wait",
                    due_at=at + due_in,
                    created_at=at,
                )
            )
        else:
            task = TaskItem(
                case_id=case.id,
                engine_task_id=f"t{n}",
                step=step,
                name=step,
                role=role,
                bureau_id=b.id,
                due_at=at + due_in if due_in is not None else None,
                warn_at=at + warn_in if warn_in is not None else None,
                claimed_by_id=claimed_by.id if claimed_by else None,
                escalated_at=at + due_in if due_in is not None and due_in < dt.timedelta(0) else None,
                created_at=at - dt.timedelta(days=2),
            )
            session.add(task)
            if due_in is not None:  # the deadline timer guarding it: fired once past due
                session.add(
                    Timer(
                        case_id=case.id,
                        bureau_id=b.id,
                        engine_task_id=f"d{n}",
                        element_id=f"{step}_deadline",
                        name="期限",
                        step=step,
                        kind=timer_kind or "deadline",
                        due_at=at + due_in,
                        created_at=at,
                        fired_at=at + due_in if due_in < dt.timedelta(0) else None,
                    )
                )
        session.commit()  # as a view would: a refused action's rollback must not take it away
        return case, task

    return make


@pytest.fixture()
def crafted(clock, index_case, user, bureau):
    """Monday 10:00.  City: A overdue a week (claimed), B due tomorrow, C due in 10 days,
    D without a due date.  County: E overdue 1 day, F due in 9 days but warned, G a wait timer."""
    verifier = user("verifier")
    rows = {
        "A": index_case("CITY", -7 * DAY, claimed_by=verifier),
        "B": index_case("CITY", DAY, step="decision", role="leader"),
        "C": index_case("CITY", 10 * DAY),
        "D": index_case("CITY", None, step="acceptance_review", role="clerk"),
        "E": index_case("COUNTY", -3 * DAY),  # Friday 10:00 -> 1 working day
        "F": index_case("COUNTY", 9 * DAY, warn_in=-DAY),
        "G": index_case("COUNTY", 30 * DAY, timer_kind="wait"),
    }
    return {name: case.number for name, (case, _task) in rows.items()}
