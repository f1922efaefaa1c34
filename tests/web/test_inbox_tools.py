"""The inbox's tools: search, filters, pagination, 已办, batch claim and completion of like
tasks, the 督办 badge, each role's landing page, and case search over every subject."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from app.cases import inbox
from app.clock import now
from app.models import Case, RegisterEntry, TaskItem
from app.register.proposals import start_management_case
from tests.register.conftest import Flow, proposal


@pytest.fixture(autouse=True)
def managed(session):
    """Management cases for the demo listings (the test database starts without them)."""
    for entry in session.scalars(select(RegisterEntry).order_by(RegisterEntry.id)).all():
        start_management_case(session, [entry], origin="import")
    session.commit()


def inspections(session):
    return list(
        session.scalars(
            select(TaskItem)
            .join(Case, Case.id == TaskItem.case_id)
            .where(TaskItem.step == "inspection", TaskItem.completed_at.is_(None), Case.number.like("LR%"))
            .order_by(TaskItem.id)
        ).unique()
    )


def rows(page: str) -> int:
    return page.count("data-task-id=")


def test_search_by_subject_code_case_and_penalty_number(client, login, session):
    login("verifier")
    everything = client.get("/").get_data(as_text=True)
    assert rows(everything) == 5
    page = client.get("/?q=明远").get_data(as_text=True)
    assert rows(page) == 1 and "明远矿业有限公司" in page
    task = next(t for t in inspections(session) if t.case.subject_name == "东港建筑工程有限公司")
    assert rows(client.get(f"/?q={task.case.number}").get_data(as_text=True)) == 1
    assert rows(client.get(f"/?q={task.case.credit_code}").get_data(as_text=True)) == 1
    # `%` and `_` are characters, not wildcards
    assert rows(client.get("/?q=%25").get_data(as_text=True)) == 0
    assert rows(client.get("/?q=_").get_data(as_text=True)) == 0
    assert "没有符合条件的待办任务" in client.get("/?q=不存在的单位").get_data(as_text=True)


def test_penalty_number_finds_the_task(client, login, session):
    task = inspections(session)[0]
    entry = session.get(RegisterEntry, task.case.register_entry_id)
    login("verifier")
    page = client.get("/", query_string={"q": entry.penalty_number}).get_data(as_text=True)
    assert f'data-task-id="{task.id}"' in page


def test_filters_by_process_step_and_deadline_state(client, login, session):
    login("verifier")
    assert rows(client.get("/?process=listing&step=inspection").get_data(as_text=True)) == 5
    assert rows(client.get("/?process=repair").get_data(as_text=True)) == 0
    assert rows(client.get("/?due=overdue").get_data(as_text=True)) == 0
    assert rows(client.get("/?due=ok").get_data(as_text=True)) == 5
    due = inspections(session)[0].due_at
    with time_machine.travel(due + dt.timedelta(hours=1), tick=False):
        login("verifier")  # a session signed in the future is not accepted
        assert rows(client.get("/?due=overdue").get_data(as_text=True)) == 5
        assert rows(client.get("/?due=ok").get_data(as_text=True)) == 0
    # unknown values are ignored, never a 500
    login("verifier")
    assert client.get("/?due=soon&page=abc&process=%00").status_code == 200


def test_step_filter_offers_the_steps_of_the_users_roles(session, user):
    """The 环节 choices come from the deployed diagrams: every step of the user's roles,
    with or without open tasks now, and none of another role's."""
    verifier = user("verifier")
    choices = inbox.step_choices(session, verifier)
    steps = {step for _key, step, _name in choices}
    assert "inspection" in steps  # open tasks now (the management cases)
    assert "verification" in steps  # repair's 核查: no open task, still offered
    assert "acceptance_review" not in steps  # the clerk's
    assert len(steps) == len(choices)  # one option per step
    assert all(name for _key, _step, name in choices)


def test_pagination(session, user):
    verifier = user("verifier")
    query = inbox.InboxQuery(page=1)
    page = inbox.inbox_page(session, verifier, query)
    assert page.total == 5 and page.pages == 1
    many = inbox.Page(rows=[], total=61, page=2)
    assert many.pages == 3
    assert inbox.InboxQuery.from_args({"page": "999999999"}).page == inbox.MAX_PAGE


