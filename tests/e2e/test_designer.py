"""The process designer in a real browser: change a timer, see the error on the
diagram, fix it, see the change against the published version, have a second
person publish it, and see the case diagram on a new case.

Runs against its own server and database (publishing changes the repair process
for every case started afterwards).  Skips without chromium or without the built
bundle (npm run build)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.site import open_page, serve_fresh_site, sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMER = "acceptance_review_deadline"

pytestmark = [
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="chromium is not installed"),
    pytest.mark.skipif(
        not (ROOT / "app/static/dist/designer.js").exists(),
        reason="front-end bundle not built (npm install && npm run build)",
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve_fresh_site(tmp_path_factory.mktemp("designer-e2e"), "designer-e2e") as (url, _app):
        yield url


@pytest.fixture()
def tab(browser, site):
    with open_page(browser, site, width=1500, height=950) as page:
        yield page


def set_timer(page, expression: str, via_problem_list: bool = False):
    if via_problem_list:  # the listed problem selects its element and brings it into view
        page.click(f'#problem-list li[data-element-id="{TIMER}"] .where')
    else:
        page.click(f'g.djs-element[data-element-id="{TIMER}"]')
    group = page.locator('[data-group-id="group-timer"]')
    if "open" not in (group.locator(".bio-properties-panel-group-header").get_attribute("class") or ""):
        group.locator(".bio-properties-panel-group-header").click()
    field = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    field.fill(expression)
    field.press("Tab")
    page.wait_for_timeout(600)  # the properties panel writes to the model after a short debounce


def save(page, outcome: str):
    page.click("#save-draft")
    page.wait_for_selector(f"#save-status.{outcome}")


def test_edit_timer_error_fix_diff_and_publish(tab, shot):
    page = tab
    sign_in(page, "designer")
    page.goto("/designer/")
    page.locator('#process-table tr[data-key="repair"]').get_by_role("link", name="编辑").click()
    page.wait_for_selector("#designer[data-ready=true]")
    assert page.locator(".bio-properties-panel").count() == 1

    set_timer(page, "working_days(")
    page.fill("#change-note", "受理审核期限改为5个工作日")
    save(page, "error")
    marked = page.locator(f'g.djs-element.has-problem[data-element-id="{TIMER}"]')
    assert marked.count() == 1
    assert (
        page.locator(f'#problem-list li[data-element-id="{TIMER}"]').inner_text().count("计时器表达式") == 1
    )
    assert page.locator(".problem-badge").count() == 1
    shot(page, "designer-01-error-highlighted")

    set_timer(page, "working_days(5)", via_problem_list=True)
    save(page, "success")
    assert page.locator("g.djs-element.has-problem").count() == 0
    assert page.locator("#problem-count").inner_text() == "0"
    saved_url = page.url
    page.click("#toggle-diff")
    change = page.locator(f'#change-list li.changed[data-element-id="{TIMER}"]')
    change.wait_for()
    assert "working_days(3) → working_days(5)" in change.inner_text()
    assert page.locator(f'g.djs-element.diff-changed[data-element-id="{TIMER}"]').count() == 1
    shot(page, "designer-02-fixed-with-diff")

    number = saved_url.removesuffix("/edit").rsplit("/", 1)[-1]
    page.goto("/designer/processes/repair")
    draft_row = page.locator(f'#version-table tr[data-number="{number}"]')
    assert "待他人审核发布" in draft_row.inner_text()

    page.goto(f"/designer/processes/repair/versions/{number}/diff")
    page.wait_for_selector("#diff[data-ready=true]")
    assert page.locator(f'#diff-right g.djs-element.diff-changed[data-element-id="{TIMER}"]').count() == 1
    shot(page, "designer-03-diff-page")

    sign_in(page, "admin")
    page.goto("/designer/processes/repair")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'#version-table tr[data-number="{number}"]').get_by_role("button", name="审核发布").click()
    page.wait_for_selector(f"text=第 {number} 版已发布")
    assert (
        page.locator(f'#version-table tr[data-number="{number}"]').get_attribute("data-state") == "published"
    )
    shot(page, "designer-04-published")
    assert page.js_errors == []


def test_case_page_shows_its_diagram_with_current_step(tab, shot):
    page = tab
    sign_in(page, "clerk")
    page.goto("/cases/new/repair")
    option = page.locator("#pick option", has_text="东港建筑工程有限公司").get_attribute("value")
    page.select_option("#pick", value=option)
    page.wait_for_selector(".eligibility")
    page.fill("#f-applicant", "王五（代理人）")
    page.fill("#f-materials", "提前移出申请书\n信用承诺书")
    page.check("input[name=commitment_given]")
    page.check("input[name=penalty_carried_out]")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("text=已登记申请")
    page.wait_for_selector("#case-diagram[data-ready=true]")
    current = page.locator('#case-diagram g.djs-element.step-current[data-element-id="acceptance_review"]')
    assert current.count() == 1
    assert (
        page.locator(
            '#case-diagram g.djs-element.step-waiting[data-element-id="acceptance_review_deadline"]'
        ).count()
        == 1
    )
    page.locator("#case-diagram").scroll_into_view_if_needed()
    shot(page, "designer-05-case-diagram")
    assert page.js_errors == []


def test_properties_panel_titles_are_chinese(tab):
    """The groups a designer opens on a task, a timer and a flow are titled in Chinese
    (English only inside brackets, naming what the diagram stores)."""
    import re

    page = tab
    sign_in(page, "designer")
    page.goto("/designer/")
    page.locator('#process-table tr[data-key="repair"]').get_by_role("link", name="编辑").click()
    page.wait_for_selector("#designer[data-ready=true]")
    for element in ("acceptance_review", TIMER, "gw_acceptance"):
        page.click(f'g.djs-element[data-element-id="{element}"]')
        page.wait_for_timeout(200)
        titles = page.locator(".bio-properties-panel-group-header-title").all_inner_texts()
        assert titles, element
        english = [t for t in titles if re.search(r"[A-Za-z]{3,}", re.sub(r"（[^）]*）", "", t))]
        assert english == [], (element, english)
    assert page.js_errors == []
