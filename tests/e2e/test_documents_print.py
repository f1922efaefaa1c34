"""A document printed from the browser: the A4 sheet alone (no menu, no buttons),
the official layout, and one page of PDF for a short notice."""

from __future__ import annotations

from tests.e2e.test_repair_flow import work_first_task

SUBJECT = "安泰安全评价中心"  # no other browser test applies for it


def test_refusal_notice_prints_as_an_a4_document(page, login_page, shot):
    login_page(page, "clerk")
    page.goto("/cases/new/repair")
    option = page.locator("#pick option", has_text=SUBJECT).get_attribute("value")
    page.select_option("#pick", value=option)
    page.wait_for_selector(".eligibility")
    page.fill("#f-applicant", "安泰安全评价中心 王五")
    page.fill("#f-materials", "提前移出申请书\n信用承诺书")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("text=已登记申请")
    case_url = page.url

    work_first_task(page, "受理审核", subject=SUBJECT)
    page.check("input[name=outcome][value=refuse]")
    page.fill("#f-reasons", "申请材料中的整改报告未加盖单位公章，且未提交行政处罚履行完毕的证明")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=已办理")

    page.goto(case_url)
    row = page.locator("#case-documents tr", has_text="不予受理通知书")
    assert row.count() == 1 and "示市应急修不受〔" in row.inner_text()
    row.get_by_role("link", name="打印").click()
    page.wait_for_selector("#document")
    body = page.inner_text("#document")
    assert "本机关决定不予受理" in body and "示范市人民政府申请行政复议" in body
    assert "受送达人（签名或盖章）" in body and "联系电话：0571-87001234" in body
    shot(page, "document-01-screen")

    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.locator(".doc-tools").is_visible()
    width = page.evaluate("document.querySelector('#document').getBoundingClientRect().width")
    assert abs(width - 210 / 25.4 * 96) < 2  # 210 mm
    fonts = page.evaluate(
        "[getComputedStyle(document.querySelector('.doc-title')).fontFamily,"
        " getComputedStyle(document.querySelector('.doc-body p')).fontSize]"
    )
    assert fonts[0].strip('"').startswith("方正小标宋简体") and fonts[1] == "21.3333px"  # 16pt = 三号
    shot(page, "document-02-print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    assert page.js_errors == []