def test_batch_claim(client, login, session, user):
    login("verifier")
    ids = [t.id for t in inspections(session)[:2]]
    response = client.post("/tasks/batch/claim", data={"task_id": [str(i) for i in ids]})
    assert response.status_code == 302
    verifier = user("verifier")
    for task_id in ids:
        item = session.get(TaskItem, task_id)
        session.refresh(item)
        assert item.claimed_by_id == verifier.id
    page = client.get("/").get_data(as_text=True)
    assert "取消认领" in page and ">退回<" not in page
    assert "请先勾选" in client.post("/tasks/batch/claim", data={}, follow_redirects=True).get_data(
        as_text=True
    )


def test_batch_completion_of_like_inspections(client, login, session, user):
    login("verifier")
    tasks = inspections(session)[:3]
    ids = [str(t.id) for t in tasks]
    form = client.get("/tasks/batch", query_string={"task_id": ids}).get_data(as_text=True)
    assert "批量办理“定期检查”" in form and "提交全部 3 项" in form
    today = now().date().isoformat()
    page = client.post("/tasks/batch", data={"task_id": ids, "confirm": "1", "inspected_on": today}).get_data(
        as_text=True
    )
    assert "检查情况" in page and "field-error" in page  # one form error, nothing done
    for t in tasks:
        session.refresh(t)
        assert t.completed_at is None
    response = client.post(
        "/tasks/batch",
        data={"task_id": ids, "confirm": "1", "inspected_on": today, "findings": "现场检查未发现问题"},
    )
    assert response.status_code == 302
    for t in tasks:
        session.refresh(t)
        assert t.completed_at is not None and t.completed_by_id == user("verifier").id
    done = client.get("/done").get_data(as_text=True)
    assert done.count("data-task-id=") == 3 and "定期检查" in done
    assert rows(client.get("/").get_data(as_text=True)) == 2


def test_batch_refuses_unlike_or_foreign_tasks(client, login, session, api):
    flow = Flow(api, session)
    case = flow.start()
    legal = session.scalar(
        select(TaskItem).where(TaskItem.case_id == case["id"], TaskItem.completed_at.is_(None))
    )
    inspection = inspections(session)[0]
    login("verifier")
    page = client.get(
        "/tasks/batch", query_string={"task_id": [inspection.id, legal.id]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "没有办理“法制审核”的角色" in page
    county = session.scalar(
        select(TaskItem)
        .join(Case)
        .where(TaskItem.step == "inspection", Case.bureau_id != inspection.bureau_id)
    )
    page = client.get(
        "/tasks/batch", query_string={"task_id": [inspection.id, county.id]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "不属于本局" in page
    ids = [str(i) for i in range(1, 200)]
    assert "一次最多" in client.get(
        "/tasks/batch", query_string={"task_id": ids}, follow_redirects=True
    ).get_data(as_text=True)


def test_reminded_rows_carry_a_badge(client, login, session):
    task = inspections(session)[0]
    login("supervisor")
    assert client.post(f"/supervisor/tasks/{task.id}/remind", data={"message": "请抓紧"}).status_code == 302
    login("verifier")
    page = client.get("/").get_data(as_text=True)
    row = page[page.index(f'data-task-id="{task.id}"') :]
    row = row[: row.index("</tr>")]
    assert "badge reminder" in row and "督办" in row


def test_each_role_lands_on_its_own_page(client):
    for username, landing in [
        ("supervisor", "/supervisor/"),
        ("designer", "/designer/"),
        ("verifier", "/"),
        ("clerk", "/"),
    ]:
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": "test-pass"})
        assert response.headers["Location"].endswith(landing), username


def test_case_search_finds_every_subject_and_the_penalty_number(client, login, session, api):
    flow = Flow(api, session)
    data = proposal(penalty_number="示市应急罚〔2026〕777号")
    case = flow.start(data)
    login("officer")
    for text in ["北辰化工", "王某", "示市应急罚〔2026〕777号", case["number"]]:
        page = client.get("/cases", query_string={"q": text}).get_data(as_text=True)
        assert case["number"] in page, text
    assert case["number"] not in client.get("/cases?q=%25").get_data(as_text=True)
