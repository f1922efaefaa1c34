"""Each user's addresses and chosen channels: read and change them, with the checks
that keep a message from being queued to nowhere."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from app.errors import Invalid
from app.models import ContactSetting, User
from app.notify import channels

EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers
WECOM_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
ADDRESS_OF = {"email": "email", "sms": "mobile", "wecom": "wecom_id"}
SWITCH_OF = {"email": "email_on", "sms": "sms_on", "wecom": "wecom_on"}


def setting_of(session: Session, user: User) -> ContactSetting:
    """The user's row, or an unsaved default (inbox only, digest on)."""
    return session.get(ContactSetting, user.id) or ContactSetting(
        user_id=user.id, email_on=False, sms_on=False, wecom_on=False, digest_on=True
    )


def as_dict(setting: ContactSetting) -> dict:
    return {
        "email": setting.email or "",
        "mobile": setting.mobile or "",
        "wecom_id": setting.wecom_id or "",
        "channels": [code for code, switch in SWITCH_OF.items() if getattr(setting, switch)],
        "digest": bool(setting.digest_on),
        "available": channels.available(),
    }


def _text(values: dict, key: str, pattern: re.Pattern, message: str, errors: dict) -> str | None:
    raw = values.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        errors[key] = message
        return None
    value = raw.strip()
    if value and not pattern.fullmatch(value):
        errors[key] = message
    return value or None


def update(session: Session, user: User, values: dict) -> ContactSetting:
    """Apply {email, mobile, wecom_id, channels: [...], digest} (each optional)."""
    errors: dict[str, str] = {}
    setting = setting_of(session, user)
    addresses = {
        "email": _text(values, "email", EMAIL, "请填写正确的电子邮件地址", errors),
        "mobile": _text(values, "mobile", MOBILE, "请填写11位手机号码", errors),
        "wecom_id": _text(values, "wecom_id", WECOM_ID, "政务微信账号只能包含字母、数字和 _ . @ -", errors),
    }
    chosen = values.get("channels")
    if chosen is not None and (not isinstance(chosen, list) or len(chosen) > len(SWITCH_OF)):
        errors["channels"] = "请选择接收方式"
        chosen = None
    usable = channels.available()
    if chosen is not None:
        for code in chosen:
            if code not in SWITCH_OF:
                errors["channels"] = f"未知的接收方式：{str(code)[:20]}"
            elif code not in usable:
                errors["channels"] = f"本系统尚未配置{channels.CHANNELS[code]}发送，暂不能选择"
    if "digest" in values and not isinstance(values["digest"], bool):
        errors["digest"] = "请选择是否接收每日到期提醒"
    if errors:
        raise Invalid("消息通知设置有误，请按提示修改", errors)
    for key, value in addresses.items():
        if key in values:
            setattr(setting, key, value)
    if chosen is not None:
        for code, switch in SWITCH_OF.items():
            setattr(setting, switch, code in chosen)
    for code, switch in SWITCH_OF.items():  # a channel on needs its address
        field = ADDRESS_OF[code]
        if getattr(setting, switch) and not getattr(setting, field):
            errors[field] = f"选择{channels.CHANNELS[code]}接收时，请填写{_FIELD_NAMES[field]}"
    if errors:
        raise Invalid("消息通知设置有误，请按提示修改", errors)
    if "digest" in values:
        setting.digest_on = values["digest"]
    session.add(setting)
    session.flush()
    return setting


_FIELD_NAMES = {"email": "电子邮件地址", "mobile": "手机号码", "wecom_id": "政务微信账号"}


def addresses_of(setting: ContactSetting | None, usable: dict[str, str]) -> list[tuple[str, str]]:
    """(channel, address) for each chosen, usable channel of a user."""
    if setting is None:
        return []
    return [
        (code, getattr(setting, ADDRESS_OF[code]))
        for code, switch in SWITCH_OF.items()
        if getattr(setting, switch) and code in usable and getattr(setting, ADDRESS_OF[code])
    ]
