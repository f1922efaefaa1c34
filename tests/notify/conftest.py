"""A real SMTP server on loopback (aiosmtpd) and a message gateway receiver, with the
app's mail and gateway settings pointed at them for one test."""

from __future__ import annotations

import socket

import pytest

from tests.partners.conftest import Receiver
from tests.supervision.conftest import MONDAY, bureau, clock, index_case, officer_factory  # noqa: F401

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in the test extras")

__all__ = ["MONDAY"]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp(app):
    """A running SMTP server; the app sends to it.  smtp.messages: what arrived."""
    inbox = Inbox()
    port = _free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SECURITY", "MAIL_FROM")}
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none", MAIL_FROM="noreply@yjj.example.cn"
    )
    inbox.port = port
    yield inbox
    controller.stop()
    app.config.update(saved)


@pytest.fixture()
def gateway(app):
    """The SMS gateway: a local HTTP receiver."""
    receiver = Receiver()
    saved = {k: app.config.get(k) for k in ("SMS_GATEWAY_URL", "SMS_GATEWAY_SECRET")}
    app.config.update(SMS_GATEWAY_URL=receiver.url, SMS_GATEWAY_SECRET="gateway-secret")
    yield receiver
    receiver.close()
    app.config.update(saved)
