"""The repair procedure clicked through in a real browser, one role after another."""

from __future__ import annotations

from playwright.sync_api import expect


def work_first_task(page, step_name: str, subject: str = "示范化工有限公司"):
    page.goto("/")
    # the demo has other applications in progress (some overdue, listed first)
    row = page.locator("#inbox-table tbody tr", has_text=step_name).filter(has_text=subject).first
    row.get_by_role("link", name="办理").click()
    page.wait_for_selector("#task-form")


def test_clerk_to_publisher_grant(page, login_page, shot):
    login_page(page, "clerk")
    page.goto("/cases/new/repair")
    option = page.locator("#pick option", has_text="示范化工有限公司").get_attribute("value")
    page.select_option("#pick", value=option)
    page.wait_for_selector(".eligibility")
    assert page.locator(".eligibility li.pass", has_text="列入满12个月").count() == 1
    page.fill("#f-applicant", "李四（代理人）")
    page.fill("#f-materials", "提前移出申请书\n信用承诺书\n整改报告")
    # the preview is the server's own check of the form as it stands (issue 12)
    carried_out = page.locator(".eligibility li", has_text="行政处罚已履行完毕")
    expect(carried_out).to_have_class("fail")
    page.check("input[name=commitment_given]")
    page.check("input[name=penalty_carried_out]")
    expect(carried_out).to_have_class("pass")
    page.uncheck("input[name=penalty_carried_out]")
    expect(carried_out).to_have_class("fail")
    page.check("input[name=penalty_carried_out]")
    expect(carried_out).to_have_class("pass")
    shot(page, "repair-01-new-application")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("text=已登记申请")
    case_url = page.url
    shot(page, "repair-02-case-page")

    # submitting the review without a conclusion is refused with a field message
    work_first_task(page, "受理审核")
    page.click("#task-form button[type=submit]")
    assert page.locator("[data-field=outcome] .field-error").inner_text().startswith("请选择")
    # fields the chosen outcome does not need stay out of the way
    page.check("input[name=outcome][value=supplement]")
    # (expect waits: under load the deferred script may show the fields a moment late)
    expect(page.locator("[data-field=missing_items]")).to_be_visible()
    expect(page.locator("[data-field=reasons]")).to_be_hidden()
    page.check("input[name=outcome][value=accept]")
    expect(page.locator("[data-field=missing_items]")).to_be_hidden()
    shot(page, "repair-03-acceptance-review")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=已办理")

    login_page(page, "verifier")
    work_first_task(page, "检查核实")
    page.fill("#f-findings", "现场核查，整改到位")
    page.check("input[name=onsite]")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=已办理")

    login_page(page, "leader")
    work_first_task(page, "作出决定")
    page.check("input[name=outcome][value=grant]")
    # an irreversible decision asks once more: dismissed, nothing is sent
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("#task-form button[type=submit]")
    assert messages and "不可撤回" in messages[0] and "准予提前移出" in messages[0]
    assert page.locator("#task-form").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=已办理")

    login_page(page, "publisher")
    page.goto("/")
    shot(page, "repair-04-publisher-inbox")
    work_first_task(page, "公示结果")
    page.check("input[name=served]")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=已办理")

    page.goto(case_url)
    shot(page, "repair-05-case-after-publication")
    assert page.locator("ol.timeline li").count() >= 6
    assert "已提前移出" in page.inner_text("body")

    page.context.clear_cookies()
    page.goto("/public/register")
    assert "示范化工有限公司" not in page.inner_text("#register")
    assert "东港建筑工程有限公司" in page.inner_text("#register")
    assert page.js_errors == []
