"""Demo data: a province, a city and a county bureau, one user per role in the city
and the county, and listed subjects (some listed over 12 months ago)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.calendar import workdays as cal
from app.clock import now
from app.domain.identifiers import make_credit_code
from app.domain.listing_rules import eligible_from, period_end
from app.domain.roles import ROLES
from app.models import Bureau, EntryStatus, RegisterEntry, User, UserRole
from app.register.documents import take_number
from app.register.proposals import start_management_case
from app.setup.demo_work import seed_work

DISPLAY = {
    "clerk": "王受理",
    "verifier": "李核查",
    "leader": "张局长",
    "publisher": "赵信息",
    "officer": "陈承办",
    "legal": "刘法制",
    "supervisor": "孙督办",
    "designer": "周设计",
    "admin": "吴管理",
}


def _user(
    session: Session, username: str, name: str, bureau: Bureau, roles: list[str], password: str
) -> User:
    user = User(
        username=username,
        display_name=name,
        bureau_id=bureau.id,
        password_hash="",
        must_change_password=False,  # demo accounts keep the announced demo password
    )
    user.set_password(password)
    user.role_rows = [UserRole(role=r) for r in roles]
    session.add(user)
    return user


def _contact(government: str, court: str, address: str, phone: str, person: str) -> dict:
    """Demo values of what documents print: remedies' bodies and the contact line."""
    return {
        "reconsideration_body": government,
        "court": court,
        "address": address,
        "phone": phone,
        "contact_person": person,
    }


def seed(session: Session, password: str, management_cases: bool = True) -> bool:
    """Create the demo data once; returns False if it is already there."""
    if session.scalar(select(Bureau.id).limit(1)) is not None:
        return False
    province = Bureau(
        code="PROV",
        name="示范省应急管理厅",
        level="province",
        doc_prefix="示省应急",
        **_contact(
            "示范省人民政府", "示范市中级人民法院", "示范市政务大道1号", "0571-87000001", "省厅政策法规处"
        ),
    )
    session.add(province)
    session.flush()
    city = Bureau(
        code="CITY",
        name="示范市应急管理局",
        level="city",
        doc_prefix="示市应急",
        parent_id=province.id,
        **_contact(
            "示范市人民政府", "示范市城南区人民法院", "示范市人民路88号", "0571-87001234", "法规科 陈明"
        ),
    )
    session.add(city)
    session.flush()
    county = Bureau(
        code="COUNTY",
        name="示范县应急管理局",
        level="county",
        doc_prefix="示县应急",
        parent_id=city.id,
        **_contact(
            "示范县人民政府", "示范县人民法院", "示范县城关镇建设路6号", "0571-86005678", "执法股 周强"
        ),
    )
    session.add(county)
    session.flush()
    for role in ROLES:
        _user(session, role, DISPLAY[role], city, [role], password)
        _user(session, f"county_{role}", "县" + DISPLAY[role], county, [role], password)
    _user(session, "province_supervisor", "省督办", province, ["supervisor"], password)
    today = clock.today()
    entries = [
        (city, "示范化工有限公司", "91330100MA2A0001", "ACC_CONCEAL", 30, "化工"),
        (city, "东港建筑工程有限公司", "91330100MA2A0002", "VIO_NO_LICENCE", 15, "建材"),
        (
            city,
            "安泰安全评价中心",
            "91330100MA2A0003",
            "VIO_INTERMEDIARY_FRAUD",
            20,
            "安全评价/认证/检测/检验机构",
        ),
        (city, "明远矿业有限公司", "91330100MA2A0004", "ACC_2PLUS_LARGER_12M", 6, "矿山"),
        (city, "新城烟花爆竹经营部", "91330100MA2A0005", "VIO_REFUSE_PENALTY", 3, "烟花爆竹"),
        (county, "县南冶金铸造厂", "91330122MA2B0001", "ACC_FINE_2X5X", 14, "冶金"),
        (county, "青山危险品运输有限公司", "91330122MA2B0002", "VIO_OTHER_SERIOUS", 8, "危险化学品"),
    ]
    for bureau, name, body, situation, months_ago, sector in entries:
        listed_on = cal.add_months(today, -months_ago)
        entry = RegisterEntry(
            bureau_id=bureau.id,
            subject_kind="institution" if "评价" in name else "unit",
            subject_name=name,
            credit_code=make_credit_code(body[:17].ljust(17, "0")),
            situation=situation,
            sector=sector,
            penalty_number=f"{bureau.doc_prefix}罚〔{listed_on.year}〕{len(name)}号",
            penalty_date=listed_on - dt.timedelta(days=20),
            penalty_carried_out=True,
            # The decision series' own form (as an import must be): numbering continues after it.
            decision_number=take_number(session, bureau, "decision", listed_on.year, months_ago),
            listed_on=listed_on,
            expires_on=period_end(listed_on),
            eligible_on=eligible_from(listed_on),
            origin="demo",
            measures=["key_inspection", "no_honours", "funding_restricted"],
            facts=f"{name}存在严重违法失信行为，依法列入严重失信主体名单。",
            status=EntryStatus.LISTED,
            published=True,
            published_at=now(),
        )
        session.add(entry)
        session.flush()
        if management_cases:
            # Decided before the system existed, like an imported listing: its case
            # runs the rest of the management period (inspections, eligibility, expiry).
            start_management_case(session, [entry], origin="import")
    if management_cases:
        seed_work(session)  # applications in progress: some overdue, one due soon
    return True
