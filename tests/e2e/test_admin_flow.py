"""Operable without a programmer, in a real browser: an administrator creates a role
(专家组) and a user holding it on the administration pages; a designer uploads a
draft of the tip process with a lane of that role and a new step; a second person
(the administrator) publishes it; the clerk starts a case from 发起; the new user
signs in, changes the initial password and completes the new step from the inbox.

Runs against its own server and database (it changes users, roles and the tip process)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from tests.e2e.site import open_page, serve_fresh_site, sign_in

ROOT = Path(__file__).resolve().parents[2]
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
INITIAL = "Chushi2026abc"
CHOSEN = "Ziji2026mima"

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve_fresh_site(tmp_path_factory.mktemp("admin-e2e"), "admin-e2e") as (url, app):
        yield url, app


@pytest.fixture()
def tab(browser, site):
    with open_page(browser, site[0]) as page:
        yield page


def b(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def tip_with_expert_step() -> bytes:
    """workflows/tip.bpmn with a lane 专家组 and a step 专家研判 before 登记审查."""
    root = etree.fromstring((ROOT / "workflows/tip.bpmn").read_bytes())
    process = root.find(b("process"))
    lane = etree.SubElement(process.find(b("laneSet")), b("lane"), id="lane_expert", name="专家组")
    etree.SubElement(lane, b("flowNodeRef")).text = "expert_review"
    first = process.find(f"{b('sequenceFlow')}[@id='flow_start_tip_to_register_tip']")
    first.set("targetRef", "expert_review")
    register = process.find(f"{b('userTask')}[@id='register_tip']")
    register.find(b("incoming")).text = "flow_expert_review_to_register_tip"
    task = etree.fromstring(
        f"""<bpmn:userTask xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" id="expert_review" name="专家研判">
      <bpmn:extensionElements>
        <camunda:properties><camunda:property name="step_kind" value="expert_review" /></camunda:properties>
        <camunda:formData><camunda:formField id="expert_opinion" label="研判意见" type="text">
          <camunda:validation><camunda:constraint name="required" /></camunda:validation>
        </camunda:formField></camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_start_tip_to_register_tip</bpmn:incoming>
      <bpmn:outgoing>flow_expert_review_to_register_tip</bpmn:outgoing>
    </bpmn:userTask>"""
    )
    register.addprevious(task)
    flow = etree.SubElement(
        process,
        b("sequenceFlow"),
        id="flow_expert_review_to_register_tip",
        sourceRef="expert_review",
        targetRef="register_tip",
    )
    first.addnext(flow)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_role_user_lane_publish_and_the_new_user_works_the_new_step(tab, browser, site, shot):
    url, app = site
    page = tab

    # 1. the administrator: a role, then a user holding it (pages only)
    sign_in(page, "admin")
    page.get_by_role("link", name="用户与机关").click()
    page.locator("nav.tabs").get_by_role("link", name="角色").click()
    page.fill("#new-role #f-name", "专家组")
    page.fill("#new-role #f-code", "expert")
    page.click("#new-role button[type=submit]")
    page.wait_for_selector('#role-list tr[data-code="expert"]')
    assert "已新增角色：专家组（expert）" in page.inner_text("main")
    shot(page, "admin-01-roles")

    page.locator("nav.tabs").get_by_role("link", name="机关").click()
    page.fill("#new-bureau #f-name", "示范二县应急管理局")
    page.fill("#new-bureau #f-code", "COUNTY2")
    page.click("#new-bureau button[type=submit]")
    page.wait_for_selector('#bureau-tree li[data-code="COUNTY2"]')
    shot(page, "admin-02-bureaus")

    page.locator("nav.tabs").get_by_role("link", name="用户", exact=True).click()
    page.fill("#new-user #f-username", "expert1")
    page.fill("#new-user #f-name", "钱专家")
    page.check('#new-user input[name=roles][value="expert"]')
    page.fill("#new-user #f-password", "short")
    page.click("#new-user button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert "密码至少" in page.inner_text("#error-summary")
    shot(page, "admin-03-user-field-errors")
    page.fill("#new-user #f-password", INITIAL)
    page.click("#new-user button[type=submit]")
    row = page.locator('#user-list tr[data-username="expert1"]')
    row.wait_for()
    assert "专家组" in row.inner_text() and "待修改初始密码" in row.inner_text()
    shot(page, "admin-04-users")
    row.get_by_role("link", name="expert1").click()
    page.wait_for_selector("#edit-user")
    shot(page, "admin-05-user-edit")
    assert page.js_errors == []

    # 2. the designer: a draft with the lane and the new step, uploaded on the process page
    sign_in(page, "designer")
    page.goto("/designer/processes/tip")
    page.set_input_files(
        "#upload-draft input[type=file]",
        {"name": "tip.bpmn", "mimeType": "application/xml", "buffer": tip_with_expert_step()},
    )
    page.fill("#upload-draft input[name=note]", "举报先经专家组研判")
    page.click("#upload-draft button")
    page.wait_for_url("**/edit")
    assert "请由管理员或另一位流程设计人员审核发布" in page.inner_text("main")
    number = page.url.removesuffix("/edit").rsplit("/", 1)[-1]

    # 3. a second person publishes
    sign_in(page, "admin")
    page.goto("/designer/processes/tip")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'#version-table tr[data-number="{number}"]').get_by_role("button", name="审核发布").click()
    page.wait_for_selector(f"text=第 {number} 版已发布")

    # 4. the clerk starts a tip from 发起 (its form drawn in the diagram)
    sign_in(page, "clerk")
    page.get_by_role("link", name="发起", exact=True).click()
    page.wait_for_selector("#start-list")
    shot(page, "start-01-list")
    page.locator('#start-list li[data-process="tip"] a').click()
    page.fill("#f-subject_name", "东港某化工厂")
    page.fill("#f-description", "夜间违规动火作业")
    page.fill("#f-location", "东港区临港路")
    shot(page, "start-02-form")
    page.click("#start-form button[type=submit]")
    page.wait_for_url("**/cases/*")
    assert "已发起“安全生产举报办理”" in page.inner_text("main") and "举报查询码 JB" in page.inner_text(
        "main"
    )

    # 5. the new user: first sign-in, own password, the new step from the inbox
    page.wait_for_load_state("networkidle")  # the case page's own requests end before the sign-out
    page.locator(".who").get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")
    page.goto("/login")
    page.fill("input[name=username]", "expert1")
    page.fill("input[name=password]", INITIAL)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/password")
    page.fill("input[name=current_password]", INITIAL)
    page.fill("input[name=new_password]", CHOSEN)
    page.fill("input[name=confirm]", CHOSEN)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    row = page.locator('#inbox-table tbody tr[data-step="expert_review"]', has_text="东港某化工厂")
    row.get_by_role("link", name="办理").click()
    page.wait_for_selector("#task-form")
    page.fill("#f-expert_opinion", "情况属实的可能性较大，建议受理后现场核查")
    shot(page, "start-03-expert-task")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.js_errors == []

    with app.app_context():
        from app.extensions import db
        from app.models import Case, TaskItem

        case = db.session.scalar(select(Case).where(Case.subject_name == "东港某化工厂"))
        steps = {t.step: t for t in db.session.scalars(select(TaskItem).where(TaskItem.case_id == case.id))}
        assert steps["expert_review"].completed_by.username == "expert1"
        assert steps["register_tip"].completed_at is None and steps["register_tip"].role == "clerk"

    # the pages on a phone
    with open_page(browser, url, width=390, height=844) as phone:
        sign_in(phone, "admin")
        for path, name in (
            ("/admin/users", "phone-admin-users"),
            ("/admin/bureaus", "phone-admin-bureaus"),
            ("/admin/roles", "phone-admin-roles"),
            ("/admin/users/import", "phone-admin-import"),
        ):
            phone.goto(path)
            shot(phone, name)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1, path
        sign_in(phone, "clerk")
        phone.goto("/start")
        shot(phone, "phone-start-list")
        assert phone.js_errors == []
