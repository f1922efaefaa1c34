"""The supervisor console in a browser: the board, a reminder from it, the charts."""

from __future__ import annotations

from sqlalchemy import select

from app.cases.repair import start_repair
from app.extensions import db
from app.models import Case, EntryStatus, RegisterEntry, User


def _open_case(app) -> str:
    """A repair application waiting for acceptance review in the city bureau."""
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        busy = set(
            db.session.scalars(
                select(Case.register_entry_id).where(Case.process_key == "repair", Case.ended_at.is_(None))
            )
        )  # the demo's own applications are running already
        entry = next(
            e
            for e in db.session.scalars(
                select(RegisterEntry)
                .where(
                    RegisterEntry.bureau_id == clerk.bureau_id,
                    RegisterEntry.status == EntryStatus.LISTED,
                )
                .order_by(RegisterEntry.id)
            )
            if e.id not in busy
        )
        case = start_repair(
            db.session,
            clerk,
            {
                "listing_id": entry.id,
                "applicant": "代理人",
                "materials": ["申请书"],
                "commitment_given": True,
                "penalty_carried_out": True,
            },
        )
        db.session.commit()
        number = case.number
        db.session.remove()
    return number


def test_board_reminder_and_figures(page, login_page, live_server):
    number = _open_case(live_server["app"])
    login_page(page, "supervisor")
    page.click("nav.mainnav >> text=督办看板")
    row = page.locator("#board-table tr", has_text=number)
    row.locator("summary", has_text="督办提醒").click()
    row.locator("input[name=message]").fill("请今天受理")
    row.locator("button", has_text="发送").click()
    page.wait_for_selector(".flash.success")
    assert "已发送督办提醒" in page.inner_text(".flash.success")
    assert "督办提醒" in page.locator("#board-table tr", has_text=number).inner_text()

    login_page(page, "clerk")
    assert "请今天受理" in page.inner_text(".notices")

    login_page(page, "supervisor")
    page.goto("/supervisor/figures")
    page.wait_for_selector("[data-chart=listings_by_situation] canvas")
    assert page.locator("[data-chart] canvas").count() >= 3
    assert "每10分钟更新" in page.inner_text("#figures-freshness")  # when the figures were computed
    assert page.js_errors == []
