"""Attachments in a real browser: a file chosen on a task page goes up with the form, a
refused one is named while the good one stays 已上传, and the case page offers it for
download.  A county entry, so the city's browser tests keep theirs."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.site import open_page, sign_in

SUBJECT = "青山危险品运输有限公司"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_upload_on_a_task_page(page, login_page, shot, browser, live_server, tmp_path: Path):
    good = tmp_path / "营业执照复印件.pdf"
    good.write_bytes(PDF)
    bad = tmp_path / "说明.pdf"
    bad.write_bytes(b"MZ\x90\x00 this is no pdf")

    login_page(page, "county_clerk")
    page.goto("/cases/new/repair")
    option = page.locator("#pick option", has_text=SUBJECT).get_attribute("value")
    page.select_option("#pick", value=option)
    page.wait_for_selector(".eligibility")
    page.fill("#f-applicant", "王五（代理人）")
    page.fill("#f-materials", "提前移出申请书")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("text=已登记申请")
    case_url = page.url

    page.goto("/")
    page.locator("#inbox-table tbody tr", has_text="受理审核").filter(has_text=SUBJECT).first.get_by_role(
        "link", name="办理"
    ).click()
    page.check("input[name=outcome][value=supplement]")
    page.fill("#f-missing_items", "营业执照复印件")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=已办理")

    page.goto("/")
    page.locator("#inbox-table tbody tr", has_text="补正材料").filter(has_text=SUBJECT).first.get_by_role(
        "link", name="办理"
    ).click()
    page.wait_for_selector("#task-form")
    assert page.locator("#f-materials").get_attribute("maxlength") == "50000"
    page.check("input[name=materials_received]")
    page.fill("#f-materials", "营业执照复印件")
    page.set_input_files("#f-supplement_files", [str(good), str(bad)])
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert "“说明.pdf”不是可接受的文件" in page.inner_text("#error-summary")
    kept = page.locator("[data-field=supplement_files] label.uploaded")
    assert (
        "已上传：营业执照复印件.pdf" in "".join(kept.inner_text().split())
        and kept.locator("input").is_checked()
    )
    assert page.input_value("#f-materials") == "营业执照复印件"  # what was typed is still there
    shot(page, "attachments-01-task-refused-file")
    task_url = page.url
    with open_page(browser, live_server["url"], width=390, height=844) as phone:
        sign_in(phone, "county_clerk")
        phone.goto(task_url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        shot(phone, "attachments-02-task-phone")

    page.click("#task-form button[type=submit]")  # the stored file goes with the form
    page.wait_for_selector("text=已办理")
    page.goto(case_url)
    row = page.locator("#attachments tbody tr", has_text="营业执照复印件.pdf")
    assert "补正材料" in row.inner_text()
    assert "上传附件" in page.inner_text(".timeline")
    shot(page, "attachments-03-case-page")
    with page.expect_download() as info:
        row.get_by_role("link", name="营业执照复印件.pdf").click()
    assert info.value.suggested_filename == "营业执照复印件.pdf"
    assert Path(info.value.path()).read_bytes() == PDF
    assert page.js_errors == []
