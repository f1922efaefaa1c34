"""Applicant accounts: created by the applicant, confirmed (or refused) by a clerk or an
administrator of a bureau that listed the subject.  Before confirmation an applicant
can do nothing but wait."""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import now
from app.domain.identifiers import credit_code_error, id_number_error, mask_id_number
from app.engine import audit
from app.errors import Forbidden, Invalid, NotFound
from app.models import ApplicantProfile, RegisterEntry, User

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
MIN_PASSWORD = 10
REVIEWER_ROLES = {"clerk", "admin"}


def password_problem(password) -> str | None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or len(password) > 128:
        return f"密码应为 {MIN_PASSWORD} 至 128 位"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码应同时包含字母和数字"
    return None


def subject_entries(session: Session, profile: ApplicantProfile) -> list[RegisterEntry]:
    """The register entries of the subject an account is bound to."""
    if profile.credit_code:
        where = RegisterEntry.credit_code == profile.credit_code
    else:
        where = (RegisterEntry.id_number_masked == profile.id_number_masked) & (
            RegisterEntry.subject_name == profile.subject_name
        )
    return list(session.scalars(select(RegisterEntry).where(where).order_by(RegisterEntry.id)))


def _check(session: Session, body: dict) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    username = body.get("username")
    if not isinstance(username, str) or not USERNAME.match(username):
        errors["username"] = "用户名应为 3 至 64 位字母、数字或 _ . -"
    elif session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = "该用户名已被使用"
    problem = password_problem(body.get("password"))
    if problem:
        errors["password"] = problem
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors["name"] = "请填写单位名称或姓名（200字以内）"
    code, number = body.get("credit_code"), body.get("id_number")
    subject: dict = {}
    if bool(code) == bool(number):
        errors["credit_code"] = "请填写统一社会信用代码（单位）或身份证号码（个人），二者选一"
    elif code:
        code = str(code).strip().upper()
        problem = credit_code_error(code)
        if problem:
            errors["credit_code"] = problem
        subject = {"subject_kind": "unit", "credit_code": code}
    else:
        number = str(number).strip().upper()
        problem = id_number_error(number)
        if problem:
            errors["id_number"] = problem
        subject = {"subject_kind": "person", "id_number_masked": mask_id_number(number)}
    return subject, errors


def register_account(session: Session, body: dict) -> ApplicantProfile:
    if not isinstance(body, dict):
        raise Invalid("提交的内容有误", {"data": "提交的数据应为对象"})
    subject, errors = _check(session, body)
    if errors:
        raise Invalid("提交的内容有误", errors)
    profile = ApplicantProfile(subject_name=body["name"].strip(), status="pending", **subject)
    entries = subject_entries(session, profile)
    if not entries:
        field = "credit_code" if profile.credit_code else "id_number"
        raise Invalid("提交的内容有误", {field: "严重失信主体名单中没有该主体，无需办理"})
    user = User(
        username=body["username"],
        display_name=profile.subject_name,
        bureau_id=entries[-1].bureau_id,  # the bureau that listed it most recently
        password_hash="",
        active=True,
        must_change_password=False,  # the applicant chose this password just now
    )
    user.set_password(body["password"])
    session.add(user)
    session.flush()
    profile.user_id = user.id
    session.add(profile)
    session.flush()
    return profile


def reviewable(session: Session, reviewer: User):
    """Pending accounts whose subject this reviewer's bureau has listed."""
    if not reviewer.roles & REVIEWER_ROLES:
        return []
    codes = select(RegisterEntry.credit_code).where(RegisterEntry.bureau_id == reviewer.bureau_id)
    # A masked ID number (e.g. 3701**********1234) is shared by many people: a person
    # matches only with the same name as well, as review() checks.
    person = (
        select(RegisterEntry.id)
        .where(
            RegisterEntry.bureau_id == reviewer.bureau_id,
            RegisterEntry.id_number_masked == ApplicantProfile.id_number_masked,
            RegisterEntry.subject_name == ApplicantProfile.subject_name,
        )
        .exists()
    )
    return list(
        session.scalars(
            select(ApplicantProfile)
            .where(
                ApplicantProfile.status == "pending",
                or_(ApplicantProfile.credit_code.in_(codes), person),
            )
            .order_by(ApplicantProfile.created_at)
            .limit(200)
        )
    )


def review(session: Session, reviewer: User, profile_id: int, approve: bool) -> ApplicantProfile:
    profile = session.get(ApplicantProfile, profile_id)
    if profile is None or not any(
        e.bureau_id == reviewer.bureau_id for e in subject_entries(session, profile)
    ):
        raise NotFound("账号申请不存在")
    if not reviewer.roles & REVIEWER_ROLES:
        raise Forbidden("只有受理窗口或系统管理员可以确认申请人账号")
    if profile.status != "pending":
        raise Invalid(f"该账号申请已{'确认' if profile.status == 'approved' else '退回'}，不能再次处理")
    profile.status = "approved" if approve else "rejected"
    profile.reviewed_by_id, profile.reviewed_at = reviewer.id, now()
    if not approve:
        profile.user.active = False
    audit(
        session,
        None,
        reviewer,
        "applicant_approved" if approve else "applicant_rejected",
        summary=f"{'确认' if approve else '退回'}申请人账号：{profile.subject_name}（{profile.user.username}）",
        data={"applicant_profile_id": profile.id},
    )
    session.flush()
    return profile


def approved_profile(user: User) -> ApplicantProfile:
    """The applicant's confirmed binding; the portal refuses everything before it."""
    profile = getattr(user, "applicant_profile", None)
    if profile is None:
        raise Forbidden("此账号不是申请人账号")
    if profile.status != "approved":
        raise Forbidden("账号尚待受理窗口确认，确认后才能办理")
    return profile
