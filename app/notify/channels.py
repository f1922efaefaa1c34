"""The senders, one per channel.  A channel is available when its settings are there.

E-mail goes through the standard library's SMTP client (smtplib, email): nothing
beyond it is needed for plain-text mail with STARTTLS or SMTPS.  SMS and 政务微信 are
sent through the bureau's own message gateway (each province runs its own), reached
by a signed JSON POST: {"channel", "to", "subject", "text"} with the HMAC-SHA256 of
the body in X-Signature, the same scheme as the webhooks to departments."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol

from flask import current_app

CHANNELS = {"email": "电子邮件", "sms": "短信", "wecom": "政务微信"}
MAX_RESPONSE_BYTES = 16 * 1024


class SendFailed(Exception):
    """The channel refused or could not be reached; the message is retried later."""


class Sender(Protocol):
    def send(self, to: str, subject: str, text: str) -> None: ...


class EmailSender:
    def __init__(self, config) -> None:
        self.host = config["MAIL_SERVER"]
        self.port = int(config.get("MAIL_PORT") or 25)
        self.security = (config.get("MAIL_SECURITY") or "starttls").lower()  # starttls | ssl | none
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.sender = config["MAIL_FROM"]
        self.sender_name = config.get("MAIL_FROM_NAME") or ""
        self.timeout = float(config.get("NOTIFY_TIMEOUT_SECONDS") or 10)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client

    def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = formataddr((self.sender_name, self.sender))
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(text)
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            raise SendFailed(f"邮件发送失败：{exc}") from exc


class GatewaySender:
    """SMS or 政务微信 through the bureau's message gateway."""

    def __init__(self, channel: str, url: str, secret: str, timeout: float) -> None:
        self.channel, self.url, self.secret, self.timeout = channel, url, secret, timeout

    def send(self, to: str, subject: str, text: str) -> None:
        body = json.dumps(
            {"channel": self.channel, "to": to, "subject": subject, "text": text}, ensure_ascii=False
        ).encode("utf-8")
        signature = hmac.new(self.secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "X-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as exc:
            raise SendFailed(f"消息网关返回 HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SendFailed(f"消息网关无法连接：{getattr(exc, 'reason', exc)}") from exc


def _gateway(channel: str, config) -> GatewaySender | None:
    prefix = "SMS" if channel == "sms" else "WECOM"
    url, secret = config.get(f"{prefix}_GATEWAY_URL"), config.get(f"{prefix}_GATEWAY_SECRET")
    if not (url and secret and url.startswith(("https://", "http://"))):
        return None
    return GatewaySender(channel, url, secret, float(config.get("NOTIFY_TIMEOUT_SECONDS") or 10))


def sender_for(channel: str, config=None) -> Sender | None:
    """The sender of a channel, or None when this deployment has not set it up."""
    config = config if config is not None else current_app.config
    if channel == "email":
        return EmailSender(config) if config.get("MAIL_SERVER") and config.get("MAIL_FROM") else None
    if channel in ("sms", "wecom"):
        return _gateway(channel, config)
    return None


def available(config=None) -> dict[str, str]:
    """Channel -> Chinese name, for the channels this deployment can send on."""
    return {code: name for code, name in CHANNELS.items() if sender_for(code, config) is not None}
