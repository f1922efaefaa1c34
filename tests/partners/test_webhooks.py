"""Register changes reach subscribed departments as signed webhooks, retried with
backoff; deliveries to internal addresses are refused unless allowed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest
from sqlalchemy import select

from app.clock import now, today
from app.models import Delivery, OutboundEvent
from app.partners.delivery import deliver_due


@pytest.fixture()
def allow_local(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    yield
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False


def _subscribe(api, organisation_id: int, url: str, events=("*",), admin="admin"):
    return api(admin)(
        "POST",
        "/api/admin/subscriptions",
        {"organisation_id": organisation_id, "url": url, "events": list(events)},
    )


def test_early_removal_is_delivered_signed_after_a_failed_try(
    api, session, organisation, receiver, listed_entry, allow_local
):
    org = organisation()
    response = _subscribe(api, org["id"], receiver.url)
    assert response.status_code == 201
    secret = response.get_json()["secret"]
    assert len(secret) == 64

    entry = listed_entry("CITY")
    entry.remove_early(today())
    session.commit()
    events = session.scalars(
        select(OutboundEvent).where(OutboundEvent.register_entry_id == entry.id).order_by(OutboundEvent.id)
    ).all()
    assert [e.kind for e in events] == ["published", "removed_early"]  # published when seeded
    event = events[-1]
    assert event.payload["entry"]["credit_code"] == entry.credit_code
    delivery = session.scalar(select(Delivery).where(Delivery.event_id == event.id))
    assert delivery.status == "pending"

    receiver.statuses = [500]
    assert deliver_due(session) == 0
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at > now() + dt.timedelta(seconds=20)
    assert deliver_due(session) == 0  # not due yet: backoff
    assert len(receiver.requests) == 1

    assert deliver_due(session, at=delivery.next_attempt_at + dt.timedelta(seconds=1)) == 1
    session.refresh(delivery)
    assert delivery.status == "delivered" and delivery.attempts == 2
    first, second = receiver.requests
    assert first["headers"]["X-Event-Id"] == second["headers"]["X-Event-Id"] == event.event_id
    expected = hmac.new(secret.encode(), second["body"], hashlib.sha256).hexdigest()
    assert second["headers"]["X-Signature"] == expected
    assert receiver.payloads()[1]["event"] == "removed_early"


def test_event_filter_and_scope(api, session, organisation, receiver, listed_entry, allow_local):
    city = organisation()
    county = organisation(admin="county_admin", name="示范县农村信用合作联社", kind="bank")
    assert _subscribe(api, city["id"], receiver.url, events=["withdrawn"]).status_code == 201
    assert _subscribe(api, county["id"], receiver.url, admin="county_admin").status_code == 201
    entry = listed_entry("CITY")
    entry.remove_early(today())
    session.commit()
    # the city bank wants only withdrawals; the county's bank does not see city entries
    assert session.scalars(select(Delivery)).all() == []
    kinds = session.scalars(select(OutboundEvent.kind).where(OutboundEvent.register_entry_id == entry.id))
    assert list(kinds) == ["published", "removed_early"]


def test_rolled_back_change_is_not_announced(session, listed_entry):
    entry = listed_entry("CITY")
    before = session.scalars(select(OutboundEvent.id)).all()
    nested = session.begin_nested()
    entry.remove_early(today())
    session.flush()
    nested.rollback()
    assert session.scalars(select(OutboundEvent.id)).all() == before


def test_internal_addresses_are_refused_by_default(api, session, organisation, receiver, listed_entry):
    org = organisation()
    assert _subscribe(api, org["id"], receiver.url).status_code == 201
    entry = listed_entry("CITY")
    entry.remove_early(today())
    session.commit()
    assert deliver_due(session) == 0
    delivery = session.scalars(select(Delivery)).one()
    assert "内部网络" in delivery.last_error
    assert receiver.requests == []


def test_failed_deliveries_are_marked_after_the_last_try(
    app, api, session, organisation, receiver, listed_entry, allow_local, login
):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    try:
        org = organisation()
        _subscribe(api, org["id"], receiver.url)
        entry = listed_entry("CITY")
        entry.remove_early(today())
        session.commit()
        receiver.statuses = [503, 503]
        deliver_due(session)
        deliver_due(session, at=now() + dt.timedelta(hours=1))
        delivery = session.scalars(select(Delivery)).one()
        assert (delivery.status, delivery.attempts) == ("failed", 2)
        listed = api("admin")("GET", "/api/admin/deliveries?status=failed").get_json()["deliveries"]
        assert [d["id"] for d in listed] == [delivery.id]
        # the supervisor's incident page shows it; the bureau's administrator sends it again
        page = login("supervisor").get("/supervisor/incidents").get_data(as_text=True)
        assert f'data-delivery="{delivery.id}"' in page and "HTTP 503" in page
        county = login("county_admin").post(f"/supervisor/incidents/deliveries/{delivery.id}/retry")
        assert county.status_code == 302
        session.refresh(delivery)
        assert delivery.status == "failed"  # a county administrator cannot act for the city
        login("admin").post(f"/supervisor/incidents/deliveries/{delivery.id}/retry")
        session.refresh(delivery)
        assert (delivery.status, delivery.attempts) == ("pending", 0)
        assert deliver_due(session, at=now() + dt.timedelta(hours=2)) == 1
    finally:
        app.config["WEBHOOK_MAX_ATTEMPTS"] = 8


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "ftp://example.cn/x", "events": ["*"]}, "url"),
        ({"url": "http://user:pw@example.cn/x", "events": ["*"]}, "url"),
        ({"url": "https://example.cn/" + "x" * 600, "events": ["*"]}, "url"),
        ({"url": "https://example.cn/x", "events": ["listed_somewhere"]}, "events"),
        ({"url": "https://example.cn/x", "events": []}, "events"),
        ({"url": "https://example.cn/x", "events": "*"}, "events"),
    ],
)
def test_bad_subscriptions_are_refused(api, session, organisation, body, field):
    org = organisation()
    response = api("admin")("POST", "/api/admin/subscriptions", {"organisation_id": org["id"], **body})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_another_bureaus_organisation_is_not_found(api, organisation):
    city = organisation()
    response = _subscribe(api, city["id"], "https://example.cn/hook", admin="county_admin")
    assert response.status_code == 404
