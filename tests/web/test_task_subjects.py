"""Task and case pages show every subject of the case (kind, role, masked ID number,
sector, party details for service); the proposal records the sector of Order 11 Art. 2
and refuses a unit outside it; the figures count listings by that sector."""

from __future__ import annotations

from sqlalchemy import select

from app.models import RegisterEntry, TaskItem
from tests.register.conftest import Flow, proposal


def _open(session, case_id):
    return session.scalar(
        select(TaskItem).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
    )


def test_task_page_lists_every_subject_with_party_details(client, login, session, api):
    data = proposal()
    data["subjects"][0].update(address="示范市工业路1号", contact="0571-88880000", legal_rep="赵某")
    case = Flow(api, session).start(data)
    item = _open(session, case["id"])
    page = login("legal").get(f"/tasks/{item.id}").get_data(as_text=True)
    table = page[page.index('id="case-subjects"') :]
    assert "北辰化工有限公司" in table and "王某" in table
    assert "生产经营单位" in table and "主要负责人" in table and "自然人" in table
    assert "110105********002X" in table or "*" in table.split("王某")[1][:300]
    assert "11010519491231002X" not in page  # the full ID number is never shown
    assert "示范市工业路1号" in table and "0571-88880000" in table and "赵某" in table
    assert "化工" in table
    assert "信用主体" in login("officer").get(f"/cases/{case['id']}").get_data(as_text=True)


def test_sector_is_recorded_and_feeds_the_figures(session, api):
    case = Flow(api, session).start(proposal(sector="烟花爆竹"))
    entries = session.scalars(select(RegisterEntry).where(RegisterEntry.listing_case_id == case["id"])).all()
    assert {e.sector for e in entries} == {"烟花爆竹"}
    figures = api("supervisor")("GET", "/api/stats").get_json()
    sectors = {r["sector"] for r in figures["listings"]["by_sector"]}
    assert "未填写" not in sectors


def test_a_unit_outside_the_sectors_of_article_2_is_refused(session, api):
    response = api("officer")(
        "POST", "/api/cases", {"process": "listing", "data": proposal(sector="建筑施工")}
    )
    assert response.status_code == 422
    message = response.get_json()["errors"]["sector"]
    assert "第二条" in message and "不按本办法列入" in message
    response = api("officer")("POST", "/api/cases", {"process": "listing", "data": proposal(sector="")})
    assert response.get_json()["errors"]["sector"] == "请选择行业领域"


def test_party_details_have_limits(session, api):
    data = proposal()
    data["subjects"][0]["address"] = "路" * 201
    response = api("officer")("POST", "/api/cases", {"process": "listing", "data": data})
    assert response.status_code == 422
    assert "送达地址不能超过200字" in response.get_json()["errors"]["subjects[0].address"]


def test_a_completed_task_page_shows_no_days_left(client, login, session, api):
    flow = Flow(api, session)
    case = flow.start()
    item = _open(session, case["id"])
    flow.complete("legal", case["id"], "legal_review", {"outcome": "approve"})
    page = login("legal").get(f"/tasks/{item.id}").get_data(as_text=True)
    assert "办理完毕" in page and "剩余" not in page and "办理期限" not in page
