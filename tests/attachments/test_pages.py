"""Files through the pages: a file field of a task form, the case page's upload box,
downloads limited to those who see the case, and a failed submit that keeps everything."""

from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.test import encode_multipart

from app.models import Attachment, AuditEvent, TaskItem
from tests.attachments.files import PDF, PNG, upload
from tests.helpers import entry_named, repair_data


def supplement_task(api, session, open_task):
    """A repair case waiting at 补正材料 (the clerk asked for missing items)."""
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    review = open_task(case_id, "acceptance_review")
    asked = api("clerk")(
        "POST",
        f"/api/tasks/{review.id}/complete",
        {"data": {"outcome": "supplement", "missing_items": ["营业执照复印件"]}},
    )
    assert asked.status_code == 200, asked.get_json()
    return case_id, open_task(case_id, "supplement")


def test_task_form_uploads_its_file_field_and_the_history_names_it(api, session, open_task, client, login):
    case_id, item = supplement_task(api, session, open_task)
    login("clerk")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="supplement_files"' in page
    response = client.post(
        f"/tasks/{item.id}",
        data={
            "materials_received": "on",
            "materials": "营业执照复印件",
            "supplement_files": [upload(PDF, "营业执照.pdf"), upload(PNG, "现场.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    files = session.scalars(select(Attachment).where(Attachment.case_id == case_id)).all()
    assert sorted(a.original_name for a in files) == ["现场.png", "营业执照.pdf"]
    assert {a.task_item_id for a in files} == {item.id} and {a.label for a in files} == {
        "补正材料（扫描件、照片）"
    }
    completed = session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "complete", AuditEvent.step == "supplement"
        )
    )
    assert [f["name"] for f in completed.data["supplement_files"]] == ["营业执照.pdf", "现场.png"]
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "上传附件：营业执照.pdf（补正材料（扫描件、照片））" in case_page
    assert "上传附件：上传附件" not in case_page
    assert "补正材料（扫描件、照片）</dt><dd>营业执照.pdf；现场.png" in case_page
    link = re.search(r'href="(/attachments/\d+)">营业执照.pdf', case_page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    download.close()
    task_page = client.get(f"/tasks/{open_task(case_id, 'acceptance_review').id}").get_data(as_text=True)
    assert "营业执照.pdf" in task_page  # listed on the next step's page too

    login("county_clerk")
    assert client.get(link).status_code == 404


def test_a_refused_file_keeps_the_others_and_everything_typed(api, session, open_task, client, login):
    case_id, item = supplement_task(api, session, open_task)
    login("clerk")
    page = client.post(
        f"/tasks/{item.id}",
        data={
            "materials_received": "on",
            "materials": "营业执照复印件\n整改报告",
            "supplement_files": [upload(PDF, "营业执照.pdf"), upload(b"MZ\x90", "virus.pdf")],
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "提交未成功" in page and "“virus.pdf”不是可接受的文件" in page
    assert "营业执照复印件\n整改报告</textarea>" in page
    kept = session.scalar(select(Attachment).where(Attachment.case_id == case_id))
    assert kept.original_name == "营业执照.pdf"
    assert f'name="supplement_files" value="{kept.id}" checked> 已上传' in page
    assert open_task(case_id, "supplement") is not None  # not completed

    # the page opened again still holds the stored file; sending its box back completes the step
    again = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert f'value="{kept.id}" checked> 已上传' in again
    response = client.post(
        f"/tasks/{item.id}",
        data={"materials_received": "on", "materials": "营业执照复印件", "supplement_files": str(kept.id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    step = session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.step == "supplement", AuditEvent.action == "complete"
        )
    )
    assert step.data["supplement_files"] == [{"id": kept.id, "name": "营业执照.pdf"}]


def test_a_file_id_of_another_case_is_refused(api, session, open_task, client, login):
    case_id, item = supplement_task(api, session, open_task)
    other = entry_named(session, "安泰安全评价中心")
    other_case = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(other.id)}
    ).get_json()["id"]
    login("clerk")
    client.post(
        f"/cases/{other_case}/attachments",
        data={"file": upload(PDF, "x.pdf")},
        content_type="multipart/form-data",
    )
    foreign = session.scalar(select(Attachment).where(Attachment.case_id == other_case))
    response = api("clerk")(
        "POST",
        f"/api/tasks/{item.id}/complete",
        {"data": {"materials_received": False, "supplement_files": [foreign.id]}},
    )
    assert response.status_code == 422
    assert "不属于本案" in response.get_json()["errors"]["supplement_files"]


def test_a_long_paste_is_refused_beside_its_field_with_every_value_kept(
    api, session, open_task, client, login
):
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    item = open_task(case_id, "acceptance_review")
    login("clerk")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'name="reasons" rows="4" maxlength="5000"' in page
    boundary, body = encode_multipart(  # in memory: the test client would spool 10 MB to a file
        {"outcome": "refuse", "reasons": "理由" + "长" * (10 * 1024 * 1024 // 3), "missing_items": "清单甲"}
    )
    response = client.post(
        f"/tasks/{item.id}", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "提交未成功" in text and "不能超过 5000 个字" in text
    assert 'value="refuse" checked' in text and "清单甲</textarea>" in text and "理由长长" in text
    assert open_task(case_id, "acceptance_review") is not None


def test_a_post_too_large_to_read_draws_the_form_again_with_its_files(
    api, session, open_task, client, login, app, monkeypatch
):
    case_id, item = supplement_task(api, session, open_task)
    login("clerk")
    client.post(
        f"/tasks/{item.id}",
        data={
            "materials_received": "on",
            "supplement_files": [upload(b"MZ", "bad.pdf"), upload(PDF, "a.pdf")],
        },
        content_type="multipart/form-data",
    )
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1000)
    monkeypatch.setitem(app.config, "FORM_FIELD_MAX_BYTES", 1000)
    response = client.post(
        f"/tasks/{item.id}",
        data={"materials_received": "on", "materials": "x" * 20_000},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "提交的内容过大" in text and 'id="task-form"' in text
    assert "已上传：<a" in text and "a.pdf" in text


def test_case_page_upload_box(api, session, client, login):
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    login("verifier")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'action="/cases/%d/attachments"' % case_id in page
    response = client.post(
        f"/cases/{case_id}/attachments",
        data={"label": "现场照片", "file": [upload(PNG, "现场1.png"), upload(PNG, "现场2.png")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "已上传 2 个附件" in text and "现场1.png" in text and "现场2.png" in text
    refused = client.post(
        f"/cases/{case_id}/attachments",
        data={"file": upload(b"hello", "a.txt")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "文件类型不被接受" in refused
    assert session.scalar(select(TaskItem).where(TaskItem.case_id == case_id)) is not None


def test_new_application_takes_its_materials(session, client, login):
    entry = entry_named(session, "安泰安全评价中心")
    login("clerk")
    response = client.post(
        "/cases/new/repair",
        data={
            "listing_id": entry.id,
            "applicant": "安泰法定代表人",
            "materials": "申请书",
            "channel": "counter",
            "application_files": upload(PDF, "提前移出申请书.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    case_id = int(re.search(r"/cases/(\d+)", response.headers["Location"]).group(1))
    stored = session.scalar(select(Attachment).where(Attachment.case_id == case_id))
    assert stored.original_name == "提前移出申请书.pdf" and stored.field == "application_files"
