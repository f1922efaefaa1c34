"""Decisions as an officer meets them: an opinion box on legal approval, a confirmation
before irreversible decisions, 请选择 for choices, and one summary of every error."""

from __future__ import annotations

from sqlalchemy import select

from app.clock import today
from app.models import AuditEvent, TaskItem
from tests.register.conftest import Flow


def _open(session, case_id):
    return session.scalar(
        select(TaskItem).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
    )


def test_legal_approval_has_an_opinion_box(client, login, session, api):
    case = Flow(api, session).start()
    item = _open(session, case["id"])
    page = login("legal").get(f"/tasks/{item.id}").get_data(as_text=True)
    box = page[page.index('data-field="comments"') - 40 :][:300]
    assert "法制审核意见" in page and "data-required-if" not in box  # shown whatever the outcome
    page = client.post(f"/tasks/{item.id}", data={"outcome": "return"}).get_data(as_text=True)
    assert "退回修改时请写明法制审核意见" in page
    client.post(f"/tasks/{item.id}", data={"outcome": "approve", "comments": "事实清楚，证据充分，同意列入"})
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case["id"], AuditEvent.step == "legal_review")
    )
    assert "事实清楚，证据充分，同意列入" in str(event.data)


def test_irreversible_decisions_ask_for_confirmation(client, login, session, api):
    flow = Flow(api, session)
    case = flow.start()
    cid = case["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    flow.complete("officer", cid, "statement_window", {"waived": True})
    decision = _open(session, cid)
    assert decision.step == "decision"
    page = login("leader").get(f"/tasks/{decision.id}").get_data(as_text=True)
    assert 'data-confirm-value="list"' in page and "不可撤回" in page
    assert "confirm_decision.js" in page


def test_choices_say_please_choose_and_every_error_is_summarised(client, login, session, api):
    case = Flow(api, session).start()
    item = _open(session, case["id"])
    page = login("legal").get(f"/tasks/{item.id}")
    page = client.post(f"/tasks/{item.id}", data={}).get_data(as_text=True)
    assert "请选择“审核意见”" in page and "请填写“审核意见”" not in page
    assert 'id="error-summary"' in page and "请修改以下 1 处" in page
    page = login("officer").post("/listing/new", data={"facts": ""}).get_data(as_text=True)
    summary = page[page.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert summary.count("<li") >= 4  # penalty number, date, situation, subjects, sector…
