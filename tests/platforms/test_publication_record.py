"""The listing's publication step asks no officer to tick 已在全国信用信息平台公示: the
system publishes and reports, and the delivery record is what the case shows."""

from __future__ import annotations

from sqlalchemy import select

from app.clock import today
from app.models import AuditEvent, Case, TaskItem
from app.platforms.exports import export_pending
from tests.register.conftest import Flow


def test_publication_is_recorded_as_the_platform_delivery(api, session, login, tmp_path):
    flow = Flow(api, session)
    cid = flow.until_published()
    case = session.get(Case, cid)
    assert case.register_entry_id is not None
    page = login("publisher").get(f"/cases/{cid}").get_data(as_text=True)
    assert 'id="platform-deliveries"' in page and "待报送" in page
    assert "国家企业信用信息公示系统" in page and "全国信用信息共享平台" in page

    written = export_pending(session, tmp_path)
    session.commit()
    assert written.get("gsxt", 0) >= 1 and written.get("share", 0) >= 1
    page = login("publisher").get(f"/cases/{cid}").get_data(as_text=True)
    assert 'data-platform="gsxt" data-status="exported"' in page
    assert 'data-platform="share" data-status="exported"' in page
    lines = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == cid, AuditEvent.action == "platform_delivery")
    ).all()
    assert {line.data["报送平台"] for line in lines} == {"国家企业信用信息公示系统", "全国信用信息共享平台"}
    assert all(line.data["报送文件"].endswith(".json") for line in lines)


def test_the_publication_task_shows_the_diagram_guidance_and_no_checkbox(api, session, login):
    flow = Flow(api, session)
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    flow.complete("officer", cid, "statement_window", {"waived": True})
    flow.complete("leader", cid, "decision", {"outcome": "list", "reasons": "事实清楚，证据确凿"})
    served = {"served_on": today().isoformat(), "method": "direct", "recipient": "北辰化工有限公司 李某"}
    flow.complete("officer", cid, "service", served)
    task = session.scalar(select(TaskItem).where(TaskItem.case_id == cid, TaskItem.step == "publication"))
    page = login("publisher").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="step-guidance"' in page and "报送记录见案件页" in page
    assert "已在公开名单及全国信用信息平台公示" not in page
