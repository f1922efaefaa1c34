"""Notifications outside the system: each user's channels, reminders and reassignments
by e-mail and SMS, the daily digest, retries and the failures page."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import hmac
import json

from sqlalchemy import func, select

from app.models import ContactSetting, Notification, OutboundMessage
from app.notify import digest, sending

DAY = dt.timedelta(days=1)


def choose(api, username, **values):
    return api(username)("PUT", "/api/me/notifications", values)


def test_a_channel_needs_its_address_and_a_configured_sender(api, session, smtp, user):
    refused = choose(api, "verifier", channels=["email"])
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["email"] == "选择电子邮件接收时，请填写电子邮件地址"
    bad = choose(api, "verifier", email="not-an-address", channels=["email"])
    assert bad.status_code == 422 and bad.get_json()["errors"]["email"] == "请填写正确的电子邮件地址"
    sms = choose(api, "verifier", mobile="13800138000", channels=["sms"])  # no gateway configured
    assert sms.status_code == 422 and "尚未配置短信发送" in sms.get_json()["errors"]["channels"]
    assert session.get(ContactSetting, user("verifier").id) is None  # nothing was stored
    ok = choose(api, "verifier", email="verifier@yjj.example.cn", channels=["email"], digest=False)
    assert ok.status_code == 200
    body = ok.get_json()
    assert (
        body["channels"] == ["email"]
        and body["digest"] is False
        and body["available"] == {"email": "电子邮件"}
    )
    assert api("verifier")("GET", "/api/me/notifications").get_json()["email"] == "verifier@yjj.example.cn"


def test_settings_refuse_wrong_types(api):
    for values in ({"channels": "email"}, {"digest": "yes"}, {"mobile": 12}, {"channels": ["fax"]}):
        response = choose(api, "clerk", **values)
        assert response.status_code == 422, values


def test_a_reminder_is_mailed_to_the_assignee(clock, index_case, api, session, smtp, user):
    choose(api, "verifier", email="verifier@yjj.example.cn", channels=["email"])
    case, task = index_case("CITY", -2 * DAY, claimed_by=user("verifier"))
    assert (
        api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {"message": "今天务必办结"}).status_code
        == 201
    )
    queued = session.scalars(
        select(OutboundMessage).where(OutboundMessage.user_id == user("verifier").id)
    ).all()
    assert [(m.channel, m.kind, m.status) for m in queued] == [("email", "reminder", "pending")]
    assert sending.send_due(session) == 1
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == ["verifier@yjj.example.cn"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "督办提醒" in mail["Subject"]
    assert "今天务必办结" in mail.get_content() and case.number in mail.get_content()
    session.refresh(queued[0])
    assert queued[0].status == "sent" and queued[0].sent_at is not None


def test_a_reassignment_goes_by_sms_through_the_gateway(
    clock, index_case, officer_factory, api, session, gateway
):
    other = officer_factory("verifier2", role="verifier")
    session.add(ContactSetting(user_id=other.id, mobile="13800138000", sms_on=True))
    session.commit()
    _case, task = index_case("CITY", DAY)
    response = api("supervisor")("POST", f"/api/tasks/{task.id}/reassign", {"to_user": "verifier2"})
    assert response.status_code == 200
    assert sending.send_due(session) == 1
    [request] = gateway.requests
    payload = json.loads(request["body"])
    assert payload["channel"] == "sms" and payload["to"] == "13800138000" and "改派给您" in payload["text"]
    expected = hmac.new(b"gateway-secret", request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Signature"] == expected


def test_users_without_a_channel_get_the_inbox_only(clock, index_case, api, session, smtp, user):
    _case, task = index_case("CITY", -DAY, claimed_by=user("verifier"))
    assert api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {}).status_code == 201
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_a_rolled_back_notice_sends_nothing(app, session, smtp, user):
    verifier = user("verifier")
    session.add(ContactSetting(user_id=verifier.id, email="v@yjj.example.cn", email_on=True))
    session.commit()
    session.add(Notification(bureau_id=verifier.bureau_id, user_id=verifier.id, kind="reminder", message="x"))
    session.flush()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_failures_are_retried_then_shown_for_an_administrator(
    clock, index_case, api, session, smtp, user, login, app
):
    choose(api, "verifier", email="verifier@yjj.example.cn", channels=["email"])
    _case, task = index_case("CITY", -DAY, claimed_by=user("verifier"))
    api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {})
    app.config["MAIL_PORT"] = 1  # nothing listens there
    message = session.scalar(select(OutboundMessage))
    at = message.next_attempt_at
    for _ in range(app.config["NOTIFY_MAX_ATTEMPTS"]):
        assert sending.send_due(session, at=at) == 0
        session.refresh(message)
        at = message.next_attempt_at + dt.timedelta(seconds=1)
    assert message.status == "failed" and message.attempts == app.config["NOTIFY_MAX_ATTEMPTS"]
    assert "邮件发送失败" in message.last_error
    page = login("admin").get("/supervisor/incidents").get_data(as_text=True)
    assert f'data-message="{message.id}"' in page and "重新发送" in page
    supervisor_page = login("supervisor").get("/supervisor/incidents").get_data(as_text=True)
    assert f'data-message="{message.id}"' in supervisor_page and "由所属机关系统管理员处理" in supervisor_page
    assert login("supervisor").post(f"/supervisor/incidents/messages/{message.id}/retry").status_code == 403
    app.config["MAIL_PORT"] = smtp.port
    login("admin").post(f"/supervisor/incidents/messages/{message.id}/retry")
    session.refresh(message)
    assert message.status == "pending" and message.attempts == 0
    assert sending.send_due(session) == 1 and len(smtp.messages) == 1
    again = api("admin")("POST", f"/api/admin/notifications/{message.id}/retry")
    assert again.status_code == 409


def test_the_daily_digest_lists_due_tasks_once_a_working_day(clock, index_case, session, smtp, user):
    verifier = user("verifier")
    session.add(ContactSetting(user_id=verifier.id, email="v@yjj.example.cn", email_on=True, digest_on=True))
    session.commit()
    overdue, _ = index_case("CITY", -DAY, claimed_by=verifier, subject="逾期主体")
    soon, _ = index_case(
        "CITY", dt.timedelta(hours=5), subject="将到期主体"
    )  # unclaimed, the verifier's role
    later, _ = index_case("CITY", 10 * DAY, claimed_by=verifier, subject="远期主体")
    session.commit()
    assert digest.queue_digests(session) == 1
    assert digest.queue_digests(session) == 0  # the same day again: nothing new
    session.commit()
    [message] = session.scalars(select(OutboundMessage)).all()
    assert message.kind == "digest" and "每日到期提醒" in message.subject
    assert "逾期主体" in message.body and "已逾期" in message.body
    assert "将到期主体" in message.body and "即将到期" in message.body
    assert "远期主体" not in message.body
    assert message.body.startswith("2026年3月9日，您有2项待办已逾期或即将到期")
    assert sending.send_due(session) == 1 and len(smtp.messages) == 1


def test_no_digest_before_the_hour_or_on_a_rest_day(clock, index_case, session, smtp, user):
    verifier = user("verifier")
    session.add(ContactSetting(user_id=verifier.id, email="v@yjj.example.cn", email_on=True))
    index_case("CITY", -DAY, claimed_by=verifier)
    session.commit()
    from tests.notify.conftest import MONDAY

    assert digest.queue_digests(session, at=MONDAY.replace(hour=7)) == 0
    assert digest.queue_digests(session, at=MONDAY - 1 * DAY) == 0  # Sunday
    assert digest.queue_digests(session, at=MONDAY.replace(hour=9)) == 1


def test_settings_page_shows_every_problem_and_keeps_what_was_typed(login, smtp):
    client = login("clerk")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "请选择接收方式" in page and "电子邮件" in page
    response = client.post(
        "/account/notifications", data={"email": "bad", "mobile": "123", "channels": ["email", "sms"]}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写正确的电子邮件地址" in text and "请填写11位手机号码" in text
    assert 'value="bad"' in text and 'value="123"' in text
    saved = client.post(
        "/account/notifications",
        data={"email": "clerk@yjj.example.cn", "channels": ["email"], "digest": "on"},
    )
    assert saved.status_code == 302
    assert 'value="clerk@yjj.example.cn"' in client.get("/account/notifications").get_data(as_text=True)
