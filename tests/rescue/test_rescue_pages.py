"""The repairs beyond a retry on the 故障与救援 page: correct a variable, migrate the
case after a preview — for the case bureau's administrator only."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, Case, Incident
from tests.rescue.test_rescue import BROKEN, FIXED, RENAMED, complete, published, start


def _incident(api, session):
    published(session, BROKEN)
    case = start(session)
    assert complete(api, session, case).status_code == 422
    return case, session.scalar(select(Incident).where(Incident.case_id == case.id))


def test_a_variable_corrected_on_the_page_lets_the_case_go_on(api, session, login):
    case, incident = _incident(api, session)
    admin = login("admin")
    page = admin.get("/supervisor/incidents").get_data(as_text=True)
    assert "更正变量" in page and "迁移到新版本" in page
    path = f"/supervisor/incidents/{incident.id}/variable"
    refused = admin.post(
        path, data={"name": "divisor", "value_type": "number", "value": "二十", "reason": "补录"}
    )
    assert refused.status_code == 302
    assert "请填写数字" in admin.get("/supervisor/incidents").get_data(as_text=True)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "variable_corrected")) is None
    assert login("supervisor").post(path, data={"name": "divisor", "value": "2"}).status_code == 403
    admin = login("admin")  # one test client: sign the administrator in again
    admin.post(
        path, data={"name": "divisor", "value_type": "number", "value": "20", "reason": "补录处罚金额"}
    )
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "variable_corrected")
    )
    assert event.data["new"] == 20 and event.data["reason"] == "补录处罚金额"
    assert complete(api, session, case).status_code == 200  # the officer submits again
    session.expire_all()
    assert session.get(Case, case.id).status == "completed"


def test_migration_on_the_page_is_previewed_then_confirmed(api, session, login):
    case, incident = _incident(api, session)
    published(session, FIXED)
    admin = login("admin")
    path = f"/supervisor/incidents/{incident.id}/migrate"
    preview = admin.post(path, data={"to_version": "2"}).get_data(as_text=True)
    assert 'id="migration-mapping"' in preview and "确认迁移" in preview
    session.expire_all()
    assert session.get(Case, case.id).process_version.number == 1  # the preview changed nothing
    wrong = admin.post(path, data={"to_version": "9"}).get_data(as_text=True)
    assert "没有第 9 版" in wrong
    assert admin.post(path, data={"to_version": "2", "confirm": "1"}).status_code == 302
    session.expire_all()
    assert session.get(Case, case.id).process_version.number == 2
    assert complete(api, session, case).status_code == 200


def test_a_migration_the_new_version_cannot_take_is_explained(api, session, login):
    case, incident = _incident(api, session)
    published(session, RENAMED)
    page = login("admin").post(
        f"/supervisor/incidents/{incident.id}/migrate", data={"to_version": "2", "confirm": "1"}
    )
    text = page.get_data(as_text=True)
    assert 'id="migration-problems"' in text and "已不存在" in text
    session.expire_all()
    assert session.get(Case, case.id).process_version.number == 1
