"""Receiving a tip from the public: limits per address, a tracking code, and a case of
the published `tip` process (its start form says what a tip must contain)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import engine
from app.clock import now
from app.engine.errors import InvalidProcess
from app.errors import AppError, Invalid, NotFound
from app.models import Bureau, Case, TaskItem, Tip

PROCESS_KEY = "tip"
HONEYPOT = "website"  # a field people never see; robots fill it in
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


class TooMany(AppError):
    """Too many tips from one address within the hour (answered 429)."""

    retry_after = 3600


def client_hash(address: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, (address or "").encode("utf-8"), hashlib.sha256).hexdigest()


def new_tracking_code() -> str:
    return "JB" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def receiving_bureau(session: Session) -> Bureau:
    """The bureau whose hotline takes tips: the TIPS_BUREAU_CODE setting, else the first
    city-level bureau, else the first bureau."""
    code = current_app.config.get("TIPS_BUREAU_CODE")
    bureau = session.scalar(select(Bureau).where(Bureau.code == code)) if code else None
    bureau = bureau or session.scalar(select(Bureau).where(Bureau.level == "city").order_by(Bureau.id))
    bureau = bureau or session.scalar(select(Bureau).order_by(Bureau.id))
    if bureau is None:
        raise NotFound("系统尚未设置受理举报的机关")
    return bureau


def _check_rate(session: Session, hashed: str) -> None:
    limit = int(current_app.config.get("TIPS_PER_HOUR", 5))
    recent = session.scalar(
        select(func.count(Tip.id)).where(
            Tip.client_hash == hashed, Tip.created_at > now() - dt.timedelta(hours=1)
        )
    )
    if recent >= limit:
        raise TooMany("提交过于频繁，请一小时后再试；紧急情况请拨打 12350 安全生产举报热线")


def submit_tip(session: Session, submitted: dict, address: str) -> Tip | None:
    """Start a tip case; None when the honeypot was filled (nothing stored)."""
    if not isinstance(submitted, dict):
        raise Invalid("提交的内容有误", {"data": "提交的数据应为对象"})
    data = dict(submitted)
    if str(data.pop(HONEYPOT, "") or "").strip():
        return None
    hashed = client_hash(address)
    _check_rate(session, hashed)
    version = engine.published_version(session, PROCESS_KEY)
    if version is None:
        raise InvalidProcess("举报办理流程尚未部署")
    bureau = receiving_bureau(session)
    code = new_tracking_code()
    case = engine.start_case(
        session,
        version,
        data,
        None,
        bureau_id=bureau.id,
        subject_name=str(data.get("subject_name") or "")[:200],
        extra_data={"tracking_code": code},
        as_system=True,
    )
    tip = Tip(
        tracking_code=code,
        bureau_id=bureau.id,
        case_id=case.id,
        subject_name=case.subject_name,
        client_hash=hashed,
    )
    session.add(tip)
    session.flush()
    return tip


STATUS_LABELS = {
    "received": "已收到，正在审查",
    "processing": "已受理，正在核查",
    "replied": "已办结",
}


def tip_status(session: Session, code: str) -> dict:
    code = (code or "").strip().upper()
    tip = session.scalar(select(Tip).where(Tip.tracking_code == code)) if len(code) <= 16 else None
    if tip is None:
        raise NotFound("查询码不存在，请核对后重新输入")
    if tip.replied_at is not None:
        status = "replied"
    else:
        done = session.scalar(
            select(func.count(TaskItem.id)).where(
                TaskItem.case_id == tip.case_id, TaskItem.outcome == "completed"
            )
        )
        status = "processing" if done else "received"
    body = {
        "status": status,
        "status_label": STATUS_LABELS[status],
        "received_at": tip.created_at.isoformat(),
    }
    if status == "replied":
        body["reply"] = tip.reply
        body["replied_at"] = tip.replied_at.isoformat()
    return body


def register_hotline_tip(session: Session, actor, submitted: dict, process: str = PROCESS_KEY) -> Case:
    """A tip taken on the 12350 hotline or at the window, registered by the clerk of the
    actor's bureau (the start hook hotline_tip): a tracking code to read out, and the
    same Tip record as an online tip."""
    version = engine.published_version(session, process)
    if version is None:
        raise InvalidProcess("举报办理流程尚未部署")
    code = new_tracking_code()
    case = engine.start_case(
        session,
        version,
        submitted,
        actor,
        bureau_id=actor.bureau_id,
        subject_name=str(submitted.get("subject_name") or "")[:200],
        extra_data={"tracking_code": code},
    )
    session.add(
        Tip(
            tracking_code=code,
            bureau_id=actor.bureau_id,
            case_id=case.id,
            subject_name=case.subject_name,
            client_hash=client_hash(f"staff:{actor.id}"),
        )
    )
    session.flush()
    return case
