"""The outside world in a real browser: an applicant signs up, the clerk confirms, the
applicant applies online; a member of the public sends a tip and looks it up."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Case, EntryStatus, RegisterEntry
from tests.e2e.site import open_page

APPLICANT_PASSWORD = "Online-apply-2026"


def _listed_city_entry(app) -> RegisterEntry:
    with app.app_context():
        entries = db.session.scalars(
            select(RegisterEntry)
            .where(RegisterEntry.status == EntryStatus.LISTED, RegisterEntry.credit_code.is_not(None))
            .order_by(RegisterEntry.id.desc())
        ).all()
        busy = set(
            db.session.scalars(
                select(Case.register_entry_id).where(Case.process_key == "repair", Case.ended_at.is_(None))
            )
        )  # the demo's own applications
        entry = next(e for e in entries if e.bureau.code == "CITY" and e.id not in busy)
        db.session.expunge(entry)
        db.session.remove()
        return entry


def test_applicant_signs_up_is_confirmed_and_applies(page, browser, live_server, login_page, shot):
    entry = _listed_city_entry(live_server["app"])
    page.goto("/portal/register")
    page.fill("#f-username", "e2e_applicant")
    page.fill("#f-password", APPLICANT_PASSWORD)
    page.fill("#f-name", entry.subject_name)
    page.fill("#f-credit_code", entry.credit_code)
    page.click("main form.task-form button.primary")
    page.wait_for_selector("text=注册已提交")

    login_page(page, "clerk")
    page.goto("/portal/reviews")
    row = page.locator("tr", has_text="e2e_applicant")
    shot(page, "portal-01-clerk-confirms")
    row.get_by_role("button", name="确认").click()
    page.wait_for_selector("text=已确认")

    login_page(page, "e2e_applicant", APPLICANT_PASSWORD)
    page.goto("/portal/")
    assert entry.decision_number in page.inner_text("main")
    page.get_by_role("link", name="申请提前移出（信用修复）").click()
    page.check(f"input[name=register_entry_id][value='{entry.id}']")
    page.fill("#f-materials", "提前移出申请书\n信用承诺书\n整改报告")
    page.check("input[name=penalty_carried_out]")
    page.check("input[name=commitment_given]")
    page.click("main form.task-form button.primary")
    page.wait_for_selector("text=申请已提交")
    page.wait_for_load_state("load")
    assert "信用修复" in page.inner_text("h1")
    assert "我的待办" not in page.inner_text("header")  # an applicant sees the portal's menu
    shot(page, "portal-02-case")
    assert not page.js_errors

    # an applicant who wanders into the officers' pages is sent back to the portal
    page.goto("/cases")
    assert page.url.endswith("/portal/")
    with open_page(browser, live_server["url"], width=390, height=844) as phone:
        login_page(phone, "e2e_applicant", APPLICANT_PASSWORD)
        phone.goto("/portal/")
        shot(phone, "portal-03-phone")


def test_public_tip_and_its_tracking_code(page, shot):
    page.goto("/public/tips/new")
    page.fill("#f-subject_name", "示范危化品仓储有限公司")
    page.fill("#f-description", "仓库内超量存放危险化学品，消防通道被堵")
    page.fill("#f-location", "示范市港口路12号")
    page.click("main form.task-form button.primary")
    code = page.inner_text("#tracking-code")
    assert code.startswith("JB")
    shot(page, "tip-01-submitted")
    page.get_by_role("link", name="查看办理进度").click()
    assert page.inner_text("#tip-status") == "已收到，正在审查"
    assert not page.js_errors
